from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from parkbeat.core.bounds import happened
from parkbeat.core.serializers import ModelSerializer, ScopedPrimaryKeyField, StrictSerializer
from parkbeat.crime.models import Case, CaseEvent, Lead, LeadObservation, Suspect
from parkbeat.enterprises.models import Enterprise
from parkbeat.incidents.models import Incident
from parkbeat.org.models import Agency, Park
from parkbeat.patrols.models import Finding

LEAD_FIELDS = ["id", "park", "area", "enterprise", "source", "finding", "incident", "description", "agency",
               "received_at", "recorded_at", "recorded_by", "entered_late", "late_reason", "status", "closed_reason",
               "closed_at", "version", "created_at"]


class LeadSerializer(ModelSerializer):
    class Meta:
        model = Lead
        fields = LEAD_FIELDS
        read_only_fields = fields


class LeadObservationSerializer(ModelSerializer):
    class Meta:
        model = LeadObservation
        fields = ["id", "lead", "at", "recorded_at", "recorded_by", "entered_late", "late_reason", "note"]
        read_only_fields = fields


class LeadCreateSerializer(StrictSerializer):
    park = ScopedPrimaryKeyField(queryset=Park.objects.all())
    area = serializers.CharField(max_length=200, required=False, allow_blank=True, default="",
                                 help_text=_("A place outside the park, e.g. a campus's surroundings."))
    enterprise = ScopedPrimaryKeyField(queryset=Enterprise.objects.all(), required=False, allow_null=True)
    source = serializers.ChoiceField(choices=Lead.Source.choices)
    description = serializers.CharField(max_length=2000)
    agency = serializers.PrimaryKeyRelatedField(queryset=Agency.objects.all(), required=False, allow_null=True)
    finding = ScopedPrimaryKeyField(queryset=Finding.objects.all(), required=False, allow_null=True)
    incident = ScopedPrimaryKeyField(queryset=Incident.objects.all(), required=False, allow_null=True)
    received_at = serializers.DateTimeField(validators=[happened], required=False, allow_null=True)
    late_reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class ObserveSerializer(StrictSerializer):
    at = serializers.DateTimeField(validators=[happened], required=False, allow_null=True)
    note = serializers.CharField(max_length=2000)
    late_reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class CloseLeadSerializer(StrictSerializer):
    version = serializers.IntegerField(min_value=1, help_text=_("The version you loaded."))
    reason = serializers.CharField(max_length=500)


class CaseSerializer(ModelSerializer):
    """The whole case: leaders and officers."""

    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True, default="")

    class Meta:
        model = Case
        fields = ["id", "kind", "park", "area", "enterprise", "enterprise_name", "title", "description",
                  "occurred_at", "reported_at", "recorded_at", "recorded_by", "entered_late", "late_reason",
                  "loss_yuan", "loss_items", "cross_region", "suspect_identified_at", "arrested_at", "recovered_at",
                  "recovered_yuan", "status", "solved_at", "closed_reason", "incident", "lead", "version",
                  "created_at"]
        read_only_fields = fields


class CaseSummarySerializer(ModelSerializer):
    """Auxiliaries: no description, suspects, items or timeline; the loss and recovered totals."""

    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True, default="")

    class Meta:
        model = Case
        fields = ["id", "kind", "park", "area", "enterprise", "enterprise_name", "title", "occurred_at",
                  "reported_at", "loss_yuan", "cross_region", "suspect_identified_at", "arrested_at", "recovered_at",
                  "recovered_yuan", "status"]
        read_only_fields = fields


class CaseStatusSerializer(ModelSerializer):
    """The enterprise's liaison: its case's status and the value recovered, nothing underneath."""

    class Meta:
        model = Case
        fields = ["id", "kind", "enterprise", "reported_at", "status", "recovered_yuan"]
        read_only_fields = fields


class SuspectSerializer(ModelSerializer):
    name = serializers.CharField(source="name_masked", read_only=True)
    resident_id = serializers.CharField(source="resident_id_masked", read_only=True)

    class Meta:
        model = Suspect
        fields = ["id", "case", "name", "resident_id", "note", "added_by", "added_at"]
        read_only_fields = fields


class CaseEventSerializer(ModelSerializer):
    class Meta:
        model = CaseEvent
        fields = ["id", "kind", "at", "recorded_at", "recorded_by", "entered_late", "late_reason", "note"]
        read_only_fields = fields


