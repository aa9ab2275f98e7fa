"""Key dates and special campaigns: the windows and periods in Asia/Shanghai days, who keeps them, campaigns on
inspections, and the ahead-of-time reminders (each once)."""
from datetime import date, datetime
from datetime import timezone as dt_timezone

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from parkbeat.audit.models import AuditEvent
from parkbeat.core.services import ConflictError
from parkbeat.inspections import reminders, selectors, services
from parkbeat.inspections.models import Campaign, KeyDate
from parkbeat.inspections.selectors import DONE, DUE, DUE_SOON, LATE, UPCOMING
from parkbeat.inspections.tests import helpers as h
from parkbeat.notifications.models import Notification

UTC = dt_timezone.utc


def key_date(w, day=date(2026, 10, 1), **kw):
    kw.setdefault("station", w.station)
    return services.keydate_create(actor=kw.pop("actor", w.leader), name=kw.pop("name", "国庆"), day=day, **kw)


# ---------------------------------------------------------------- the window
@pytest.mark.parametrize("today, done, expected", [
    (date(2026, 9, 16), False, UPCOMING),   # the day before the window opens (14 days: 17 Sep – 30 Sep)
    (date(2026, 9, 17), False, DUE),
    (date(2026, 9, 27), False, DUE),
    (date(2026, 9, 28), False, DUE_SOON),   # the last three days
    (date(2026, 9, 30), False, DUE_SOON),
    (date(2026, 10, 1), False, LATE),
    (date(2026, 9, 20), True, DONE),
    (date(2026, 10, 8), True, DONE),
])
def test_the_state_before_a_key_date(today, done, expected):
    k = KeyDate(name="国庆", day=date(2026, 10, 1), window_days=14)
    assert selectors.keydate_state(k, done=done, today=today) == expected


@pytest.mark.parametrize("at, counts", [
    (h.shanghai(2026, 9, 17, 0, 0), True),                    # the first minute of the window
    (datetime(2026, 9, 16, 15, 59, tzinfo=UTC), False),       # 23:59 on 16 Sep in Shanghai: before it
    (h.shanghai(2026, 9, 30, 23, 30), True),                  # 15:30 UTC on the last day
    (datetime(2026, 9, 30, 16, 0, tzinfo=UTC), False),        # 00:00 on 1 Oct in Shanghai: the day itself
])
def test_the_window_is_read_in_shanghai(world, at, counts):
    h.make_key(world)
    k = key_date(world)
    h.record(world, h.plan(world, planned_on=at.date()), at)

    [row] = selectors.keydate_progress(key_date=k, now=h.shanghai(2026, 10, 2))

    assert (row.state == DONE, row.state) == (counts, DONE if counts else LATE)


def test_partial_and_non_key_inspections_do_not_count(world):
    h.make_key(world)
    k = key_date(world)
    h.record(world, h.plan(world), h.shanghai(2026, 9, 20, 10), skip_area="消防通道和器材")
    h.record(world, h.plan(world, enterprise=world.enterprise2), h.shanghai(2026, 9, 20, 11))

    rows = selectors.keydate_progress(key_date=k, now=h.shanghai(2026, 9, 29))

    assert [(r.enterprise, r.state) for r in rows] == [(world.enterprise, DUE_SOON)]  # enterprise2 is not key


def test_a_key_date_of_one_park_or_every_park(world):
    h.make_key(world)
    h.make_key(world, enterprise=world.park2_enterprise)
    h.make_key(world, enterprise=world.other_enterprise, actor=world.other_officer)
    station_wide = key_date(world)
    one_park = key_date(world, park=world.park2, actor=world.officer2, name="园区开放日")

    every = {r.enterprise for r in selectors.keydate_progress(key_date=station_wide, now=h.shanghai(2026, 9, 1))}
    park2 = {r.enterprise for r in selectors.keydate_progress(key_date=one_park, now=h.shanghai(2026, 9, 1))}
    by_park = selectors.progress_by_park(selectors.keydate_progress(key_date=station_wide,
                                                                    now=h.shanghai(2026, 9, 20)))

    assert every == {world.enterprise, world.park2_enterprise} and park2 == {world.park2_enterprise}
    assert sorted((park.pk, counts, total) for park, counts, total in by_park) == [
        (world.park.pk, {DUE: 1}, 1), (world.park2.pk, {DUE: 1}, 1)]
    assert set(KeyDate.objects.visible_to(world.officer)) == {station_wide}
    assert set(KeyDate.objects.visible_to(world.officer2)) == {station_wide, one_park}
    assert set(KeyDate.objects.visible_to(world.leader)) == {station_wide, one_park}
    for outsider in (world.other_officer, world.agency_staff, world.liaison, world.volunteer, world.auditor):
        assert not KeyDate.objects.visible_to(outsider).exists()


