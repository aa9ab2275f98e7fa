from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from parkbeat.core.bounds import happened, plausible
from parkbeat.core.serializers import (BlankAsNullChoiceField, ModelSerializer, ScopedPrimaryKeyField,
                                       StrictSerializer)
from parkbeat.enterprises.models import Enterprise, Industry, KeyRiskCategory
from parkbeat.inspections.models import (AreaKind, Campaign, ChecklistArea, ChecklistItem, ChecklistTemplate,
                                         ChecklistVersion, Inspection, InspectionResult, KeyDate)
from parkbeat.inspections.selectors import DONE, DUE, DUE_SOON, LATE, NOT_KEY, UPCOMING
from parkbeat.org.models import Agency, OrgUnit, Park, User


class ChecklistItemSerializer(ModelSerializer):
    class Meta:
        model = ChecklistItem
        fields = ["id", "order", "text"]


class ChecklistAreaSerializer(ModelSerializer):
    items = ChecklistItemSerializer(many=True, read_only=True)

    class Meta:
        model = ChecklistArea
        fields = ["id", "order", "kind", "name", "required", "items"]


class ChecklistVersionSerializer(ModelSerializer):
    areas = ChecklistAreaSerializer(many=True, read_only=True)
    is_used = serializers.BooleanField(read_only=True, help_text=_("Used by an inspection: frozen."))

    class Meta:
        model = ChecklistVersion
        fields = ["id", "template", "number", "note", "created_at", "is_used", "areas"]
        read_only_fields = fields


class ChecklistTemplateSerializer(ModelSerializer):
    latest_version = serializers.SerializerMethodField()
    risk_category = serializers.CharField(read_only=True, help_text=_(
        "The risk category it is for (as the enterprises' risk_category); empty: any."))

    class Meta:
        model = ChecklistTemplate
        fields = ["id", "name", "industry", "risk_category", "description", "is_active", "version",
                  "latest_version"]
        read_only_fields = fields

    def get_latest_version(self, obj) -> int | None:
        latest = obj.latest_version()
        return latest.number if latest else None


class AreaInputSerializer(StrictSerializer):
    kind = serializers.ChoiceField(choices=AreaKind.choices)
    name = serializers.CharField(max_length=100)
    required = serializers.BooleanField(default=True)
    items = serializers.ListField(child=serializers.CharField(max_length=200), min_length=1, max_length=60)


class ChecklistCreateSerializer(StrictSerializer):
    name = serializers.CharField(max_length=100)
    # none (null or "") for a checklist that fits any industry or risk
    industry = BlankAsNullChoiceField(choices=Industry.choices, required=False, blank_as_null=True, default="")
    risk_category = BlankAsNullChoiceField(choices=KeyRiskCategory.choices, required=False, blank_as_null=True,
                                           default="")
    description = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    areas = AreaInputSerializer(many=True)


class ChecklistVersionInputSerializer(StrictSerializer):
    areas = AreaInputSerializer(many=True)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class ChecklistVersionChangeSerializer(ChecklistVersionInputSerializer):
    version = serializers.IntegerField(min_value=1, help_text=_("The checklist's `version` you loaded."))


class InspectionResultSerializer(ModelSerializer):
    area = serializers.CharField(source="item.area.name", read_only=True)
    text = serializers.CharField(source="item.text", read_only=True)

    class Meta:
        model = InspectionResult
        fields = ["id", "item", "area", "text", "outcome", "note"]
        read_only_fields = fields


class InspectionSerializer(ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    led_by_name = serializers.CharField(source="led_by.display_name", read_only=True)

    class Meta:
        model = Inspection
        fields = ["id", "enterprise", "enterprise_name", "park", "checklist", "planned_on", "status", "led_by",
                  "led_by_name", "agencies", "agency_staff", "happened_at", "duration_minutes", "recorded_at",
                  "entered_late", "coverage", "counts_for_rule", "summary", "note", "campaign", "version",
                  "created_at"]
        read_only_fields = fields


class InspectionDetailSerializer(InspectionSerializer):
    results = InspectionResultSerializer(many=True, read_only=True)

    class Meta(InspectionSerializer.Meta):
        fields = [*InspectionSerializer.Meta.fields, "results"]
        read_only_fields = fields


class InspectionPlanSerializer(StrictSerializer):
    enterprise = ScopedPrimaryKeyField(queryset=Enterprise.objects.all())
    planned_on = serializers.DateField(validators=[plausible])
    led_by = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True), required=False,
                                                allow_null=True, help_text=_("Default: you."))
    agencies = serializers.PrimaryKeyRelatedField(queryset=Agency.objects.all(), many=True, required=False)
    agency_staff = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True), many=True,
                                                      required=False)
    checklist = serializers.PrimaryKeyRelatedField(queryset=ChecklistVersion.objects.all(), required=False,
                                                   allow_null=True,
                                                   help_text=_("A checklist version; default: the one that fits."))
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    campaign = serializers.PrimaryKeyRelatedField(queryset=Campaign.objects.all(), required=False, allow_null=True,
                                                  help_text=_("The special campaign it belongs to."))


