from django import forms
from django.utils.translation import gettext_lazy as _

from parkbeat.core.forms import BootstrapFormMixin, DateTimeInput, VersionedModelForm
from parkbeat.core.personal import keep_masked_on_edit
from parkbeat.core.bounds import happened, plausible
from parkbeat.enterprises.models import (WEEKDAYS, Demand, Enterprise, KeyRiskCategory, Liaison, Visit,
                                         validate_production_hours)
from parkbeat.org.models import Park, User


WEEKDAY_ALIASES = {
    **{day: day for day in WEEKDAYS},
    "周一": "mon", "周二": "tue", "周三": "wed", "周四": "thu", "周五": "fri", "周六": "sat", "周日": "sun", "周天": "sun",
}


class ProductionHoursField(forms.CharField):
    """The weekly timetable as text, one day a line: `mon 08:00-12:00, 13:30-17:30` (or 周一 …)."""

    widget = forms.Textarea(attrs={"rows": 4, "placeholder": "周一 08:00-12:00, 13:30-17:30"})

    def prepare_value(self, value):
        if isinstance(value, dict):
            return "\n".join(f"{day} " + ", ".join(f"{a}-{b}" for a, b in periods)
                             for day, periods in value.items())
        return value

    def to_python(self, value):
        text = super().to_python(value)
        timetable = {}
        for number, line in enumerate(filter(None, (line.strip() for line in text.splitlines())), start=1):
            head, _sep, rest = line.partition(" ")
            day = WEEKDAY_ALIASES.get(head.strip().lower())
            if day is None:
                raise forms.ValidationError(_("Line %(n)s: start with a weekday (mon…sun or 周一…周日).") % {"n": number})
            periods = []
            for chunk in filter(None, (c.strip() for c in rest.replace("，", ",").split(","))):
                start, _dash, end = chunk.partition("-")
                periods.append([start.strip(), end.strip()])
            timetable[day] = periods
        try:
            validate_production_hours(timetable)
        except forms.ValidationError as exc:
            raise forms.ValidationError(exc.messages) from None
        return timetable


class EnterpriseForm(VersionedModelForm):
    production_hours = ProductionHoursField(label=_("Production hours"), required=False,
                                            help_text=_("One day a line, e.g. “周一 08:00-12:00, 13:30-17:30”; a "
                                                        "night shift into the next morning as “周五 22:00-06:00”."))

    class Meta:
        model = Enterprise
        # Key status is not edited here: it changes by designation (DesignationForm), with its history.
        fields = ["name", "credit_code", "park", "address", "industry", "headcount", "lon", "lat",
                  "status", "production_hours"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["park"].queryset = Park.objects.visible_to(user, roles=("station_leader", "park_officer",
                                                                             "auxiliary"))


class LiaisonForm(VersionedModelForm):
    class Meta:
        model = Liaison
        fields = ["kind", "name", "title", "mobile", "user"]
        help_texts = {"user": _("Only accounts holding the liaison role for this enterprise can be linked.")}

    def __init__(self, *args, enterprise, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = User.objects.filter(
            is_active=True, role_assignments__role="liaison", role_assignments__enterprise=enterprise)
        # Part B (D2): the stored mobile never goes back to the browser; left empty, it is kept.
        keep_masked_on_edit(self, "mobile", self.instance.mobile)

    def clean_mobile(self):
        return self.cleaned_data.get("mobile") or self.instance.mobile


class VisitForm(VersionedModelForm):
    demand_category = forms.ChoiceField(label=_("Demand raised (optional)"), required=False,
                                        choices=[("", _("— none —")), *Demand.Category.choices])
    demand_content = forms.CharField(label=_("Demand content"), required=False,
                                     widget=forms.Textarea(attrs={"rows": 2}))

    class Meta:
        model = Visit
        fields = ["visited_at", "met_with", "companions", "findings"]
        widgets = {"visited_at": DateTimeInput(), "findings": forms.Textarea(attrs={"rows": 3})}

    def clean(self):
        cleaned = super().clean()
        if "demand_category" in self.fields and (
                bool(cleaned.get("demand_category")) != bool((cleaned.get("demand_content") or "").strip())):
            raise forms.ValidationError(_("For a demand, give both its category and its content."))
        return cleaned

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:  # demands are raised when the visit is recorded, not when it is edited
            del self.fields["demand_category"], self.fields["demand_content"]

    def demands(self):
        if "demand_category" in self.fields and self.cleaned_data.get("demand_category"):
            return [{"category": self.cleaned_data["demand_category"],
                     "content": self.cleaned_data["demand_content"].strip()}]
        return []


class DemandForm(VersionedModelForm):
    class Meta:
        model = Demand
        fields = ["category", "content", "due_at"]
        widgets = {"due_at": DateTimeInput(), "content": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"due_at": _("Leave empty for the default of 7 days.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["due_at"].required = False


class DemandActionForm(BootstrapFormMixin, forms.Form):
    action = forms.ChoiceField(choices=[("start", "start"), ("answer", "answer"), ("close", "close"),
                                        ("reopen", "reopen")])
    version = forms.IntegerField(widget=forms.HiddenInput)
    answer = forms.CharField(label=_("Answer"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class DemandAssignForm(BootstrapFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    assignee = forms.ModelChoiceField(label=_("Assignee"), queryset=User.objects.none())

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = candidates


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DesignationForm(BootstrapFormMixin, forms.Form):
    """Designate a key enterprise, or change its designation (the current one then ends)."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    risk_category = forms.ChoiceField(label=_("Risk category"), choices=KeyRiskCategory.choices)
    reason = forms.CharField(label=_("Reason for key status"), max_length=200)
    starts_on = forms.DateField(label=_("Key from"), required=False, widget=DateInput(), validators=[happened],
                                help_text=_("Leave empty for today."))
    review_on = forms.DateField(label=_("Review by"), required=False, widget=DateInput(), validators=[plausible])


class UndesignationForm(BootstrapFormMixin, forms.Form):
    """End the current designation: the enterprise is no longer a key enterprise."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Why it ends"), max_length=200)
    ended_on = forms.DateField(label=_("Ended on"), required=False, widget=DateInput(), validators=[happened],
                               help_text=_("Leave empty for today."))
