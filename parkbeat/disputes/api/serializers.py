from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from parkbeat.core.permissions import AUXILIARY, LEADER, MEDIATOR, OFFICER, POLICE
from parkbeat.core.serializers import (ModelSerializer,
                                       MaskedMobileField, RoleWritableFieldsMixin, SameParentPrimaryKeyField,
                                       ScopedPrimaryKeyField, StrictModelSerializer, StrictSerializer,
                                       VersionedSerializer)
from parkbeat.disputes import selectors, services
from parkbeat.disputes.models import (Agreement, Dispute, DisputeParty, DisputeTransition, MediationSession,
                                      Obligation, Payment)
from parkbeat.enterprises.models import Enterprise
from parkbeat.org.models import Agency, MediationCentre, Park, User
from parkbeat.disputes.services import EARLIEST, LATEST

DISPUTE_WRITERS = (LEADER, OFFICER, AUXILIARY, MEDIATOR)
DETAIL_WRITABLE = {"title", "category", "summary", "core_demands", "amount_in_dispute", "people_involved",
                   "enterprise", "handler"}
CREATE_WRITABLE = DETAIL_WRITABLE | {"park", "incident", "level", "began_at", "late_reason", "parties", "mediator",
                                     "close_incident"}

STEP_TIME_HELP = _("When it happened: ISO 8601 with its offset, e.g. 2026-09-03T10:00:00+08:00 (without an offset "
                   "it is read in Asia/Shanghai); left out: now. Not in the future, not before the dispute began, "
                   "its current level's start or its last step; more than PARKBEAT_BACK_ENTRY_DAYS (30 by default) "
                   "days ago only by a station leader or with `late_reason`, and then marked as entered late.")
LATE_HELP = _("Why a step older than the back-entry window is entered only now (a station leader needs none).")


class StepTimeMixin(serializers.Serializer):
    """When a step of the dispute happened, and why it is entered late (core.events.event_time)."""

    at = serializers.DateTimeField(required=False, allow_null=True, default=None, help_text=STEP_TIME_HELP)
    late_reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=1000,
                                        help_text=LATE_HELP)


class PickableUserField(serializers.PrimaryKeyRelatedField):
    """A user the requester may name here: holding one of `roles` in a park the requester reaches.
    Anyone else "does not exist", so an id never reveals a name from another station."""

    def __init__(self, *, roles, **kwargs):
        self.roles = frozenset(roles)
        kwargs.setdefault("queryset", User.objects.none())
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        return selectors.pickable_users(user=request.user if request else None, roles=self.roles)


class SessionMediatorField(serializers.PrimaryKeyRelatedField):
    """Police of a park the requester reaches or a mediator of its station (services.session_mediator_candidates
    decides for the dispute's own park); anyone else "does not exist"."""

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", User.objects.none())
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        if request is None:
            return User.objects.none()
        parks = Park.objects.visible_to(request.user, roles=POLICE | {MEDIATOR})
        return services.session_mediators_of(park_ids=parks.values("pk"), station_ids=parks.values("station_id"))


class PartySerializer(StrictModelSerializer):
    contact_mobile = MaskedMobileField(max_length=11, required=False, allow_blank=True)
    enterprise = ScopedPrimaryKeyField(queryset=Enterprise.objects.all(), required=False, allow_null=True)

    class Meta:
        model = DisputeParty
        fields = ["id", "side", "kind", "name", "enterprise", "headcount", "representatives", "contact_mobile"]


class TransitionSerializer(ModelSerializer):
    """A step: when it happened (`at`), when and by whom it was recorded, whether it came in late.
    Kind `route`: from/to are the mediation centre ids ("" for none)."""

    actor = serializers.CharField(source="actor.display_name", read_only=True, default=None, allow_null=True,
                                  help_text=_("Null for a step taken by the system (sweeps, escalation)."))

    class Meta:
        model = DisputeTransition
        fields = ["at", "recorded_at", "entered_late", "late_reason", "kind", "actor", "from_value", "to_value",
                  "note"]


