from datetime import timedelta

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from parkbeat.core.forms import BootstrapFormMixin, DateTimeInput
from parkbeat.core.permissions import LIAISON, POLICE
from parkbeat.core.scoping import access_for
from parkbeat.enterprises.models import Enterprise
from parkbeat.incidents.models import Incident
from parkbeat.org.models import Agency, Park, User


class MultipleImageInput(forms.FileInput):
    """Several photos at once, straight from the phone's camera."""

    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    """A list of uploads; each is checked by content in files.services (images only, size-limited)."""

    widget = MultipleImageInput(attrs={"accept": "image/*", "capture": "environment", "multiple": True})

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class IncidentReportFormMixin:
    """Fields shared by the staff form and the quick report; park and enterprise narrowed to the user."""

    def _narrow(self, user):
        access = access_for(user)
        if "park" in self.fields:
            self.fields["park"].queryset = Park.objects.visible_to(user, roles=POLICE).only("id", "name")
        if "enterprise" in self.fields:
            if access.roles & POLICE:
                qs = Enterprise.objects.visible_to(user, roles=POLICE)
            elif LIAISON in access.roles:
                qs = Enterprise.objects.filter(pk__in=access.enterprises)
            else:  # volunteers: the enterprises of their team's park
                from parkbeat.volunteers.models import VolunteerTeam
                qs = Enterprise.objects.filter(park_id__in=VolunteerTeam.objects.filter(
                    id__in=access.teams).values("park_id"))
            self.fields["enterprise"].queryset = qs.only("id", "name").order_by("name")

    def clean(self):
        cleaned = super().clean()
        if (cleaned.get("lon") is None) != (cleaned.get("lat") is None):
            raise forms.ValidationError(_("Give both longitude and latitude, or neither."))
        return cleaned


def late_reason_field():
    """Why an event is entered late: the service asks for it only past the back-entry window."""
    return forms.CharField(label=_("Reason for late entry"), required=False, max_length=1000)


def explain_late_reason(form):
    form.fields["late_reason"].help_text = gettext(
        "Needed only for a time more than %(days)s days ago (a station leader needs none).") % {
        "days": settings.PARKBEAT_BACK_ENTRY_DAYS}


