"""Every workbench card opens its list filtered to exactly its figure (issue 10: 企业 886 opened a list of 900).

For every role of the test world, on a world busy with every kind of record a card counts or leaves out
(closed enterprises, settled cases, paid instalments, another station's rows...), the test follows each card's
link with the test client and reads the list's paginator count: it must equal the number on the card.
"""
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from parkbeat.audit.models import AuditEvent
from parkbeat.audit.services import record
from parkbeat.checks.tests import helpers as ch
from parkbeat.crime.models import Case
from parkbeat.crime.tests import helpers as crime
from parkbeat.hazards.models import Hazard
from parkbeat.hazards.tests import helpers as hh
from parkbeat.inspections.tests import helpers as ih
from parkbeat.core.home import home_cards, home_page
from parkbeat.disputes.models import Dispute, Obligation
from parkbeat.disputes.tests.factories import open_dispute, routed_dispute, three_instalments
from parkbeat.enterprises.models import Demand, Enterprise
from parkbeat.incidents import services as incident_services
from parkbeat.incidents.models import Incident
from parkbeat.incidents.tests.helpers import report
from parkbeat.testing import DemandFactory, EnterpriseFactory, UserFactory, VisitFactory

ROLES = ["leader", "officer", "officer2", "auxiliary", "mediator", "agency_staff", "liaison", "volunteer",
         "sysadmin", "secadmin", "auditor", "nobody", "other_officer"]


@pytest.fixture
def busy(world):
    """Records on both sides of every card's line, in park A, park B and another station."""
    now = timezone.now()
    # registry: a closed and a key enterprise, open / overdue / closed demands, visits this month and before
    EnterpriseFactory(park=world.park, name="已注销企业", status=Enterprise.Status.CLOSED)
    EnterpriseFactory(park=world.park, name="重点企业", is_key=True, key_reason="危化品")
    EnterpriseFactory(park=world.park, name="已注销重点企业", is_key=True, key_reason="危化品",
                      status=Enterprise.Status.CLOSED)
    DemandFactory(enterprise=world.enterprise, raised_by=world.liaison)
    DemandFactory(enterprise=world.enterprise, raised_by=world.officer, due_at=now - timedelta(days=1))
    DemandFactory(enterprise=world.enterprise2, raised_by=world.officer, status=Demand.Status.CLOSED)
    DemandFactory(enterprise=world.park2_enterprise, raised_by=world.officer2)
    DemandFactory(enterprise=world.other_enterprise, raised_by=world.other_officer, due_at=now - timedelta(days=3))
    VisitFactory(enterprise=world.enterprise, visitor=world.officer)
    last_month = VisitFactory(enterprise=world.enterprise, visitor=world.officer)
    last_month.visited_at = timezone.localtime(now).replace(day=1) - timedelta(days=2)
    last_month.save(update_fields=["visited_at"])
    # incidents: waiting, overdue, accepted, closed, an agency's, the liaison's enterprise's, a volunteer's
    report(world)
    overdue = report(world, enterprise=world.enterprise)
    Incident.objects.filter(pk=overdue.pk).update(accept_due_at=now - timedelta(minutes=5))
    accepted = report(world)
    incident_services.incident_transition(actor=world.officer, incident=accepted, to="accepted")
    closed = report(world)
    Incident.objects.filter(pk=closed.pk).update(status=Incident.Status.CLOSED, closed_at=now)
    joined = report(world)
    incident_services.incident_add_agency(actor=world.officer, incident=joined, agency=world.agency)
    report(world, actor=world.volunteer, source=Incident.Source.VOLUNTEER)
    report(world, actor=world.officer2, park=world.park2)
    report(world, actor=world.other_officer, park=world.other_park)
    # disputes: routed with an agreement (one instalment overdue), plain, settled, park B, another station
    routed = routed_dispute(world)
    agreement = three_instalments(world, routed)
    Obligation.objects.filter(pk=agreement.obligations.order_by("sequence").first().pk).update(
        due_on=timezone.localdate() - timedelta(days=2))
    open_dispute(world, enterprise=world.enterprise2, title="未分派")
    settled = open_dispute(world, title="已化解")
    Dispute.objects.filter(pk=settled.pk).update(status=Dispute.Status.SETTLED, settled_at=now,
                                                 settled_level=Dispute.Level.PARK)
    open_dispute(world, actor=world.officer2, park=world.park2, enterprise=world.park2_enterprise)
    open_dispute(world, actor=world.other_officer, park=world.other_park, enterprise=world.other_enterprise)
    # hazards: being rectified, one past its deadline, one awaiting the strike-off, park B's
    hh.deadline_hazard(world)
    late = hh.deadline_hazard(world, description="疏散通道堵塞")
    Hazard.objects.filter(pk=late.pk).update(deadline=timezone.localdate() - timedelta(days=2))
    hh.submitted(world)
    hh.deadline_hazard(world, actor=world.officer2, enterprise=world.park2_enterprise)
    # a background check waiting and one answered; a case under investigation and a solved one; leads
    ch.request(world)
    ch.answer(world, ch.request(world, name="李四", rid=ch.RID2))
    crime.case(world)
    solved = crime.case(world, title="已破案件")
    Case.objects.filter(pk=solved.pk).update(status=Case.Status.SOLVED)
    crime.lead(world)
    # inspections planned this week, one left past its day
    today = timezone.localdate()
    ih.plan(world, planned_on=today + timedelta(days=(6 - today.weekday())))
    ih.plan(world, enterprise=world.enterprise2, planned_on=today - timedelta(days=8))
    # the administrators' work: a disabled account, events today
    UserFactory(username="t_left", is_active=False)
    record(actor=world.officer, verb=AuditEvent.Verb.EXPORT, obj=world.enterprise, note="导出")
    record(actor=None, verb=AuditEvent.Verb.LOGIN_FAILED, object_repr="t_officer", note="密码错误")
    return world


