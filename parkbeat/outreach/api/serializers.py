from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from parkbeat.core.bounds import happened, plausible
from parkbeat.core.serializers import ModelSerializer, ScopedPrimaryKeyField, StrictSerializer
from parkbeat.enterprises.models import Enterprise
from parkbeat.org.models import Park, User
from parkbeat.outreach.models import Campaign, Lecture, LectureEvent, Rule, RuleAdoption, Theme


class OutreachCampaignSerializer(ModelSerializer):
    status = serializers.ChoiceField(choices=Campaign.Status.choices, read_only=True,
                                     help_text=_("From the period (Asia/Shanghai today)."))
    materials = serializers.SerializerMethodField()

    class Meta:
        model = Campaign
        fields = ["id", "station", "theme", "title", "starts_on", "ends_on", "status", "parks", "enterprises", "note",
                  "materials", "created_by", "version", "created_at"]
        read_only_fields = fields

    def get_materials(self, obj) -> list[str]:
        materials = self.context.get("materials")
        if materials is not None:  # the list: the viewset reads every campaign's files in one query
            return [a.get_absolute_url() for a in materials.get(obj.pk, ())]
        from parkbeat.files.models import Attachment

        return [a.get_absolute_url() for a in Attachment.objects.for_object(obj)]


class OutreachCampaignCreateSerializer(StrictSerializer):
    theme = serializers.ChoiceField(choices=Theme.choices)
    title = serializers.CharField(max_length=100)
    starts_on = serializers.DateField(validators=[plausible])
    ends_on = serializers.DateField(validators=[plausible])
    parks = serializers.ListField(child=ScopedPrimaryKeyField(queryset=Park.objects.all()), required=False,
                                  default=list, help_text=_("Target parks (only those you police)."))
    enterprises = serializers.ListField(child=ScopedPrimaryKeyField(queryset=Enterprise.objects.all()),
                                        required=False, default=list,
                                        help_text=_("Target enterprises (only of the parks you police)."))
    note = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")


class OutreachCampaignUpdateSerializer(StrictSerializer):
    version = serializers.IntegerField(min_value=1, help_text=_("The version you loaded."))
    theme = serializers.ChoiceField(choices=Theme.choices, required=False)
    title = serializers.CharField(max_length=100, required=False)
    starts_on = serializers.DateField(validators=[plausible], required=False)
    ends_on = serializers.DateField(validators=[plausible], required=False)
    parks = serializers.ListField(child=ScopedPrimaryKeyField(queryset=Park.objects.all()), required=False)
    enterprises = serializers.ListField(child=ScopedPrimaryKeyField(queryset=Enterprise.objects.all()),
                                        required=False)
    note = serializers.CharField(max_length=1000, required=False, allow_blank=True)


class OutreachMaterialsSerializer(StrictSerializer):
    files = serializers.ListField(child=serializers.FileField(), min_length=1, max_length=10,
                                  help_text=_("Images, PDF or Excel files (multipart)."))


