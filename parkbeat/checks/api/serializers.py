from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from parkbeat.checks.models import BackgroundCheck, PostKind
from parkbeat.core.serializers import ModelSerializer, ScopedPrimaryKeyField, StrictSerializer
from parkbeat.enterprises.models import Enterprise
from parkbeat.org.models import Park


class BackgroundCheckSerializer(ModelSerializer):
    """A check as the list shows it: the candidate's name and resident ID masked. The enterprise's liaisons see
    the outcome and the advice, never who answered (`answered_by` is null for them)."""

    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    candidate_name = serializers.CharField(source="candidate_masked", read_only=True,
                                           help_text=_("Masked in lists (张**); empty once erased."))
    resident_id = serializers.CharField(source="resident_id_masked", read_only=True,
                                        help_text=_("Always masked; empty once erased."))
    answered_by = serializers.SerializerMethodField()

    class Meta:
        model = BackgroundCheck
        fields = ["id", "enterprise", "enterprise_name", "park", "candidate_name", "resident_id", "post",
                  "post_kind", "status", "outcome", "advice", "answered_at", "answered_by", "created_at",
                  "erased_at", "version"]
        read_only_fields = fields

    def get_answered_by(self, obj) -> int | None:
        request = self.context.get("request")
        from parkbeat.core.permissions import can

        if obj.answered_by_id and request is not None and can(request.user, "check.handle", obj):
            return obj.answered_by_id
        return None


class BackgroundCheckDetailSerializer(BackgroundCheckSerializer):
    """One check, read in full by whoever may see it (an audited read): the name as given, the ID still masked."""

    candidate_name = serializers.CharField(read_only=True, help_text=_("Empty once erased."))
    consent = serializers.SerializerMethodField(help_text=_("Download URLs of the consent document(s)."))

    class Meta(BackgroundCheckSerializer.Meta):
        fields = [*BackgroundCheckSerializer.Meta.fields, "consent"]
        read_only_fields = fields

    def get_consent(self, obj) -> list[str]:
        from parkbeat.checks.services import consent_of

        return [a.get_absolute_url() for a in consent_of(obj)]


class CheckRequestSerializer(StrictSerializer):
    enterprise = ScopedPrimaryKeyField(queryset=Enterprise.objects.all())
    candidate_name = serializers.CharField(max_length=50)
    resident_id = serializers.CharField(max_length=18, write_only=True)
    post = serializers.CharField(max_length=100)
    post_kind = serializers.ChoiceField(choices=PostKind.choices)
    consent = serializers.FileField(help_text=_("The candidate's signed consent: an image or a PDF (required)."))


class CheckAnswerSerializer(StrictSerializer):
    outcome = serializers.ChoiceField(choices=BackgroundCheck.Outcome.choices)
    advice = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")
    version = serializers.IntegerField(min_value=1, help_text=_("The version you loaded."))


class CheckFiguresQuerySerializer(StrictSerializer):
    start = serializers.DateField(required=False, help_text=_("First day (Asia/Shanghai), default 1 January"))
    end = serializers.DateField(required=False, help_text=_("Last day (Asia/Shanghai), default today"))
    park = ScopedPrimaryKeyField(queryset=Park.objects.all(), required=False)

    def validate(self, attrs):
        if attrs.get("start") and attrs.get("end") and attrs["end"] < attrs["start"]:
            raise serializers.ValidationError({"end": _("The end of the period comes before its start.")})
        return attrs


class OutcomeCountsSerializer(serializers.Serializer):
    suitable = serializers.IntegerField()
    advice = serializers.IntegerField()
    not_recommended = serializers.IntegerField()


class CheckFiguresSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    requests = serializers.IntegerField()
    answered = serializers.IntegerField()
    open = serializers.IntegerField()
    median_answer_hours = serializers.FloatField(allow_null=True)
    outcomes = serializers.DictField(child=OutcomeCountsSerializer(), help_text=_("Per post type"))
