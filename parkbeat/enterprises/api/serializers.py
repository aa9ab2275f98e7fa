from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from parkbeat.core.permissions import AUXILIARY, LEADER, LIAISON, OFFICER
from parkbeat.core.serializers import (ModelSerializer,
                                       MaskedMobileField, RoleWritableFieldsMixin, ScopedPrimaryKeyField,
                                       StrictSerializer, VersionedSerializer)
from parkbeat.core.bounds import happened, plausible
from parkbeat.enterprises.models import (Demand, DemandTransition, Enterprise, KeyDesignation, KeyRiskCategory,
                                         Liaison, Visit, validate_production_hours)
from parkbeat.org.models import Park, User


# Key status (is_key, key_reason, risk_category) is read here and changed by the designate/undesignate actions.
ENTERPRISE_WRITABLE = {"name", "credit_code", "park", "address", "lon", "lat", "industry", "headcount",
                       "production_hours", "status"}


class EnterpriseSerializer(RoleWritableFieldsMixin, VersionedSerializer):
    park = ScopedPrimaryKeyField(queryset=Park.objects.all())
    park_name = serializers.CharField(source="park.name", read_only=True)
    production_hours = serializers.JSONField(required=False, validators=[validate_production_hours])

    class Meta:
        model = Enterprise
        fields = ["id", "name", "credit_code", "park", "park_name", "address", "lon", "lat", "industry",
                  "headcount", "production_hours", "is_key", "key_reason", "risk_category", "status",
                  "version", "created_at", "updated_at"]
        read_only_fields = ["is_key", "key_reason", "risk_category", "created_at", "updated_at"]
        # The police of the park keep the register; liaisons and everyone else only read it.
        role_writable_fields = {LEADER: ENTERPRISE_WRITABLE, OFFICER: ENTERPRISE_WRITABLE,
                                AUXILIARY: ENTERPRISE_WRITABLE}


class LiaisonSerializer(RoleWritableFieldsMixin, VersionedSerializer):
    enterprise = ScopedPrimaryKeyField(queryset=Enterprise.objects.all())
    mobile = MaskedMobileField(max_length=11)

    class Meta:
        model = Liaison
        fields = ["id", "enterprise", "kind", "name", "title", "mobile", "user", "version"]
        read_only_fields = ["user"]
        # A liaison keeps the contacts of their own enterprise (the enterprise field only offers that one).
        role_writable_fields = {role: {"enterprise", "kind", "name", "title", "mobile"}
                                for role in (LEADER, OFFICER, AUXILIARY, LIAISON)}
        create_only_fields = {"enterprise"}


class DemandInlineSerializer(StrictSerializer):
    category = serializers.ChoiceField(choices=Demand.Category.choices)
    content = serializers.CharField()
    due_at = serializers.DateTimeField(required=False)


class VisitSerializer(RoleWritableFieldsMixin, VersionedSerializer):
    enterprise = ScopedPrimaryKeyField(queryset=Enterprise.objects.all())
    visitor = serializers.CharField(source="visitor.display_name", read_only=True)
    demands = DemandInlineSerializer(many=True, required=False, write_only=True,
                                     help_text=_("Demands raised during the visit, created with it."))

    class Meta:
        model = Visit
        fields = ["id", "enterprise", "visitor", "visited_at", "companions", "met_with", "findings", "demands",
                  "version", "created_at"]
        read_only_fields = ["created_at"]
        role_writable_fields = {role: {"enterprise", "visited_at", "companions", "met_with", "findings", "demands"}
                                for role in (LEADER, OFFICER, AUXILIARY)}
        create_only_fields = {"enterprise"}


class DemandTransitionSerializer(ModelSerializer):
    actor = serializers.CharField(source="actor.display_name", read_only=True, default=None, allow_null=True,
                                  help_text=_("Null for a step taken by the system."))

    class Meta:
        model = DemandTransition
        fields = ["at", "actor", "from_status", "to_status", "note"]


class DemandSerializer(RoleWritableFieldsMixin, VersionedSerializer):
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
        extra_kwargs = {"due_at": {"required": False, "help_text": _("Default: 7 days from now.")},
                        "category": {"required": True}}
        # Status, answer and source change only through the actions; deadlines and assignees are the
        # station's to set. A liaison states what the enterprise needs, for their own enterprise.
        role_writable_fields = {
            LEADER: {"enterprise", "category", "content", "due_at", "assignee"},
            OFFICER: {"enterprise", "category", "content", "due_at", "assignee"},
            AUXILIARY: {"enterprise", "category", "content", "due_at"},
            LIAISON: {"enterprise", "category", "content"},
        }
        create_only_fields = {"enterprise"}


class DemandDetailSerializer(DemandSerializer):
    transitions = DemandTransitionSerializer(many=True, read_only=True)

    class Meta(DemandSerializer.Meta):
        fields = [*DemandSerializer.Meta.fields, "transitions"]


class DemandActionSerializer(StrictSerializer):
    version = serializers.IntegerField(min_value=1, help_text=_("The version you loaded."))
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
    answer = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)


class DemandAssignSerializer(StrictSerializer):
    version = serializers.IntegerField(min_value=1)
    assignee = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True))


class KeyDesignationSerializer(ModelSerializer):
    created_by = serializers.CharField(source="created_by.display_name", read_only=True, default=None,
                                       allow_null=True, help_text=_("Null for a designation carried over from the "
                                                                    "former key flag."))
    ended_by = serializers.CharField(source="ended_by.display_name", read_only=True, default=None, allow_null=True)

    class Meta:
        model = KeyDesignation
        fields = ["id", "enterprise", "risk_category", "reason", "starts_on", "review_on", "ended_on",
                  "ended_reason", "ended_by", "created_by", "created_at"]
        read_only_fields = fields


class DesignateSerializer(StrictSerializer):
    version = serializers.IntegerField(min_value=1, help_text=_("The enterprise's version you loaded."))
    risk_category = serializers.ChoiceField(choices=KeyRiskCategory.choices)
    reason = serializers.CharField(max_length=200)
    starts_on = serializers.DateField(required=False, validators=[happened], help_text=_("Default: today."))
    review_on = serializers.DateField(required=False, allow_null=True, validators=[plausible])


class UndesignateSerializer(StrictSerializer):
    version = serializers.IntegerField(min_value=1, help_text=_("The enterprise's version you loaded."))
    reason = serializers.CharField(max_length=200)
    ended_on = serializers.DateField(required=False, validators=[happened], help_text=_("Default: today."))