# ---------------------------------------------------------------- keeping key dates
def test_who_keeps_key_dates(world):
    with pytest.raises(PermissionDenied):
        key_date(world, actor=world.officer)  # every park of the station: the leader's
    with pytest.raises(PermissionDenied):
        key_date(world, actor=world.officer, park=world.park2)  # another officer's park
    with pytest.raises(PermissionDenied):
        key_date(world, actor=world.auxiliary, park=world.park)
    with pytest.raises(PermissionDenied):
        key_date(world, actor=world.other_officer, station=world.station)
    with pytest.raises(ValidationError) as bad_park:
        key_date(world, actor=world.leader, park=world.other_park)
    with pytest.raises(ValidationError) as bad_window:
        key_date(world, park=world.park, actor=world.officer, window_days=0)
    mine = key_date(world, park=world.park, actor=world.officer, window_days=7)

    assert "park" in bad_park.value.message_dict and "window_days" in bad_window.value.message_dict
    assert (mine.window_start, KeyDate.objects.count()) == (date(2026, 9, 24), 1)


def test_edit_and_remove_a_key_date(world):
    k = key_date(world, day=date(2027, 2, 17), name="春节")
    services.keydate_update(actor=world.leader, key_date=k, data={"window_days": 21, "park": world.other_park},
                            expected_version=1)
    with pytest.raises(ConflictError):
        services.keydate_update(actor=world.leader, key_date=KeyDate.objects.get(), data={"name": "x"},
                                expected_version=1)
    with pytest.raises(PermissionDenied):
        services.keydate_delete(actor=world.officer, key_date=k, expected_version=2)
    stored = KeyDate.objects.get()
    assert (stored.window_days, stored.park, stored.name, stored.version) == (21, None, "春节", 2)

    services.keydate_delete(actor=world.leader, key_date=stored, expected_version=2)
    services.keydate_delete(actor=world.leader, key_date=stored, expected_version=2)  # a double submit: nothing

    assert not KeyDate.objects.exists()
    assert AuditEvent.objects.filter(verb="delete", object_type="inspections.KeyDate").count() == 1


def test_a_past_key_date_is_kept(world):
    k = key_date(world, day=date(2026, 10, 1))
    with pytest.raises(ValidationError) as exc:
        services.keydate_delete(actor=world.leader, key_date=k, expected_version=1)
    assert exc.value.code == "past" and KeyDate.objects.filter(pk=k.pk).exists()


# ---------------------------------------------------------------- campaigns
def campaign(w, **kw):
    kw.setdefault("enterprises", [w.enterprise, w.enterprise2])
    return services.campaign_create(actor=kw.pop("actor", w.officer), theme=kw.pop("theme", "夏季消防专项"),
                                    starts_on=kw.pop("starts_on", date(2026, 6, 1)),
                                    ends_on=kw.pop("ends_on", date(2026, 8, 31)), **kw)


@pytest.mark.parametrize("today, done, expected", [
    (date(2026, 5, 31), False, UPCOMING), (date(2026, 6, 1), False, DUE), (date(2026, 8, 31), False, DUE),
    (date(2026, 9, 1), False, LATE), (date(2026, 9, 1), True, DONE), (date(2026, 5, 31), True, DONE),
])
def test_the_state_in_a_campaign(today, done, expected):
    c = Campaign(theme="夏季消防专项", starts_on=date(2026, 6, 1), ends_on=date(2026, 8, 31))
    assert selectors.campaign_state(c, done=done, today=today) == expected


