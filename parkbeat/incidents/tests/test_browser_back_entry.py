"""In Chromium: the evening write-up of a blockade settled at 11:02, on the incident page, and the phone's
"when did it happen?"; screenshots in var/screenshots/ to look at."""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from parkbeat.core.tests.browser import *  # noqa: F401,F403
from parkbeat.core.tests.browser import login, screenshot
from parkbeat.incidents import services
from parkbeat.incidents.models import Incident

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHANGHAI = ZoneInfo("Asia/Shanghai")
EVENING = datetime(2026, 12, 1, 20, 15, tzinfo=SHANGHAI)
PASSWORD = "Correct-Horse-9"  # UserFactory's


def T(hour, minute):
    return datetime(2026, 12, 1, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def evening():
    with time_machine.travel(EVENING, tick=True):
        yield


def test_the_officer_writes_up_the_blockade_in_the_evening(browser_page, live_server, world, evening):
    incident = services.incident_report(actor=world.officer, source=Incident.Source.PHONE,
                                        kind=Incident.Kind.LABOUR_DISPUTE, park=world.park,
                                        enterprise=world.enterprise, location="东门",
                                        description="工人堵门讨薪", reported_at=T(10, 46), occurred_at=T(10, 40))
    services.incident_transition(actor=world.officer, incident=incident, to="accepted", at=T(10, 50))
    page = login(browser_page, live_server.url, world.officer.username, PASSWORD)
    page.goto(live_server.url + incident.get_absolute_url())

    assert page.input_value("#id_at").startswith("2026-12-01T20:1")
    page.fill("#id_at", "2026-12-01T11:02")
    page.click("button[value=arrive]")
    page.wait_for_url(live_server.url + incident.get_absolute_url())
    page.fill("#id_at", "2026-12-01T11:01")  # before the arrival: refused beside the field
    page.select_option("#id_result", "resolved")
    page.click("button[value=close]")
    error = page.locator("#incident-action-time .invalid-feedback").inner_text()
    screenshot(page, "incident-back-entry-refused")
    page.fill("#id_at", "2026-12-01T11:40")
    page.click("button[value=close]")
    page.wait_for_url(live_server.url + incident.get_absolute_url())
    timeline = page.locator("#incident-timeline").inner_text()
    clocks = page.locator("#incident-clocks").inner_text()
    screenshot(page, "incident-back-entry-timeline")

    assert error == "时间不能早于到达现场（2026-12-01 11:02）。"
    name = world.officer.display_name
    for line in ("发生 10:46 · 录入 20:1", "发生 11:02 · 录入 20:1", "发生 11:40 · 录入 20:1"):
        assert line in timeline
    assert name in timeline and "补录" not in timeline
    assert "4分钟" in clocks.replace(" ", "") or "4 分钟" in clocks
    incident.refresh_from_db()
    assert (incident.on_scene_at, incident.closed_at, incident.status) == (T(11, 2), T(11, 40), "closed")


def test_a_step_from_last_quarter_is_marked_late(browser_page, live_server, world, evening):
    long_ago = EVENING - timedelta(days=40)
    incident = services.incident_report(actor=world.leader, source=Incident.Source.WALK_IN,
                                        kind=Incident.Kind.ECONOMIC_DISPUTE, park=world.park,
                                        description="货款纠纷（台账补录）", reported_at=long_ago)
    services.incident_transition(actor=world.officer, incident=incident, to="accepted",
                                 at=long_ago + timedelta(minutes=5), late_reason="季度台账补录")
    page = login(browser_page, live_server.url, world.officer.username, PASSWORD)
    page.goto(live_server.url + incident.get_absolute_url())
    screenshot(page, "incident-entered-late")

    assert page.locator("#incident-timeline .badge", has_text="补录").count() == 2
    assert "补录原因：季度台账补录" in page.locator("#incident-timeline").inner_text()


def test_the_phone_asks_when_it_happened(phone_page, live_server, world, evening):
    page = login(phone_page, live_server.url, world.volunteer.username, PASSWORD)
    page.goto(live_server.url + "/incidents/report/")
    page.locator("input[name=kind][value=suspicious] + label").click()
    page.locator("input[name=when][value='30'] + label").click()
    page.fill("#id_description", "可疑人员在仓库附近徘徊")
    screenshot(page, "quick-report-when")
    page.click("button.qr-submit")
    page.wait_for_url("**/done/")

    incident = Incident.objects.get()
    # the form reads the clock a moment before the service stamps the arrival
    assert timedelta(minutes=30) <= incident.reported_at - incident.occurred_at < timedelta(minutes=30, seconds=1)
