"""In Chromium, every role logs in and its workbench (工作台) shows its own work and no one else's, at desktop and
phone size; each role's screenshots are kept as var/screenshots/workbench-<role>-desktop.png / -phone.png."""
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from parkbeat.core.tests.browser import *  # noqa: F401,F403
from parkbeat.core.tests.browser import login, screenshot
from parkbeat.disputes import services as dispute_services
from parkbeat.disputes.models import MediationSession, Obligation
from parkbeat.disputes.tests.factories import open_dispute, routed_dispute, three_instalments
from parkbeat.incidents import services as incident_services
from parkbeat.incidents.models import Incident
from parkbeat.incidents.tests.helpers import report
from parkbeat.org.models import Role
from parkbeat.testing import DemandFactory, UserFactory, VolunteerFactory, assign

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Correct-Horse-9"


@pytest.fixture
def scene(world, settings):
    """Each role's own item beside an item of someone else's, so a workbench can be caught showing the wrong one."""
    settings.PARKBEAT_REQUIRE_2FA = False  # the second factor has its own tests; here the workbench is looked at
    now = timezone.now()
    s = {}
    s["waiting_a"] = report(world, description="新马园区门口有人聚集", enterprise=world.enterprise2)
    Incident.objects.filter(pk=s["waiting_a"].pk).update(accept_due_at=now + timedelta(minutes=25))
    s["late_a"] = report(world, description="仓库夜间异响")
    Incident.objects.filter(pk=s["late_a"].pk).update(accept_due_at=now - timedelta(minutes=7))
    s["waiting_b"] = report(world, actor=world.officer2, park=world.park2, description="栗雨园区车辆刮擦")
    s["other_station"] = report(world, actor=world.other_officer, park=world.other_park, description="群丰园区纠纷")
    s["held"] = report(world, description="工人讨薪")
    incident_services.incident_transition(actor=world.officer, incident=s["held"], to="accepted")
    s["joined"] = report(world, description="厂房冒烟")
    incident_services.incident_add_agency(actor=world.officer, incident=s["joined"], agency=world.agency)
    s["liaison_own"] = report(world, actor=world.liaison, enterprise=world.enterprise, source=Incident.Source.LIAISON,
                              description="本厂门卫发现可疑人员")
    s["volunteer_own"] = report(world, actor=world.volunteer, source=Incident.Source.VOLUNTEER,
                                description="巡逻发现路灯损坏")
    # disputes: the mediator's case, another mediator's case in the same park, agreement with instalments
    s["case_mine"] = routed_dispute(world, title="外包工人欠薪")
    agreement = three_instalments(world, s["case_mine"])
    Obligation.objects.filter(pk=agreement.obligations.order_by("sequence").first().pk).update(
        due_on=timezone.localdate() - timedelta(days=3))
    world.mediator_b = assign(UserFactory(username="t_mediator_b", full_name="吴调解"), Role.MEDIATOR, park=world.park)
    other_case = open_dispute(world, title="房屋租赁押金", enterprise=world.enterprise2)
    s["case_other"] = dispute_services.dispute_route(
        actor=world.officer, dispute=other_case, mediation_centre=world.park.mediation_centre,
        mediator=world.mediator_b, agencies=[], expected_version=other_case.version)
    MediationSession.objects.create(dispute=s["case_mine"], started_at=now + timedelta(days=1, hours=2),
                                    duration_minutes=60, place="新马园区调解室", level="park",
                                    outcome="adjourned", recorded_by=world.officer)
    s["case_b"] = open_dispute(world, actor=world.officer2, park=world.park2, enterprise=world.park2_enterprise,
                               title="栗雨货款纠纷")
    # demands: the liaison's enterprise and another one's
    s["demand_own"] = DemandFactory(enterprise=world.enterprise, raised_by=world.liaison, content="希望增加夜间巡逻")
    s["demand_other"] = DemandFactory(enterprise=world.enterprise2, raised_by=world.officer, content="停车位不足",
                                      due_at=now - timedelta(hours=5))
    VolunteerFactory(team=world.team, name="周队长", is_captain=True, status="active")
    VolunteerFactory(team=world.team, name=world.volunteer.display_name, user=world.volunteer, status="active",
                     resident_id="430211199001011234")
    return s


def _open(page, live_server, user):
    login(page, live_server.url, user.username, PASSWORD)
    page.goto(live_server.url + "/")
    expect(page.locator("h1")).to_have_text("工作台")
    return page


def _both_sizes(browser_page, phone_page, live_server, user, role, check):
    """Run `check` on the workbench at desktop and phone size and keep both screenshots."""
    for page, size in ((browser_page, "desktop"), (phone_page, "phone")):
        _open(page, live_server, user)
        check(page)
        if size == "phone":  # nothing wider than the phone
            assert page.evaluate("document.documentElement.scrollWidth") <= 390, role
        screenshot(page, f"workbench-{role}-{size}")


def _shows(page, panel, *texts):
    box = page.locator(panel)
    expect(box).to_be_visible()
    for text in texts:
        expect(box).to_contain_text(text)


def _hides(page, *texts):
    body = page.locator("main").inner_text()
    for text in texts:
        assert text not in body, text


