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


def test_a_planned_lecture_is_edited_and_an_adoption_ended_on_the_page(browser_page, live_server, world):
    from parkbeat.outreach import services
    from parkbeat.outreach.models import RuleAdoption

    lecture = h.planned(world, speakers=[world.officer])
    rule = services.rule_create(actor=world.officer, text="未戴头盔不得入厂", theme="helmet")
    adoption = services.adoption_record(actor=world.officer, rule=rule, enterprise=world.enterprise,
                                        since=timezone.localdate() - timedelta(days=30))
    page = login(browser_page, live_server.url, world.officer.username, PASSWORD)
    page.goto(f"{live_server.url}/outreach/{lecture.pk}/")
    with page.expect_navigation():
        page.click("#lecture-edit")
    assert page.locator("#production-hours").is_visible()
    starts_at, ends_at = h.inside()
    page.fill("#id_starts_at", timezone.localtime(starts_at).strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_ends_at", timezone.localtime(ends_at).strftime("%Y-%m-%dT%H:%M"))
    with page.expect_navigation():
        page.click("#lecture-save")
    assert page.locator("#lecture-refusal").is_visible() and page.locator("#slot-0").is_visible()
    screenshot(page, "outreach-lecture-edit-desktop")
    page.set_viewport_size({"width": 360, "height": 800})
    screenshot(page, "outreach-lecture-edit-phone")
    page.click("#slot-0")
    with page.expect_navigation():
        page.click("#lecture-save")
    lecture.refresh_from_db()
    assert lecture.starts_at != starts_at and lecture.version == 2

    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/outreach/rules/")
    with page.expect_navigation():
        page.click(f"#adoption-end-{adoption.pk}")
    screenshot(page, "outreach-adoption-end-desktop")
    page.set_viewport_size({"width": 360, "height": 800})
    screenshot(page, "outreach-adoption-end-phone")
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.click("#adoption-end-save")
    assert RuleAdoption.objects.get(pk=adoption.pk).ended_on == timezone.localdate()
