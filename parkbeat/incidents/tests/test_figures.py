"""Incident figures (the issue's "clocks … aggregated"): selector against hand-computed values, the
summary above the list, `GET /api/v1/incidents/figures/` with its refusals, and who sees which incidents."""
import re
from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from parkbeat.incidents import selectors
from parkbeat.incidents.models import Incident

from .helpers import report

COVERS = {"incident-figures", "incidents:incident_list_figures"}
URL = "/api/v1/incidents/figures/"
PERIOD = {"start": "2026-03-01", "end": "2026-03-15"}


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def local(*args):
    return timezone.make_aware(datetime(*args), timezone.get_fixed_timezone(8 * 60))


NOW = local(2026, 3, 15, 12, 0)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False):
        yield NOW


def _incident(world, at, accept=None, scene=None, close=None, **kwargs):
    """One incident reported at `at`, its clocks set to `at` + the given minutes."""
    incident = report(world, reported_at=at, **kwargs)
    data = {}
    for field, minutes in (("accepted_at", accept), ("on_scene_at", scene), ("closed_at", close)):
        if minutes is not None:
            data[field] = at + timedelta(minutes=minutes)
    if close is not None:
        data.update(status=Incident.Status.CLOSED, result=Incident.Result.RESOLVED)
    elif scene is not None:
        data["status"] = Incident.Status.ON_SCENE
    elif accept is not None:
        data["status"] = Incident.Status.ACCEPTED
    Incident.objects.filter(pk=incident.pk).update(**data)
    return incident


@pytest.fixture
def cast(world, clock):
    """Four incidents of park A in the period (i1 and i4 of the liaison's enterprise), one before it, one in park2,
    one in another station."""
    i1 = _incident(world, local(2026, 3, 10, 9, 0), accept=4, scene=20, close=60, enterprise=world.enterprise)
    i2 = _incident(world, local(2026, 3, 11, 10, 0), accept=6, scene=30, close=120, kind="theft")
    i3 = _incident(world, local(2026, 3, 12, 8, 0), accept=10, close=45, kind="theft",
                   source="dispatch_110", dispatch_number="110-0312")  # closed straight from "accepted"
    i4 = report(world, actor=world.liaison, park=None, kind="fraud")  # from the field: stamped on arrival
    Incident.objects.filter(pk=i4.pk).update(reported_at=local(2026, 3, 14, 11, 0), escalation_level=2,
                                             accept_due_at=NOW - timedelta(minutes=5))
    _incident(world, local(2026, 2, 28, 23, 59), accept=1)  # the day before the period (Asia/Shanghai)
    _incident(world, local(2026, 3, 12, 9, 0), accept=2, actor=world.officer2, park=world.park2)
    _incident(world, local(2026, 3, 12, 9, 0), accept=3, actor=world.other_officer, park=world.other_park)
    return [i1, i2, i3, i4]


def zeros(choices, **counts):
    return {value: counts.get(value, 0) for value in choices.values}


OFFICER_FIGURES = {
    "period": {"start": "2026-03-01", "end": "2026-03-15", "park": None},
    "total": 4,
    "by_kind": zeros(Incident.Kind, labour_dispute=1, theft=2, fraud=1),
    "by_source": zeros(Incident.Source, phone=2, dispatch_110=1, liaison=1),
    # [4, 6, 10]: median 6; p90 rank 1.8 → 6 + 0.8·(10 − 6) = 9.2
    "to_accept": {"count": 3, "median_minutes": 6.0, "p90_minutes": 9.2},
    # [20, 30]: median 25; p90 rank 0.9 → 20 + 0.9·10 = 29
    "to_scene": {"count": 2, "median_minutes": 25.0, "p90_minutes": 29.0},
    # [45, 60, 120]: median 60; p90 rank 1.8 → 60 + 0.8·60 = 108
    "to_close": {"count": 3, "median_minutes": 60.0, "p90_minutes": 108.0},
    "escalated": 1,
    "acceptance_overdue": 1,
}


def test_figures_against_hand_computed_values(world, cast):
    figures = selectors.incident_figures(user=world.officer, start=datetime(2026, 3, 1).date(),
                                         end=datetime(2026, 3, 15).date())

    assert figures == OFFICER_FIGURES