class DisputeSerializer(RoleWritableFieldsMixin, VersionedSerializer):
    park = ScopedPrimaryKeyField(queryset=Park.objects.all(), required=False)
    enterprise = ScopedPrimaryKeyField(queryset=Enterprise.objects.all(), required=False, allow_null=True)
    incident = serializers.PrimaryKeyRelatedField(read_only=False, required=False, allow_null=True,
                                                  queryset=Dispute._meta.get_field("incident").related_model.objects.all())
    handler = PickableUserField(roles=POLICE, required=False, allow_null=True)
    mediator = PickableUserField(roles={MEDIATOR}, required=False, allow_null=True)
    parties = PartySerializer(many=True, required=False)
    number = serializers.CharField(read_only=True)
    seconds_at = serializers.SerializerMethodField()
    agencies = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    late_reason = serializers.CharField(required=False, allow_blank=True, max_length=1000, write_only=True,
                                        help_text=format_lazy("{} {}", _("On creation:"), LATE_HELP))
    close_incident = serializers.BooleanField(required=False, default=True, write_only=True, help_text=_(
        "On creation from an `incident` still open: close it with the result “dispute” in the same transaction "
        "(default true; needs the right to handle the incident, refused nothing changes). An incident already "
        "closed is left as it is."))

    class Meta:
        model = Dispute
        fields = ["id", "number", "incident", "park", "enterprise", "title", "category", "summary", "core_demands",
                  "amount_in_dispute", "people_involved", "began_at", "level", "level_since", "seconds_at", "status",
                  "settled_at", "settled_level", "reopen_count", "handler", "mediation_centre", "mediator",
                  "agencies", "parties", "late_reason", "close_incident", "version", "created_at", "updated_at"]
        read_only_fields = ["level_since", "status", "settled_at", "settled_level", "reopen_count",
                            "mediation_centre", "created_at", "updated_at"]
        role_writable_fields = {role: CREATE_WRITABLE for role in DISPUTE_WRITERS}
        create_only_fields = {"park", "incident", "level", "began_at"}
        extra_kwargs = {"began_at": {"help_text": format_lazy("{} {}", _("When the dispute began (its first step)."),
                                                              STEP_TIME_HELP)}}

    def get_seconds_at(self, obj) -> dict:
        return {level: obj.seconds_at(level) for level, _label in Dispute.Level.choices}

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None and not isinstance(self.instance, list):
            for name in ("parties", "mediator", "late_reason", "close_incident"):  # set on creation only
                fields[name].read_only = True
        return fields


class DisputeDetailSerializer(DisputeSerializer):
    transitions = TransitionSerializer(many=True, read_only=True)

    class Meta(DisputeSerializer.Meta):
        fields = [*DisputeSerializer.Meta.fields, "transitions"]


class VersionSerializer(StrictSerializer):
    version = serializers.IntegerField(min_value=1, help_text=_("The version you loaded."))


class LevelSerializer(StepTimeMixin, VersionSerializer):
    to = serializers.ChoiceField(choices=Dispute.Level.choices)
    reason = serializers.CharField(max_length=2000)


class TransitionActionSerializer(StepTimeMixin, VersionSerializer):
    to = serializers.ChoiceField(choices=[(s.value, s.label) for s in (
        Dispute.Status.SETTLED, Dispute.Status.WITHDRAWN, Dispute.Status.OPEN)])
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000, help_text=_(
        "Required: how it was settled, or why it is withdrawn or reopened. Settling while an agreement still has "
        "instalments unpaid is refused with 409."))


class RouteSerializer(StepTimeMixin, VersionSerializer):
    """Partial: a key left out keeps its current value; `mediation_centre: null` takes the centre away."""

    mediation_centre = serializers.PrimaryKeyRelatedField(queryset=MediationCentre.objects.all(), required=False,
                                                          allow_null=True)
    mediator = PickableUserField(roles={MEDIATOR}, required=False, allow_null=True)
    agencies = serializers.PrimaryKeyRelatedField(queryset=Agency.objects.all(), many=True, required=False)


class SessionSerializer(StrictModelSerializer):
    dispute = ScopedPrimaryKeyField(queryset=Dispute.objects.all())
    mediators = SessionMediatorField(many=True, required=False)
    agencies = serializers.PrimaryKeyRelatedField(queryset=Agency.objects.all(), many=True, required=False)

    class Meta:
        model = MediationSession
        fields = ["id", "dispute", "started_at", "duration_minutes", "place", "level", "mediators", "participants",
                  "agencies", "claimant_position", "respondent_position", "concessions", "outcome", "notes",
                  "recorded_by", "created_at"]
        read_only_fields = ["level", "recorded_by", "created_at"]


class ObligationInlineSerializer(StrictSerializer):
    due_on = serializers.DateField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    description = serializers.CharField(required=False, allow_blank=True, default="")


class ObligationSerializer(ModelSerializer):
    outstanding_amount = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)
    dispute = serializers.IntegerField(source="agreement.dispute_id", read_only=True)

    class Meta:
        model = Obligation
        fields = ["id", "agreement", "dispute", "sequence", "description", "due_on", "amount", "paid_amount",
                  "outstanding_amount", "paid_on", "status", "reminded_on", "version"]
        read_only_fields = fields


