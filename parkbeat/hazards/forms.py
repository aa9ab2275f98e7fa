"""Hazard forms: registering one (from an inspection item, an incident or on its own), evidence, review, follow-up,
referral. Each posts plainly (no script needed) and carries the version the user loaded where it changes the hazard."""
from django import forms
from django.utils.translation import gettext_lazy as _

from parkbeat.core.bounds import happened, plausible
from parkbeat.core.forms import BootstrapFormMixin, DateTimeInput
from parkbeat.core.permissions import POLICE
from parkbeat.core.personal import validate_mobile
from parkbeat.core.widgets import ObjectChoiceField, PickerSelect
from parkbeat.enterprises.models import Enterprise
from parkbeat.hazards.models import Hazard
from parkbeat.org.models import Agency


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class EvidenceField(forms.FileField):
    """A list of uploads (photos or PDFs); each is checked by content and size in files.services."""

    widget = MultipleFileInput(attrs={"accept": "image/*,application/pdf", "multiple": True})

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class HazardForm(BootstrapFormMixin, forms.Form):
    enterprise = ObjectChoiceField(label=_("Enterprise"), queryset=Enterprise.objects.none(), required=False,
                                   widget=PickerSelect(source="enterprise-list", detail_field="park_name",
                                                       placeholder=_("Type an enterprise name")))
    severity = forms.ChoiceField(label=_("Severity"), choices=Hazard.Severity.choices, initial="general")
    description = forms.CharField(label=_("Hazard description"), max_length=2000,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    location = forms.CharField(label=_("Location"), max_length=200, required=False)
    found_at = forms.DateTimeField(label=_("Found at"), widget=DateTimeInput(), validators=[happened])
    late_reason = forms.CharField(label=_("Why entered only now"), max_length=200, required=False,
                                  help_text=_("Needed when it was found long ago."))
    disposition = forms.ChoiceField(label=_("Disposition"), choices=[("", _("Choose…")),
                                                                     *Hazard.Disposition.choices])
    deadline = forms.DateField(label=_("Rectify by"), widget=DateInput(), required=False, validators=[plausible],
                               help_text=_("For a hazard under a deadline: not in the past."))
    responsible_name = forms.CharField(label=_("Person responsible at the enterprise"), max_length=50,
                                       required=False)
    responsible_mobile = forms.CharField(label=_("Their mobile"), max_length=11, required=False,
                                         validators=[validate_mobile])
    evidence = EvidenceField(label=_("Evidence of the fix (photos or PDF)"), required=False,
                             help_text=_("Needed for a hazard fixed on the spot."))
    evidence_note = forms.CharField(label=_("Note on the evidence"), max_length=500, required=False)

    def __init__(self, *args, user, fixed_enterprise=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = Enterprise.objects.visible_to(user, roles=POLICE).exclude(
            status=Enterprise.Status.CLOSED)
        if fixed_enterprise is not None:  # from an inspection item: the inspected enterprise, not a choice
            del self.fields["enterprise"]


class EvidenceForm(BootstrapFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    files = EvidenceField(label=_("Photos or PDF of the fix"))
    note = forms.CharField(label=_("What was done"), max_length=500, required=False)


class ReviewForm(BootstrapFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(choices=[("accept", _("Accept and strike off")), ("reject", _("Reject"))],
                                 widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason (required to reject)"), max_length=500, required=False)
    new_deadline = forms.DateField(label=_("New deadline (optional)"), widget=DateInput(), required=False,
                                   validators=[plausible])


class FollowUpForm(BootstrapFormMixin, forms.Form):
    at = forms.DateTimeField(label=_("Followed up at"), widget=DateTimeInput(), validators=[happened])
    note = forms.CharField(label=_("What the visit found"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    late_reason = forms.CharField(label=_("Why entered only now"), max_length=200, required=False)


class ReferForm(BootstrapFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    agency = forms.ModelChoiceField(label=_("Partner agency"), queryset=Agency.objects.none())
    note = forms.CharField(label=_("Why it is theirs to enforce"), max_length=500)

    def __init__(self, *args, hazard, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.filter(parks=hazard.park_id).order_by("kind", "name")