class InspectionChangeSerializer(StrictSerializer):
    version = serializers.IntegerField(min_value=1, help_text=_("The version you loaded."))
    planned_on = serializers.DateField(required=False, validators=[plausible])
    led_by = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True), required=False)
    agencies = serializers.PrimaryKeyRelatedField(queryset=Agency.objects.all(), many=True, required=False)
    agency_staff = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True), many=True,
                                                      required=False)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True)
    campaign = serializers.PrimaryKeyRelatedField(queryset=Campaign.objects.all(), required=False, allow_null=True)


class ResultInputSerializer(StrictSerializer):
    item = serializers.IntegerField(min_value=1)
    outcome = serializers.ChoiceField(choices=InspectionResult.Outcome.choices)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class InspectionRecordSerializer(StrictSerializer):
    version = serializers.IntegerField(min_value=1, help_text=_("The version you loaded."))
    happened_at = serializers.DateTimeField(validators=[happened], help_text=_("When the inspection happened."))
    duration_minutes = serializers.IntegerField(min_value=1, max_value=1440, required=False, allow_null=True)
    results = ResultInputSerializer(many=True)
    summary = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    late_reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class InspectionCancelSerializer(StrictSerializer):
    version = serializers.IntegerField(min_value=1)
    reason = serializers.CharField(max_length=200)


class ComplianceQuerySerializer(StrictSerializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100, required=False)
    park = ScopedPrimaryKeyField(queryset=Park.objects.all(), required=False)


class QuarterStateSerializer(serializers.Serializer):
    quarter = serializers.CharField(help_text=_("e.g. 2026Q1 (Asia/Shanghai)"))
    state = serializers.ChoiceField(choices=[(DONE, _("Done")), (DUE, _("Due this quarter")),
                                             (DUE_SOON, _("Due soon")), (LATE, _("Late")),
                                             (UPCOMING, _("Upcoming")), (NOT_KEY, _("Not key then"))])


class ComplianceRowSerializer(serializers.Serializer):
    enterprise = serializers.IntegerField()
    enterprise_name = serializers.CharField()
    park = serializers.IntegerField()
    quarters = QuarterStateSerializer(many=True)


# ---------------------------------------------------------------- key dates and campaigns
PROGRESS_STATES = [(DONE, _("Done")), (DUE, _("Due")), (DUE_SOON, _("Due soon")), (LATE, _("Late")),
                   (UPCOMING, _("Upcoming"))]


class InspectionProgressRowSerializer(serializers.Serializer):
    enterprise = serializers.IntegerField(source="enterprise.pk")
    enterprise_name = serializers.CharField(source="enterprise.name")
    park = serializers.IntegerField(source="enterprise.park_id")
    state = serializers.ChoiceField(choices=PROGRESS_STATES)
    inspected_at = serializers.DateTimeField(allow_null=True, help_text=_("The inspection that satisfied it."))
    planned_on = serializers.DateField(allow_null=True, help_text=_("The next inspection planned, if any."))


class KeyDateSerializer(ModelSerializer):
    window_start = serializers.DateField(read_only=True, help_text=_("First day of the window (Asia/Shanghai)."))

    class Meta:
        model = KeyDate
        fields = ["id", "name", "day", "window_days", "window_start", "station", "park", "note", "version",
                  "created_at"]
        read_only_fields = fields


class KeyDateDetailSerializer(KeyDateSerializer):
    progress = serializers.SerializerMethodField()

    class Meta(KeyDateSerializer.Meta):
        fields = [*KeyDateSerializer.Meta.fields, "progress"]
        read_only_fields = fields

    def get_progress(self, obj) -> InspectionProgressRowSerializer(many=True):
        return InspectionProgressRowSerializer(self.context["progress"], many=True).data


class KeyDateCreateSerializer(StrictSerializer):
    name = serializers.CharField(max_length=100)
    day = serializers.DateField(validators=[plausible])
    window_days = serializers.IntegerField(min_value=1, max_value=90, default=14)
    park = ScopedPrimaryKeyField(queryset=Park.objects.all(), required=False, allow_null=True,
                                 help_text=_("Empty: every park of the station."))
    station = serializers.PrimaryKeyRelatedField(queryset=OrgUnit.objects.filter(kind=OrgUnit.Kind.STATION),
                                                 required=False, help_text=_("Default: the park's station."))
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")

    def validate(self, attrs):
        park = attrs.get("park")
        if park is not None:
            attrs.setdefault("station", park.station)
        elif "station" not in attrs:
            raise serializers.ValidationError({"station": _("Give the station, or a park.")})
        return attrs


