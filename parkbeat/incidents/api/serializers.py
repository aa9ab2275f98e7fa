from django.db.models import Q
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from parkbeat.core.permissions import AUXILIARY, LEADER, LIAISON, OFFICER, POLICE, VOLUNTEER
from parkbeat.core.serializers import (BlankAsNullChoiceField, ModelSerializer,
                                       MaskedMobileField, RoleWritableFieldsMixin, ScopedPrimaryKeyField,
                                       StrictModelSerializer, StrictSerializer)
from parkbeat.enterprises.models import Enterprise
from parkbeat.files.models import Attachment
from parkbeat.incidents.models import Incident, IncidentTransition
from parkbeat.org.models import Agency, Park, Role, User

STAFF_WRITABLE = {"source", "dispatch_number", "kind", "park", "enterprise", "location", "lon", "lat",
                  "people_involved", "description", "caller_name", "caller_mobile", "reported_at", "occurred_at",
                  "late_reason", "photos"}
# In the field: what happened, where, how many, since when; the source and park follow from the reporter's
# role, and the report time is the moment it arrives.
FIELD_WRITABLE = {"kind", "enterprise", "location", "lon", "lat", "people_involved", "description", "occurred_at",
                  "photos"}

TIME_HELP = _("ISO 8601 with its offset, e.g. 2026-12-01T11:02:00+08:00 (without an offset: Asia/Shanghai); "
              "empty: now. Not in the future nor before the step it follows; older than the back-entry window "
              "(PARKBEAT_BACK_ENTRY_DAYS, 30 days by default) only by a station leader or with `late_reason`, and "
              "then marked as entered late.")
LATE_REASON_HELP = _("Why a time older than the back-entry window is entered only now (not needed by a station "
                     "leader).")


class IncidentTransitionSerializer(ModelSerializer):
    actor = serializers.SerializerMethodField()
    holder = serializers.SerializerMethodField()

    class Meta:
        model = IncidentTransition
        fields = ["at", "recorded_at", "entered_late", "late_reason", "kind", "actor", "from_status", "to_status",
                  "holder", "note"]

    def get_actor(self, obj) -> str | None:
        return obj.actor.display_name if obj.actor_id else None

    def get_holder(self, obj) -> str | None:
        return obj.holder.display_name if obj.holder_id else None


class IncidentPhotoSerializer(ModelSerializer):
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Attachment
        fields = ["id", "original_name", "mime_type", "size", "created_at", "url"]


class IncidentSerializer(RoleWritableFieldsMixin, StrictModelSerializer):
    """Created through the API; changed afterwards only through the actions (each with `version`)."""

    park = ScopedPrimaryKeyField(queryset=Park.objects.all(), required=False, allow_null=True)
    enterprise = ScopedPrimaryKeyField(queryset=Enterprise.objects.all(), required=False, allow_null=True)
    caller_mobile = MaskedMobileField(max_length=11, required=False, allow_blank=True)
    number = serializers.CharField(read_only=True)
    park_name = serializers.CharField(source="park.name", read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True, default=None,
                                            allow_null=True)
    holder_name = serializers.CharField(source="holder.display_name", read_only=True, default=None,
                                        allow_null=True)
    reported_by_name = serializers.CharField(source="reported_by.display_name", read_only=True)
    photos = serializers.ListField(child=serializers.FileField(), required=False, write_only=True,
                                   help_text=_("Images only (multipart), checked and re-encoded on upload."))
    late_reason = serializers.CharField(required=False, allow_blank=True, max_length=1000, write_only=True,
                                        help_text=LATE_REASON_HELP)
    version = serializers.IntegerField(read_only=True)
    result = BlankAsNullChoiceField(choices=Incident.Result.choices, allow_blank=True, read_only=True,
                                    help_text=_("Null until the incident is closed."))

    class Meta:
        model = Incident
        fields = ["id", "number", "source", "dispatch_number", "kind", "park", "park_name", "enterprise",
                  "enterprise_name", "location", "lon", "lat", "people_involved", "description", "caller_name",
                  "caller_mobile", "reported_by", "reported_by_name", "reported_at", "occurred_at", "late_reason",
                  "status", "holder", "holder_name", "held_since", "escalation_level", "accept_due_at", "accepted_at",
                  "on_scene_at", "closed_at", "result", "result_note", "agencies", "photos", "version", "created_at", "updated_at"]
        read_only_fields = ["reported_by", "status", "holder", "held_since", "escalation_level", "accept_due_at",
                            "accepted_at", "on_scene_at", "closed_at", "result", "result_note", "agencies",
                            "created_at", "updated_at"]
        # The service checks the dispatch number and names the incident that already has it.
        extra_kwargs = {
            "source": {"required": False},
            "reported_at": {"required": False, "help_text": format_lazy("{} {}", _(
                "When the report reached the police (police only; from the field: the moment it arrives)."),
                TIME_HELP)},
            "occurred_at": {"required": False, "help_text": format_lazy("{} {}", _(
                "When it happened, as the reporter says; not after the report."), TIME_HELP)},
            "dispatch_number": {"validators": [], "help_text": _(
                "Compared and stored without spaces, in upper case, full-width characters as ASCII.")}}
        role_writable_fields = {LEADER: STAFF_WRITABLE, OFFICER: STAFF_WRITABLE, AUXILIARY: STAFF_WRITABLE,
                                LIAISON: FIELD_WRITABLE, VOLUNTEER: FIELD_WRITABLE}