class OutreachSpeakerField(serializers.PrimaryKeyRelatedField):
    """A speaker among those the requesting user may choose (outreach.selectors.speaker_choices): any other id,
    another station's officer or a resident's account, is refused without saying whose it is."""

    default_error_messages = {"does_not_exist": _("User {pk_value} is not among the speakers you can choose."),
                              "incorrect_type": _("Give a user's id.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", User.objects.all())  # the type for the schema; get_queryset narrows it
        super().__init__(**kwargs)

    def get_queryset(self):
        from parkbeat.outreach.selectors import speaker_choices

        request = self.context.get("request")
        return speaker_choices(request.user) if request is not None else User.objects.none()


class OutreachLectureSerializer(ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    speakers = serializers.SerializerMethodField()

    class Meta:
        model = Lecture
        fields = ["id", "enterprise", "enterprise_name", "park", "campaign", "theme", "topic", "starts_at", "ends_at",
                  "status", "by_agreement", "attendance", "attendance_at", "attendance_recorded_at",
                  "attendance_recorded_by", "notes", "speakers", "scheduled_by", "version", "created_at"]
        read_only_fields = fields

    def get_speakers(self, obj) -> list[dict]:
        # the viewsets prefetch the speakers with their users (ordered by id): one query for the page
        return [{"user": s.user_id, "name": s.user.display_name, "kind": s.kind}
                for s in sorted(obj.speakers.all(), key=lambda s: s.pk)]


class OutreachLectureCreateSerializer(StrictSerializer):
    enterprise = ScopedPrimaryKeyField(queryset=Enterprise.objects.all())
    campaign = ScopedPrimaryKeyField(queryset=Campaign.objects.all(), required=False, allow_null=True)
    theme = serializers.ChoiceField(choices=Theme.choices, required=False, allow_null=True,
                                    help_text=_("Default: the campaign's theme, else other."))
    topic = serializers.CharField(max_length=200)
    starts_at = serializers.DateTimeField(validators=[plausible])
    ends_at = serializers.DateTimeField(validators=[plausible])
    speakers = serializers.ListField(child=OutreachSpeakerField(), required=False, default=list,
                                     help_text=_("Police of the park or volunteers of its teams."))
    notes = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    agreement = serializers.FileField(required=False, allow_null=True, help_text=_(
        "The liaison's written agreement (image or PDF, multipart): needed inside production hours."))


class OutreachLectureUpdateSerializer(StrictSerializer):
    version = serializers.IntegerField(min_value=1, help_text=_("The version you loaded."))
    campaign = ScopedPrimaryKeyField(queryset=Campaign.objects.all(), required=False, allow_null=True)
    theme = serializers.ChoiceField(choices=Theme.choices, required=False)
    topic = serializers.CharField(max_length=200, required=False)
    starts_at = serializers.DateTimeField(validators=[plausible], required=False)
    ends_at = serializers.DateTimeField(validators=[plausible], required=False)
    speakers = serializers.ListField(child=OutreachSpeakerField(), required=False)
    notes = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    agreement = serializers.FileField(required=False, allow_null=True, help_text=_(
        "The liaison's written agreement for the new time (image or PDF, multipart): needed when the new time lies "
        "inside production hours; the one given for the old time does not carry over."))


class OutreachTransitionSerializer(StrictSerializer):
    version = serializers.IntegerField(min_value=1, help_text=_("The version you loaded."))
    to = serializers.ChoiceField(choices=[(Lecture.Status.HELD, _("Held")), (Lecture.Status.CANCELLED,
                                                                                _("Cancelled"))])
    at = serializers.DateTimeField(validators=[happened], required=False, allow_null=True,
                                   help_text=_("When it was held or called off; default: its start, or now."))
    late_reason = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class OutreachAttendanceSerializer(StrictSerializer):
    version = serializers.IntegerField(min_value=1, help_text=_("The version you loaded."))
    attendance = serializers.IntegerField(min_value=0, max_value=100000, help_text=_("People reached."))
    at = serializers.DateTimeField(validators=[happened], required=False, allow_null=True,
                                   help_text=_("When they were counted; default: the lecture's end (or now)."))
    late_reason = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class OutreachLectureEventSerializer(ModelSerializer):
    class Meta:
        model = LectureEvent
        fields = ["id", "kind", "at", "recorded_at", "recorded_by", "entered_late", "late_reason", "note"]
        read_only_fields = fields


class OutreachSlotSerializer(serializers.Serializer):
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()


class OutreachRefusalSerializer(serializers.Serializer):
    """A 400: `detail` always; inside production hours also `starts_at` and the `free_slots` (any other refusal
    names its fields as every 400 does)."""

    detail = serializers.CharField()
    starts_at = serializers.ListField(child=serializers.CharField(), required=False)
    free_slots = OutreachSlotSerializer(many=True, required=False)


class OutreachFreeSlotsQuerySerializer(StrictSerializer):
    enterprise = ScopedPrimaryKeyField(queryset=Enterprise.objects.all())
    minutes = serializers.IntegerField(min_value=15, max_value=720, help_text=_("The lecture's length."))
    starts_at = serializers.DateTimeField(required=False, validators=[plausible],
                                          help_text=_("From when to look; default: now."))
    lecture = serializers.IntegerField(required=False, min_value=1,
                                       help_text=_("A lecture being moved: its own slot does not count as taken."))


class OutreachCoverageQuerySerializer(StrictSerializer):
    start = serializers.DateField(required=False, validators=[plausible], help_text=_("First day (Asia/Shanghai)."))
    end = serializers.DateField(required=False, validators=[plausible], help_text=_("Last day, included."))
    park = ScopedPrimaryKeyField(queryset=Park.objects.all(), required=False)
    campaign = ScopedPrimaryKeyField(queryset=Campaign.objects.all(), required=False)
    band = serializers.ChoiceField(choices=[("never", _("Never reached")), ("under_half", _("Under 50 %")),
                                            ("half_and_over", _("50 % and over"))], required=False)
    page = serializers.IntegerField(required=False, min_value=1)

    def validate(self, attrs):
        if attrs.get("start") and attrs.get("end") and attrs["end"] < attrs["start"]:
            raise serializers.ValidationError({"end": _("The end lies before the start.")})
        return attrs


class OutreachFiguresQuerySerializer(StrictSerializer):
    start = serializers.DateField(required=False, validators=[plausible], help_text=_("First day (Asia/Shanghai)."))
    end = serializers.DateField(required=False, validators=[plausible], help_text=_("Last day, included."))
    park = ScopedPrimaryKeyField(queryset=Park.objects.all(), required=False)
    campaign = ScopedPrimaryKeyField(queryset=Campaign.objects.all(), required=False)

    def validate(self, attrs):
        if attrs.get("start") and attrs.get("end") and attrs["end"] < attrs["start"]:
            raise serializers.ValidationError({"end": _("The end lies before the start.")})
        return attrs


class OutreachCoverageSerializer(serializers.Serializer):
    enterprise = serializers.IntegerField(source="pk")
    name = serializers.CharField()
    park = serializers.IntegerField(source="park_id")
    headcount = serializers.IntegerField()
    reached = serializers.IntegerField(help_text=_("People reached by the lectures held."))
    lectures_held = serializers.IntegerField()
    coverage = serializers.FloatField(allow_null=True, help_text=_("Reached / headcount (not capped); null "
                                                                    "without a headcount."))
    percent = serializers.SerializerMethodField(help_text=_("Shown coverage, a whole percent capped at 100."))
    band = serializers.CharField()

    def get_percent(self, obj) -> int | None:
        from parkbeat.outreach.figures import shown_percent

        return shown_percent(obj.coverage)


class OutreachThemeCountSerializer(serializers.Serializer):
    anti_fraud = serializers.IntegerField()
    fire = serializers.IntegerField()
    traffic = serializers.IntegerField()
    helmet = serializers.IntegerField()
    other = serializers.IntegerField()


class OutreachCampaignFigureSerializer(serializers.Serializer):
    campaign = serializers.IntegerField()
    title = serializers.CharField()
    lectures_held = serializers.IntegerField()
    people_reached = serializers.IntegerField()
    enterprises_reached = serializers.IntegerField()


class OutreachFiguresSerializer(serializers.Serializer):
    lectures_held = serializers.IntegerField()
    lectures_planned = serializers.IntegerField()
    people_reached = serializers.IntegerField()
    enterprises_reached = serializers.IntegerField()
    enterprises_in_scope = serializers.IntegerField()
    by_theme = OutreachThemeCountSerializer()
    reached_by_theme = OutreachThemeCountSerializer()
    by_campaign = OutreachCampaignFigureSerializer(many=True)


class OutreachRuleSerializer(ModelSerializer):
    class Meta:
        model = Rule
        fields = ["id", "station", "text", "theme", "created_by", "created_at"]
        read_only_fields = fields


class OutreachRuleCreateSerializer(StrictSerializer):
    text = serializers.CharField(max_length=200)
    theme = serializers.ChoiceField(choices=Theme.choices, default=Theme.HELMET)


class OutreachAdoptionSerializer(ModelSerializer):
    rule_text = serializers.CharField(source="rule.text", read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)

    class Meta:
        model = RuleAdoption
        fields = ["id", "rule", "rule_text", "enterprise", "enterprise_name", "park", "since", "ended_on", "note",
                  "recorded_at", "recorded_by", "version"]
        read_only_fields = fields


class OutreachAdoptionCreateSerializer(StrictSerializer):
    rule = ScopedPrimaryKeyField(queryset=Rule.objects.all())
    enterprise = ScopedPrimaryKeyField(queryset=Enterprise.objects.all())
    since = serializers.DateField(validators=[plausible])
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class OutreachAdoptionEndSerializer(StrictSerializer):
    version = serializers.IntegerField(min_value=1, help_text=_("The version you loaded."))
    ended_on = serializers.DateField(validators=[plausible])
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
