from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from parkbeat.core.bounds import happened, plausible
from parkbeat.core.serializers import MaskedMobileField, ModelSerializer, ScopedPrimaryKeyField, StrictSerializer
from parkbeat.enterprises.models import Enterprise
from parkbeat.hazards.models import Hazard, HazardEvent, HazardEvidence
from parkbeat.hazards.services import today_in_shanghai
from parkbeat.incidents.models import Incident
from parkbeat.inspections.models import InspectionResult
from parkbeat.org.models import Agency, Park
from parkbeat.patrols.models import Finding


class HazardSerializer(ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    responsible_mobile = MaskedMobileField(read_only=True)
    is_overdue = serializers.SerializerMethodField(help_text=_("Under a deadline that passed, still rectifying."))

    class Meta:
        model = Hazard
        fields = ["id", "enterprise", "enterprise_name", "park", "severity", "description", "location", "source",
                  "inspection", "result", "incident", "finding", "found_at", "recorded_at", "recorded_by",
                  "entered_late", "late_reason", "disposition", "deadline", "responsible_name",
                  "responsible_mobile", "state", "is_overdue", "referred_to", "referral_note", "struck_off_at",
                  "struck_off_by", "version", "created_at"]
        read_only_fields = fields

    def get_is_overdue(self, obj) -> bool:
        return obj.is_overdue(today_in_shanghai())


class HazardEventSerializer(ModelSerializer):
    class Meta:
        model = HazardEvent
        fields = ["id", "kind", "at", "recorded_at", "recorded_by", "entered_late", "late_reason", "note", "tier"]
        read_only_fields = fields


class HazardEvidenceSerializer(ModelSerializer):
    files = serializers.SerializerMethodField()

    class Meta:
        model = HazardEvidence
        fields = ["id", "hazard", "note", "uploaded_by", "uploaded_at", "files"]
        read_only_fields = fields

    def get_files(self, obj) -> list[str]:
        from parkbeat.files.models import Attachment

        return [a.get_absolute_url() for a in Attachment.objects.for_object(obj)]


class HazardCreateSerializer(StrictSerializer):
    enterprise = ScopedPrimaryKeyField(queryset=Enterprise.objects.all(), required=False, allow_null=True,
                                       help_text=_("Default: the inspected enterprise, or the incident's."))
    severity = serializers.ChoiceField(choices=Hazard.Severity.choices, default=Hazard.Severity.GENERAL)
    description = serializers.CharField(max_length=2000)
    location = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    found_at = serializers.DateTimeField(validators=[happened], required=False, allow_null=True,
                                         help_text=_("When it was found; default: the inspection's time, else now."))
    late_reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    disposition = serializers.ChoiceField(choices=Hazard.Disposition.choices)
    deadline = serializers.DateField(validators=[plausible], required=False, allow_null=True,
                                     help_text=_("Asia/Shanghai date, not in the past (a deadline disposition)."))
    responsible_name = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    responsible_mobile = serializers.CharField(max_length=11, required=False, allow_blank=True, default="")
    result = ScopedPrimaryKeyField(queryset=InspectionResult.objects.all(), required=False, allow_null=True)
    incident = ScopedPrimaryKeyField(queryset=Incident.objects.all(), required=False, allow_null=True)
    finding = ScopedPrimaryKeyField(queryset=Finding.objects.all(), required=False, allow_null=True)
    evidence = serializers.ListField(child=serializers.FileField(), required=False, default=list, help_text=_(
        "Photos or PDFs of the fix (multipart): required when fixed on the spot."))
    evidence_note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class FollowUpSerializer(StrictSerializer):
    at = serializers.DateTimeField(validators=[happened], required=False, allow_null=True,
                                   help_text=_("When the visit happened; default: now."))
    note = serializers.CharField(max_length=2000)
    late_reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class EvidenceUploadSerializer(StrictSerializer):
    version = serializers.IntegerField(min_value=1, required=False, help_text=_("The version you loaded."))
    files = serializers.ListField(child=serializers.FileField(), min_length=1, max_length=10)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class ReviewSerializer(StrictSerializer):
    version = serializers.IntegerField(min_value=1, help_text=_("The version you loaded."))
    decision = serializers.ChoiceField(choices=[("accept", _("Accept: strike off")),
                                                ("reject", _("Reject: back to rectifying"))])
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    new_deadline = serializers.DateField(validators=[plausible], required=False, allow_null=True)


class ReferSerializer(StrictSerializer):
    version = serializers.IntegerField(min_value=1)
    agency = serializers.PrimaryKeyRelatedField(queryset=Agency.objects.all())
    note = serializers.CharField(max_length=500)


class FiguresQuerySerializer(StrictSerializer):
    start = serializers.DateField(required=False, validators=[plausible], help_text=_("First day (Asia/Shanghai)."))
    end = serializers.DateField(required=False, validators=[plausible], help_text=_("Last day, included."))
    park = ScopedPrimaryKeyField(queryset=Park.objects.all(), required=False)

    def validate(self, attrs):
        if attrs.get("start") and attrs.get("end") and attrs["end"] < attrs["start"]:
            raise serializers.ValidationError({"end": _("The end lies before the start.")})
        return attrs


class SeveritySerializer(serializers.Serializer):
    general = serializers.IntegerField()
    major = serializers.IntegerField()


class HazardFiguresSerializer(serializers.Serializer):
    found = serializers.IntegerField()
    by_severity = SeveritySerializer()
    on_spot = serializers.IntegerField()
    deadline = serializers.IntegerField()
    struck_off = serializers.IntegerField()
    open = serializers.IntegerField()
    overdue = serializers.IntegerField()
    median_days_to_strike_off = serializers.FloatField(allow_null=True)
