"""Crime forms: a lead, an observation, closing a lead, a case (on its own, from an incident or a lead), a key time,
a suspect, a note and the status. Each posts plainly and carries the version where it changes the record."""
from django import forms
from django.utils.translation import gettext_lazy as _

from parkbeat.core.bounds import happened
from parkbeat.core.forms import BootstrapFormMixin, DateTimeInput
from parkbeat.core.permissions import LEADER, OFFICER, POLICE
from parkbeat.crime.models import Case, Lead
from parkbeat.enterprises.models import Enterprise
from parkbeat.org.models import Agency, Park


class LeadForm(BootstrapFormMixin, forms.Form):
    park = forms.ModelChoiceField(label=_("Park"), queryset=Park.objects.none())
    area = forms.CharField(label=_("Area outside the park"), max_length=200, required=False,
                           help_text=_("e.g. a campus's surroundings (护校安园); empty: inside the park"))
    source = forms.ChoiceField(label=_("Source"), choices=Lead.Source.choices)
    description = forms.CharField(label=_("Lead description"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    agency = forms.ModelChoiceField(label=_("Worked jointly with"), queryset=Agency.objects.none(), required=False)
    received_at = forms.DateTimeField(label=_("Received at"), widget=DateTimeInput(), validators=[happened])
    late_reason = forms.CharField(label=_("Why entered only now"), max_length=200, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        parks = Park.objects.visible_to(user, roles=POLICE)
        self.fields["park"].queryset = parks
        self.fields["agency"].queryset = Agency.objects.filter(parks__in=parks).distinct().order_by("kind", "name")


class ObserveForm(BootstrapFormMixin, forms.Form):
    at = forms.DateTimeField(label=_("Observed at"), widget=DateTimeInput(), validators=[happened])
    note = forms.CharField(label=_("What was observed"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    late_reason = forms.CharField(label=_("Why entered only now"), max_length=200, required=False)


class CloseLeadForm(BootstrapFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Why the lead is closed"), max_length=500)


class CaseForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=Case.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=100)
    enterprise = forms.ModelChoiceField(label=_("Enterprise"), queryset=Enterprise.objects.none(), required=False)
    park = forms.ModelChoiceField(label=_("Park (a case at no enterprise)"), queryset=Park.objects.none(),
                                  required=False)
    area = forms.CharField(label=_("Area outside the park"), max_length=200, required=False)
    description = forms.CharField(label=_("Case summary"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    occurred_at = forms.DateTimeField(label=_("Occurred at"), widget=DateTimeInput(), validators=[happened])
    reported_at = forms.DateTimeField(label=_("Reported at"), widget=DateTimeInput(), validators=[happened])
    loss_yuan = forms.DecimalField(label=_("Loss (yuan)"), max_digits=12, decimal_places=2, required=False)
    loss_items = forms.CharField(label=_("Items lost"), max_length=500, required=False)
    cross_region = forms.BooleanField(label=_("Cross-region"), required=False)
    late_reason = forms.CharField(label=_("Why entered only now"), max_length=200, required=False)
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        roles = {LEADER, OFFICER}
        self.fields["enterprise"].queryset = Enterprise.objects.visible_to(user, roles=roles).order_by("name")
        self.fields["park"].queryset = Park.objects.visible_to(user, roles=roles)


class KeyTimeForm(BootstrapFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    kind = forms.ChoiceField(label=_("Kind of key time"), choices=[
        ("identified", _("Suspect identified")), ("arrested", _("Suspect arrested")),
        ("recovered", _("Property recovered"))])
    at = forms.DateTimeField(label=_("At"), widget=DateTimeInput(), validators=[happened])
    recovered_yuan = forms.DecimalField(label=_("Value recovered (yuan)"), max_digits=12, decimal_places=2,
                                        required=False)
    cross_region = forms.BooleanField(label=_("Recovered across regions"), required=False)
    note = forms.CharField(label=_("Note"), max_length=2000, required=False)
    late_reason = forms.CharField(label=_("Why entered only now"), max_length=200, required=False)


class SuspectForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=50)
    resident_id = forms.CharField(label=_("Resident ID (optional)"), max_length=18, required=False)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class CaseNoteForm(BootstrapFormMixin, forms.Form):
    at = forms.DateTimeField(label=_("At"), widget=DateTimeInput(), validators=[happened])
    note = forms.CharField(label=_("Investigation note"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class TransitionForm(BootstrapFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(choices=[("solved", _("Solved")), ("closed", _("Closed"))], widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason (required to close)"), max_length=500, required=False)


class CaseEditForm(BootstrapFormMixin, forms.Form):
    """The case's details (crime.services.case_update), with the version loaded: a stale save is a form error."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    kind = forms.ChoiceField(label=_("Type"), choices=Case.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=100)
    enterprise = forms.ModelChoiceField(label=_("Enterprise"), queryset=Enterprise.objects.none(), required=False)
    area = forms.CharField(label=_("Area outside the park"), max_length=200, required=False)
    description = forms.CharField(label=_("Case summary"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    occurred_at = forms.DateTimeField(label=_("Occurred at"), widget=DateTimeInput(), validators=[happened])
    reported_at = forms.DateTimeField(label=_("Reported at"), widget=DateTimeInput(), validators=[happened])
    loss_yuan = forms.DecimalField(label=_("Loss (yuan)"), max_digits=12, decimal_places=2, required=False,
                                   min_value=0)
    loss_items = forms.CharField(label=_("Items lost"), max_length=500, required=False)
    cross_region = forms.BooleanField(label=_("Cross-region"), required=False)
    late_reason = forms.CharField(label=_("Why entered only now"), max_length=200, required=False,
                                  help_text=_("Needed when the report time moves back more than the back-entry window."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = Enterprise.objects.visible_to(user, roles={LEADER, OFFICER}).order_by(
            "name")

    def field_data(self):
        return {name: value for name, value in self.cleaned_data.items() if name not in ("version", "late_reason")}


class LeadAgencyForm(BootstrapFormMixin, forms.Form):
    """The partner agency working the lead jointly (its staff then see the lead), or none."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    agency = forms.ModelChoiceField(label=_("Worked jointly with"), queryset=Agency.objects.none(), required=False,
                                    help_text=_("The agency's staff see this lead; the previous agency's no longer."))

    def __init__(self, *args, park, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.filter(parks=park).order_by("kind", "name")