def test_every_card_declares_the_list_it_opens():
    assert all(card.url for card in home_cards()), [card.key for card in home_cards() if not card.url]


@pytest.mark.parametrize("role", ROLES)
def test_each_card_number_is_the_row_count_of_the_list_it_opens(busy, client, role):
    user = getattr(busy, role)
    client.force_login(user)
    page = home_page(user=user)
    shown = [(card, value, href) for cards in page["rows"].values() for card, value, href in cards]

    mismatches = []
    for card, value, href in shown:
        response = client.get(href)
        assert response.status_code == 200, (card.key, href, response.status_code)
        listed = response.context["paginator"].count
        if listed != value:
            mismatches.append(f"{card.key}: card {value}, list {href} {listed}")
    assert not mismatches, "\n".join(mismatches)
    # The page the user sees shows the same figures and links.
    html = client.get(reverse("home")).content.decode()
    for card, value, href in shown:
        assert f'data-count="{card.key}">{value}<' in html, card.key
        assert f'href="{href.replace("&", "&amp;")}"' in html, card.key


def test_the_busy_world_puts_something_on_both_sides_of_each_line(busy):
    """The comparison above means something only if the figures are not all zero or all rows."""
    values = {card.key: value for cards in home_page(user=busy.leader)["rows"].values()
              for card, value, _href in cards}
    assert values["enterprises"] == 4 and values["key_enterprises"] == 1  # the closed ones left out (of 6, 2)
    assert values["open_incidents"] == 6 and values["incidents_awaiting"] == 5 and values["incidents_overdue"] == 1
    assert values["unsettled_disputes"] == 3 and values["agreements_performing"] == 1
    assert values["instalments_overdue"] == 1 and values["visits_this_month"] == 1
    assert values["open_demands"] == 3 and values["overdue_demands"] == 1
    assert values["hazards_rectifying"] == 3 and values["hazards_overdue"] == 1 and values["hazards_to_review"] == 1
    assert values["checks_waiting"] == 1 and values["cases_open"] == 1 and values["leads_open"] == 1
    assert values["inspections_this_week"] == 1 and values["inspections_past_due"] == 1
    admin = {card.key: value for cards in home_page(user=busy.auditor)["rows"].values()
             for card, value, _href in cards}
    assert admin["exports_today"] == 1 and admin["logins_failed_today"] == 1


@pytest.mark.django_db
def test_on_the_demo_data_every_card_opens_a_list_of_exactly_its_number(settings, client):
    """The issue's numbers came from the demo station (企业 886 opened 900): seed it and follow every card of
    each demo role."""
    from io import StringIO

    from django.core.management import call_command

    from parkbeat.org.models import User

    settings.DEMO_MODE, settings.DEMO_PASSWORD = True, "demo-Passw0rd"
    call_command("seed_demo", stdout=StringIO())
    followed = 0
    for username in ("leader", "officer1", "auxiliary2", "mediator1", "agency_street", "liaison1", "volunteer1",
                     "sysadmin", "secadmin", "auditor"):
        user = User.objects.get(username=username)
        client.force_login(user)
        for cards in home_page(user=user)["rows"].values():
            for card, value, href in cards:
                listed = client.get(href).context["paginator"].count
                assert listed == value, (username, card.key, value, href, listed)
                followed += 1
    assert followed > 30


PANEL_FREE = {"nobody", "sysadmin", "secadmin", "auditor"}  # a message, or panels of the latest rows only


@pytest.mark.parametrize("role", ROLES)
def test_each_panel_that_links_to_a_list_counts_exactly_its_rows(busy, client, role):
    """A panel's "N of M · 全部" opens a list of exactly M rows (the same rule as the cards)."""
    user = getattr(busy, role)
    client.force_login(user)

    mismatches, checked = [], 0
    for panel in home_page(user=user)["panels"]:
        context = panel["context"]
        if not isinstance(context, dict) or "total" not in context or not context.get("more"):
            continue
        checked += 1
        response = client.get(context["more"])
        assert response.status_code == 200, (panel["key"], context["more"])
        listed = response.context["paginator"].count
        if listed != context["total"]:
            mismatches.append(f"{panel['key']}: panel {context['total']}, list {context['more']} {listed}")
    assert not mismatches, "\n".join(mismatches)
    assert checked or role in PANEL_FREE, f"{role}: no panel with a list link was checked"


def test_the_liaisons_hazard_panel_counts_what_my_hazards_shows_open(busy, client):
    """我的隐患 is one page, not a paginated list: the panel's total is the page's count of open hazards."""
    client.force_login(busy.liaison)
    panel = next(p for p in home_page(user=busy.liaison)["panels"] if p["key"] == "my_hazards")
    page = client.get(panel["context"]["mine"])
    assert page.status_code == 200
    assert panel["context"]["total"] == page.context["open_count"] == 3
    assert panel["context"]["overdue"] == 1
    assert 'id="wb-my-hazards"' in client.get(reverse("home")).content.decode()
