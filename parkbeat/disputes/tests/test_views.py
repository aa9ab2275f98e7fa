"""Pages: open (also from an incident), detail with clocks, timeline and buttons by role, forms, stale saves,
figures; and the commands and tasks."""
import json
from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from parkbeat.disputes import services
from parkbeat.disputes.models import Dispute, Obligation, Payment
from parkbeat.disputes.tests.factories import open_dispute, png, routed_dispute, three_instalments
from parkbeat.files.models import Attachment
from parkbeat.incidents.models import Incident

with translation.override("zh-hans"):
    CONFLICT = translation.gettext("This record was changed by someone else. Reload it and try again.")


def test_open_from_an_incident_prefills_and_links(world, page_as):
    incident = Incident.objects.create(source="liaison", kind="labour_dispute", park=world.park,
                                       enterprise=world.enterprise, description="工人堵门讨薪", people_involved=20,
                                       reported_by=world.liaison, reported_at=timezone.now() - timedelta(hours=2))
    client = page_as(world.officer)
    url = reverse("disputes:dispute_create") + f"?incident={incident.pk}"

    form = client.get(url).context["form"]
    assert (form.initial["category"], form.initial["summary"], "park" in form.fields) == (
        "labour_wage", "工人堵门讨薪", False)
    response = client.post(url, {"category": "labour_wage", "title": "堵门讨薪", "enterprise": world.enterprise.pk,
                                 "level": "park", "summary": "工人堵门讨薪", "people_involved": 20,
                                 "incident": incident.pk})

    dispute = Dispute.objects.get()
    assert response.status_code == 302 and response["Location"] == dispute.get_absolute_url()
    assert (dispute.incident, dispute.park, dispute.began_at) == (incident, world.park, incident.reported_at)


def test_open_from_an_incident_of_another_station_is_404(world, page_as):
    incident = Incident.objects.create(source="phone", kind="other", park=world.other_park, description="x",
                                       reported_by=world.other_officer)
    assert page_as(world.officer).get(reverse("disputes:dispute_create") + f"?incident={incident.pk}"
                                      ).status_code == 404


