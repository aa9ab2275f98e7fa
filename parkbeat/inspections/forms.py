"""Inspection forms: planning, and the walk on a tablet (one block per checklist area, one row per item)."""
from django import forms
from django.utils.translation import gettext_lazy as _

from parkbeat.core.bounds import happened, plausible
from parkbeat.core.forms import BootstrapFormMixin, DateTimeInput
from parkbeat.core.permissions import AGENCY, LEADER, OFFICER, AUXILIARY
from parkbeat.core.widgets import ObjectChoiceField, PickerSelect, PickerSelectMultiple
from parkbeat.enterprises.models import Enterprise, KeyRiskCategory
from parkbeat.inspections.models import AreaKind, InspectionResult
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
    campaign = forms.ModelChoiceField(label=_("Special campaign"), queryset=User.objects.none(), required=False,
                                      help_text=_("When the inspection is one of a campaign's."))

    def __init__(self, *args, user, park_ids, **kwargs):
        super().__init__(*args, **kwargs)
        from django.utils import timezone

        from parkbeat.inspections.models import Campaign

        self.fields["campaign"].queryset = Campaign.objects.visible_to(user, roles=(LEADER, OFFICER)).filter(
            ends_on__gte=timezone.localdate()).order_by("ends_on", "id")
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


# ---------------------------------------------------------------- key dates and campaigns
class KeyDateForm(BootstrapFormMixin, forms.Form):
    """A key date: the scope (one park, or every park of a station the user leads) only when adding."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(label=_("Name"), max_length=100, help_text=_("A holiday or a major event, e.g. 春节."))
    day = forms.DateField(label=_("Date"), widget=DateInput(), validators=[plausible])
    window_days = forms.IntegerField(label=_("Window (days before)"), min_value=1, max_value=90, initial=14,
                                     help_text=_("Each key enterprise needs a full-coverage inspection within "
                                                 "this many days before the date."))
    scope = forms.ChoiceField(label=_("Applies to"))
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, user, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["scope"]
            return
        from parkbeat.core.scoping import access_for
        from parkbeat.org.models import Park

        access = access_for(user)
        led = Park.objects.filter(pk__in=sorted(access.park_ids({LEADER}))).select_related("station")
        stations = {park.station_id: park.station for park in led}
        parks = Park.objects.filter(pk__in=sorted(access.park_ids({LEADER, OFFICER}))).only("id", "name")
        self.fields["scope"].choices = [
            *[(f"station:{pk}", _("Every park of %(station)s") % {"station": station.name})
              for pk, station in sorted(stations.items(), key=lambda kv: kv[1].name)],
            *[(f"park:{park.pk}", park.name) for park in parks.order_by("name")]]
        self.stations, self.parks = stations, {park.pk: park for park in parks}

    def clean_scope(self):
        kind, _sep, pk = self.cleaned_data["scope"].partition(":")
        return kind, int(pk)

    def station_and_park(self):
        from parkbeat.org.models import OrgUnit, Park

        kind, pk = self.cleaned_data["scope"]
        if kind == "station":
            return OrgUnit.objects.get(pk=pk), None
        park = Park.objects.select_related("station").get(pk=pk)
        return park.station, park


class CampaignForm(BootstrapFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    theme = forms.CharField(label=_("Theme"), max_length=100, help_text=_("e.g. 夏季消防专项"))
    starts_on = forms.DateField(label=_("Starts on"), widget=DateInput(), validators=[plausible])
    ends_on = forms.DateField(label=_("Ends on"), widget=DateInput(), validators=[plausible])
    enterprises = forms.ModelMultipleChoiceField(label=_("Enterprises"), queryset=Enterprise.objects.none(),
                                                 required=False, widget=PickerSelectMultiple(
                                                     source="enterprise-list", detail_field="park_name",
                                                     placeholder=_("Type an enterprise name")))
    parks = forms.ModelMultipleChoiceField(label=_("Every enterprise of these parks"), required=False,
                                           queryset=Enterprise.objects.none(), widget=forms.CheckboxSelectMultiple)
    risk_categories = forms.MultipleChoiceField(label=_("Only these risk categories"), required=False,
                                                choices=KeyRiskCategory.choices, widget=forms.CheckboxSelectMultiple,
                                                help_text=_("With the parks above: only their enterprises of these "
                                                            "risk categories."))
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from parkbeat.org.models import Park

        self.fields["enterprises"].queryset = (Enterprise.objects.visible_to(user, roles=(LEADER, OFFICER))
                                               .exclude(status=Enterprise.Status.CLOSED).order_by("park_id", "name"))
        self.fields["parks"].queryset = Park.objects.visible_to(user, roles=(LEADER, OFFICER)).only(
            "id", "name").order_by("name")

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("The campaign ends on or after its start."))
        return data


# ---------------------------------------------------------------- edit pages
class InspectionChangeForm(InspectionPlanForm):
    """A planned inspection's day, leader, agencies, their staff, note and campaign (not its enterprise)."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, current_campaign=None, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["enterprise"]
        self.fields["led_by"].required = True
        self.fields["led_by"].help_text = ""
        if current_campaign is not None:  # an ended campaign stays choosable, so an edit does not unlink it
            field = self.fields["campaign"]
            field.queryset = (field.queryset | type(current_campaign).objects.filter(pk=current_campaign.pk)
                              ).distinct().order_by("ends_on", "id")


