"""In Chromium: the officer schedules a lecture at a factory with production hours, is refused inside them, takes the
first suggested slot (#slot-0 fills the form), saves; on the day marks it held, records the attendance and sees the
coverage change on the enterprise's coverage row. Screenshots at 1366 px and 360 px."""
from datetime import timedelta

import pytest
from django.utils import timezone

from parkbeat.core.tests.browser import *  # noqa: F401,F403
from parkbeat.core.tests.browser import login, screenshot
from parkbeat.outreach.models import Lecture
from parkbeat.outreach.tests import helpers as h

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Correct-Horse-9"


def coverage_cell(page, enterprise):
    return page.locator(f"tr:has(#coverage-{enterprise.pk}) td").nth(4).inner_text()


def test_a_lecture_refused_inside_production_hours_takes_a_free_slot_and_is_counted(browser_page, live_server,
                                                                                    world):
    enterprise = h.with_hours(world.enterprise)
    page = login(browser_page, live_server.url, world.officer.username, PASSWORD)
    page.goto(f"{live_server.url}/outreach/coverage/")
    assert coverage_cell(page, enterprise) == "0"

    starts_at, ends_at = h.inside()  # next week's Tuesday 09:00–10:00: production
    page.goto(f"{live_server.url}/outreach/new/?enterprise={enterprise.pk}")
    assert page.locator("#production-hours").is_visible()
    page.fill("#id_topic", "防范电信网络诈骗")
    page.fill("#id_starts_at", timezone.localtime(starts_at).strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_ends_at", timezone.localtime(ends_at).strftime("%Y-%m-%dT%H:%M"))
    with page.expect_navigation():
        page.click("#lecture-save")
    assert page.locator("#lecture-refusal").is_visible() and not Lecture.objects.exists()
    assert page.locator("#slot-0").is_visible() and page.locator("#slot-4").is_visible()
    screenshot(page, "outreach-refused-desktop")
    page.set_viewport_size({"width": 360, "height": 800})
    screenshot(page, "outreach-refused-phone")
    page.set_viewport_size({"width": 1366, "height": 900})
    slot_start = page.get_attribute("#slot-0", "data-starts-at")
    page.click("#slot-0")
    assert page.input_value("#id_starts_at") == slot_start
    with page.expect_navigation():
        page.click("#lecture-save")
    lecture = Lecture.objects.get()
    assert page.url.endswith(f"/outreach/{lecture.pk}/")
    assert (timezone.localtime(lecture.starts_at).strftime("%Y-%m-%dT%H:%M"), lecture.by_agreement) == (
        slot_start, False)
    assert lecture.ends_at - lecture.starts_at == timedelta(hours=1)
    assert page.locator("#lecture-held").count() == 0  # not started yet

    # the day comes: the lecture took place yesterday evening
    start = timezone.now() - timedelta(days=1)
    Lecture.objects.filter(pk=lecture.pk).update(starts_at=start, ends_at=start + timedelta(hours=1))
    page.reload()
    with page.expect_navigation():
        page.click("#lecture-held")
    assert Lecture.objects.get(pk=lecture.pk).status == "held"
    page.fill("#attendance_attendance", "64")
    with page.expect_navigation():
        page.click("#attendance-save")
    lecture.refresh_from_db()
    assert (lecture.attendance, lecture.attendance_recorded_by) == (64, world.officer)
    assert "64" in page.inner_text("#lecture-attendance")
    screenshot(page, "outreach-lecture-detail-desktop")
    page.set_viewport_size({"width": 360, "height": 800})
    screenshot(page, "outreach-lecture-detail-phone")
    page.set_viewport_size({"width": 1366, "height": 900})

    page.goto(f"{live_server.url}/outreach/coverage/")
    assert coverage_cell(page, enterprise) == "64"  # reached: 64 of a headcount of 100
    assert page.locator(f"tr:has(#coverage-{enterprise.pk}) td").nth(5).inner_text().replace(" ", "") == "64%"
    screenshot(page, "outreach-coverage-desktop")
    page.set_viewport_size({"width": 360, "height": 800})
    screenshot(page, "outreach-coverage-phone")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/outreach/")
    screenshot(page, "outreach-lectures-desktop")
    page.goto(f"{live_server.url}/outreach/coverage/map/")
    screenshot(page, "outreach-map-desktop")
    page.goto(f"{live_server.url}/enterprises/{enterprise.pk}/")
    assert page.locator("#file-outreach-coverage").is_visible()
    screenshot(page, "outreach-enterprise-panel")
