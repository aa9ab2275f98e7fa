"""Disputes (矛盾纠纷): cases by tier, mediation sessions, agreements and the obligations they create."""
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from parkbeat.core.bounds import BoundedTextField, happened, plausible
from parkbeat.core.models import ChoiceLabels, EventRow, ScopedQuerySet, VersionedModel
from parkbeat.core.permissions import CASE_ROLES, MEDIATOR, POLICE
from parkbeat.core.personal import validate_mobile

MONEY = {"max_digits": 14, "decimal_places": 2}
POSITIVE = [MinValueValidator(Decimal("0.01"))]


class DisputeQuerySet(ScopedQuerySet):
    """Police of the park; mediators of the centre it was routed to; staff of agencies that joined the case
    or were present at one of its sessions; the liaisons of the enterprise concerned; the handler, who opened
    it and whoever was named as a mediator in one of its sessions (a mediator lent by another park included)."""

    scope_park = "park_id"
    scope_enterprise = "enterprise_id"
    scope_role_parks = {"mediator": "mediation_centre__park_id"}
    scope_agency = ("agencies__id", "sessions__agencies__id")
    scope_owner = ("opened_by_id", "handler_id")
    scope_participant = ("sessions__mediators__id",)
    scope_owner_roles = CASE_ROLES
    scope_participant_roles = POLICE | {MEDIATOR}  # named in a session: while they still mediate or police

    def unsettled(self):
        return self.filter(status__in=Dispute.OPEN_STATUSES)