def test_overdue_is_counted_at_the_moment_asked(world, cast):
    before_deadline = selectors.incident_figures(user=world.officer, start=datetime(2026, 3, 1).date(),
                                                 end=datetime(2026, 3, 15).date(), now=NOW - timedelta(minutes=6))

    assert (before_deadline["acceptance_overdue"], before_deadline["escalated"]) == (0, 1)


def test_the_api_answers_the_same_figures(world, cast, api_as):
    response = api_as(world.officer).get(URL, PERIOD)

    assert response.status_code == 200, response.content
    assert response.json() == OFFICER_FIGURES


def test_one_park_and_the_whole_station(world, cast, api_as):
    station = api_as(world.leader).get(URL, PERIOD).json()
    park2 = api_as(world.leader).get(URL, {**PERIOD, "park": world.park2.pk}).json()

    assert (station["total"], station["to_accept"]) == (5, {"count": 4, "median_minutes": 5.0, "p90_minutes": 8.8})
    assert (park2["period"]["park"], park2["total"], park2["to_accept"]) == (
        world.park2.pk, 1, {"count": 1, "median_minutes": 2.0, "p90_minutes": 2.0})


def test_a_liaison_sees_only_their_enterprises_and_another_station_none_of_ours(world, cast, api_as):
    liaison = api_as(world.liaison).get(URL, PERIOD).json()
    other = api_as(world.other_officer).get(URL, PERIOD).json()
    other_in_our_park = api_as(world.other_officer).get(URL, {**PERIOD, "park": world.park.pk})
    mediator = api_as(world.mediator).get(URL, PERIOD).json()

    assert {k: liaison[k] for k in ("total", "by_kind", "to_accept", "escalated", "acceptance_overdue")} == {
        "total": 2, "by_kind": zeros(Incident.Kind, labour_dispute=1, fraud=1),
        "to_accept": {"count": 1, "median_minutes": 4.0, "p90_minutes": 4.0}, "escalated": 1,
        "acceptance_overdue": 1}
    assert (other["total"], other["by_kind"]["labour_dispute"], other["to_accept"]["median_minutes"]) == (1, 1, 3.0)
    assert (other_in_our_park.status_code, other_in_our_park.json()) == (404, {"detail": "Not found."})
    assert (mediator["total"], mediator["to_accept"]) == (0, {"count": 0, "median_minutes": None,
                                                               "p90_minutes": None})


def test_anonymous_gets_401(world, api_as):
    assert api_as(None).get(URL, PERIOD).status_code == 401


@pytest.mark.parametrize("params,detail", [
    ({"end": "2026-03-15"}, "start: This field is required."),
    ({"start": "2026-13-01", "end": "2026-03-15"},
     "start: Date has wrong format. Use one of these formats instead: YYYY-MM-DD."),
    ({"start": "2026-03-16", "end": "2026-03-15"}, "The period ends before it starts."),
    ({"start": "1999-12-31", "end": "2026-03-15"}, "start: Choose a date from 2000-01-01 to 2100-12-31."),
    ({"start": "0001-01-01", "end": "9999-12-31"}, "start: Choose a date from 2000-01-01 to 2100-12-31."),
    ({"start": "2026-03-01", "end": "2101-01-01"}, "end: Choose a date from 2000-01-01 to 2100-12-31."),
    ({"start": "2026-03-01", "end": "2026-03-15", "park": "x"}, "park: A valid integer is required."),
    ({"start": "2026-03-01", "end": "2026-03-15", "park": str(10 ** 20)},
     "park: Ensure this value is less than or equal to 2147483647."),
])
def test_bad_periods_are_a_400_with_a_readable_detail(world, api_as, params, detail):
    response = api_as(world.officer).get(URL, params)

    assert response.status_code == 400
    assert response.json()["detail"] == detail


FIGURES = "incidents:incident_list_figures"


