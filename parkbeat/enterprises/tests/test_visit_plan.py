"""Visits planned by risk (应访未访): due dates in Asia/Shanghai days across months (30 and 31 days, February in a
leap year and not, the year's end), from the last visit or, never visited, from the registration; the list
most overdue first, in the user's scope only (another station's enterprise never appears, by page, API or
export), with its filters; the coverage figures against hand-computed expectations; the daily reminder once
per officer and day; the workbench card."""
from datetime import date, datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.urls import reverse

from parkbeat.enterprises import visit_plan
from parkbeat.enterprises.models import Enterprise
from parkbeat.notifications.models import Notification
from parkbeat.testing import EnterpriseFactory, VisitFactory

COVERS = {"enterprises:visit_plan", "visit-due-list", "visit-due-detail", "visit-due-coverage"}
SH = ZoneInfo("Asia/Shanghai")


def at(y, m, d, hh=10, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=SH)


def _enterprise(park, *, key=False, registered=None, status=Enterprise.Status.ACTIVE, name=None):
    e = EnterpriseFactory(park=park, **({"name": name} if name else {}))
    Enterprise.objects.filter(pk=e.pk).update(is_key=key, key_reason="危化品仓储" if key else "", status=status,
                                              created_at=registered or at(2020, 1, 1))
    e.refresh_from_db()
    return e


def _visit(enterprise, when, visitor):
    return VisitFactory(enterprise=enterprise, visitor=visitor, visited_at=when)


@pytest.fixture
def quiet(world):
    """The world's own enterprises out of the way (moved away), so each test counts only its own."""
    Enterprise.objects.update(status=Enterprise.Status.MOVED)
    return world


def _due(enterprise):
    return visit_plan.due_date(visit_plan.planned(Enterprise.objects.filter(pk=enterprise.pk)).get())


@pytest.mark.parametrize("visited,key,due", [
    (at(2026, 1, 31), True, date(2026, 3, 2)),  # 30 days on from January's 31st: past a 28-day February
    (at(2028, 1, 31), True, date(2028, 3, 1)),  # ... and a leap February's 29 days
    (at(2026, 3, 31), True, date(2026, 4, 30)),  # into a 30-day month
    (at(2026, 7, 1), True, date(2026, 7, 31)),  # within a 31-day month
    (at(2026, 12, 15), True, date(2027, 1, 14)),  # over the year's end
    (at(2025, 12, 1), False, date(2026, 3, 1)),  # 90 days: December, January, February
    (at(2026, 11, 15), False, date(2027, 2, 13)),
    (at(2026, 2, 1, 0, 30), True, date(2026, 3, 3)),  # 00:30 in Shanghai is still January the 31st in UTC
    (at(2026, 1, 31, 23, 59), True, date(2026, 3, 2)),
])
def test_the_due_date_counts_shanghai_days_from_the_last_visit(quiet, visited, key, due):
    e = _enterprise(quiet.park, key=key)
    _visit(e, visited - timedelta(days=40), quiet.officer)  # an earlier visit does not count
    _visit(e, visited, quiet.officer)

    assert _due(e) == due
    day_before = datetime.combine(due - timedelta(days=1), datetime.max.time(), tzinfo=SH).replace(microsecond=0)
    on_the_day = datetime.combine(due, datetime.min.time(), tzinfo=SH)
    assert e not in visit_plan.due_list(user=quiet.officer, now=day_before)
    listed = visit_plan.due_list(user=quiet.officer, now=on_the_day + timedelta(days=3)).get(pk=e.pk)
    assert visit_plan.overdue_days(listed, due + timedelta(days=3)) == 3


def test_never_visited_is_counted_from_the_registration(quiet):
    other = _enterprise(quiet.park, registered=at(2026, 5, 10, 8))
    key = _enterprise(quiet.park, key=True, registered=at(2026, 5, 10, 23, 30))  # 15:30 UTC: still the 10th

    assert (_due(other), _due(key)) == (date(2026, 8, 8), date(2026, 6, 9))
    assert visit_plan.planned(Enterprise.objects.filter(pk=key.pk)).get().last_visit_at is None


