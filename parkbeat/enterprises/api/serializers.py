from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from parkbeat.core.serializers import MaskedMobileField, ScopedPrimaryKeyField, VersionedSerializer
from parkbeat.enterprises.models import Demand, DemandTransition, Enterprise, Liaison, Visit, validate_production_hours
from parkbeat.org.models import Park, User


class EnterpriseSerializer(VersionedSerializer):
    park = ScopedPrimaryKeyField(queryset=Park.objects.all())
    park_name = serializers.CharField(source="park.name", read_only=True)
    production_hours = serializers.JSONField(required=False, validators=[validate_production_hours])

    class Meta:
        model = Enterprise
        fields = ["id", "name", "credit_code", "park", "park_name", "address", "lon", "lat", "industry",
                  "headcount", "production_hours", "is_key", "key_reason", "risk_category", "status",
                  "version", "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]


class LiaisonSerializer(VersionedSerializer):
    enterprise = ScopedPrimaryKeyField(queryset=Enterprise.objects.all())
    mobile = MaskedMobileField(max_length=11)

    class Meta:
        model = Liaison
        fields = ["id", "enterprise", "kind", "name", "title", "mobile", "user", "version"]
        read_only_fields = ["user"]


class DemandInlineSerializer(serializers.Serializer):
    category = serializers.ChoiceField(choices=Demand.Category.choices)
    content = serializers.CharField()
    due_at = serializers.DateTimeField(required=False)


class VisitSerializer(VersionedSerializer):
    enterprise = ScopedPrimaryKeyField(queryset=Enterprise.objects.all())
    visitor = serializers.CharField(source="visitor.display_name", read_only=True)
    demands = DemandInlineSerializer(many=True, required=False, write_only=True,
                                     help_text=_("Demands raised during the visit, created with it."))

    class Meta:
        model = Visit
        fields = ["id", "enterprise", "visitor", "visited_at", "companions", "met_with", "findings", "demands",
                  "version", "created_at"]
        read_only_fields = ["created_at"]

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if self.instance is not None and "enterprise" in attrs and attrs["enterprise"] != self.instance.enterprise:
            raise serializers.ValidationError({"enterprise": _("A visit cannot move to another enterprise.")})
        return attrs


class DemandTransitionSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.display_name", read_only=True)

    class Meta:
        model = DemandTransition
        fields = ["at", "actor", "from_status", "to_status", "note"]


class DemandSerializer(VersionedSerializer):
    enterprise = ScopedPrimaryKeyField(queryset=Enterprise.objects.all())
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    raised_by = serializers.CharField(source="raised_by.display_name", read_only=True)
    assignee = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True), required=False,
                                                  allow_null=True)
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = Demand
        fields = ["id", "enterprise", "enterprise_name", "visit", "source", "category", "content", "raised_by",
                  "assignee", "status", "due_at", "is_overdue", "answer", "answered_at", "closed_at", "version",
                  "created_at"]
        read_only_fields = ["visit", "source", "status", "answer", "answered_at", "closed_at", "created_at"]
        extra_kwargs = {"due_at": {"required": False, "help_text": _("Default: 7 days from now.")}}

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if self.instance is not None and "enterprise" in attrs and attrs["enterprise"] != self.instance.enterprise:
            raise serializers.ValidationError({"enterprise": _("A demand cannot move to another enterprise.")})
        return attrs


class DemandDetailSerializer(DemandSerializer):
    transitions = DemandTransitionSerializer(many=True, read_only=True)

    class Meta(DemandSerializer.Meta):
        fields = [*DemandSerializer.Meta.fields, "transitions"]


class DemandActionSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=1, help_text=_("The version you loaded."))
    note = serializers.CharField(required=False, allow_blank=True, default="")
    answer = serializers.CharField(required=False, allow_blank=True, default="")


class DemandAssignSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=1)
    assignee = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True))
