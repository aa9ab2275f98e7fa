import math
from datetime import datetime

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from parkbeat.core.permissions import LEADER, OFFICER
from parkbeat.core.serializers import (ModelSerializer, RoleWritableFieldsMixin, ScopedPrimaryKeyField,
                                       StrictSerializer, VersionedSerializer)
from parkbeat.incidents.models import Incident
from parkbeat.org.models import Park, User
from parkbeat.patrols.models import (CheckIn, Checkpoint, Finding, MissedCheck, Mode, PatrolPlan, PatrolRun, Route,
                                     TrackPoint)

class CheckpointSerializer(RoleWritableFieldsMixin, VersionedSerializer):
    park = ScopedPrimaryKeyField(queryset=Park.objects.all())
    park_name = serializers.CharField(source="park.name", read_only=True)

    class Meta:
        model = Checkpoint
        fields = ["id", "park", "park_name", "name", "kind", "lon", "lat", "description", "is_active", "retired_at",
                  "token_version", "version", "created_at", "updated_at"]
        read_only_fields = ["is_active", "retired_at", "token_version", "created_at", "updated_at"]
        role_writable_fields = {role: {"park", "name", "kind", "lon", "lat", "description"} for role in (LEADER, OFFICER)}
        create_only_fields = {"park"}


class CheckpointCodeSerializer(serializers.Serializer):
    token = serializers.CharField(help_text=_("The text of the QR code (signed; starts with PB1:)."))
    short_code = serializers.CharField(help_text=_("The 8 characters to type where the camera cannot read the code."))
    token_version = serializers.IntegerField()


class VersionBodySerializer(StrictSerializer):
    version = serializers.IntegerField(min_value=1, help_text=_("The version you loaded."))


class PatrolRouteSerializer(RoleWritableFieldsMixin, VersionedSerializer):
    park = ScopedPrimaryKeyField(queryset=Park.objects.all())
    checkpoints = serializers.PrimaryKeyRelatedField(
        queryset=Checkpoint.objects.all(), many=True, required=False,
        help_text=_("The checkpoints in the order of the round; all of the route's park."))

    class Meta:
        model = Route
        fields = ["id", "park", "name", "description", "is_active", "checkpoints", "version", "created_at",
                  "updated_at"]
        read_only_fields = ["created_at", "updated_at"]
        role_writable_fields = {role: {"park", "name", "description", "is_active", "checkpoints"}
                                for role in (LEADER, OFFICER)}
        create_only_fields = {"park"}

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["checkpoints"] = [s.checkpoint_id for s in instance.stops.order_by("position")]
        return data

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if self.instance is None and not attrs.get("checkpoints"):
            raise serializers.ValidationError({"checkpoints": _("A route needs at least one checkpoint.")})
        return attrs


class PlanTeamSerializer(StrictSerializer):
    team = serializers.IntegerField(source="team_id", min_value=1, help_text=_("A volunteer team of the route's park."))
    volunteers = serializers.IntegerField(min_value=1, max_value=50)


