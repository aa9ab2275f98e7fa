"""The dispute, mediation session and agreement lists on the shared list mechanism: who sees which rows on
the page and in the export, the filters (park, dates, outcome/status, case number), sorting and errors."""
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from parkbeat.audit.models import AuditEvent
from parkbeat.core.roles import Role
from parkbeat.disputes.models import Agreement, MediationSession
from parkbeat.disputes.tests.factories import open_dispute, routed_dispute, three_instalments
from parkbeat.testing import UserFactory, assign

COVERS = {"disputes:session_list", "disputes:agreement_list"}
LISTS = ("disputes:session_list", "disputes:agreement_list", "disputes:dispute_list")


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    settings.EXPORT_RATE_PER_HOUR = 1000
    cache.clear()
    with translation.override("en"):
        yield
    cache.clear()


def session(world, dispute, days_ago=3, outcome=MediationSession.Outcome.ADJOURNED, place="调解室"):
    return MediationSession.objects.create(
        dispute=dispute, started_at=timezone.now() - timedelta(days=days_ago), duration_minutes=60, place=place,
        level=dispute.level, outcome=outcome, recorded_by=world.officer)


@pytest.fixture
def cases(world):
    """routed (park A, enterprise A, routed to A's centre), plain (park A, enterprise 2), other (station B):
    each with one session and one agreement."""
    routed = routed_dispute(world)
    plain = open_dispute(world, enterprise=world.enterprise2, title="未分派")
    other = open_dispute(world, actor=world.other_officer, park=world.other_park, enterprise=world.other_enterprise)
    made = {"routed": routed, "plain": plain, "other": other}
    for name, dispute in made.items():
        session(world, dispute, outcome=MediationSession.Outcome.AGREEMENT if name == "routed" else "adjourned")
        Agreement.objects.create(dispute=dispute, terms="=cmd|' /C calc'!A0" if name == "routed" else "分期支付",
                                 total_amount=Decimal("12345.60"), signed_on=timezone.localdate() - timedelta(days=2),
                                 recorded_by=world.officer)
    world.other_mediator = assign(UserFactory(username="t_other_mediator"), Role.MEDIATOR, park=world.other_park)
    world.other_liaison = assign(UserFactory(username="t_other_liaison"), Role.LIAISON, enterprise=world.enterprise2)
    return made


SEES = {"officer": {"routed", "plain"}, "leader": {"routed", "plain"}, "mediator": {"routed"},
        "liaison": {"routed"}, "agency_staff": {"routed"}, "other_mediator": set(),  # another park's mediator: nothing of park A (nor of B unless routed to B)
        "other_liaison": {"plain"}, "other_officer": {"other"}}


def sheet(response):
    rows = list(load_workbook(io.BytesIO(response.content), read_only=True).active.iter_rows(values_only=True))
    return rows[0], rows[1:]


@pytest.mark.parametrize("name", LISTS)
@pytest.mark.parametrize("who", sorted(SEES))
def test_each_role_sees_and_exports_exactly_the_rows_of_its_cases(world, cases, client, who, name):
    user = getattr(world, who)
    client.force_login(user)
    expected = {cases[c].number for c in SEES[who]}

    page = client.get(reverse(name))
    headers, rows = sheet(client.get(reverse(name), {"export": "xlsx"}))
    number_column = headers.index("Case" if name != "disputes:dispute_list" else "Number")

    assert page.status_code == 200
    shown = {getattr(r, "dispute", r).number for r in page.context["object_list"]}
    assert shown == expected
    assert {row[number_column] for row in rows} == expected
    assert page.context["paginator"].count == len(rows)


@pytest.mark.parametrize("name", LISTS)
@pytest.mark.parametrize("who", ["sysadmin", "secadmin", "auditor", "nobody"])
def test_administrators_get_403_not_an_empty_list_nor_a_file(world, cases, client, who, name):
    client.force_login(getattr(world, who))
    assert client.get(reverse(name)).status_code == 403
    assert client.get(reverse(name), {"export": "xlsx"}).status_code == 403
    assert not AuditEvent.objects.filter(verb="export").exists()


def test_anonymous_users_are_sent_to_log_in(world, client):
    for name in LISTS:
        assert client.get(reverse(name)).status_code == 302


def test_session_filters_case_number_outcome_park_dates(world, cases, client):
    client.force_login(world.officer)
    url = reverse("disputes:session_list")
    routed, plain = cases["routed"], cases["plain"]
    today = timezone.localdate()

    def shown(**params):
        return {s.dispute.number for s in client.get(url, params).context["object_list"]}

    assert shown(q=routed.number) == {routed.number}
    assert shown(q=str(plain.pk)) == {plain.number}
    assert shown(q="JF-nothing") == set()
    assert shown(outcome="agreement") == {routed.number}
    assert shown(park=world.park.pk) == {routed.number, plain.number}
    assert shown(date_from=str(today - timedelta(days=5)), date_to=str(today)) == {routed.number, plain.number}
    assert shown(date_from=str(today)) == set()


def test_agreement_filters_and_amounts(world, cases, client):
    client.force_login(world.officer)
    url = reverse("disputes:agreement_list")
    html = client.get(url).content.decode()

    assert "12,345.60 yuan" in html and "badge" in html
    assert {a.dispute.number for a in client.get(url, {"status": "fulfilled"}).context["object_list"]} == set()
    assert len(client.get(url, {"status": "performing"}).context["object_list"]) == 2


def test_agreement_export_keeps_the_number_and_escapes_formulas(world, cases, client):
    client.force_login(world.officer)
    headers, rows = sheet(client.get(reverse("disputes:agreement_list"), {"export": "xlsx", "q": cases["routed"].number}))
    row = dict(zip(headers, rows[0]))

    assert row["Total amount"] == 12345.6  # a number Excel can sum, not text
    assert row["Terms"].startswith("'=")
    event = AuditEvent.objects.get(verb="export")
    assert event.object_type == "disputes.Agreement" and event.object_repr == "1 agreements"


def test_invalid_dates_are_shown_as_errors(world, cases, client):
    client.force_login(world.officer)
    for name in ("disputes:session_list", "disputes:agreement_list", "disputes:dispute_list"):
        param = "began_from" if name == "disputes:dispute_list" else "date_from"
        html = client.get(reverse(name), {param: "2026-02-30"}).content.decode()
        assert 'id="filter-errors"' in html and "Enter a valid date." in html


def test_sorting_sessions_by_time(world, cases, client):
    client.force_login(world.officer)
    session(world, cases["plain"], days_ago=8, place="旧会")
    url = reverse("disputes:session_list")
    oldest = client.get(url, {"sort": "started_at"}).context["object_list"][0]
    newest = client.get(url, {"sort": "-started_at"}).context["object_list"][0]
    assert oldest.place == "旧会" and newest.place != "旧会"


def test_the_dispute_list_links_to_sessions_and_agreements(world, cases, client):
    client.force_login(world.officer)
    html = client.get(reverse("disputes:dispute_list")).content.decode()
    assert f'href="{reverse("disputes:session_list")}"' in html
    assert f'href="{reverse("disputes:agreement_list")}"' in html
    assert "---------" not in html


@pytest.mark.parametrize("name", LISTS)
def test_query_count_does_not_grow_with_rows(world, cases, client, name):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world.officer)
    client.get(reverse(name))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse(name))
    for _ in range(4):
        d = open_dispute(world)
        session(world, d)
        three_instalments(world, d)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse(name))
    assert len(many) == len(few)