def test_open_in_a_park_with_bad_input_shows_the_errors_and_saves_nothing(world, page_as):
    response = page_as(world.officer).post(reverse("disputes:dispute_create"), {
        "category": "other", "title": "x", "summary": "y", "park": world.park.pk, "level": "park",
        "enterprise": world.park2_enterprise.pk, "people_involved": 1,
        "began_at": (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")})
    assert response.status_code == 200
    # Not a choice in the officer's parks; and the future start is named at the same time (core.bounds).
    assert set(response.context["form"].errors) == {"enterprise", "began_at"}
    future = page_as(world.officer).post(reverse("disputes:dispute_create"), {
        "category": "other", "title": "x", "summary": "y", "park": world.park.pk, "level": "park",
        "people_involved": 1, "began_at": (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")})
    assert set(future.context["form"].errors) == {"began_at"}
    assert Dispute.objects.count() == 0


def test_detail_shows_clocks_parties_agreement_and_buttons_by_role(world, page_as):
    dispute = routed_dispute(world)
    three_instalments(world, dispute)
    officer = page_as(world.officer).get(dispute.get_absolute_url())
    html = officer.content.decode()
    assert 'id="tier-clocks"' in html and 'id="dispute-timeline"' in html
    assert "obligation-status-pending" in html
    assert reverse("disputes:payment_create", args=[dispute.pk, Obligation.objects.first().pk]) in html
    assert reverse("disputes:dispute_level", args=[dispute.pk]) in html
    assert "style=" not in html and "<script>" not in html

    liaison = page_as(world.liaison).get(dispute.get_absolute_url()).content.decode()
    assert reverse("disputes:dispute_level", args=[dispute.pk]) not in liaison
    assert "/pay/" not in liaison and reverse("disputes:dispute_update", args=[dispute.pk]) not in liaison


def test_edit_page_refuses_a_stale_save(world, page_as):
    dispute = open_dispute(world)
    client = page_as(world.officer)
    data = {"category": "labour_wage", "title": "后到者", "summary": "s", "people_involved": 1, "version": 1,
            "enterprise": world.enterprise.pk, "handler": world.officer.pk}
    services.dispute_update(actor=world.leader, dispute=dispute, data={"title": "先到者"}, expected_version=1)

    response = client.post(reverse("disputes:dispute_update", args=[dispute.pk]), data)

    assert response.status_code == 200
    assert CONFLICT in response.content.decode()
    assert Dispute.objects.get(pk=dispute.pk).title == "先到者"


def test_level_transition_session_agreement_payment_through_the_pages(world, page_as):
    dispute = routed_dispute(world)
    client = page_as(world.officer)
    v = dispute.version
    assert client.post(reverse("disputes:dispute_level", args=[dispute.pk]),
                       {"version": v, "to": "enterprise", "reason": "退回企业"}).status_code == 302
    r = client.post(reverse("disputes:session_create", args=[dispute.pk]), {
        "started_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "duration_minutes": 60, "place": "调解室",
        "outcome": "agreement", "mediators": [world.mediator.pk]})
    assert r.status_code == 302, r.context["form"].errors
    today = timezone.localdate()
    bad = client.post(reverse("disputes:agreement_create", args=[dispute.pk]), {
        "version": v + 1, "terms": "分期", "total_amount": "300", "signed_on": today,
        "obligations": f"{today + timedelta(days=5)} 100 第一期"})  # the rows do not add up to the total
    assert bad.status_code == 200 and bad.context["form"].errors["total_amount"]
    rows = f"{today + timedelta(days=5)} 100 第一期\n{today + timedelta(days=35)} 200 第二期"
    ok = client.post(reverse("disputes:agreement_create", args=[dispute.pk]), {
        "version": v + 1, "terms": "分期", "total_amount": "300", "signed_on": today, "obligations": rows})
    assert ok.status_code == 302, ok.context["form"].errors
    first = Obligation.objects.get(sequence=1)
    pay_url = reverse("disputes:payment_create", args=[dispute.pk, first.pk])
    too_much = client.post(pay_url, {"version": 1, "paid_on": today, "amount": "100.01"})
    assert too_much.status_code == 200 and Payment.objects.count() == 0
    paid = client.post(pay_url, {"version": 1, "paid_on": today, "amount": "100", "evidence": png()})
    assert paid.status_code == 302
    again = client.post(pay_url, {"version": 1, "paid_on": today, "amount": "100"})
    assert again.status_code == 200 and Payment.objects.count() == 1  # a double submit changes nothing
    assert Attachment.objects.for_object(Payment.objects.get()).count() == 1
    dispute.refresh_from_db()
    assert (dispute.level, dispute.status, dispute.seconds_park >= 0) == ("enterprise", "performing", True)
    timeline = client.get(dispute.get_absolute_url()).context["timeline"]
    # in time order: opened ten days ago (the factory's start); the session started at the minute, before the
    # routing and the later rows of this test
    assert [e["type"] for e in timeline] == ["transition_status", "session", "transition_route", "transition_level",
                                             "agreement", "transition_status", "payment"]
    assert [e["at"] for e in timeline] == sorted(e["at"] for e in timeline)


def test_transition_buttons_post_and_a_stale_one_is_refused(world, page_as):
    dispute = open_dispute(world)
    client = page_as(world.officer)
    url = reverse("disputes:dispute_transition", args=[dispute.pk])
    assert client.post(url, {"version": 1, "to": "settled", "note": "双方和解"}).status_code == 302
    stale = client.post(url, {"version": 1, "to": "open", "note": "反悔"})
    assert stale.status_code == 200 and CONFLICT in stale.content.decode()
    assert Dispute.objects.get(pk=dispute.pk).status == "settled"


def test_route_and_party_pages(world, page_as):
    dispute = open_dispute(world)
    client = page_as(world.officer)
    r = client.post(reverse("disputes:dispute_route", args=[dispute.pk]), {
        "version": 1, "mediation_centre": "on", "mediator": world.mediator.pk, "agencies": [world.agency.pk]})
    assert r.status_code == 302
    dispute.refresh_from_db()
    assert (dispute.mediator, dispute.mediation_centre) == (world.mediator, world.park.mediation_centre)
    r = client.post(reverse("disputes:party_create", args=[dispute.pk]), {
        "side": "claimant", "kind": "workers", "name": "工人", "headcount": 8, "contact_mobile": "13812345678"})
    assert r.status_code == 302
    party = dispute.parties.get()
    edit = client.get(reverse("disputes:party_update", args=[dispute.pk, party.pk])).content.decode()
    assert "13812345678" not in edit
    client.post(reverse("disputes:party_update", args=[dispute.pk, party.pk]), {
        "side": "claimant", "kind": "workers", "name": "工人们", "headcount": 9, "contact_mobile": "",
        "version": Dispute.objects.get(pk=dispute.pk).version})
    party.refresh_from_db()
    assert (party.name, party.headcount, party.contact_mobile) == ("工人们", 9, "13812345678")


def test_list_filters_and_figures_page(world, page_as):
    overdue = open_dispute(world, title="逾期", began_at=timezone.now() - timedelta(days=40), late_reason="台账补录")
    three_instalments(world, overdue, signed_on=timezone.localdate() - timedelta(days=30),
                      first_due=timezone.localdate() - timedelta(days=2))
    open_dispute(world, title="其他", category="neighbour", level="enterprise")
    client = page_as(world.leader)
    listed = lambda **q: {d.title for d in client.get(reverse("disputes:dispute_list"), q).context["object_list"]}  # noqa
    assert listed(overdue="true") == {"逾期"}
    assert listed(category="neighbour") == {"其他"}
    assert listed(level="enterprise") == {"其他"}
    assert listed(q="逾") == {"逾期"}
    assert listed(status="performing") == {"逾期"}
    page = client.get(reverse("disputes:dispute_figures"))
    html = page.content.decode()
    assert 'id="dispute-figures-data"' in html and "echarts-6.1.0/echarts.min.js" in html
    assert page.context["figures"]["opened"]["total"] == 2
    bad = client.get(reverse("disputes:dispute_figures"), {"start": "2026-02-01", "end": "2026-01-01"})
    assert bad.status_code == 200 and "figures" not in bad.context


def test_nav_shows_disputes_by_role(world, page_as):
    html = page_as(world.liaison).get(reverse("disputes:dispute_list")).content.decode()
    assert reverse("disputes:dispute_list") in html and reverse("disputes:dispute_figures") not in html


def test_sweep_command_task_and_figures_command(world):
    from parkbeat.disputes.tasks import remind_obligations_task, sweep_obligations_task

    today = timezone.localdate()
    dispute = routed_dispute(world, began_at=timezone.now() - timedelta(days=60), late_reason="台账补录")
    three_instalments(world, dispute, signed_on=today - timedelta(days=50), first_due=today - timedelta(days=1))
    out = StringIO()
    call_command("sweep_obligations", "--today", str(today), stdout=out)
    assert out.getvalue().strip() == "missed=1 breached=1 reopened=1"
    sweep_obligations_task()
    remind_obligations_task()
    assert Dispute.objects.get(pk=dispute.pk).reopen_count == 1
    out = StringIO()
    call_command("dispute_figures", "--as", "t_leader", "--from", str(today - timedelta(days=90)),
                 "--to", str(today), "--park", "xinma", stdout=out)
    data = json.loads(out.getvalue())
    assert (data["opened"]["total"], data["overdue"]["count"], data["overdue"]["outstanding"]) == (1, 1, "10000.00")
    with pytest.raises(Exception):
        call_command("dispute_figures", "--as", "t_leader", "--from", "x", "--to", "y")


# ---------------------------------------------------------------- steps entered after the fact, on the pages
SHANGHAI = ZoneInfo("Asia/Shanghai")
DECEMBER = datetime(2026, 12, 1, 20, 0, tzinfo=SHANGHAI)


def test_the_level_page_asks_when_it_happened_defaulting_to_now_and_applies_a_past_time(world, page_as):
    client = page_as(world.officer)
    with time_machine.travel(DECEMBER, tick=False):
        dispute = open_dispute(world)
        url = reverse("disputes:dispute_level", args=[dispute.pk])
        html = client.get(url).content.decode()
        assert 'type="datetime-local" name="at" value="2026-12-01T20:00"' in html
        assert 'name="initial-at" value="2026-12-01 20:00:00"' in html
        assert "发生时间" in html and 'name="late_reason"' in html
        # A past time is applied
        client.post(url, {"version": 1, "to": "enterprise", "reason": "退回企业", "at": "2026-11-28T09:00",
                          "initial-at": "2026-12-01T20:00"})
    with time_machine.travel(DECEMBER + timedelta(minutes=3), tick=False):
        # left as the form showed it (20:00): the step happened when the form was sent, 20:03
        client.post(url, {"version": 2, "to": "park", "reason": "企业调解不成", "at": "2026-12-01T20:00",
                          "initial-at": "2026-12-01T20:00"})

    assert list(dispute.transitions.filter(kind="level").values_list("at", "recorded_at")) == [
        (datetime(2026, 11, 28, 9, 0, tzinfo=SHANGHAI), DECEMBER),
        (DECEMBER + timedelta(minutes=3), DECEMBER + timedelta(minutes=3))]


def test_a_page_step_older_than_the_window_needs_a_reason_from_an_officer(world, page_as):
    client = page_as(world.officer)
    with time_machine.travel(DECEMBER, tick=False):
        dispute = open_dispute(world, actor=world.leader, began_at=DECEMBER - timedelta(days=90))
        url = reverse("disputes:dispute_transition", args=[dispute.pk])
        form = {"version": 1, "to": "settled", "note": "双方和解", "at": "2026-09-15T10:00",
                "initial-at": "2026-12-01T20:00"}
        with translation.override("zh-hans"):
            refused = client.post(url, form)
            assert refused.status_code == 200
            assert list(refused.context["form"].errors) == ["at"]
            assert refused.context["form"].errors["at"][0].startswith("此事发生在 30 天以前")
        assert Dispute.objects.get(pk=dispute.pk).status == "open"

        done = client.post(url, {**form, "late_reason": "三季度台账补录"})

    assert done.status_code == 302
    dispute.refresh_from_db()
    assert (dispute.status, dispute.settled_at) == ("settled", datetime(2026, 9, 15, 10, tzinfo=SHANGHAI))
    step = dispute.transitions.latest("at", "id")
    assert (step.entered_late, step.late_reason, step.recorded_at) == (True, "三季度台账补录", DECEMBER)


def test_the_detail_page_shows_both_times_of_a_back_entered_step_and_the_late_badge(world, page_as):
    with time_machine.travel(DECEMBER, tick=False):
        dispute = open_dispute(world, actor=world.leader, began_at=DECEMBER - timedelta(days=90))
        services.dispute_route(actor=world.officer, dispute=dispute, mediator=world.mediator, late_reason="台账补录",
                               at=datetime(2026, 9, 3, 10, 0, tzinfo=SHANGHAI), expected_version=1)
        with translation.override("zh-hans"):
            response = page_as(world.officer).get(dispute.get_absolute_url())
    html = response.content.decode()

    assert "发生 2026-09-03 10:00 · 录入 2026-12-01 20:00 由 " in html
    assert html.count('<span class="badge text-bg-warning">补录</span>') == 2  # the opening and the routing
    assert f"调解中心: <strong>{world.park.mediation_centre.name}</strong>" in html
    assert "补录原因: 台账补录" in html
    for to in ("settled", "withdrawn"):  # each status button has its own time and reason fields
        assert f'id="id_{to}_at"' in html
    assert html.count('name="late_reason"') == 2


def test_the_figures_page_shows_the_disputes_reopened_and_settled_in_the_period(world, page_as):
    with time_machine.travel(DECEMBER, tick=False):
        dispute = open_dispute(world, actor=world.leader, began_at=datetime(2026, 7, 1, tzinfo=SHANGHAI))
        for to, day in (("settled", 10), ("open", 20), ("settled", 25)):
            dispute.refresh_from_db()
            services.dispute_transition(actor=world.leader, dispute=dispute, to=to, note="台账",
                                        at=datetime(2026, 7, day, tzinfo=SHANGHAI),
                                        expected_version=dispute.version)
        page = page_as(world.leader).get(reverse("disputes:dispute_figures"),
                                         {"start": "2026-07-01", "end": "2026-09-30"})
    html = page.content.decode()

    assert (page.context["figures"]["settled"]["total"], page.context["figures"]["reopened"]) == (
        1, {"total": 1, "times": 1})
    assert '<span id="fig-settled">1</span>' in html and '<span id="fig-reopened">1</span>' in html


def test_opening_a_quarter_old_dispute_on_the_page_needs_a_reason_from_an_officer(world, page_as):
    client = page_as(world.officer)
    form = {"category": "labour_wage", "title": "讨薪", "summary": "堵门", "park": world.park.pk, "level": "park",
            "people_involved": 1, "began_at": "2026-09-01T09:00"}
    with time_machine.travel(DECEMBER, tick=False):
        page = client.get(reverse("disputes:dispute_create")).content.decode()
        refused = client.post(reverse("disputes:dispute_create"), form)
        assert (refused.status_code, list(refused.context["form"].errors)) == (200, ["began_at"])
        assert Dispute.objects.count() == 0

        opened = client.post(reverse("disputes:dispute_create"), {**form, "late_reason": "台账补录"})

    assert 'name="late_reason"' in page
    dispute = Dispute.objects.get()
    assert opened["Location"] == dispute.get_absolute_url()
    step = dispute.transitions.get()
    assert (dispute.began_at, step.at, step.recorded_at, step.entered_late, step.late_reason) == (
        datetime(2026, 9, 1, 9, tzinfo=SHANGHAI), datetime(2026, 9, 1, 9, tzinfo=SHANGHAI), DECEMBER, True, "台账补录")