class PlanSerializer(RoleWritableFieldsMixin, VersionedSerializer):
    route = ScopedPrimaryKeyField(queryset=Route.objects.all())
    park = serializers.PrimaryKeyRelatedField(read_only=True)
    weekdays = serializers.ListField(child=serializers.IntegerField(min_value=0, max_value=6),
                                     help_text=_("0 = Monday … 6 = Sunday."))
    teams = PlanTeamSerializer(many=True, required=False,
                               help_text=_("Volunteers required by team: [{team, volunteers}]."))
    start_time = serializers.TimeField(help_text=_("Asia/Shanghai, HH:MM."))
    end_time = serializers.TimeField(help_text=_("Asia/Shanghai, HH:MM; the next day when overnight."))

    class Meta:
        model = PatrolPlan
        fields = ["id", "route", "park", "name", "mode", "weekdays", "start_time", "end_time", "overnight",
                  "is_night", "officers_required", "auxiliaries_required", "officer", "is_active", "teams",
                  "version", "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]
        writable = {"route", "name", "mode", "weekdays", "start_time", "end_time", "overnight", "is_night",
                    "officers_required", "auxiliaries_required", "officer", "is_active", "teams"}
        role_writable_fields = {LEADER: writable, OFFICER: writable}
        create_only_fields = {"route"}



class CheckInSerializer(ModelSerializer):
    checkpoint_name = serializers.CharField(source="checkpoint.name", read_only=True)
    recorded_by = serializers.CharField(source="recorded_by.display_name", read_only=True)
    flags = serializers.ListField(child=serializers.ChoiceField(choices=CheckIn.Flag.choices), read_only=True)

    class Meta:
        model = CheckIn
        fields = ["id", "run", "checkpoint", "checkpoint_name", "at", "recorded_at", "recorded_by", "method", "lon",
                  "lat", "distance_m", "flags", "counted"]
        read_only_fields = fields


class FindingSerializer(ModelSerializer):
    incident_number = serializers.CharField(source="incident.number", read_only=True)

    class Meta:
        model = Finding
        fields = ["id", "run", "incident", "incident_number", "checkpoint", "at", "recorded_at", "description"]
        read_only_fields = fields


class MissedCheckSerializer(ModelSerializer):
    class Meta:
        model = MissedCheck
        fields = ["id", "plan", "checkpoint", "window_start", "window_end", "recorded_at"]
        read_only_fields = fields


class RunSerializer(ModelSerializer):
    number = serializers.CharField(read_only=True)
    participants = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = PatrolRun
        fields = ["id", "number", "plan", "route", "park", "mode", "status", "started_at", "finished_at",
                  "window_start", "window_end", "started_by", "recorded_at", "finished_by", "participants", "note",
                  "version"]
        read_only_fields = fields


class RunDetailSerializer(RunSerializer):
    checkins = CheckInSerializer(many=True, read_only=True)
    findings = FindingSerializer(many=True, read_only=True)
    missed_checks = serializers.SerializerMethodField()

    class Meta(RunSerializer.Meta):
        fields = [*RunSerializer.Meta.fields, "checkins", "findings", "missed_checks"]
        read_only_fields = fields

    def get_missed_checks(self, obj) -> list[dict]:
        if not obj.plan_id:
            return []
        rows = MissedCheck.objects.filter(plan_id=obj.plan_id, window_start=obj.window_start)
        return MissedCheckSerializer(rows, many=True).data


class RunStartSerializer(StrictSerializer):
    plan = serializers.PrimaryKeyRelatedField(queryset=PatrolPlan.objects.all(), required=False, allow_null=True)
    route = serializers.PrimaryKeyRelatedField(queryset=Route.objects.all(), required=False, allow_null=True,
                                               help_text=_("An ad-hoc run (police only), instead of a plan."))
    mode = serializers.ChoiceField(choices=Mode.choices, required=False, help_text=_("Ad-hoc runs only."))
    participants = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True), many=True,
                                                      required=False)
    started_at = serializers.DateTimeField(required=False, allow_null=True,
                                           help_text=_("When it started, if not now (Asia/Shanghai unless an offset "
                                                       "is given)."))
    late_reason = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    note = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")


class RunFinishSerializer(VersionBodySerializer):
    finished_at = serializers.DateTimeField(required=False, allow_null=True)
    late_reason = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")


class ScanSerializer(StrictSerializer):
    code = serializers.CharField(max_length=400, help_text=_("The scanned QR text, or the 8-character code typed."))
    checkpoint = serializers.IntegerField(required=False, min_value=1,
                                          help_text=_("The checkpoint the phone believes it is at; the code must "
                                                      "name the same one."))
    at = serializers.DateTimeField(required=False, allow_null=True,
                                   help_text=_("When the scan happened (a phone offline sends it later); never in the "
                                               "future beyond a few minutes."))
    lon = serializers.DecimalField(max_digits=9, decimal_places=6, required=False, allow_null=True,
                                   min_value=-180, max_value=180, help_text=_("WGS-84 longitude of the phone."))
    lat = serializers.DecimalField(max_digits=9, decimal_places=6, required=False, allow_null=True,
                                   min_value=-90, max_value=90, help_text=_("WGS-84 latitude of the phone."))
    method = serializers.ChoiceField(choices=CheckIn.Method.choices, required=False, default=CheckIn.Method.QR)


class FindingCreateSerializer(StrictSerializer):
    kind = serializers.ChoiceField(choices=Incident.Kind.choices)
    description = serializers.CharField(max_length=2000)
    checkpoint = serializers.IntegerField(required=False, min_value=1, allow_null=True)
    at = serializers.DateTimeField(required=False, allow_null=True, help_text=_("When it was seen, if not now."))
    lon = serializers.DecimalField(max_digits=9, decimal_places=6, required=False, allow_null=True,
                                   min_value=-180, max_value=180)
    lat = serializers.DecimalField(max_digits=9, decimal_places=6, required=False, allow_null=True,
                                   min_value=-90, max_value=90)



