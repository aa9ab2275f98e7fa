from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from parkbeat.core.permissions import LEADER, OFFICER
from parkbeat.core.serializers import (ModelSerializer, RoleWritableFieldsMixin, ScopedPrimaryKeyField,
                                       StrictSerializer, VersionedSerializer)
from parkbeat.guarding.models import FixedPoint, GuardedAsset, GuardShift, Segment, ShiftPerson
from parkbeat.org.models import Park, User

PLANNERS = (LEADER, OFFICER)


class GuardedAssetSerializer(RoleWritableFieldsMixin, VersionedSerializer):
    park = ScopedPrimaryKeyField(queryset=Park.objects.all())
    geometry = serializers.JSONField(help_text=_("A GeoJSON LineString of WGS-84 [longitude, latitude] points, at "
                                                 "least two."))

    class Meta:
        model = GuardedAsset
        fields = ["id", "park", "name", "kind", "geometry", "length_m", "starts_at", "ends_at", "status",
                  "description", "version", "created_at", "updated_at"]
        read_only_fields = ["length_m", "created_at", "updated_at"]
        role_writable_fields = {role: {"park", "name", "kind", "geometry", "starts_at", "ends_at", "status",
                                       "description"} for role in PLANNERS}
        create_only_fields = {"park"}


class GuardSegmentSerializer(RoleWritableFieldsMixin, VersionedSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True, default=None, allow_null=True)
    team_name = serializers.CharField(source="team.name", read_only=True, default=None, allow_null=True)
    release_conflicting = serializers.BooleanField(
        write_only=True, required=False, default=False,
        help_text=_("Take the people who are not of the new team off the segment's upcoming shifts (they and the "
                    "captain are told); without it such a reassignment is refused with a 400 on `team`."))

    class Meta:
        model = Segment
        fields = ["id", "asset", "order", "from_m", "to_m", "enterprise", "enterprise_name", "team", "team_name",
                  "version", "release_conflicting"]
        read_only_fields = ["asset", "order", "from_m", "to_m", "enterprise"]
        role_writable_fields = {role: {"team", "release_conflicting"} for role in PLANNERS}


class SplitPieceSerializer(StrictSerializer):
    from_m = serializers.IntegerField(min_value=0)
    to_m = serializers.IntegerField(min_value=1)
    enterprise = serializers.IntegerField(required=False, allow_null=True, min_value=1,
                                          help_text=_("The enterprise beside this stretch (of the asset's park)."))
    team = serializers.IntegerField(required=False, allow_null=True, min_value=1,
                                    help_text=_("The volunteer team that watches it (of the asset's park)."))


class SplitSerializer(StrictSerializer):
    version = serializers.IntegerField(min_value=1, help_text=_("The asset's version you loaded."))
    every_m = serializers.IntegerField(required=False, min_value=1, help_text=_("Segments of this many metres."))
    pieces = SplitPieceSerializer(many=True, required=False,
                                  help_text=_("Or explicit segments that cover the whole line, none twice."))


class SplitResultSerializer(serializers.Serializer):
    asset_version = serializers.IntegerField()
    segments = GuardSegmentSerializer(many=True)


class ShiftPersonSerializer(ModelSerializer):
    name = serializers.CharField(source="user.display_name", read_only=True)

    class Meta:
        model = ShiftPerson
        fields = ["user", "name", "checked_in_at", "checked_in_recorded_at", "checked_in_by", "declined_at",
                  "declined_reason", "declined_late"]
        read_only_fields = fields


class GuardShiftSerializer(VersionedSerializer):
    segment = ScopedPrimaryKeyField(queryset=Segment.objects.all())
    people = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True), many=True,
                                                help_text=_("Who is on the shift (volunteers, police of the park)."))
    roster = ShiftPersonSerializer(many=True, read_only=True)
    asset = serializers.IntegerField(source="segment.asset_id", read_only=True)

    class Meta:
        model = GuardShift
        fields = ["id", "segment", "asset", "starts_at", "ends_at", "people", "roster", "note", "created_by",
                  "version", "created_at", "updated_at"]
        read_only_fields = ["created_by", "created_at", "updated_at"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["people"] = [row.user_id for row in instance.roster.all()]
        return data


class CheckInSerializer(StrictSerializer):
    person = serializers.IntegerField(required=False, min_value=1,
                                      help_text=_("Someone else on the shift (the police recording an arrival)."))
    at = serializers.DateTimeField(required=False, allow_null=True, help_text=_("When they arrived, if not now."))
    late_reason = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")


class DeclineSerializer(StrictSerializer):
    reason = serializers.CharField(max_length=200, help_text=_("Why you cannot come."))


class FixedPointSerializer(RoleWritableFieldsMixin, VersionedSerializer):
    asset = ScopedPrimaryKeyField(queryset=GuardedAsset.objects.all())
    night_start = serializers.TimeField(help_text=_("Asia/Shanghai, HH:MM."))
    night_end = serializers.TimeField(help_text=_("Asia/Shanghai, HH:MM; the next morning when before the start."))

    class Meta:
        model = FixedPoint
        fields = ["id", "asset", "name", "lon", "lat", "officer", "night_start", "night_end", "version"]
        role_writable_fields = {role: {"asset", "name", "lon", "lat", "officer", "night_start", "night_end"}
                                for role in PLANNERS}
        create_only_fields = {"asset"}


class GapSerializer(serializers.Serializer):
    segment = serializers.IntegerField()
    segment_label = serializers.CharField()
    team = serializers.IntegerField(allow_null=True)
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()


class MissingPersonSerializer(serializers.Serializer):
    shift = serializers.IntegerField()
    segment = serializers.IntegerField()
    user = serializers.IntegerField()
    name = serializers.CharField()
    shift_started_at = serializers.DateTimeField()


class GapsSerializer(serializers.Serializer):
    window_from = serializers.DateTimeField(source="from")
    window_to = serializers.DateTimeField(source="to")
    gaps = GapSerializer(many=True, help_text=_("Stretches of time with nobody on shift, per segment."))


class CoverageSerializer(serializers.Serializer):
    window_from = serializers.DateTimeField(source="from")
    window_to = serializers.DateTimeField(source="to")
    gaps = GapSerializer(many=True, help_text=_("Stretches of time with nobody on shift, per segment."))
    covered = GapSerializer(many=True, help_text=_("Stretches with at least one person on shift, per segment."))
    not_checked_in = MissingPersonSerializer(many=True, help_text=_("People of the shifts under way now who have "
                                                                    "not checked in."))
