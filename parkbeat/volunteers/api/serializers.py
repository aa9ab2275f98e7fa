from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from parkbeat.core.personal import validate_mobile, validate_resident_id
from parkbeat.core.serializers import (MaskedMobileField, ModelSerializer, ScopedPrimaryKeyField, StrictSerializer)
from parkbeat.enterprises.models import Enterprise
from parkbeat.org.models import Park
from parkbeat.volunteers.models import Duty, SupportRecord, Training, Volunteer, VolunteerTeam, VolunteerTransition


class VolunteerSerializer(ModelSerializer):
    """A volunteer as lists show them: the resident ID and mobile masked, always."""

    team_name = serializers.CharField(source="team.name", read_only=True)
    park = serializers.IntegerField(source="team.park_id", read_only=True)
    resident_id = serializers.CharField(source="resident_id_masked", read_only=True,
                                        help_text=_("Masked: the first 3 and last 4 characters."))
    mobile = MaskedMobileField(read_only=True)
    duties = serializers.ListField(child=serializers.ChoiceField(choices=Duty.choices), read_only=True)

    class Meta:
        model = Volunteer
        fields = ["id", "team", "team_name", "park", "name", "resident_id", "mobile", "post", "duties", "status",
                  "is_captain", "consent_confirmed", "consent_date", "version", "created_at"]
        read_only_fields = fields


class VolunteerTransitionSerializer(ModelSerializer):
    actor = serializers.CharField(source="actor.display_name", read_only=True, default=None, allow_null=True,
                                  help_text=_("Null for a step taken by the system."))

    class Meta:
        model = VolunteerTransition
        fields = ["at", "recorded_at", "actor", "from_status", "to_status", "note", "entered_late", "late_reason"]
        read_only_fields = fields


class TrainingSerializer(ModelSerializer):
    volunteer = ScopedPrimaryKeyField(queryset=Volunteer.objects.all())
    recorded_by = serializers.CharField(source="recorded_by.display_name", read_only=True)

    class Meta:
        model = Training
        fields = ["id", "volunteer", "trained_on", "topic", "hours", "trainer", "recorded_by", "created_at"]
        read_only_fields = ["created_at"]


class TrainingCreateSerializer(StrictSerializer):
    volunteer = ScopedPrimaryKeyField(queryset=Volunteer.objects.all())
    trained_on = serializers.DateField()
    topic = serializers.CharField(max_length=200)
    hours = serializers.DecimalField(max_digits=4, decimal_places=1)
    trainer = serializers.CharField(max_length=100)


class SupportRecordSerializer(ModelSerializer):
    volunteer = ScopedPrimaryKeyField(queryset=Volunteer.objects.all())
    recorded_by = serializers.CharField(source="recorded_by.display_name", read_only=True)

    class Meta:
        model = SupportRecord
        fields = ["id", "volunteer", "kind", "provider", "starts_on", "expires_on", "reminded_at", "recorded_by",
                  "created_at"]
        read_only_fields = ["reminded_at", "created_at"]


class SupportRecordCreateSerializer(StrictSerializer):
    volunteer = ScopedPrimaryKeyField(queryset=Volunteer.objects.all())
    kind = serializers.ChoiceField(choices=SupportRecord.Kind.choices)
    provider = serializers.CharField(max_length=200)
    starts_on = serializers.DateField()
    expires_on = serializers.DateField()


class VolunteerDetailSerializer(VolunteerSerializer):
    nominated_by = serializers.CharField(source="nominated_by.display_name", read_only=True, default=None,
                                         allow_null=True)
    transitions = VolunteerTransitionSerializer(many=True, read_only=True)
    trainings = TrainingSerializer(many=True, read_only=True)
    support_records = SupportRecordSerializer(many=True, read_only=True)

    class Meta(VolunteerSerializer.Meta):
        fields = [*VolunteerSerializer.Meta.fields, "nominated_by", "transitions", "trainings", "support_records"]
        read_only_fields = fields


class NominationSerializer(StrictSerializer):
    team = ScopedPrimaryKeyField(queryset=VolunteerTeam.objects.all())
    name = serializers.CharField(max_length=50)
    resident_id = serializers.CharField(max_length=18, validators=[validate_resident_id], write_only=True)
    mobile = serializers.CharField(max_length=11, validators=[validate_mobile])
    post = serializers.CharField(max_length=100)
    duties = serializers.MultipleChoiceField(choices=Duty.choices, allow_empty=False)
    consent_confirmed = serializers.BooleanField(help_text=_("Must be true: the candidate consented in writing."))
    consent_date = serializers.DateField(help_text=_("When the candidate signed the consent."))


class VolunteerUpdateSerializer(StrictSerializer):
    version = serializers.IntegerField(min_value=1, help_text=_("The version you loaded."))
    name = serializers.CharField(max_length=50, required=False)
    mobile = serializers.CharField(max_length=11, validators=[validate_mobile], required=False)
    post = serializers.CharField(max_length=100, required=False, allow_blank=True)
    duties = serializers.MultipleChoiceField(choices=Duty.choices, allow_empty=False, required=False)


class EventSerializer(StrictSerializer):
    version = serializers.IntegerField(min_value=1, help_text=_("The version you loaded."))
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000,
                                 help_text=_("The reason; required to reject, suspend or record leaving."))
    at = serializers.DateTimeField(required=False, allow_null=True, default=None,
                                   help_text=_("When it happened; default now, never in the future."))
    late_reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=1000)


class TransitionSerializer(EventSerializer):
    to = serializers.ChoiceField(choices=[(s, s.label) for s in (
        Volunteer.Status.SUSPENDED, Volunteer.Status.ACTIVE, Volunteer.Status.LEFT)])


class VolunteerTeamSerializer(ModelSerializer):
    park_name = serializers.CharField(source="park.name", read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True, default=None, allow_null=True)
    active_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = VolunteerTeam
        fields = ["id", "park", "park_name", "enterprise", "enterprise_name", "name", "active_count", "version",
                  "created_at"]
        read_only_fields = fields


class RosterEntrySerializer(serializers.Serializer):
    name = serializers.CharField()
    is_captain = serializers.BooleanField()


class VolunteerTeamDetailSerializer(VolunteerTeamSerializer):
    captain = serializers.SerializerMethodField()
    roster = serializers.SerializerMethodField()

    class Meta(VolunteerTeamSerializer.Meta):
        fields = [*VolunteerTeamSerializer.Meta.fields, "captain", "roster"]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True, help_text=_("The captain's name, if any.")))
    def get_captain(self, team):
        captain = self.context.get("captain")
        return captain.name if captain else None

    @extend_schema_field(RosterEntrySerializer(many=True))
    def get_roster(self, team):
        """The current members: names and who is captain only."""
        return [{"name": m["name"], "is_captain": m["is_captain"]} for m in self.context.get("roster", [])]


class TeamCreateSerializer(StrictSerializer):
    park = ScopedPrimaryKeyField(queryset=Park.objects.all())
    enterprise = ScopedPrimaryKeyField(queryset=Enterprise.objects.all(), required=False, allow_null=True)
    name = serializers.CharField(max_length=100)


class TeamUpdateSerializer(StrictSerializer):
    version = serializers.IntegerField(min_value=1, help_text=_("The version you loaded."))
    name = serializers.CharField(max_length=100)


class CaptainSerializer(StrictSerializer):
    version = serializers.IntegerField(min_value=1, help_text=_("The team's version you loaded."))
    volunteer = serializers.IntegerField(min_value=1, help_text=_("An active member of this team."))