def test_officer_sees_park_a_waiting_with_a_ticking_countdown_and_not_park_b(browser_page, phone_page, live_server,
                                                                             world, scene):
    def check(page):
        _shows(page, "#wb-incidents-waiting", scene["waiting_a"].number, scene["late_a"].number)
        _hides(page, scene["waiting_b"].number, scene["other_station"].number, "栗雨货款纠纷")
        _shows(page, "#wb-incidents-held", scene["held"].number)
        _shows(page, "#wb-disputes-mine", "外包工人欠薪")
        _shows(page, "#wb-instalments", "外包工人欠薪")
        _shows(page, "#wb-demands", "停车位不足")
        countdown = page.locator(f"#wb-incidents-waiting li:has-text('{scene['waiting_a'].number}') .wb-countdown-text")
        expect(countdown).to_contain_text(re.compile(r"剩余 2\d 分 \d\d 秒"))
        first = countdown.inner_text()
        page.wait_for_timeout(1300)
        assert countdown.inner_text() != first  # the script ticks it
        late = page.locator(f"#wb-incidents-waiting li:has-text('{scene['late_a'].number}')")
        expect(late.locator(".wb-countdown")).to_contain_text("已超时")
        expect(late).to_have_class(re.compile("wb-row-overdue"))
        expect(page.locator("[data-count=incidents_overdue]")).to_have_text("1")

    _both_sizes(browser_page, phone_page, live_server, world.officer, "officer", check)


def test_leader_sees_both_parks_of_the_station_and_not_the_other_station(browser_page, phone_page, live_server,
                                                                          world, scene):
    def check(page):
        _shows(page, "#wb-incidents-waiting", scene["waiting_a"].number, scene["waiting_b"].number)
        _shows(page, "#wb-disputes-station", "外包工人欠薪", "栗雨货款纠纷")
        _hides(page, scene["other_station"].number)
        expect(page.locator("#home-cases [data-card]")).to_have_count(6)

    _both_sizes(browser_page, phone_page, live_server, world.leader, "leader", check)


def test_auxiliary_sees_park_a_only(browser_page, phone_page, live_server, world, scene):
    def check(page):
        _shows(page, "#wb-incidents-waiting", scene["waiting_a"].number)
        _hides(page, scene["waiting_b"].number, scene["other_station"].number)

    _both_sizes(browser_page, phone_page, live_server, world.auxiliary, "auxiliary", check)


def test_mediator_sees_her_case_and_session_and_not_another_mediators_case(browser_page, phone_page, live_server,
                                                                          world, scene):
    def check(page):
        _shows(page, "#wb-disputes-mediator", "外包工人欠薪")
        _shows(page, "#wb-sessions", "新马园区调解室", "即将召开")
        _hides(page, "房屋租赁押金")
        assert page.locator("#wb-incidents-waiting").count() == 0  # incidents are not her work

    _both_sizes(browser_page, phone_page, live_server, world.mediator, "mediator", check)


def test_agency_staff_sees_what_the_agency_joined_and_nothing_else(browser_page, phone_page, live_server, world,
                                                                   scene):
    def check(page):
        _shows(page, "#wb-incidents-agency", scene["joined"].number)
        _shows(page, "#wb-disputes-agency", "外包工人欠薪")
        _hides(page, scene["waiting_a"].number, scene["held"].number, "房屋租赁押金")

    _both_sizes(browser_page, phone_page, live_server, world.agency_staff, "agency-staff", check)


def test_liaison_sees_the_own_enterprise_and_a_large_quick_report_button(browser_page, phone_page, live_server,
                                                                          world, scene):
    def check(page):
        button = page.locator("#wb-quick-report")
        expect(button).to_be_visible()
        assert button.bounding_box()["height"] >= 64  # large enough to hit in a hurry
        _shows(page, "#wb-incidents-enterprise", scene["liaison_own"].number)
        _shows(page, "#wb-demands", "希望增加夜间巡逻")
        _hides(page, "停车位不足", scene["waiting_a"].number)  # enterprise 2's

    _both_sizes(browser_page, phone_page, live_server, world.liaison, "liaison", check)
    phone_page.locator("#wb-quick-report").click()
    phone_page.wait_for_url(re.compile(r"/incidents/report/$"))


def test_volunteer_sees_the_team_and_own_reports_and_no_row_of_zeros(browser_page, phone_page, live_server, world,
                                                                     scene):
    def check(page):
        expect(page.locator("#wb-quick-report")).to_be_visible()
        _shows(page, "#wb-team", "新马机械义警队", "周队长")
        _shows(page, "#wb-incidents-mine", scene["volunteer_own"].number)
        _hides(page, scene["waiting_a"].number)
        assert page.locator("[data-count]").count() == 0

    _both_sizes(browser_page, phone_page, live_server, world.volunteer, "volunteer", check)


@pytest.mark.parametrize("role,panel,text", [("sysadmin", "#wb-accounts", "t_nobody"),
                                             ("secadmin", "#wb-roles", "t_mediator_b"),
                                             ("auditor", "#wb-audit", "")])
def test_administrators_see_their_own_work_and_no_case_card(browser_page, phone_page, live_server, world, scene,
                                                            role, panel, text):
    def check(page):
        _shows(page, panel, *([text] if text else []))
        assert page.locator("#home-cases, #home-counts, .wb-countdown, #wb-quick-report").count() == 0
        if role != "auditor":  # the trail names the records it is about: that is the auditor's work
            _hides(page, scene["waiting_a"].number, "外包工人欠薪")

    _both_sizes(browser_page, phone_page, live_server, getattr(world, role), role, check)
    browser_page.goto(live_server.url + "/incidents/")
    expect(browser_page.locator("body")).to_contain_text("403")