class CaseCreateSerializer(StrictSerializer):
    kind = serializers.ChoiceField(choices=Case.Kind.choices)
    title = serializers.CharField(max_length=100)
    description = serializers.CharField(max_length=4000)
    enterprise = ScopedPrimaryKeyField(queryset=Enterprise.objects.all(), required=False, allow_null=True)
    park = ScopedPrimaryKeyField(queryset=Park.objects.all(), required=False, allow_null=True,
                                 help_text=_("For a case at no enterprise (e.g. a campus's surroundings)."))
    area = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    occurred_at = serializers.DateTimeField(validators=[happened])
    reported_at = serializers.DateTimeField(validators=[happened], required=False, allow_null=True)
    loss_yuan = serializers.DecimalField(max_digits=12, decimal_places=2, required=False, default=0)
    loss_items = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    cross_region = serializers.BooleanField(required=False, default=False)
    incident = ScopedPrimaryKeyField(queryset=Incident.objects.all(), required=False, allow_null=True)
    lead = ScopedPrimaryKeyField(queryset=Lead.objects.all(), required=False, allow_null=True)
    expected_version = serializers.IntegerField(min_value=1, required=False, allow_null=True,
                                                help_text=_("The lead's version, when converting a lead."))
    late_reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class CaseUpdateSerializer(StrictSerializer):
    """PATCH a case's details with the `version` you loaded (a stale one is 409); any of the other fields."""

    version = serializers.IntegerField(min_value=1, help_text=_("The version you loaded."))
    kind = serializers.ChoiceField(choices=Case.Kind.choices, required=False)
    title = serializers.CharField(max_length=100, required=False)
    description = serializers.CharField(max_length=4000, required=False)
    enterprise = ScopedPrimaryKeyField(queryset=Enterprise.objects.all(), required=False, allow_null=True)
    area = serializers.CharField(max_length=200, required=False, allow_blank=True)
    occurred_at = serializers.DateTimeField(validators=[happened], required=False)
    reported_at = serializers.DateTimeField(validators=[happened], required=False)
    loss_yuan = serializers.DecimalField(max_digits=12, decimal_places=2, required=False, min_value=0)
    loss_items = serializers.CharField(max_length=500, required=False, allow_blank=True)
    cross_region = serializers.BooleanField(required=False)
    late_reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="", help_text=_(
        "Why a report time moved back more than the back-entry window is entered only now."))


class LeadAgencySerializer(StrictSerializer):
    version = serializers.IntegerField(min_value=1, help_text=_("The version you loaded."))
    agency = serializers.PrimaryKeyRelatedField(queryset=Agency.objects.all(), allow_null=True,
                                                help_text=_("The partner agency working the lead jointly, or null."))


class KeyTimeSerializer(StrictSerializer):
    version = serializers.IntegerField(min_value=1)
    kind = serializers.ChoiceField(choices=[(k, CaseEvent.Kind(k).label) for k in ("identified", "arrested",
                                                                                   "recovered")])
    at = serializers.DateTimeField(validators=[happened], required=False, allow_null=True)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    recovered_yuan = serializers.DecimalField(max_digits=12, decimal_places=2, required=False, allow_null=True)
    cross_region = serializers.BooleanField(required=False, allow_null=True, default=None)
    late_reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class CaseTransitionSerializer(StrictSerializer):
    version = serializers.IntegerField(min_value=1)
    status = serializers.ChoiceField(choices=[("solved", _("Solved")), ("closed", _("Closed"))])
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class SuspectCreateSerializer(StrictSerializer):
    name = serializers.CharField(max_length=50)
    resident_id = serializers.CharField(max_length=18, required=False, allow_blank=True, default="")
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class KindCountSerializer(serializers.Serializer):
    theft = serializers.IntegerField()
    internal_theft = serializers.IntegerField()
    embezzlement = serializers.IntegerField()
    fraud = serializers.IntegerField()
    telecom_fraud = serializers.IntegerField()
    illegal_business = serializers.IntegerField()
    damage = serializers.IntegerField()
    other = serializers.IntegerField()


class CaseFiguresSerializer(serializers.Serializer):
    cases = serializers.IntegerField()
    by_kind = KindCountSerializer()
    identified = serializers.IntegerField()
    within_48h = serializers.IntegerField()
    median_hours_to_identify = serializers.FloatField(allow_null=True)
    share_within_48h = serializers.FloatField(allow_null=True)
    loss_yuan = serializers.DecimalField(max_digits=14, decimal_places=2)
    recovered_yuan = serializers.DecimalField(max_digits=14, decimal_places=2)
    recovered_share = serializers.FloatField(allow_null=True)
    solved = serializers.IntegerField()
    clearance_rate = serializers.FloatField(allow_null=True)
