import json
from datetime import date
from decimal import Decimal, InvalidOperation

from django import forms
from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from parkbeat.core.forms import BootstrapFormMixin, DateTimeInput, VersionedModelForm
from parkbeat.core.widgets import PickerSelectMultiple
from parkbeat.core.permissions import POLICE
from parkbeat.disputes.models import Dispute, DisputeParty, MediationSession
from parkbeat.disputes.services import EARLIEST, LATEST, session_mediator_candidates
from parkbeat.enterprises.models import Enterprise
from parkbeat.org.models import Agency, Park, Role, User

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")  # <input type=date> takes ISO only


def _late_reason_field():
    return forms.CharField(label=_("Why it is entered only now"), required=False, max_length=1000)


def _late_reason_help():
    return gettext("Needed only when it happened more than %(days)s days ago (a station leader needs none).") % {
        "days": settings.PARKBEAT_BACK_ENTRY_DAYS}


class DisputeForm(VersionedModelForm):
    """Open a case (with park, level and start) or edit its details."""

    class Meta:
        model = Dispute
        fields = ["category", "title", "park", "enterprise", "level", "began_at", "summary", "core_demands",
                  "amount_in_dispute", "people_involved", "handler"]
        widgets = {"began_at": DateTimeInput(), "summary": forms.Textarea(attrs={"rows": 3}),
                   "core_demands": forms.Textarea(attrs={"rows": 2})}

    late_reason = _late_reason_field()

    def __init__(self, *args, user, incident=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["late_reason"].help_text = _late_reason_help()
        parks = Park.objects.visible_to(user, roles=POLICE | {Role.MEDIATOR})
        self.fields["park"].queryset = parks
        self.fields["enterprise"].queryset = Enterprise.objects.filter(park__in=parks).only("id", "name")
        self.fields["handler"].queryset = User.objects.filter(is_active=True).filter(
            Q(role_assignments__role__in=[Role.PARK_OFFICER, Role.AUXILIARY], role_assignments__park__in=parks)
            | Q(role_assignments__role=Role.STATION_LEADER, role_assignments__unit__parks__in=parks)).distinct()
        self.fields["handler"].required = False
        self.fields["began_at"].required = False
        if self.instance.pk:  # level and start change through their own actions, the park never
            for name in ("park", "level", "began_at", "late_reason"):
                del self.fields[name]
        elif incident is not None:  # taken from the incident
            for name in ("park", "began_at"):
                del self.fields[name]
            self.fields["enterprise"].queryset = Enterprise.objects.filter(park=incident.park_id)
            if incident.is_open:  # the hand-over closes it; asked here so the officer need not go back
                self.fields["close_incident"] = forms.BooleanField(
                    label=_("Close the incident with the result “%(result)s”") % {
                        "result": incident.Result.DISPUTE.label},
                    required=False, initial=True,
                    help_text=_("Incident %(number)s is still “%(status)s”.") % {
                        "number": incident.number, "status": incident.get_status_display()})

    def field_data(self):
        return {k: v for k, v in super().field_data().items() if not (k == "began_at" and v is None)}


class ActionForm(BootstrapFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class StepForm(ActionForm):
    """A step of the dispute: `at` (when it happened) starts at the time the form was shown; left as it was,
    the step happened when the form is sent (`happened_at`)."""

    at = forms.DateTimeField(label=_("Happened at"), required=False, widget=DateTimeInput(),
                             show_hidden_initial=True)
    late_reason = _late_reason_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["at"].initial = timezone.localtime().replace(second=0, microsecond=0)
        self.fields["late_reason"].help_text = _late_reason_help()
        self.order_fields([name for name in self.fields if name not in ("at", "late_reason")])  # these two last

    def happened_at(self):
        """The time given, or None (now) when the field was left as the form showed it."""
        return self.cleaned_data.get("at") if "at" in self.changed_data else None

    def step_time(self):
        """The keywords of a step service: at and late_reason."""
        return {"at": self.happened_at(), "late_reason": self.cleaned_data.get("late_reason", "")}


class LevelForm(StepForm):
    to = forms.ChoiceField(label=_("New level"), choices=Dispute.Level.choices)
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class TransitionForm(StepForm):
    to = forms.ChoiceField(label=_("New status"), choices=[(s, s.label) for s in (
        Dispute.Status.SETTLED, Dispute.Status.WITHDRAWN, Dispute.Status.OPEN)])
    note = forms.CharField(label=_("Note"), required=False, max_length=1000,
                           help_text=_("Required: how it was settled, or why it is withdrawn or reopened."))


class RouteForm(StepForm):
    mediation_centre = forms.BooleanField(label=_("Bring in the park's mediation centre"), required=False)
    mediator = forms.ModelChoiceField(label=_("Lead mediator"), queryset=User.objects.none(), required=False)
    agencies = forms.ModelMultipleChoiceField(label=_("Partner agencies"), queryset=Agency.objects.none(),
                                              required=False)

    def __init__(self, *args, dispute, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mediator"].queryset = User.objects.filter(
            is_active=True, role_assignments__role=Role.MEDIATOR, role_assignments__park=dispute.park_id)
        self.fields["agencies"].queryset = Agency.objects.filter(parks=dispute.park_id)


class PartyForm(BootstrapFormMixin, forms.ModelForm):
    """Editing carries the DISPUTE's version (parties have none): a second edit from a stale page is refused."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = DisputeParty
        fields = ["side", "kind", "name", "enterprise", "headcount", "representatives", "contact_mobile"]

    def __init__(self, *args, dispute, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            del self.fields["version"]
        self.fields["enterprise"].queryset = Enterprise.objects.filter(park=dispute.park_id).only("id", "name")
        if self.instance.pk:  # the stored mobile never goes back to the browser; left empty, it is kept
            self.initial["contact_mobile"] = ""
            self.fields["contact_mobile"].help_text = _("Leave empty to keep the stored number.")

    def clean_contact_mobile(self):
        return self.cleaned_data.get("contact_mobile") or (self.instance.contact_mobile if self.instance.pk else "")


class NewPartyForm(BootstrapFormMixin, forms.ModelForm):
    """One party met at the session and not yet on record; a row left empty adds nobody."""

    class Meta:
        model = DisputeParty
        fields = ["side", "kind", "name", "headcount", "representatives"]


NewPartyFormSet = forms.formset_factory(NewPartyForm, extra=2, max_num=10, validate_max=True)


class SessionForm(BootstrapFormMixin, forms.ModelForm):
    """A session, and the parties met there who are not on record yet (rows of `parties_formset`)."""

    class Meta:
        model = MediationSession
        fields = ["started_at", "duration_minutes", "place", "outcome", "mediators", "agencies", "participants",
                  "claimant_position", "respondent_position", "concessions", "notes"]
        widgets = {"started_at": DateTimeInput(), **{name: forms.Textarea(attrs={"rows": 2}) for name in (
            "participants", "claimant_position", "respondent_position", "concessions", "notes")},
            "mediators": PickerSelectMultiple(placeholder=_("Type a name")),
            "agencies": PickerSelectMultiple(placeholder=_("Type a name"))}

    def __init__(self, *args, dispute, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mediators"].queryset = session_mediator_candidates(dispute.park).order_by("pk")
        self.fields["mediators"].help_text = _("Police of this park or mediators of its station; a mediator named "
                                               "here can open the case.")
        self.fields["agencies"].queryset = Agency.objects.filter(parks=dispute.park_id)
        began = timezone.localtime(dispute.began_at).strftime("%Y-%m-%dT%H:%M")
        self.fields["started_at"].widget.attrs["min"] = began  # the service says so too, in words
        self.fields["started_at"].help_text = _("Not before the dispute began (%(began)s).") % {
            "began": began.replace("T", " ")}
        # A post without the party rows (an older page, a script) adds no party and is not refused for it.
        posted = self.is_bound and "party-TOTAL_FORMS" in self.data
        self.parties_formset = NewPartyFormSet(self.data if posted else None, prefix="party")

    def is_valid(self):
        valid = super().is_valid()
        return (self.parties_formset.is_valid() if self.parties_formset.is_bound else True) and valid

    def new_parties(self):
        if not self.parties_formset.is_bound:
            return []
        return [row.cleaned_data for row in self.parties_formset.forms if row.has_changed() and row.cleaned_data]


class InstalmentsField(forms.CharField):
    """Repeatable rows as text, one instalment a line: `2026-12-31 10000 first instalment`."""

    widget = forms.Textarea(attrs={"rows": 4, "placeholder": "2026-12-31 10000 第一期工资"})

    def to_python(self, value):
        rows = []
        for number, line in enumerate(filter(None, (x.strip() for x in (value or "").splitlines())), start=1):
            parts = line.split(None, 2)
            try:
                due_on = date.fromisoformat(parts[0])
                amount = Decimal(parts[1])
            except (IndexError, ValueError, InvalidOperation):
                raise forms.ValidationError(_("Line %(n)s: write the due date (YYYY-MM-DD), the amount and what "
                                              "is due.") % {"n": number}) from None
            rows.append({"due_on": due_on, "amount": amount, "description": parts[2] if len(parts) > 2 else ""})
        return rows


class AgreementForm(ActionForm):
    """The instalment rows are the count: there is no separate number that could disagree with them."""

    terms = forms.CharField(label=_("Terms"), widget=forms.Textarea(attrs={"rows": 3}))
    total_amount = forms.DecimalField(label=_("Total amount (yuan)"), min_value=0, max_digits=14, decimal_places=2)
    signed_on = forms.DateField(label=_("Signed on"), widget=DATE)
    obligations = InstalmentsField(label=_("Instalments"), required=False,
                                   help_text=_("For each instalment: the due date, the amount and what is due. "
                                               "Without instalments the dispute is settled as signed."))
    parties = forms.ModelMultipleChoiceField(label=_("Parties who signed"), queryset=DisputeParty.objects.none(),
                                             required=False,
                                             widget=PickerSelectMultiple(placeholder=_("Type a name")))
    session = forms.ModelChoiceField(label=_("Session"), queryset=MediationSession.objects.none(), required=False)

    def __init__(self, *args, dispute, **kwargs):
        super().__init__(*args, **kwargs)
        # Labels for the rows editor (static/disputes/instalments.js), which writes back into this textarea.
        self.fields["obligations"].widget.attrs["data-instalments"] = json.dumps({
            "due_on": str(_("Due on")), "amount": str(_("Amount (yuan)")), "description": str(_("What is due")),
            "total": str(_("Total")), "add": str(_("Add an instalment")), "remove": str(_("Remove")),
            "mismatch": str(_("The instalments add up to {sum}, not the total of {total}.")),
            "count": str(_("{n} instalments"))},
            ensure_ascii=False)
        self.fields["parties"].queryset = dispute.parties.all()
        self.fields["session"].queryset = dispute.sessions.all()


class PaymentForm(ActionForm):
    paid_on = forms.DateField(label=_("Paid on"), widget=DATE)
    amount = forms.DecimalField(label=_("Amount (yuan)"), max_digits=14, decimal_places=2)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
    evidence = forms.FileField(label=_("Evidence (image or PDF)"), required=False)


def _within_bounds(value):
    if not EARLIEST <= value <= LATEST:
        raise forms.ValidationError(_("Choose a date between %(earliest)s and %(latest)s.") % {
            "earliest": EARLIEST.isoformat(), "latest": LATEST.isoformat()})


class FiguresForm(BootstrapFormMixin, forms.Form):
    start = forms.DateField(label=_("From"), widget=DATE, validators=[_within_bounds])
    end = forms.DateField(label=_("To"), widget=DATE, validators=[_within_bounds])
    park = forms.ModelChoiceField(label=_("Park"), queryset=Park.objects.none(), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["park"].queryset = Park.objects.visible_to(user).only("id", "name")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start") and cleaned.get("end") and cleaned["start"] > cleaned["end"]:
            raise forms.ValidationError(_("The period ends before it starts."))
        return cleaned