class ChecklistForm(BootstrapFormMixin, forms.Form):
    """A checklist's own fields (its content is in versions)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(label=_("Name"), max_length=100)
    industry = forms.ChoiceField(label=_("Industry"), required=False)
    risk_category = forms.ChoiceField(label=_("Risk category"), required=False)
    description = forms.CharField(label=_("Checklist note"), max_length=200, required=False)
    is_active = forms.BooleanField(label=_("In use"), required=False, initial=True,
                                   help_text=_("A checklist not in use is not offered for new inspections."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from parkbeat.enterprises.models import Industry

        self.fields["industry"].choices = [("", _("Any industry")), *Industry.choices]
        self.fields["risk_category"].choices = [("", _("Any risk category")), *KeyRiskCategory.choices]


class AreaForm(BootstrapFormMixin, forms.Form):
    """One area of a version in the editor: its kind, name, whether required, and its items one per line."""

    kind = forms.ChoiceField(label=_("Kind"), choices=[("", "---------"), *AreaKind.choices], required=False)
    name = forms.CharField(label=_("Area"), max_length=100, required=False)
    required = forms.BooleanField(label=_("Required for full coverage"), required=False, initial=True)
    items = forms.CharField(label=_("Items, one per line"), required=False,
                            widget=forms.Textarea(attrs={"rows": 4}))

    def clean(self):
        data = super().clean()
        lines = [line.strip() for line in (data.get("items") or "").splitlines() if line.strip()]
        if any(data.get(k) for k in ("kind", "name")) or lines:
            if not data.get("kind"):
                self.add_error("kind", _("Choose its kind."))
            if not data.get("name"):
                self.add_error("name", _("Give the area a name."))
            if not lines:
                self.add_error("items", _("Give at least one item."))
        data["lines"] = lines
        return data

    def area(self):
        data = self.cleaned_data
        if not data.get("name") and not data.get("lines"):
            return None
        return {"kind": data["kind"], "name": data["name"], "required": data.get("required", False),
                "items": data["lines"]}


AreaFormSet = forms.formset_factory(AreaForm, extra=2, max_num=30, absolute_max=30, validate_max=True)


def area_initial(areas):
    """The editor's rows for existing areas (each with its items)."""
    return [{"kind": a.kind, "name": a.name, "required": a.required,
             "items": "\n".join(item.text for item in a.items.all())} for a in areas]


class VersionNoteForm(BootstrapFormMixin, forms.Form):
    note = forms.CharField(label=_("What changed"), max_length=200, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)  # the checklist's, when editing a version
