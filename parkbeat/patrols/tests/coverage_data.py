"""A hand-built week of patrols in park A (and one visit in station B's park) for the coverage tests.

Period: 2026-11-02 … 2026-11-08 (Asia/Shanghai), i.e. [11-02 00:00, 11-09 00:00).
"""
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from parkbeat.patrols.coverage import period_of_days
from parkbeat.patrols.models import CheckIn, MissedCheck, PatrolRun
from parkbeat.patrols.tests.helpers import all_week_plan, checkpoints, route

SH = ZoneInfo("Asia/Shanghai")
PERIOD = period_of_days(date(2026, 11, 2), date(2026, 11, 8))
AFTER = datetime(2026, 11, 20, 12, 0, tzinfo=SH)  # "now" for the gaps: the period is over


def at(day, hour, minute=0, second=0):
    return datetime(2026, 11, day, hour, minute, second, tzinfo=SH)


@dataclass
class Week:
    a: object
    b: object
    c: object
    d: object
    plan: object


def _run(world, route_, started, plan=None, user=None):
    user = user or world.officer
    return PatrolRun.objects.create(plan=plan, route=route_, park=route_.park, started_at=started,
                                    finished_at=started.replace(hour=23, minute=59), status="finished",
                                    window_start=started, window_end=started.replace(hour=23, minute=59),
                                    started_by=user)


def _check(run, checkpoint, when, recorded=None, counted=True, user=None):
    return CheckIn.objects.create(run=run, checkpoint=checkpoint, at=when, recorded_at=recorded or when,
                                  recorded_by=user or run.started_by, counted=counted,
                                  flags=[] if counted else ["repeat"])


def build(world):
    a, b, c = checkpoints(world)
    r = route(world, [a, b, c])
    plan = all_week_plan(world, route_=r)  # calls for world.team
    (d, *_rest) = checkpoints(world, park=world.other_park)
    other_route = route(world, [d], actor=world.other_officer)

    before = _run(world, r, at(1, 23))  # ad hoc, the evening before the period
    _check(before, a, at(1, 23, 59, 59), recorded=at(2, 8))  # happened before: not in the period
    _check(before, a, at(2, 0))  # the period's first instant (a night visit)

    evening = _run(world, r, at(3, 21), plan=plan)
    _check(evening, a, at(3, 21, 10))
    _check(evening, b, at(3, 21, 20))
    _check(evening, b, at(3, 21, 22), counted=False)  # flagged: never counted

    day = _run(world, r, at(5, 10))  # ad hoc
    _check(day, a, at(5, 10, 5), recorded=at(5, 18))  # sent by the phone later: counts when it happened

    late = _run(world, r, at(8, 22, 50), plan=plan)
    _check(late, b, at(8, 23), recorded=at(10, 9))  # recorded after the period: counted in it

    _check(late, c, at(9, 0))  # the period's end: outside
    MissedCheck.objects.create(plan=plan, window_start=at(4, 0), window_end=at(4, 23, 59), checkpoint=c)
    MissedCheck.objects.create(plan=plan, window_start=at(9, 0), window_end=at(9, 23, 59), checkpoint=c)  # after

    other = _run(world, other_route, at(4, 9), user=world.other_officer)
    _check(other, d, at(4, 9, 30))
    return Week(a, b, c, d, plan)
