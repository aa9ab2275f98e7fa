from django import forms
from django.utils.translation import gettext_lazy as _

from parkbeat.core.forms import BootstrapFormMixin, DateTimeInput, VersionedModelForm
from parkbeat.core.personal import NoEchoInput, keep_masked_on_edit, validate_mobile, validate_resident_id
from parkbeat.enterprises.models import Enterprise
from parkbeat.org.models import Park
from parkbeat.volunteers.models import Duty, SupportRecord, Training, Volunteer, VolunteerTeam


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DutiesField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        super().__init__(choices=Duty.choices, label=_("Duties volunteered for"), **kwargs)


def _checkboxes(form, name):
    form.fields[name].widget.attrs["class"] = "form-check-input"


class NominationForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label=_("Candidate name"), max_length=50)
    # Never sent back to the browser (D2): after an error these two are typed again.
    resident_id = forms.CharField(label=_("Resident ID"), max_length=18, validators=[validate_resident_id],
                                  widget=NoEchoInput(attrs={"autocomplete": "off"}),
                                  help_text=_("Stored encrypted and shown masked."))
    mobile = forms.CharField(label=_("Mobile"), max_length=11, validators=[validate_mobile],
                             widget=NoEchoInput(attrs={"inputmode": "tel", "autocomplete": "off"}))
    post = forms.CharField(label=_("Post at the enterprise"), max_length=100)
    duties = DutiesField()
    consent_date = forms.DateField(label=_("Consent signed on"), widget=DateInput())
    consent_file = forms.FileField(label=_("Signed consent (PDF or photo, optional)"), required=False,
                                   widget=forms.ClearableFileInput(attrs={"accept": ".pdf,image/*"}))
    consent_confirmed = forms.BooleanField(
        label=_("The candidate has consented in writing to the nomination and to vetting by the police."),
        required=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _checkboxes(self, "duties")

    def clean_resident_id(self):
        return self.cleaned_data["resident_id"].strip().upper()


class VolunteerForm(VersionedModelForm):
    duties = DutiesField()

    class Meta:
        model = Volunteer
        fields = ["name", "mobile", "post", "duties"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _checkboxes(self, "duties")
        keep_masked_on_edit(self, "mobile", self.instance.mobile)  # the stored mobile never goes back (D2)

    def clean_mobile(self):
        return self.cleaned_data.get("mobile") or self.instance.mobile


class EventForm(BootstrapFormMixin, forms.Form):
    """A status change: the reason, when it happened (empty: now) and why it is entered late."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(label=_("Reason"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))
    at = forms.DateTimeField(label=_("When it happened"), required=False, widget=DateTimeInput(),
                             help_text=_("Leave empty for now. Never in the future."))
    late_reason = forms.CharField(label=_("Why entered only now"), required=False, max_length=1000,
                                  help_text=_("Needed for something that happened more than 30 days ago."))


class VetForm(EventForm):
    decision = forms.ChoiceField(label=_("Decision"), choices=[("approve", _("Approve")), ("reject", _("Reject"))])


class StatusForm(EventForm):
    to = forms.ChoiceField(label=_("New status"), choices=[
        (Volunteer.Status.SUSPENDED, _("Suspend")), (Volunteer.Status.ACTIVE, _("Reinstate")),
        (Volunteer.Status.LEFT, _("Left the team"))])

    def __init__(self, *args, volunteer=None, **kwargs):
        super().__init__(*args, **kwargs)
        if volunteer is not None:
            # a nomination is decided on the vetting form, not here
            nominated = volunteer.status == Volunteer.Status.NOMINATED
            allowed = set() if nominated else Volunteer.TRANSITIONS[volunteer.status]
            self.fields["to"].choices = [c for c in self.fields["to"].choices if c[0] in allowed]


class TeamForm(VersionedModelForm):
    class Meta:
        model = VolunteerTeam
        fields = ["park", "enterprise", "name"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:  # a rename: the park and enterprise stay
            del self.fields["park"], self.fields["enterprise"]
            return
        parks = Park.objects.visible_to(user, roles=("station_leader", "park_officer"))
        self.fields["park"].queryset = parks
        self.fields["enterprise"].queryset = Enterprise.objects.filter(park__in=parks).only("id", "name")
        self.fields["enterprise"].required = False

    def clean(self):
        cleaned = super().clean()
        park, enterprise = cleaned.get("park"), cleaned.get("enterprise")
        if park and enterprise and enterprise.park_id != park.pk:
            self.add_error("enterprise", _("The enterprise is not in this park."))
        return cleaned


class CaptainForm(BootstrapFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    volunteer = forms.ModelChoiceField(label=_("Captain"), queryset=Volunteer.objects.none())

    def __init__(self, *args, team, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["volunteer"].queryset = Volunteer.objects.filter(
            team=team, status=Volunteer.Status.ACTIVE).only("id", "name").order_by("name")


class TrainingForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Training
        fields = ["trained_on", "topic", "hours", "trainer"]
        widgets = {"trained_on": DateInput(), "hours": forms.NumberInput(attrs={"step": "0.5", "min": "0.5"})}

    def field_data(self):
        return {name: self.cleaned_data[name] for name in self._meta.fields}


class SupportForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = SupportRecord
        fields = ["kind", "provider", "starts_on", "expires_on"]
        widgets = {"starts_on": DateInput(), "expires_on": DateInput()}

    def field_data(self):
        return {name: self.cleaned_data[name] for name in self._meta.fields}