class Dispute(VersionedModel):
    """A dispute case, handled at one tier at a time, each tier with its own clock."""

    class Category(models.TextChoices):
        LABOUR_WAGE = "labour_wage", _("Labour / unpaid wages")
        LABOUR_OTHER = "labour_other", _("Labour / other")
        ECONOMIC_CONTRACT = "economic_contract", _("Economic / contract")
        WORK_INJURY = "work_injury", _("Work injury")
        NEIGHBOUR = "neighbour", _("Neighbours and property")
        OTHER = "other", _("Other")

    class Level(models.TextChoices):
        ENTERPRISE = "enterprise", _("Inside the enterprise")
        PARK = "park", _("Inside the park")
        BEYOND = "beyond", _("Beyond the park")

    LEVEL_ORDER = (Level.ENTERPRISE, Level.PARK, Level.BEYOND)

    class Status(models.TextChoices):
        OPEN = "open", _("Being mediated")
        PERFORMING = "performing", _("Agreement being kept")
        SETTLED = "settled", _("Settled")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    # The state machine: from -> allowed targets. A missed instalment sends a performing case back to open.
    TRANSITIONS = {
        Status.OPEN: {Status.PERFORMING, Status.SETTLED, Status.WITHDRAWN},
        Status.PERFORMING: {Status.OPEN, Status.SETTLED},
        Status.SETTLED: {Status.OPEN},
        Status.WITHDRAWN: set(),
    }
    OPEN_STATUSES = (Status.OPEN, Status.PERFORMING)

    incident = models.ForeignKey("incidents.Incident", models.PROTECT, null=True, blank=True,
                                 related_name="disputes", verbose_name=_("incident"))
    park = models.ForeignKey("org.Park", models.PROTECT, related_name="disputes", verbose_name=_("park"))
    enterprise = models.ForeignKey("enterprises.Enterprise", models.PROTECT, null=True, blank=True,
                                   related_name="disputes", verbose_name=_("enterprise"))
    title = models.CharField(_("title"), max_length=120)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    summary = BoundedTextField(_("what happened"))
    core_demands = BoundedTextField(_("core demands"), max_length=2000, blank=True)
    amount_in_dispute = models.DecimalField(_("amount in dispute (yuan)"), **MONEY, null=True, blank=True,
                                            validators=[MinValueValidator(Decimal("0"))])
    people_involved = models.PositiveIntegerField(_("people involved"), default=1)
    began_at = models.DateTimeField(_("began at"), default=timezone.now, validators=[happened])

    level = models.CharField(_("level"), max_length=12, choices=Level.choices, default=Level.PARK)
    level_since = models.DateTimeField(_("at this level since"), default=timezone.now)
    # Each tier's clock: time spent at that tier while the case was unsettled (closed spans only).
    seconds_enterprise = models.PositiveBigIntegerField(default=0)
    seconds_park = models.PositiveBigIntegerField(default=0)
    seconds_beyond = models.PositiveBigIntegerField(default=0)

    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPEN)
    settled_at = models.DateTimeField(_("settled at"), null=True, blank=True)
    settled_level = models.CharField(_("settled at level"), max_length=12, choices=Level.choices, blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)

    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="disputes_opened",
                                  verbose_name=_("opened by"))
    handler = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                related_name="disputes_handled", verbose_name=_("handling officer"))
    mediation_centre = models.ForeignKey("org.MediationCentre", models.PROTECT, null=True, blank=True,
                                         related_name="disputes", verbose_name=_("mediation centre"))
    mediator = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                 related_name="disputes_mediated", verbose_name=_("lead mediator"))
    agencies = models.ManyToManyField("org.Agency", blank=True, related_name="disputes",
                                      verbose_name=_("partner agencies involved"))

    objects = DisputeQuerySet.as_manager()

    class Meta:
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")
        ordering = ["-began_at", "-id"]
        # Scope column, filter, order (see Incident.Meta.indexes).
        indexes = [
            models.Index(fields=["park", "-began_at", "-id"], name="dispute_park_began"),
            models.Index(fields=["park", "status", "-began_at"], name="dispute_park_status"),
            models.Index(fields=["enterprise", "-began_at"]),
            models.Index(fields=["status", "level"]),
            models.Index(fields=["-began_at", "-id"]),
            models.Index(fields=["settled_at"]),
            models.Index(fields=["category", "-began_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="settled") | (Q(settled_at__isnull=False) & ~Q(settled_level="")),
                name="dispute_settled_has_time_and_level",
                violation_error_message=_("A settled dispute needs the time and the level it was settled at.")),
        ]

    def __str__(self):
        return f"{self.number} · {self.title}"

    @property
    def number(self):
        return f"JF{timezone.localtime(self.began_at):%Y%m%d}-{self.pk or 0:06d}"

    def get_absolute_url(self):
        return reverse("disputes:dispute_detail", args=[self.pk])

    def seconds_at(self, level, now=None):
        """Time spent at `level` so far, the running span of the current level included while unsettled."""
        total = getattr(self, f"seconds_{level}")
        if level == self.level and self.status in self.OPEN_STATUSES:
            total += max(0, int(((now or timezone.now()) - self.level_since).total_seconds()))
        return total


# Parties, obligations and payments are seen by exactly who sees their dispute.
DisputePartyQuerySet = DisputeQuerySet.through("dispute__")


class DisputeParty(ChoiceLabels):
    """A side of the dispute: an enterprise, a contractor, a group of workers (with its number and
    representatives) or a person."""

    class Kind(models.TextChoices):
        ENTERPRISE = "enterprise", _("Enterprise")
        CONTRACTOR = "contractor", _("Contractor")
        WORKERS = "workers", _("Group of workers")
        PERSON = "person", _("Person")

    class Side(models.TextChoices):
        CLAIMANT = "claimant", _("Claimant")
        RESPONDENT = "respondent", _("Respondent")

    dispute = models.ForeignKey(Dispute, models.CASCADE, related_name="parties", verbose_name=_("dispute"))
    side = models.CharField(_("side"), max_length=12, choices=Side.choices)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    name = models.CharField(pgettext_lazy("party", "name"), max_length=100)
    enterprise = models.ForeignKey("enterprises.Enterprise", models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("enterprise"))
    headcount = models.PositiveIntegerField(_("number of people"), default=1)
    representatives = models.CharField(pgettext_lazy("person", "representatives"), max_length=200, blank=True)
    contact_mobile = models.CharField(_("contact mobile"), max_length=11, blank=True, validators=[validate_mobile])

    objects = DisputePartyQuerySet.as_manager()

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        ordering = ["dispute_id", "side", "id"]

    def __str__(self):
        return f"{self.get_side_display()}：{self.name}"


class MediationSession(ChoiceLabels):
    """One mediation session: when, where, who was there, what each side asked and conceded, the outcome."""

    class Outcome(models.TextChoices):
        AGREEMENT = "agreement", _("Agreement reached")
        PARTIAL = "partial", _("Partial agreement")
        FAILED = "failed", _("No agreement")
        REFERRED = "referred", _("Referred on")
        ADJOURNED = "adjourned", _("Adjourned")

    dispute = models.ForeignKey(Dispute, models.CASCADE, related_name="sessions", verbose_name=_("dispute"))
    started_at = models.DateTimeField(_("started at"), validators=[happened])
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"), validators=[MinValueValidator(1)])
    place = models.CharField(_("place"), max_length=200)
    level = models.CharField(_("level"), max_length=12, choices=Dispute.Level.choices)
    mediators = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="mediation_sessions",
                                       verbose_name=_("mediators"))
    participants = BoundedTextField(_("participants"), max_length=2000, blank=True)
    agencies = models.ManyToManyField("org.Agency", blank=True, related_name="mediation_sessions",
                                      verbose_name=_("agencies present"))
    claimant_position = BoundedTextField(_("what the claimant asked"), blank=True)
    respondent_position = BoundedTextField(_("what the respondent offered"), blank=True)
    concessions = BoundedTextField(_("concessions made"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices)
    notes = BoundedTextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                    verbose_name=_("recorded by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("mediation session")
        verbose_name_plural = _("mediation sessions")
        ordering = ["dispute_id", "started_at", "id"]
        indexes = [models.Index(fields=["-started_at", "-id"], name="session_started")]  # the session list

    def __str__(self):
        return f"{self.dispute_id} · {timezone.localtime(self.started_at):%Y-%m-%d %H:%M}"


class Agreement(ChoiceLabels):
    """A mediation agreement; its obligations (instalments) are followed until paid off or missed."""

    class Status(models.TextChoices):
        PERFORMING = "performing", _("Being kept")
        FULFILLED = "fulfilled", _("Fulfilled")
        BREACHED = "breached", _("Breached")
        SUPERSEDED = "superseded", _("Superseded")

    dispute = models.ForeignKey(Dispute, models.CASCADE, related_name="agreements", verbose_name=_("dispute"))
    session = models.ForeignKey(MediationSession, models.SET_NULL, null=True, blank=True, related_name="agreements",
                                verbose_name=_("session"))
    terms = BoundedTextField(_("terms"), max_length=8000)
    total_amount = models.DecimalField(_("total amount (yuan)"), **MONEY, default=Decimal("0"),
                                       validators=[MinValueValidator(Decimal("0"))])
    signed_on = models.DateField(_("signed on"), validators=[happened])
    parties = models.ManyToManyField(DisputeParty, blank=True, related_name="agreements",
                                     verbose_name=_("parties who signed"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PERFORMING)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                    verbose_name=_("recorded by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["dispute_id", "signed_on", "id"]
        indexes = [models.Index(fields=["-signed_on", "-id"], name="agreement_signed")]  # the agreement list

    def __str__(self):
        return f"{self.dispute.number} · {self.signed_on:%Y-%m-%d}"


class ObligationQuerySet(DisputeQuerySet.through("agreement__dispute__")):
    def outstanding(self):
        return self.filter(status__in=(Obligation.Status.PENDING, Obligation.Status.MISSED))


class Obligation(VersionedModel):
    """One thing an agreement promises by a date, e.g. an instalment of unpaid wages."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Due")
        PAID = "paid", _("Paid")
        PAID_LATE = "paid_late", _("Paid late")
        MISSED = "missed", _("Missed")

    agreement = models.ForeignKey(Agreement, models.CASCADE, related_name="obligations", verbose_name=_("agreement"))
    sequence = models.PositiveSmallIntegerField(_("instalment no."))
    description = models.CharField(_("what is due"), max_length=200)
    due_on = models.DateField(_("due on"), validators=[plausible])
    amount = models.DecimalField(_("amount (yuan)"), **MONEY, validators=[MinValueValidator(Decimal("0"))])
    paid_amount = models.DecimalField(_("paid so far (yuan)"), **MONEY, default=Decimal("0"))
    paid_on = models.DateField(_("paid in full on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    reminded_on = models.DateField(_("reminder sent on"), null=True, blank=True)

    objects = ObligationQuerySet.as_manager()

    class Meta:
        verbose_name = _("obligation")
        verbose_name_plural = _("obligations")
        ordering = ["agreement_id", "sequence"]
        indexes = [models.Index(fields=["status", "due_on"])]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "sequence"], name="obligation_sequence_once",
                                    violation_error_message=_("This agreement already has an instalment "
                                                              "with that number.")),
            models.CheckConstraint(condition=Q(paid_amount__lte=models.F("amount")), name="obligation_not_overpaid",
                                   violation_error_message=_("More cannot be paid than is due.")),
        ]

    def __str__(self):
        return f"{self.agreement} · #{self.sequence}"

    @property
    def outstanding_amount(self):
        return self.amount - self.paid_amount


PaymentQuerySet = DisputeQuerySet.through("obligation__agreement__dispute__")


class Payment(ChoiceLabels):
    """A payment towards an obligation, with its evidence attached (files.Attachment on this row)."""

    obligation = models.ForeignKey(Obligation, models.CASCADE, related_name="payments", verbose_name=_("obligation"))
    paid_on = models.DateField(_("paid on"), validators=[happened])
    amount = models.DecimalField(_("amount (yuan)"), **MONEY, validators=POSITIVE)
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                    verbose_name=_("recorded by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = PaymentQuerySet.as_manager()

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["obligation_id", "paid_on", "id"]

    def __str__(self):
        return f"{self.obligation} · {self.amount}"


class DisputeTransition(EventRow):
    """Every change of a dispute's status, level or routing: who recorded it (empty: the system) and when it
    happened and was recorded, from, to, reason."""

    class Kind(models.TextChoices):
        STATUS = "status", _("Status change")
        LEVEL = "level", _("Level change")
        ROUTE = "route", _("Routed")  # from_value/to_value: the mediation centre ids ("" for none)

    dispute = models.ForeignKey(Dispute, models.CASCADE, related_name="transitions", verbose_name=_("dispute"))
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name=_("by"))
    from_value = models.CharField(_("from"), max_length=12, blank=True)
    to_value = models.CharField(_("to"), max_length=12)
    note = BoundedTextField(_("reason"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("dispute transition")
        verbose_name_plural = _("dispute transitions")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["dispute", "at"])]

    def __str__(self):
        return f"{self.dispute_id}: {self.from_value} → {self.to_value}"


from parkbeat.disputes.models_ledger import LedgerEntry  # noqa: E402,F401  (the ledger import's rows)
