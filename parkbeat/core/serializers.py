"""Serializer pieces shared by every app: versions for optimistic locking, masked personal fields."""
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from parkbeat.core.personal import mask_mobile


class VersionedSerializer(serializers.ModelSerializer):
    """`version` is read on every response and required on every update: a stale one gets 409."""

    version = serializers.IntegerField(required=False, min_value=1,
                                       help_text=_("The version you loaded; required when updating."))

    def validate(self, attrs):
        if self.instance is not None and "version" not in attrs:
            raise serializers.ValidationError({"version": _("Send the version you loaded (field “version”).")})
        return attrs


class MaskedMobileField(serializers.CharField):
    """Writes the full number, reads it masked (138****5678)."""

    def to_representation(self, value):
        return mask_mobile(value)


class ScopedPrimaryKeyField(serializers.PrimaryKeyRelatedField):
    """A foreign key that accepts only objects the requesting user can see (else: does not exist)."""

    def get_queryset(self):
        request = self.context.get("request")
        return super().get_queryset().visible_to(request.user if request else None)