class TrackPointInputSerializer(StrictSerializer):
    at = serializers.DateTimeField(help_text=_("When the position was taken (with its offset; Asia/Shanghai "
                                               "otherwise)."))
    lon = serializers.FloatField(help_text=_("Longitude, in the system named by coords."))
    lat = serializers.FloatField(help_text=_("Latitude, in the system named by coords."))
    accuracy = serializers.FloatField(required=False, allow_null=True, min_value=0,
                                      help_text=_("The position's accuracy in metres, as the phone reports it."))


class TrackPointsField(serializers.ListField):
    """The batch's points, validated as TrackPointInputSerializer would, without running it point by point.

    A point that is a plain object with the declared keys only, `at` an ISO 8601 text DRF's DateTimeField
    reads the same way, `lon`, `lat` (and `accuracy`) finite JSON numbers, is read by a plain loop into what
    the child serializer would have given. At the first point that is anything else, the whole list goes
    through the child serializer, so every refusal (an unknown key named, a field missing, a text that is not
    a time) is exactly DRF's. The schema is the child's: a list of TrackPointInput."""

    def run_child_validation(self, data):
        fast = self._read_plain(data)
        return fast if fast is not None else super().run_child_validation(data)

    def _read_plain(self, data):
        child = self.child
        at_field = child.fields["at"]
        if (at_field.timezone if hasattr(at_field, "timezone") else at_field.default_timezone()) is None:
            return None  # naive times wanted (USE_TZ off): DRF's way
        keys, required = frozenset(child.fields), frozenset(("at", "lon", "lat"))
        finite, fromisoformat = math.isfinite, datetime.fromisoformat
        result = []
        append = result.append
        try:
            for item in data:
                if type(item) is not dict or not required <= item.keys() <= keys:
                    return None
                at, lon, lat = item["at"], item["lon"], item["lat"]
                if type(at) is not str or type(lon) not in (float, int) or type(lat) not in (float, int):
                    return None
                lon, lat = float(lon), float(lat)
                if not (finite(lon) and finite(lat)):
                    return None
                at = fromisoformat(at)  # what django.utils.dateparse.parse_datetime tries first
                if at.utcoffset() is None:
                    at = at_field.enforce_timezone(at)  # a local time: DRF's own check of the wall clock
                elif at.year in (1, 9999):
                    return None  # moved into the current zone it may overflow: DRF's refusal
                # else the instant DRF gives (it would move it into the current zone, which nothing reads)
                point = {"at": at, "lon": lon, "lat": lat}
                if "accuracy" in item:
                    accuracy = item["accuracy"]
                    if accuracy is not None:
                        if type(accuracy) not in (float, int):
                            return None
                        accuracy = float(accuracy)
                        if not finite(accuracy) or accuracy < 0:
                            return None
                    point["accuracy"] = accuracy
                append(point)
        except (ValueError, TypeError, OverflowError, serializers.ValidationError):
            return None
        return result


class TrackIngestSerializer(StrictSerializer):
    device = serializers.CharField(required=False, allow_blank=True, max_length=60, default="",
                                   help_text=_("The sending device's own key (kept beside your user id); a resent "
                                               "point of the same device and time is stored once."))
    coords = serializers.ChoiceField(choices=[("wgs84", "WGS-84"), ("gcj02", "GCJ-02")], default="wgs84",
                                     required=False,
                                     help_text=_("gcj02 for positions from a Chinese map (converted to WGS-84)."))
    points = TrackPointsField(child=TrackPointInputSerializer(), allow_empty=False, max_length=1000,
                                   help_text=_("At most 1000 positions, in the order they were taken."))


class TrackRejectionSerializer(serializers.Serializer):
    index = serializers.IntegerField(help_text=_("The point's place in the batch, from 0."))
    reason = serializers.ChoiceField(choices=[(k, k) for k in (
        "invalid_time", "invalid_position", "invalid_accuracy", "out_of_range", "future", "before_start",
        "after_finish", "out_of_order", "too_fast")])
    message = serializers.CharField()


class TrackIngestResultSerializer(serializers.Serializer):
    accepted = serializers.IntegerField(help_text=_("Points stored now."))
    duplicates = serializers.IntegerField(help_text=_("Points this device had sent before (not stored again)."))
    rejected = TrackRejectionSerializer(many=True)


class TrackPointSerializer(ModelSerializer):
    class Meta:
        model = TrackPoint
        fields = ["id", "device", "at", "recorded_at", "lon", "lat", "accuracy_m", "speed_ok"]
        read_only_fields = fields