class IncidentForm(IncidentReportFormMixin, BootstrapFormMixin, forms.Form):
    """Staff intake: every source, a 110 transfer with its dispatch number, the caller for a call-back."""

    source = forms.ChoiceField(label=_("Source"), choices=Incident.Source.choices)
    dispatch_number = forms.CharField(label=_("110 dispatch number"), max_length=40, required=False)
    kind = forms.ChoiceField(label=_("Type"), choices=Incident.Kind.choices)
    park = forms.ModelChoiceField(label=_("Park"), queryset=Park.objects.none(), required=False,
                                  help_text=_("Not needed when you name the enterprise."))
    enterprise = forms.ModelChoiceField(label=_("Enterprise"), queryset=Enterprise.objects.none(), required=False)
    reported_at = forms.DateTimeField(label=_("Reported at"), widget=DateTimeInput(), required=False,
                                      help_text=_("Leave empty for now."))
    occurred_at = forms.DateTimeField(label=_("Occurred at"), widget=DateTimeInput(), required=False,
                                      help_text=_("When it happened, if earlier than the report."))
    location = forms.CharField(label=pgettext_lazy("place", "Location"), max_length=200, required=False)
    lon = forms.DecimalField(label=_("Longitude"), max_digits=9, decimal_places=6, required=False,
                             min_value=-180, max_value=180)
    lat = forms.DecimalField(label=_("Latitude"), max_digits=9, decimal_places=6, required=False,
                             min_value=-90, max_value=90)
    people_involved = forms.IntegerField(label=_("People involved"), min_value=1, max_value=100000, initial=1)
    caller_name = forms.CharField(label=_("Caller"), max_length=50, required=False)
    caller_mobile = forms.CharField(label=_("Caller mobile"), max_length=11, required=False)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}))
    late_reason = late_reason_field()
    photos = MultipleImageField(label=_("Photos"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        explain_late_reason(self)
        self._narrow(user)


# "When did it happen?" on the phone: minutes before the report.
AGO = {"0": 0, "10": 10, "30": 30, "60": 60, "120": 120}


class QuickReportForm(IncidentReportFormMixin, BootstrapFormMixin, forms.Form):
    """The phone form: type as big buttons, where, how many, what, photos."""

    kind = forms.ChoiceField(label=_("What is happening?"), choices=Incident.Kind.choices,
                             widget=forms.RadioSelect)
    enterprise = forms.ModelChoiceField(label=_("Enterprise"), queryset=Enterprise.objects.none(), required=False)
    park = forms.ModelChoiceField(label=_("Park"), queryset=Park.objects.none(), required=False)
    location = forms.CharField(label=_("Where?"), max_length=200, required=False,
                               widget=forms.TextInput(attrs={"placeholder": _("Gate, building, street…")}))
    lon = forms.DecimalField(max_digits=9, decimal_places=6, required=False, min_value=-180, max_value=180,
                             widget=forms.HiddenInput)
    lat = forms.DecimalField(max_digits=9, decimal_places=6, required=False, min_value=-90, max_value=90,
                             widget=forms.HiddenInput)
    people_involved = forms.IntegerField(label=_("How many people?"), min_value=1, max_value=100000, initial=1,
                                         widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    description = forms.CharField(label=_("What happened?"), widget=forms.Textarea(attrs={"rows": 3}))
    when = forms.ChoiceField(label=_("When did it happen?"), required=False, widget=forms.RadioSelect,
                             choices=[("0", _("Just now")), ("10", _("10 minutes ago")), ("30", _("Half an hour ago")),
                                      ("60", _("An hour ago")), ("120", _("Two hours ago"))])
    occurred_at = forms.DateTimeField(label=_("Or the time"), required=False, widget=DateTimeInput())
    photos = MultipleImageField(label=_("Photos"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self._narrow(user)
        for name in ("kind", "when"):  # each choice is a big button (see the template)
            self.fields[name].widget.attrs["class"] = "btn-check"
        access = access_for(user)
        if not access.roles & POLICE:
            del self.fields["park"]  # liaisons and volunteers report in their own park
        if LIAISON in access.roles and not access.roles & POLICE:
            self.fields["enterprise"].disabled = True  # fixed: their own enterprise
            self.fields["enterprise"].initial = next(iter(sorted(access.enterprises)), None)

    def clean(self):
        """`occurred_at` from the choice ("half an hour ago": 30 minutes before now) or the time given; the
        report itself is stamped by the service when it arrives."""
        cleaned = super().clean()
        when, at = cleaned.pop("when", ""), cleaned.get("occurred_at")
        if when and at is not None:
            self.add_error("occurred_at", _("Choose how long ago or give the time, not both."))
        elif when:
            cleaned["occurred_at"] = timezone.now() - timedelta(minutes=AGO[when])
        return cleaned


ACTIONS = {"accept": Incident.Status.ACCEPTED, "arrive": Incident.Status.ON_SCENE, "close": Incident.Status.CLOSED,
           "cancel": Incident.Status.CANCELLED, "reopen": Incident.Status.ON_SCENE}


class IncidentActionForm(BootstrapFormMixin, forms.Form):
    """The buttons of the incident page. `at` (when it happened) starts at the time the page was shown; left
    as it was, the step happened when the button is pressed (`happened_at`)."""

    action = forms.ChoiceField(choices=[(a, a) for a in [*ACTIONS, "handover", "agency"]])
    version = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(label=_("Note"), required=False, max_length=1000)
    at = forms.DateTimeField(label=_("Occurred at"), required=False, widget=DateTimeInput(),
                             show_hidden_initial=True)
    late_reason = late_reason_field()
    result = forms.ChoiceField(label=_("Result"), required=False,
                               choices=[("", _("Choose the result")), *Incident.Result.choices])
    result_note = forms.CharField(label=_("Result details"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))
    to_user = forms.ModelChoiceField(label=_("Hand over to"), required=False, queryset=User.objects.none())
    agency = forms.ModelChoiceField(label=_("Partner agency"), required=False, queryset=Agency.objects.none())

    def __init__(self, *args, holders=None, agencies=None, **kwargs):
        super().__init__(*args, **kwargs)
        explain_late_reason(self)
        self.fields["at"].initial = timezone.localtime().replace(second=0, microsecond=0)
        if holders is not None:
            self.fields["to_user"].queryset = holders
        if agencies is not None:
            self.fields["agency"].queryset = agencies

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == "handover" and not cleaned.get("to_user"):
            self.add_error("to_user", _("Choose whom to hand the incident to."))
        if cleaned.get("action") == "agency" and not cleaned.get("agency"):
            self.add_error("agency", _("Choose the agency to bring in."))
        return cleaned

    def happened_at(self):
        """The time given for the step, or None (now) when the field was left as the page showed it."""
        return self.cleaned_data.get("at") if "at" in self.changed_data else None