def test_campaign_progress_counts_its_inspections_within_the_period(world):
    c = campaign(world, enterprises=[world.enterprise, world.enterprise2, world.park2_enterprise],
                 actor=world.leader)
    last_day = h.plan(world, campaign=c, planned_on=date(2026, 8, 31))
    h.record(world, last_day, h.shanghai(2026, 8, 31, 23, 30))           # 15:30 UTC on the last day: in
    after = h.plan(world, enterprise=world.enterprise2, campaign=c, planned_on=date(2026, 8, 31))
    h.record(world, after, datetime(2026, 8, 31, 16, 0, tzinfo=UTC))     # 00:00 on 1 Sep: out
    h.record(world, h.plan(world, enterprise=world.enterprise2), h.shanghai(2026, 7, 1, 10))  # not the campaign's

    rows = selectors.campaign_progress(campaign=c, now=h.shanghai(2026, 9, 2))
    seen_by_officer = selectors.campaign_progress(campaign=c, user=world.officer, now=h.shanghai(2026, 8, 1))

    assert {r.enterprise: r.state for r in rows} == {world.enterprise: DONE, world.enterprise2: LATE,
                                                     world.park2_enterprise: LATE}
    assert {r.enterprise: r.state for r in seen_by_officer} == {world.enterprise: DONE, world.enterprise2: DUE}


def test_a_campaign_by_park_and_risk_category(world):
    h.make_key(world, category="fire")
    h.make_key(world, enterprise=world.park2_enterprise, category="hazmat")
    by_category = campaign(world, actor=world.leader, enterprises=[], parks=[world.park, world.park2],
                           risk_categories=["fire"])
    whole_park = campaign(world, enterprises=[], parks=[world.park])

    assert set(by_category.enterprises.all()) == {world.enterprise}
    assert set(whole_park.enterprises.all()) == {world.enterprise, world.enterprise2}
    assert by_category.station == world.station


def test_bad_campaigns_are_refused(world):
    cases = [dict(ends_on=date(2026, 5, 1)), dict(enterprises=[]), dict(enterprises=[world.other_enterprise]),
             dict(enterprises=[world.park2_enterprise]),  # not the officer's park
             dict(enterprises=[], risk_categories=["fire"]), dict(theme="")]
    for case in cases:
        with pytest.raises(ValidationError):
            campaign(world, **case)
    with pytest.raises(PermissionDenied):
        campaign(world, actor=world.auxiliary)
    assert not Campaign.objects.exists()


def test_planning_for_a_campaign(world):
    c = campaign(world, enterprises=[world.enterprise])
    with pytest.raises(ValidationError) as outside:
        h.plan(world, campaign=c, planned_on=date(2026, 9, 1))
    with pytest.raises(ValidationError) as stranger:
        h.plan(world, enterprise=world.enterprise2, campaign=c, planned_on=date(2026, 7, 1))
    other = services.campaign_create(actor=world.other_officer, theme="群丰专项", starts_on=date(2026, 6, 1),
                                     ends_on=date(2026, 8, 31), enterprises=[world.other_enterprise])
    with pytest.raises(ValidationError) as foreign:
        h.plan(world, campaign=other, planned_on=date(2026, 7, 1))
    planned = h.plan(world, campaign=c, planned_on=date(2026, 7, 1))
    with pytest.raises(ValidationError):
        services.inspection_update(actor=world.officer, inspection=planned, data={"planned_on": date(2026, 9, 2)},
                                   expected_version=planned.version)
    services.inspection_update(actor=world.officer, inspection=planned, data={"campaign": None},
                               expected_version=planned.version)

    assert all("campaign" in e.value.message_dict for e in (outside, stranger, foreign))
    assert planned.campaign is None and planned.planned_on == date(2026, 7, 1)


def test_campaign_update_and_stale_version(world):
    c = campaign(world)
    services.campaign_update(actor=world.officer, campaign=c, data={"theme": "夏季消防专项整治"},
                             enterprises=[world.enterprise], expected_version=1)
    stale = Campaign.objects.get()
    stale.version = 1
    with pytest.raises(ConflictError):
        services.campaign_update(actor=world.officer, campaign=stale, data={"note": "x"}, expected_version=1)
    with pytest.raises(PermissionDenied):
        services.campaign_update(actor=world.other_officer, campaign=Campaign.objects.get(), data={"note": "x"})

    stored = Campaign.objects.get()
    assert (stored.theme, list(stored.enterprises.all()), stored.note) == ("夏季消防专项整治", [world.enterprise], "")


