"""Hours served and rankings over the API: the query (?from=&to=, ?by=, ?team=) and the answers' shapes."""
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from parkbeat.core.serializers import StrictSerializer
from parkbeat.volunteers import hours

PERIOD_PARAMETERS = [
    OpenApiParameter("from", OpenApiTypes.STR, description=str(_(
        "Start: a day (YYYY-MM-DD, from its first moment) or an ISO date and time; default the first of this "
        "month (Asia/Shanghai)."))),
    OpenApiParameter("to", OpenApiTypes.STR, description=str(_(
        "End: a day (YYYY-MM-DD, included) or an ISO date and time; default now. At most 366 days after `from`."))),
]


class PeriodQuerySerializer(StrictSerializer):
    """?from=&to=: unreadable times, a period ending before it starts or longer than 366 days: 400 naming it."""

    def get_fields(self):
        return {"from": serializers.CharField(required=False, allow_blank=True),
                "to": serializers.CharField(required=False, allow_blank=True)}

    def validate(self, attrs):
        try:
            attrs["start"], attrs["end"] = hours.period(attrs.get("from"), attrs.get("to"))
        except hours.PeriodError as exc:
            raise serializers.ValidationError({exc.field: [exc.message]}) from None
        return attrs


class RankingQuerySerializer(PeriodQuerySerializer):
    def get_fields(self):
        return {**super().get_fields(),
                "by": serializers.ChoiceField(choices=[("person", _("Person")), ("team", _("Team"))],
                                              required=False, default="person"),
                "team": serializers.IntegerField(required=False, min_value=1)}


class HoursBySourceSerializer(serializers.Serializer):
    patrol = serializers.FloatField(help_text=_("Seconds served on completed patrol runs."))
    guarding = serializers.FloatField(help_text=_("Seconds served on guard shifts that have ended, from arrival."))


class ReliabilitySerializer(serializers.Serializer):
    assigned = serializers.IntegerField(help_text=_("Guard shifts the person was put on that ended in the period."))
    attended = serializers.IntegerField(help_text=_("Of those, the shifts they checked in to."))
    no_shows = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True, help_text=_(
        "attended / assigned, 0 to 1; null when no shift was assigned (no figure is made up)."))


class HoursBonusesSerializer(serializers.Serializer):
    findings = serializers.IntegerField(help_text=_("Findings reported on patrols (each an incident)."))


class VolunteerHoursSerializer(serializers.Serializer):
    volunteer = serializers.IntegerField()
    start = serializers.DateTimeField()
    end = serializers.DateTimeField(help_text=_("Exclusive."))
    seconds = serializers.FloatField()
    hours = serializers.FloatField(help_text=_("To one decimal."))
    by_source = HoursBySourceSerializer()
    bonuses = HoursBonusesSerializer()
    points = serializers.FloatField()
    reliability = ReliabilitySerializer(help_text=_(
        "Counted only where the person was assigned (guard shifts); with none, `rate` is null."))


class RankingRowSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    id = serializers.IntegerField(help_text=_("The volunteer's id (by person) or the team's (by team)."))
    name = serializers.CharField()
    team = serializers.CharField(required=False, help_text=_("By person: the team's name."))
    team_id = serializers.IntegerField(required=False)
    enterprise = serializers.CharField(required=False, help_text=_("By team: the enterprise's name, or empty."))
    seconds = serializers.FloatField()
    hours = serializers.FloatField()
    by_source = HoursBySourceSerializer()
    bonuses = HoursBonusesSerializer()
    points = serializers.FloatField()


class VolunteerRankingSerializer(serializers.Serializer):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField(help_text=_("Exclusive."))
    by = serializers.ChoiceField(choices=[("person", _("Person")), ("team", _("Team"))])
    points_per_hour = serializers.IntegerField()
    results = RankingRowSerializer(many=True)
