"""Page forms of background checks: the liaison's request, the officer's answer. The rules are in checks.services."""
from django import forms
from django.utils.translation import gettext_lazy as _

from parkbeat.checks.models import BackgroundCheck, PostKind
from parkbeat.checks.services import ADVICE_MAX
from parkbeat.core.forms import BootstrapFormMixin
from parkbeat.core.personal import NoEchoInput, validate_resident_id
from parkbeat.core.scoping import access_for
from parkbeat.enterprises.models import Enterprise


class CheckRequestForm(BootstrapFormMixin, forms.Form):
    enterprise = forms.ModelChoiceField(queryset=Enterprise.objects.none(), label=_("Enterprise"))
    candidate_name = forms.CharField(label=_("Candidate's name"), max_length=50)
    # Never sent back to the browser (D2): after an error it is typed again.
    resident_id = forms.CharField(label=_("Resident ID"), max_length=18, validators=[validate_resident_id],
                                  widget=NoEchoInput(attrs={"autocomplete": "off"}),
                                  help_text=_("Stored encrypted and shown masked."))
    post = forms.CharField(label=_("Post"), max_length=100)
    post_kind = forms.ChoiceField(label=_("Type of post"), choices=PostKind.choices)
    consent = forms.FileField(label=_("Candidate's signed consent (PDF or photo)"),
                              widget=forms.ClearableFileInput(attrs={"accept": ".pdf,image/*"}),
                              help_text=_("No consent, no check: the candidate agrees in writing to be checked."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        enterprises = Enterprise.objects.filter(pk__in=sorted(access_for(user).enterprises)).order_by("name")
        self.fields["enterprise"].queryset = enterprises
        if len(enterprises) == 1:
            self.fields["enterprise"].initial = enterprises[0].pk
            self.fields["enterprise"].widget = forms.HiddenInput()

    def clean_resident_id(self):
        return self.cleaned_data["resident_id"].strip().upper()


class CheckAnswerForm(BootstrapFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput())
    outcome = forms.ChoiceField(label=_("Outcome"), choices=BackgroundCheck.Outcome.choices,
                                widget=forms.RadioSelect,
                                error_messages={"required": _("Choose the outcome of the check.")})
    advice = forms.CharField(label=_("Job-fit advice"), max_length=ADVICE_MAX, required=False,
                             widget=forms.Textarea(attrs={"rows": 4}),
                             help_text=_("What the enterprise reads: the outcome and this advice, nothing else."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].widget.attrs["class"] = "form-check-input"  # radios, not a text box