def test_a_visit_resets_the_count_and_the_settings_change_the_frequency(quiet, settings):
    e = _enterprise(quiet.park, key=True)
    now = at(2026, 6, 30)
    _visit(e, at(2026, 5, 1), quiet.officer)
    assert e in visit_plan.due_list(user=quiet.officer, now=now)
    _visit(e, at(2026, 6, 20), quiet.officer)
    assert e not in visit_plan.due_list(user=quiet.officer, now=now)

    settings.PARKBEAT_VISIT_DAYS_KEY = 10
    assert _due(e) == date(2026, 6, 30) and e in visit_plan.due_list(user=quiet.officer, now=now)
    settings.PARKBEAT_VISIT_DAYS_OTHER = 0
    with pytest.raises(ImproperlyConfigured):
        visit_plan.visit_days()


def test_the_list_is_most_overdue_first_active_only_and_in_scope(quiet):
    now = at(2026, 9, 1)
    a = _enterprise(quiet.park, key=True, name="甲重点")
    _visit(a, at(2026, 7, 1), quiet.officer)  # due 07-31: 32 days
    b = _enterprise(quiet.park, name="乙一般")
    _visit(b, at(2026, 5, 1), quiet.officer)  # due 07-30: 33 days
    c = _enterprise(quiet.park, name="丙一般")
    _visit(c, at(2026, 8, 1), quiet.officer)  # due 10-30: not yet
    _visit(_enterprise(quiet.park, status=Enterprise.Status.CLOSED), at(2025, 1, 1), quiet.officer)
    foreign = _enterprise(quiet.other_park, key=True, name="外站企业")  # another station: never listed

    rows = list(visit_plan.due_list(user=quiet.officer, now=now))

    assert [r.pk for r in rows] == [b.pk, a.pk]
    assert [visit_plan.overdue_days(r, now.date()) for r in rows] == [33, 32]
    assert foreign.pk not in {r.pk for r in visit_plan.due_list(user=quiet.leader, now=now)}
    assert [r.pk for r in visit_plan.due_list(user=quiet.other_officer, now=now)] == [foreign.pk]


def test_the_list_is_one_query_whatever_the_number_of_enterprises(quiet, django_assert_num_queries):
    for n in range(30):
        _visit(_enterprise(quiet.park, key=n % 2 == 0), at(2026, 1, 1), quiet.officer)
    list(visit_plan.due_list(user=quiet.leader, now=at(2026, 9, 1)))  # the leader's scope read once
    with django_assert_num_queries(1):
        rows = list(visit_plan.due_list(user=quiet.leader, now=at(2026, 9, 1)))
    assert len(rows) == 30


# ---------------------------------------------------------------- coverage
def test_coverage_of_a_period_against_hand_counted_figures(quiet):
    start, end = date(2026, 7, 1), date(2026, 9, 30)
    key_visited = _enterprise(quiet.park, key=True)
    _visit(key_visited, at(2026, 7, 1, 0, 10), quiet.officer)  # the first minutes of the period (Shanghai)
    _enterprise(quiet.park, key=True)  # key, not visited
    twice = _enterprise(quiet.park2)
    _visit(twice, at(2026, 8, 1), quiet.officer2)
    _visit(twice, at(2026, 9, 30, 23, 50), quiet.officer2)  # the last minutes of the period
    before = _enterprise(quiet.park)
    _visit(before, at(2026, 6, 30, 23, 50), quiet.officer)  # the last minutes of the day before
    after = _enterprise(quiet.park)
    _visit(after, at(2026, 10, 1, 0, 5), quiet.officer)  # the day after (2026-09-30 16:05 UTC)
    _visit(_enterprise(quiet.park, status=Enterprise.Status.CLOSED), at(2026, 8, 1), quiet.officer)
    _enterprise(quiet.park, registered=at(2026, 10, 2))  # registered after the period
    _visit(_enterprise(quiet.other_park, key=True), at(2026, 8, 1), quiet.other_officer)

    found = visit_plan.coverage(user=quiet.leader, start=start, end=end)

    assert (found["key"], found["other"], found["all"]) == ((1, 2), (1, 3), (2, 5))
    assert found["shares"] == {"key": 0.5, "other": 1 / 3, "all": 0.4}
    park_a = visit_plan.coverage(user=quiet.officer, start=start, end=end)
    assert (park_a["key"], park_a["other"]) == ((1, 2), (0, 2))
    assert visit_plan.coverage(user=quiet.other_officer, start=start, end=end)["key"] == (1, 1)
    empty = visit_plan.coverage(user=quiet.officer, start=date(2019, 1, 1), end=date(2019, 1, 31))
    assert empty["all"] == (0, 0) and empty["shares"]["all"] is None


