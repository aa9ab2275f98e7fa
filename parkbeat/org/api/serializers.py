from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from parkbeat.core.permissions import LEADER, OFFICER
from parkbeat.core.serializers import (ModelSerializer,
                                       RoleWritableFieldsMixin, ScopedPrimaryKeyField, StrictModelSerializer,
                                       StrictSerializer)
from parkbeat.org.models import DutyShift, Park, User


class UserBriefSerializer(ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "username", "full_name"]


PARK_KINDS = "|".join(Park.Kind.values)


@extend_schema_field({"type": "string", "pattern": f"^({PARK_KINDS})$",
                      "description": "; ".join(f"{value}: {label}" for value, label in Park.Kind.choices)})
class ParkKindField(serializers.ChoiceField):
    """A park's kind, documented by a pattern: a `ParkKindEnum` needs an entry in settings' ENUM_NAME_OVERRIDES
    (the name `kind` is taken by several enums)."""

    def __init__(self, **kwargs):
        super().__init__(choices=Park.Kind.choices, **kwargs)


class ParkSerializer(ModelSerializer):
    station_name = serializers.CharField(source="station.name", read_only=True)
    kind = ParkKindField(read_only=True)

    class Meta:
        model = Park
        fields = ["id", "name", "kind", "code", "station", "station_name", "address", "area_km2", "boundary",
                  "description"]


class ParkUpdateSerializer(StrictSerializer):
    """What the station's leader may change of a park (PATCH: any of them)."""

    name = serializers.CharField(max_length=100, required=False)
    kind = ParkKindField(required=False, help_text=_("An industrial park, or another prevention area of the station "
                                               "(e.g. a campus's surroundings)."))
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    description = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class DutyShiftSerializer(RoleWritableFieldsMixin, StrictModelSerializer):
    park = ScopedPrimaryKeyField(queryset=Park.objects.all())
    user = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True))
    user_name = serializers.CharField(source="user.display_name", read_only=True)

    class Meta:
        model = DutyShift
        fields = ["id", "park", "user", "user_name", "role", "starts_at", "ends_at", "note"]
        role_writable_fields = {role: {"park", "user", "role", "starts_at", "ends_at", "note"}
                                for role in (LEADER, OFFICER)}

    def validate(self, attrs):
        if attrs["ends_at"] <= attrs["starts_at"]:
            raise serializers.ValidationError({"ends_at": _("A shift must end after it starts.")})
        return attrs


class TokenRequestSerializer(StrictSerializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, style={"input_type": "password"}, trim_whitespace=False)
    otp = serializers.CharField(max_length=20, required=False, allow_blank=True, default="",
                                help_text="One-time code (authenticator app or recovery code) for accounts "
                                          "with a second factor.")


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField()
    expires_at = serializers.DateTimeField()