class IncidentDetailSerializer(IncidentSerializer):
    transitions = IncidentTransitionSerializer(many=True, read_only=True)
    attachments = serializers.SerializerMethodField()
    outcomes = serializers.SerializerMethodField()

    class Meta(IncidentSerializer.Meta):
        fields = [*IncidentSerializer.Meta.fields, "transitions", "attachments", "outcomes"]

    def get_attachments(self, obj) -> list[dict]:
        return IncidentPhotoSerializer(Attachment.objects.for_object(obj), many=True).data

    def get_outcomes(self, obj) -> list[dict]:
        from parkbeat.incidents.links import outcomes_of

        request = self.context.get("request")
        return [{"kind": outcome.model, "label": str(outcome.label),
                 "records": [{"id": r.pk, "name": str(r), "url": r.get_absolute_url()} for r in records]}
                for outcome, records in outcomes_of(obj, request.user if request else None)]


class IncidentVersionSerializer(StrictSerializer):
    version = serializers.IntegerField(min_value=1, help_text=_("The version you loaded."))
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=1000)


class IncidentActionSerializer(IncidentVersionSerializer):
    """An event of the incident (accept, arrive, close, cancel, reopen, handover): when it happened."""

    at = serializers.DateTimeField(required=False, allow_null=True, default=None,
                                   help_text=format_lazy("{} {}", _("When it happened."), TIME_HELP))
    late_reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=1000,
                                        help_text=LATE_REASON_HELP)


class IncidentCloseSerializer(IncidentActionSerializer):
    result = serializers.ChoiceField(choices=Incident.Result.choices)
    result_note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class IncidentHandoverSerializer(IncidentActionSerializer):
    to_user = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.none(),
        help_text=_("Police of a park you reach or a leader of its station (others: “does not exist”)."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        self.fields["to_user"].queryset = pickable_holders(request.user if request else None)


def pickable_holders(user):
    """Whom `user` may name as a new holder at all: police of the parks they reach as police and leaders of
    those parks' stations. Any other id does not exist for them, so it never reveals whose account it is.
    (The service then narrows to the incident's own park.)"""
    if user is None:
        return User.objects.none()
    parks = Park.objects.visible_to(user, roles=POLICE).values("pk")
    stations = Park.objects.visible_to(user, roles=POLICE).values("station_id")
    return User.objects.filter(is_active=True).filter(
        Q(role_assignments__role__in=[Role.PARK_OFFICER, Role.AUXILIARY], role_assignments__park__in=parks)
        | Q(role_assignments__role=Role.STATION_LEADER, role_assignments__unit_id__in=stations)).distinct()


class IncidentFiguresQuerySerializer(serializers.Serializer):
    """The period (both dates included, 2000-01-01 … 2100-12-31) and optionally one park."""

    start = serializers.DateField()
    end = serializers.DateField()
    park = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=2**31 - 1)

    def validate(self, attrs):
        from parkbeat.incidents.selectors import FIGURES_FIRST_DAY, FIGURES_LAST_DAY

        for name in ("start", "end"):
            if not FIGURES_FIRST_DAY <= attrs[name] <= FIGURES_LAST_DAY:
                raise serializers.ValidationError({name: _("Choose a date from 2000-01-01 to 2100-12-31.")})
        if attrs["start"] > attrs["end"]:
            raise serializers.ValidationError(_("The period ends before it starts."))
        return attrs


class IncidentAgencySerializer(IncidentVersionSerializer):
    agency = serializers.PrimaryKeyRelatedField(queryset=Agency.objects.all())


class IncidentPhotoUploadSerializer(StrictSerializer):
    photo = serializers.FileField()