def test_quarters():
    assert visit_plan.quarter_of(date(2026, 2, 28)) == (date(2026, 1, 1), date(2026, 3, 31))
    assert visit_plan.quarter_of(date(2026, 12, 31)) == (date(2026, 10, 1), date(2026, 12, 31))
    assert visit_plan.quarter_of(date(2028, 5, 1)) == (date(2028, 4, 1), date(2028, 6, 30))


# ---------------------------------------------------------------- reminders
def test_the_reminder_tells_each_park_officer_once_a_day(quiet, english):
    now = at(2026, 9, 1, 8)
    late = _enterprise(quiet.park, key=True, name="逾期重点企业")
    _visit(late, at(2026, 6, 1), quiet.officer)
    _visit(_enterprise(quiet.park2), at(2026, 8, 20), quiet.officer2)  # park 2: nothing due
    _enterprise(quiet.other_park, registered=at(2026, 1, 1))  # the other station's officer: one due

    assert visit_plan.remind_due_visits(now=now) == 2
    mine = Notification.objects.get(recipient=quiet.officer)
    assert (mine.kind, mine.title) == ("visit_due", "Visit due: 1 enterprises not visited")
    assert mine.body == "Most overdue: 逾期重点企业, 62 days overdue."  and mine.url == reverse("enterprises:visit_plan")
    assert not Notification.objects.filter(recipient=quiet.officer2).exists()
    assert Notification.objects.filter(recipient=quiet.other_officer).count() == 1
    assert visit_plan.remind_due_visits(now=now + timedelta(hours=3)) == 0  # the same day: nothing new
    assert visit_plan.remind_due_visits(now=now + timedelta(days=1)) == 2  # the next day: again


def test_the_command_runs_the_reminder(quiet):
    _enterprise(quiet.park, registered=at(2020, 1, 1))
    out = StringIO()
    call_command("visit_reminders", stdout=out)
    assert out.getvalue().strip() == "told 1 officers"
    call_command("visit_reminders", stdout=out)
    assert out.getvalue().strip().endswith("told 0 officers")


def test_the_periodic_task_calls_the_same_service(quiet):
    from parkbeat.enterprises.tasks import remind_due_visits_task

    _enterprise(quiet.park, registered=at(2020, 1, 1))
    assert remind_due_visits_task.call_local() == 1


# ---------------------------------------------------------------- page, API, workbench
@pytest.fixture
def due(quiet):
    """Park A: a key enterprise overdue and an ordinary one never visited; the other station: one overdue."""
    key = _enterprise(quiet.park, key=True, name="新马重点企业")
    _visit(key, at(2020, 5, 1), quiet.officer)
    plain = _enterprise(quiet.park, name="新马一般企业", registered=at(2020, 2, 1))
    park2 = _enterprise(quiet.park2, name="栗雨一般企业", registered=at(2020, 3, 1))
    foreign = _enterprise(quiet.other_park, name="群丰逾期企业", registered=at(2020, 1, 1))
    return {"key": key, "plain": plain, "park2": park2, "foreign": foreign}