def test_a_campaign_of_several_parks_is_the_leaders_to_change_and_an_edit_keeps_closed_members(world):
    from parkbeat.enterprises.models import Enterprise

    c = campaign(world, actor=world.leader, enterprises=[world.enterprise, world.enterprise2,
                                                         world.park2_enterprise])
    with pytest.raises(PermissionDenied):  # park2's enterprise is beyond officer1's parks
        services.campaign_update(actor=world.officer, campaign=c, data={"theme": "改"}, enterprises=[world.enterprise],
                                 expected_version=c.version)
    Enterprise.objects.filter(pk=world.enterprise2.pk).update(status=Enterprise.Status.CLOSED)

    services.campaign_update(actor=world.leader, campaign=Campaign.objects.get(), data={"note": "调整"},
                             enterprises=[world.enterprise, world.park2_enterprise], expected_version=c.version)

    stored = Campaign.objects.get()
    assert stored.theme == "夏季消防专项" and stored.note == "调整"
    assert set(stored.enterprises.all()) == {world.enterprise, world.enterprise2, world.park2_enterprise}


# ---------------------------------------------------------------- reminders
def told(user):
    return list(Notification.objects.filter(recipient=user).order_by("id").values_list("dedupe_key", flat=True))


def test_the_quarter_reminder_in_its_last_month_once(world):
    h.make_key(world)
    h.make_key(world, enterprise=world.park2_enterprise)
    other = services.inspection_plan(actor=world.officer2, enterprise=world.park2_enterprise,
                                     planned_on=date(2026, 11, 2), checklist=h.general())
    h.record(world, other, h.shanghai(2026, 11, 2, 10), actor=world.officer2)

    early = reminders.inspection_reminders(now=h.shanghai(2026, 12, 1, 23, 0))   # 30 days and an hour before
    first = reminders.inspection_reminders(now=h.shanghai(2026, 12, 5, 9, 0))
    again = reminders.inspection_reminders(now=h.shanghai(2026, 12, 6, 9, 0))

    assert (early, first, again) == (0, 1, 0)
    assert told(world.officer) == ["inspection-quarter:%s:2026Q4" % world.park.pk] and told(world.officer2) == []
    note = Notification.objects.get(recipient=world.officer)
    assert world.enterprise.name in note.body and note.url.endswith(f"?park={world.park.pk}")


def test_key_date_and_campaign_reminders_once(world):
    h.make_key(world)
    k = key_date(world, day=date(2026, 10, 1))
    c = campaign(world, enterprises=[world.enterprise, world.enterprise2])
    h.record(world, h.plan(world, campaign=c, planned_on=date(2026, 8, 20), enterprise=world.enterprise2),
             h.shanghai(2026, 8, 20, 10))

    before_window = reminders.remind_key_dates(h.shanghai(2026, 9, 16, 12))
    window_open = reminders.remind_key_dates(h.shanghai(2026, 9, 17, 8))
    campaign_early = reminders.remind_campaigns(h.shanghai(2026, 8, 20, 12))   # 11 days before the end
    campaign_ending = reminders.remind_campaigns(h.shanghai(2026, 8, 25, 12))
    again = (reminders.remind_key_dates(h.shanghai(2026, 9, 18, 8)),
             reminders.remind_campaigns(h.shanghai(2026, 8, 26, 12)))

    assert (before_window, window_open, campaign_early, campaign_ending, again) == (0, 1, 0, 1, (0, 0))
    assert told(world.officer) == [f"inspection-keydate:{k.pk}:{world.park.pk}",
                                   f"inspection-campaign:{c.pk}:{world.park.pk}"]
    ending = Notification.objects.get(dedupe_key__startswith="inspection-campaign")
    assert world.enterprise.name in ending.body and world.enterprise2.name not in ending.body


def test_the_reminder_command(world, capsys):
    from django.core.management import call_command

    call_command("inspection_reminders")
    assert "reminder(s) sent" in capsys.readouterr().out
