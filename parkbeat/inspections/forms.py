"""Inspection forms: planning, and the walk on a tablet (one block per checklist area, one row per item)."""
from django import forms
from django.utils.translation import gettext_lazy as _

from parkbeat.core.bounds import happened, plausible
from parkbeat.core.forms import BootstrapFormMixin, DateTimeInput
from parkbeat.core.permissions import AGENCY, LEADER, OFFICER, AUXILIARY
from parkbeat.core.widgets import ObjectChoiceField, PickerSelect
from parkbeat.enterprises.models import Enterprise
from parkbeat.inspections.models import InspectionResult
from parkbeat.org.models import Agency, User


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def police_of(park_ids):
    """The police who may lead an inspection in these parks: their officers and auxiliaries, and the leaders of
    their stations."""
    from django.db.models import Q

    from parkbeat.org.models import Park

    stations = Park.objects.filter(pk__in=park_ids).values("station_id")
    return User.objects.filter(is_active=True).filter(
        Q(role_assignments__role__in=[OFFICER, AUXILIARY], role_assignments__park_id__in=park_ids)
        | Q(role_assignments__role=LEADER, role_assignments__unit_id__in=stations)).distinct().order_by("full_name")


class InspectionPlanForm(BootstrapFormMixin, forms.Form):
    enterprise = ObjectChoiceField(label=_("Enterprise"), queryset=Enterprise.objects.none(),
                                   widget=PickerSelect(source="enterprise-list", detail_field="park_name",
                                                       placeholder=_("Type an enterprise name")))
    planned_on = forms.DateField(label=_("Planned for"), widget=DateInput(), validators=[plausible])
    led_by = forms.ModelChoiceField(label=_("Led by"), queryset=User.objects.none(), required=False,
                                    help_text=_("Leave empty to lead it yourself."))
    agencies = forms.ModelMultipleChoiceField(label=_("Partner agencies"), queryset=Agency.objects.none(),
                                              required=False, widget=forms.CheckboxSelectMultiple)
    agency_staff = forms.ModelMultipleChoiceField(label=_("Agency staff taking part"), queryset=User.objects.none(),
                                                  required=False, widget=forms.SelectMultiple(attrs={"size": 5}))
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, user, park_ids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = Enterprise.objects.visible_to(user, roles=(LEADER, OFFICER)).exclude(
            status=Enterprise.Status.CLOSED)
        self.fields["led_by"].queryset = police_of(park_ids)
        agencies = Agency.objects.filter(parks__in=park_ids).distinct().order_by("kind", "name")
        self.fields["agencies"].queryset = agencies
        self.fields["agency_staff"].queryset = User.objects.filter(
            is_active=True, role_assignments__role=AGENCY, role_assignments__agency__in=agencies).distinct()


class InspectionRecordForm(BootstrapFormMixin, forms.Form):
    """The walk: when, how long, and per item its outcome, a note and photos (fields `outcome_<item id>`,
    `note_<item id>`, `photos_<item id>`). An item left without an outcome was not covered."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    happened_at = forms.DateTimeField(label=_("Inspected at"), widget=DateTimeInput(), validators=[happened])
    duration_minutes = forms.IntegerField(label=_("Duration (minutes)"), min_value=1, max_value=24 * 60,
                                          required=False)
    summary = forms.CharField(label=_("Summary"), max_length=2000, required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))
    late_reason = forms.CharField(label=_("Why entered only now"), max_length=200, required=False,
                                  help_text=_("Needed when the inspection happened long ago."))

    OUTCOMES = [("", _("Not checked")), *InspectionResult.Outcome.choices]

    def __init__(self, *args, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.areas = areas
        for area in areas:
            for item in area.items.all():
                self.fields[f"outcome_{item.pk}"] = forms.ChoiceField(
                    label=item.text, choices=self.OUTCOMES, required=False, widget=forms.RadioSelect)
                self.fields[f"note_{item.pk}"] = forms.CharField(label=_("Note"), max_length=500, required=False)

    def blocks(self):
        """Per area: the area and, per item, its outcome and note fields (for the template)."""
        return [{"area": area, "rows": [{"item": item, "outcome": self[f"outcome_{item.pk}"],
                                         "note": self[f"note_{item.pk}"]} for item in area.items.all()]}
                for area in self.areas]

    def results(self):
        found = []
        for area in self.areas:
            for item in area.items.all():
                outcome = self.cleaned_data.get(f"outcome_{item.pk}")
                if outcome:
                    found.append({"item": item.pk, "outcome": outcome,
                                  "note": self.cleaned_data.get(f"note_{item.pk}", "")})
        return found


class CancelForm(BootstrapFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Why it is cancelled"), max_length=200)