class KeyDateChangeSerializer(StrictSerializer):
    version = serializers.IntegerField(min_value=1, help_text=_("The version you loaded."))
    name = serializers.CharField(max_length=100, required=False)
    day = serializers.DateField(required=False, validators=[plausible])
    window_days = serializers.IntegerField(min_value=1, max_value=90, required=False)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True)


class KeyDateRemoveSerializer(StrictSerializer):
    version = serializers.IntegerField(min_value=1, help_text=_("The version you loaded."))


class CampaignSerializer(ModelSerializer):
    class Meta:
        model = Campaign
        fields = ["id", "theme", "starts_on", "ends_on", "station", "enterprises", "note", "version", "created_at"]
        read_only_fields = fields


class CampaignDetailSerializer(CampaignSerializer):
    progress = serializers.SerializerMethodField()

    class Meta(CampaignSerializer.Meta):
        fields = [*CampaignSerializer.Meta.fields, "progress"]
        read_only_fields = fields

    def get_progress(self, obj) -> InspectionProgressRowSerializer(many=True):
        return InspectionProgressRowSerializer(self.context["progress"], many=True).data


class CampaignCreateSerializer(StrictSerializer):
    theme = serializers.CharField(max_length=100)
    starts_on = serializers.DateField(validators=[plausible])
    ends_on = serializers.DateField(validators=[plausible])
    enterprises = ScopedPrimaryKeyField(queryset=Enterprise.objects.all(), many=True, required=False)
    parks = ScopedPrimaryKeyField(queryset=Park.objects.all(), many=True, required=False,
                                  help_text=_("Every open enterprise of these parks joins (of `risk_categories`, "
                                              "when given)."))
    risk_categories = serializers.ListField(child=serializers.ChoiceField(choices=KeyRiskCategory.choices),
                                            required=False)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class CampaignChangeSerializer(StrictSerializer):
    version = serializers.IntegerField(min_value=1, help_text=_("The version you loaded."))
    theme = serializers.CharField(max_length=100, required=False)
    starts_on = serializers.DateField(required=False, validators=[plausible])
    ends_on = serializers.DateField(required=False, validators=[plausible])
    enterprises = ScopedPrimaryKeyField(queryset=Enterprise.objects.all(), many=True, required=False)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True)


class InspectionFiguresQuerySerializer(StrictSerializer):
    start = serializers.DateField(required=False, validators=[plausible],
                                  help_text=_("First day (Asia/Shanghai); default: 1 January."))
    end = serializers.DateField(required=False, validators=[plausible],
                                help_text=_("Last day, included; default: today."))
    park = ScopedPrimaryKeyField(queryset=Park.objects.all(), required=False)

    def validate(self, attrs):
        if attrs.get("start") and attrs.get("end") and attrs["end"] < attrs["start"]:
            raise serializers.ValidationError({"end": _("The end is on or after the start.")})
        if attrs.get("start") and attrs.get("end") and (attrs["end"] - attrs["start"]).days > 3 * 366:
            raise serializers.ValidationError({"end": _("Choose a period of at most three years.")})
        return attrs


class InspectionQuarterRateSerializer(serializers.Serializer):
    quarter = serializers.CharField(help_text=_("e.g. 2026Q1 (Asia/Shanghai)"))
    key = serializers.IntegerField(help_text=_("Key enterprises the rule applied to."))
    done = serializers.IntegerField(help_text=_("Of them, inspected with full coverage in the quarter."))
    rate = serializers.FloatField(allow_null=True, help_text=_("Percent; null when none was due."))


class InspectionFiguresSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    done = serializers.IntegerField(help_text=_("Inspections done in the period (by when they happened)."))
    full = serializers.IntegerField()
    partial = serializers.IntegerField()
    joint = serializers.IntegerField(help_text=_("Done jointly with partner agencies."))
    planned = serializers.IntegerField(help_text=_("Still planned, for a day in the period."))
    cancelled = serializers.IntegerField(help_text=_("Cancelled, planned for a day in the period."))
    quarters = InspectionQuarterRateSerializer(many=True)
    key = serializers.IntegerField(help_text=_("Key enterprise-quarters due over the period."))
    key_done = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True, help_text=_("Compliance rate of the quarterly rule, percent."))
