"""The demo module seeds living data: checkpoints and a route per park, plans, finished runs with one missed
checkpoint, one flagged scan and one finding."""
from django.utils import timezone

from parkbeat.core.demo import DemoContext
from parkbeat.patrols import demo
from parkbeat.patrols.models import CheckIn, Finding, MissedCheck, PatrolRun, TrackPoint


def test_the_demo_seeds_runs_with_one_missed_checkpoint_one_flagged_scan_and_one_finding(world):
    ctx = DemoContext(now=timezone.now())
    ctx.shared.update({"accounts": {"leader": world.leader, "officer1": world.officer, "volunteer1": world.volunteer},
                       "demo_parks": [world.park]})

    counts = demo.seed(ctx)

    assert counts["checkpoints"] == 5 and counts["patrol plans"] == 2 and counts["patrol runs"] == 12
    assert MissedCheck.objects.count() == 1 and MissedCheck.objects.get().checkpoint.name == "物流仓库"
    assert list(CheckIn.objects.filter(counted=False).values_list("flags", flat=True)) == [["repeat"]]
    assert Finding.objects.get().incident.park == world.park
    assert PatrolRun.objects.filter(status=PatrolRun.Status.FINISHED).count() == 12
    # each run its track, in its time, a few hundred points in all
    assert 200 <= TrackPoint.objects.count() <= 800
    assert set(TrackPoint.objects.values_list("run", flat=True)) == set(PatrolRun.objects.values_list("pk", flat=True))
    for run in PatrolRun.objects.all():
        times = list(run.track_points.values_list("at", flat=True))
        assert run.started_at <= min(times) and max(times) <= run.finished_at