class AgreementSerializer(StrictModelSerializer):
    dispute = ScopedPrimaryKeyField(queryset=Dispute.objects.all())
    obligations = ObligationInlineSerializer(many=True, required=False, write_only=True)
    instalments = ObligationSerializer(source="obligations", many=True, read_only=True)
    parties = SameParentPrimaryKeyField(queryset=DisputeParty.objects.all(), many=True, required=False,
                                        parent_field="dispute", lookup="dispute_id")
    session = SameParentPrimaryKeyField(queryset=MediationSession.objects.all(), required=False, allow_null=True,
                                        parent_field="dispute", lookup="dispute_id")
    instalments_declared = serializers.IntegerField(min_value=0, required=False, allow_null=True, write_only=True)

    class Meta:
        model = Agreement
        fields = ["id", "dispute", "session", "terms", "total_amount", "signed_on", "parties", "status",
                  "obligations", "instalments", "instalments_declared", "recorded_by", "created_at"]
        read_only_fields = ["status", "recorded_by", "created_at"]
        extra_kwargs = {"total_amount": {"required": True}}  # the service has no default: say so in the schema


class PaySerializer(VersionSerializer):
    paid_on = serializers.DateField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    evidence = serializers.FileField(required=False, help_text=_("An image or a PDF (multipart)."))


class PaymentSerializer(ModelSerializer):
    class Meta:
        model = Payment
        fields = ["id", "obligation", "paid_on", "amount", "note", "recorded_by", "created_at"]
        read_only_fields = fields


def _within_bounds(value):
    if not EARLIEST <= value <= LATEST:
        raise serializers.ValidationError(_("Choose a date between %(earliest)s and %(latest)s.") % {
            "earliest": EARLIEST.isoformat(), "latest": LATEST.isoformat()})


class FiguresQuerySerializer(serializers.Serializer):
    start = serializers.DateField(validators=[_within_bounds])
    end = serializers.DateField(validators=[_within_bounds])
    park = serializers.IntegerField(required=False, min_value=1)

    def validate(self, attrs):
        if attrs["start"] > attrs["end"]:
            raise serializers.ValidationError(_("The period ends before it starts."))
        return attrs


# ---------------------------------------------------------------- the figures' shape, for the schema
def _by_level():
    return serializers.DictField(child=serializers.IntegerField(), help_text=_("By level: enterprise, park, beyond."))


class FiguresSpanSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    median_seconds = serializers.FloatField(allow_null=True)
    p90_seconds = serializers.FloatField(allow_null=True)


class FiguresCountAmountSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    amount = serializers.DecimalField(max_digits=16, decimal_places=2)


class FiguresOpenedSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    by_category = serializers.DictField(child=serializers.IntegerField())
    by_level = _by_level()


class FiguresSettledSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    by_level = _by_level()
    share = serializers.DictField(child=serializers.FloatField(allow_null=True), help_text=_(
        "Each level's share of the settled disputes, 0 to 1 (null: none settled)."))


class FiguresReopenedSerializer(serializers.Serializer):
    total = serializers.IntegerField(help_text=_("Disputes reopened in the period (by the reopening's time)."))
    times = serializers.IntegerField(help_text=_("Reopenings in the period (a dispute may be reopened twice)."))


class FiguresTierSerializer(serializers.Serializer):
    total_seconds = serializers.IntegerField()
    disputes = serializers.IntegerField()
    median_seconds = serializers.FloatField(allow_null=True)


class FiguresOverdueSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    outstanding = serializers.DecimalField(max_digits=16, decimal_places=2)


class FiguresPeriodSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    park = serializers.IntegerField(allow_null=True)


class FiguresSerializer(serializers.Serializer):
    """The dispute figures (selectors.dispute_figures), counted by when things happened, not when entered."""

    period = FiguresPeriodSerializer()
    opened = FiguresOpenedSerializer(help_text=_("Disputes that began in the period, by category and current level."))
    settled = FiguresSettledSerializer(help_text=_(
        "Disputes whose last step by the end of the period is a settlement within it, by the level they were "
        "settled at: one reopened and settled again counts once, at its final level."))
    reopened = FiguresReopenedSerializer()
    to_on_scene = FiguresSpanSerializer()
    to_settlement = FiguresSpanSerializer(help_text=_("From the start to the settlement, for the settled ones."))
    tiers = serializers.DictField(child=FiguresTierSerializer(), help_text=_(
        "For disputes opened in the period: seconds at each level, from the times the steps happened."))
    agreed = FiguresCountAmountSerializer()
    paid = FiguresCountAmountSerializer()
    obligations_due = FiguresCountAmountSerializer()
    overdue = FiguresOverdueSerializer()
