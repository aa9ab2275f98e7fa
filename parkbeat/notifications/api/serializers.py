from django.contrib.contenttypes.models import ContentType
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from parkbeat.core.serializers import ModelSerializer

from parkbeat.notifications.models import Notification


class NotificationSerializer(ModelSerializer):
    """One inbox entry. `about` names the record it concerns ("app.model"), with `object_id`."""

    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    is_read = serializers.SerializerMethodField()
    about = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "kind_display", "title", "body", "url", "about", "object_id", "created_at",
                  "read_at", "is_read"]
        read_only_fields = fields

    def get_is_read(self, obj) -> bool:
        return obj.read_at is not None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_about(self, obj):
        if obj.content_type_id is None:
            return None
        content_type = ContentType.objects.get_for_id(obj.content_type_id)  # cached per process
        return f"{content_type.app_label}.{content_type.model}"


class ReadAllSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="How many unread notifications were marked read.")


class UnreadCountSerializer(serializers.Serializer):
    unread = serializers.IntegerField()