def test_the_page_lists_the_officers_enterprises_with_filters(quiet, due, page_as, english_pages):
    client = page_as(quiet.leader)
    url = reverse("enterprises:visit_plan")

    page = client.get(url)
    assert page.status_code == 200
    names = [r.name for r in page.context["object_list"]]
    assert names == ["新马一般企业", "栗雨一般企业", "新马重点企业"]  # most overdue first
    assert "群丰逾期企业" not in page.content.decode()
    assert [r.name for r in client.get(url, {"key_only": "true"}).context["object_list"]] == ["新马重点企业"]
    assert [r.name for r in client.get(url, {"park": quiet.park2.pk}).context["object_list"]] == ["栗雨一般企业"]
    by_officer = client.get(url, {"officer": quiet.officer.pk}).context["object_list"]
    assert sorted(r.name for r in by_officer) == ["新马一般企业", "新马重点企业"]
    refused = client.get(url, {"park": quiet.other_park.pk})
    assert list(refused.context["object_list"]) == [] and "park" in refused.context["filter"].errors
    paged = client.get(url, {"page_size": 10, "page": 9})
    assert paged.status_code == 200
    assert "visit-coverage" in page.content.decode()


def test_the_page_exports_exactly_the_rows(quiet, due, page_as):
    from openpyxl import load_workbook
    import io

    response = page_as(quiet.officer).get(reverse("enterprises:visit_plan"), {"export": "xlsx"})
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content) if response.streaming else
                                         response.content)).active.iter_rows(values_only=True))
    names = [r[0] for r in rows[1:]]
    assert sorted(names) == ["新马一般企业", "新马重点企业"]


@pytest.mark.parametrize("who,status", [("officer", 200), ("leader", 200), ("auxiliary", 200), ("liaison", 403),
                                        ("volunteer", 403), ("sysadmin", 403)])
def test_who_may_open_the_page(quiet, page_as, who, status):
    assert page_as(getattr(quiet, who)).get(reverse("enterprises:visit_plan")).status_code == status


def test_the_api_lists_and_counts_in_scope(quiet, due, api_as):
    api = api_as(quiet.officer)
    body = api.get("/api/v1/visits-due/").json()
    rows = body["results"] if isinstance(body, dict) else body
    assert [r["name"] for r in rows] == ["新马一般企业", "新马重点企业"]
    assert rows[0]["last_visit_at"] is None and rows[0]["days_overdue"] > rows[1]["days_overdue"] >= 0
    assert date.fromisoformat(rows[1]["due_on"]) == date(2020, 5, 31)
    assert api.get(f"/api/v1/visits-due/{due['plain'].pk}/").json()["name"] == "新马一般企业"
    assert api.get(f"/api/v1/visits-due/{due['foreign'].pk}/").status_code == 404  # another station's
    assert api.get(f"/api/v1/visits-due/{due['park2'].pk}/").status_code == 404  # another park's
    assert api.get("/api/v1/visits-due/", {"park": quiet.other_park.pk}).status_code == 400
    assert api_as(quiet.liaison).get("/api/v1/visits-due/").status_code == 403

    _visit(due["key"], at(2026, 8, 1), quiet.officer)
    cov = api.get("/api/v1/visits-due/coverage/", {"from": "2026-07-01", "to": "2026-09-30"})
    assert cov.status_code == 200
    assert cov.json()["key"] == {"visited": 1, "total": 1, "share": 1.0}
    assert cov.json()["other"] == {"visited": 0, "total": 1, "share": 0.0}
    bad = api.get("/api/v1/visits-due/coverage/", {"from": "2026-13-01"})
    assert bad.status_code == 400 and "from" in bad.json()
    backwards = api.get("/api/v1/visits-due/coverage/", {"from": "2026-09-01", "to": "2026-08-01"})
    assert backwards.status_code == 400 and "to" in backwards.json()


def test_the_workbench_card_counts_the_list(quiet, due, page_as):
    from parkbeat.enterprises.home import counts

    now = at(2026, 9, 1)
    assert counts(user=quiet.leader, now=now)["visits_due"] == 3
    assert counts(user=quiet.officer, now=now)["visits_due"] == 2
    assert counts(user=quiet.liaison, now=now)["visits_due"] == 0
    home = page_as(quiet.officer).get("/")
    assert reverse("enterprises:visit_plan") in home.content.decode()