def test_the_list_page_fetches_its_figures_once_it_shows_with_its_filters(world, cast, client):
    """The page itself computes no figure: a placeholder asks for them (HTMX) with the list's filters, not
    its page, size or sort; a liaison's list has none."""
    client.force_login(world.officer)

    html = client.get(reverse("incidents:incident_list"), {"date_from": "2026-03-01", "page": "2", "sort": "kind",
                                                           "kind": "theft"}).content.decode()

    placeholder = re.search(r'<div[^>]* id="incident-figures"[^>]*>', html).group(0)
    assert 'hx-trigger="load"' in placeholder and 'hx-swap="outerHTML"' in placeholder
    url = re.search(r'hx-get="([^"]+)"', placeholder).group(1).replace("&amp;", "&")
    assert url.startswith(reverse(FIGURES) + "?") and sorted(url.split("?")[1].split("&")) == [
        "date_from=2026-03-01", "kind=theft"]
    assert 'data-figure="total"' not in html
    expected = selectors.incident_figures(user=world.officer, start=date(2026, 3, 1), end=date(2026, 3, 15))["total"]
    assert f'<strong data-figure="total">{expected}</strong>' in client.get(url).content.decode()
    client.force_login(world.liaison)
    assert 'id="incident-figures"' not in client.get(reverse("incidents:incident_list")).content.decode()
    assert client.get(reverse(FIGURES)).status_code == 403


def test_figures_over_the_time_limit_say_so_in_their_place(world, cast, client, monkeypatch):
    from parkbeat.core.timeouts import RequestOverTime

    def too_long(**kwargs):
        raise RequestOverTime("the request has spent its 5000 ms")

    monkeypatch.setattr(selectors, "incident_figures", too_long)
    client.force_login(world.officer)
    response = client.get(reverse(FIGURES), {"date_from": "2026-01-01"})

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="incident-figures"' in html and "take too long to count" in html
    assert client.get(reverse("incidents:incident_list")).status_code == 200  # the list itself is not held up


def test_the_list_page_shows_the_figures_of_the_filter_period(world, cast, client):
    client.force_login(world.officer)

    html = client.get(reverse(FIGURES), {"date_from": "2026-03-01", "date_to": "2026-03-15"}).content.decode()

    assert 'id="incident-figures"' in html and "2026-03-01 – 2026-03-15" in html
    assert '<strong data-figure="total">4</strong>' in html
    assert '<strong data-figure="escalated">1</strong>' in html
    text = re.sub(r"<(?!strong|/strong)[^>]+>", "", html)  # the wording, without the tooltips' spans
    assert "To acceptance: median <strong>6.0</strong> · 90th percentile <strong>9.2</strong> min sample of 3 incidents" in text
    assert "To closing: median <strong>60.0</strong> · 90th percentile <strong>108.0</strong> min sample of 3 incidents" in text
    assert 'title="90% of the incidents took at most this long; one in ten took longer"' in html
    assert "By type: Labour dispute 1, Theft 2, Fraud 1" in html


def test_the_list_page_defaults_to_the_last_30_days(world, cast, client):
    client.force_login(world.officer)  # the figures are the police's (a liaison's list shows none)
    expected = selectors.incident_figures(user=world.officer, start=date(2026, 2, 14), end=date(2026, 3, 15))["total"]

    html = client.get(reverse(FIGURES)).content.decode()

    assert "2026-02-14 – 2026-03-15" in html and f'<strong data-figure="total">{expected}</strong>' in html
    client.force_login(world.liaison)
    assert client.get(reverse(FIGURES)).status_code == 403


def test_the_figures_keep_their_query_count_with_more_incidents(world, clock, client):
    client.force_login(world.officer)
    url = reverse(FIGURES)
    report(world, reported_at=local(2026, 3, 10, 9, 0))
    client.get(url)  # warm the caches (session, permissions)
    with CaptureQueriesContext(connection) as few:
        client.get(url, {"date_from": "2026-03-01"})
    for day in range(1, 9):
        _incident(world, local(2026, 3, day, 9, 0), accept=day, close=day * 10, kind="theft")
    with CaptureQueriesContext(connection) as many:
        response = client.get(url, {"date_from": "2026-03-01"})

    assert '<strong data-figure="total">9</strong>' in response.content.decode()
    assert len(many) == len(few)
