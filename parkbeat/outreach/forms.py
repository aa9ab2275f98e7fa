"""Publicity forms: a campaign, scheduling a lecture (with the written agreement), holding or cancelling it, its
attendance, a rule and an adoption. Each posts plainly and carries the version the user loaded where it changes a row."""
from django import forms
from django.utils.translation import gettext_lazy as _

from parkbeat.core.bounds import happened, plausible
from parkbeat.core.forms import BootstrapFormMixin, DateTimeInput
from parkbeat.core.permissions import POLICE
from parkbeat.core.widgets import ObjectChoiceField, PickerSelect
from parkbeat.enterprises.models import Enterprise
from parkbeat.org.models import Park, User
from parkbeat.outreach.models import Campaign, Rule, Theme
from parkbeat.outreach.selectors import speaker_choices


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class FilesField(forms.FileField):
    """A list of uploads, each checked by content and size in files.services."""

    widget = MultipleFileInput(attrs={"multiple": True})

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class SpeakerField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


class CampaignForm(BootstrapFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    title = forms.CharField(label=_("Title"), max_length=100)
    theme = forms.ChoiceField(label=_("Theme"), choices=Theme.choices)
    starts_on = forms.DateField(label=_("Starts on"), widget=DateInput(), validators=[plausible])
    ends_on = forms.DateField(label=_("Ends on"), widget=DateInput(), validators=[plausible])
    parks = forms.ModelMultipleChoiceField(label=_("Target parks"), queryset=Park.objects.none(), required=False,
                                           widget=forms.CheckboxSelectMultiple)
    enterprises = forms.ModelMultipleChoiceField(label=_("Target enterprises"), queryset=Enterprise.objects.none(),
                                                 required=False, widget=forms.SelectMultiple(attrs={"size": 6}),
                                                 help_text=_("Besides every enterprise of the parks ticked."))
    note = forms.CharField(label=_("Note"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    materials = FilesField(label=_("Materials (images, PDF or Excel)"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parks"].queryset = Park.objects.visible_to(user, roles=POLICE).order_by("name")
        self.fields["enterprises"].queryset = (Enterprise.objects.visible_to(user, roles=POLICE)
                                               .exclude(status=Enterprise.Status.CLOSED).only("id", "name")
                                               .order_by("name"))


class LectureForm(BootstrapFormMixin, forms.Form):
    enterprise = ObjectChoiceField(label=_("Enterprise"), queryset=Enterprise.objects.none(),
                                   widget=PickerSelect(source="enterprise-list", detail_field="park_name",
                                                       placeholder=_("Type an enterprise name")))
    campaign = forms.ModelChoiceField(label=_("Campaign"), queryset=Campaign.objects.none(), required=False)
    theme = forms.ChoiceField(label=_("Theme"), choices=[("", _("The campaign's")), *Theme.choices], required=False)
    topic = forms.CharField(label=_("Lecture topic"), max_length=200)
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=DateTimeInput(), validators=[plausible])
    ends_at = forms.DateTimeField(label=_("Ends at"), widget=DateTimeInput(), validators=[plausible])
    speakers = SpeakerField(label=_("Speakers"), queryset=User.objects.none(), required=False,
                            widget=forms.SelectMultiple(attrs={"size": 4}),
                            help_text=_("Police of the park or volunteers of its teams (their time is credited)."))
    notes = forms.CharField(label=_("Notes"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    agreement = forms.FileField(label=_("The liaison's written agreement (image or PDF)"), required=False,
                                widget=forms.ClearableFileInput(attrs={"accept": "image/*,application/pdf"}),
                                help_text=_("Only for a time inside the enterprise's production hours."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = Enterprise.objects.visible_to(user, roles=POLICE).exclude(
            status=Enterprise.Status.CLOSED)
        self.fields["campaign"].queryset = Campaign.objects.visible_to(user).order_by("-starts_on", "-id")
        self.fields["speakers"].queryset = speaker_choices(user)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("starts_at") and cleaned.get("ends_at") and cleaned["ends_at"] <= cleaned["starts_at"]:
            self.add_error("ends_at", _("The lecture ends after it starts."))
        return cleaned


class LectureUpdateForm(LectureForm):
    """A planned lecture changed: its enterprise stays; a new time inside production hours needs a fresh written
    agreement (the one given for the old time does not carry over)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    field_order = ["version", "campaign", "theme", "topic", "starts_at", "ends_at", "speakers", "notes", "agreement"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        del self.fields["enterprise"]
        self.fields["theme"].choices = Theme.choices
        self.fields["theme"].required = True
        self.fields["agreement"].help_text = _("Needed when the new time lies inside the enterprise's production "
                                               "hours, even if the lecture had an agreement for its old time.")
        self.order_fields(self.field_order)


class TransitionForm(BootstrapFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    to = forms.ChoiceField(choices=[("held", _("Held")), ("cancelled", _("Cancelled"))], widget=forms.HiddenInput)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
    late_reason = forms.CharField(label=_("Why entered only now"), max_length=1000, required=False,
                                  help_text=_("Needed when the lecture took place more than the back-entry days "
                                              "ago."))


class AttendanceForm(BootstrapFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    attendance = forms.IntegerField(label=_("People reached"), min_value=0, max_value=100000)
    at = forms.DateTimeField(label=_("Counted at"), widget=DateTimeInput(), validators=[happened], required=False,
                             help_text=_("Default: the lecture's end."))
    late_reason = forms.CharField(label=_("Why entered only now"), max_length=1000, required=False)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class RuleForm(BootstrapFormMixin, forms.Form):
    text = forms.CharField(label=_("Rule"), max_length=200, widget=forms.TextInput(
        attrs={"placeholder": "未戴头盔不得入厂"}))
    theme = forms.ChoiceField(label=_("Theme"), choices=Theme.choices, initial=Theme.HELMET)


class AdoptionForm(BootstrapFormMixin, forms.Form):
    rule = forms.ModelChoiceField(label=_("Rule"), queryset=Rule.objects.none())
    enterprise = ObjectChoiceField(label=_("Enterprise"), queryset=Enterprise.objects.none(),
                                   widget=PickerSelect(source="enterprise-list", detail_field="park_name",
                                                       placeholder=_("Type an enterprise name")))
    since = forms.DateField(label=_("Adopted on"), widget=DateInput(), validators=[plausible])
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rule"].queryset = Rule.objects.visible_to(user)
        self.fields["enterprise"].queryset = Enterprise.objects.visible_to(user, roles=POLICE).exclude(
            status=Enterprise.Status.CLOSED)


class AdoptionEndForm(BootstrapFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    ended_on = forms.DateField(label=_("Ended on"), widget=DateInput(), validators=[plausible])
    note = forms.CharField(label=_("Note"), max_length=500, required=False,
                           help_text=_("Why the enterprise no longer keeps the rule (optional)."))
