"""The issue's story end to end in Chromium, through the pages (real clicks, plain form posts): officer1 plans a
joint inspection of a key enterprise with the fire agency and its staff member, walks it on a tablet (every item a
result, two hazards, a photo on one), registers the first hazard as fixed on the spot and the second under a
deadline; the agency staff member sees the inspection and its hazards (another inspection they were not named on
is a 404); the enterprise's liaison uploads evidence from 我的隐患 on a phone; officer1 strikes both off after the
confirmation; the compliance board shows the enterprise done for this quarter and the hazard list's figures read
2 found, 1 fixed on the spot, 2 struck off, 0 overdue. Pages in English (the language cookie), screenshots in
var/screenshots/story-*.png."""
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from parkbeat.core.tests.browser import *  # noqa: F401,F403
from parkbeat.core.tests.browser import login, screenshot
from parkbeat.hazards.models import Hazard
from parkbeat.hazards.services import today_in_shanghai
from parkbeat.incidents.tests.helpers import png_bytes
from parkbeat.inspections.models import ChecklistItem, Inspection, InspectionResult
from parkbeat.inspections.quarters import Quarter
from parkbeat.inspections.tests import helpers as h

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Correct-Horse-9"  # UserFactory's
TABLET = {"width": 1024, "height": 768}


def in_english(page, live_server):
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url}])
    return page


def photo(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(png_bytes())
    return path


@pytest.fixture
def story(world):
    from parkbeat.inspections.demo import ensure_default_checklists

    ensure_default_checklists()  # a transactional test's flush removed the migration's
    key = h.make_key(world, category="fire")  # designated through the service
    # an inspection the agency staff member is not named on (their agency takes part, they do not)
    elsewhere = h.plan(world, enterprise=world.enterprise2, planned_on=timezone.localdate(), agencies=[world.agency])
    return {"enterprise": key, "elsewhere": elsewhere}


def test_a_joint_inspection_from_plan_to_strike_off_and_the_quarter_done(browser_page, phone_page, chromium_browser,
                                                                          live_server, world, story, tmp_path):
    url = live_server.url
    enterprise = story["enterprise"]
    errors = []
    browser_page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    # ---- officer1 plans the joint inspection (the enterprise chosen by typing its name)
    page = login(in_english(browser_page, live_server), url, world.officer.username, PASSWORD)
    page.goto(f"{url}/inspections/")
    with page.expect_navigation():
        page.click("a[href$='/inspections/new/']")
    page.locator("#id_enterprise-ts-control").click()
    page.locator("#id_enterprise-ts-control").fill("机械")
    option = page.locator(".ts-dropdown .option", has_text=enterprise.name)
    expect(option).to_be_visible()
    option.click()
    page.fill("#id_planned_on", timezone.localdate().isoformat())
    page.check(f"input[name=agencies][value='{world.agency.pk}']")
    page.select_option("#id_agency_staff", [str(world.agency_staff.pk)])
    page.fill("#id_note", "联合消防检查")
    screenshot(page, "story-1-plan")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    inspection = Inspection.objects.exclude(pk=story["elsewhere"].pk).get()
    assert page.url.endswith(f"/inspections/{inspection.pk}/")
    assert (inspection.enterprise_id, inspection.status, inspection.led_by) == (
        enterprise.pk, Inspection.Status.PLANNED, world.officer)
    assert list(inspection.agencies.all()) == [world.agency]
    assert list(inspection.agency_staff.all()) == [world.agency_staff]
    screenshot(page, "story-2-planned")

    # ---- the walk on a tablet: every item a result, the first two items hazards, a photo on the first
    page.set_viewport_size(TABLET)
    with page.expect_navigation():
        page.click(f"a[href$='/inspections/{inspection.pk}/record/']")
    items = list(ChecklistItem.objects.filter(area__version=inspection.checklist).order_by("area__order", "order"))
    assert len(items) >= 3 and any(item.area.required for item in items)
    first, second = items[0], items[1]
    for item in items:
        outcome = "hazard" if item in (first, second) else "ok"
        page.locator(f"input[name=outcome_{item.pk}][value={outcome}] + label").click()
    page.fill(f"input[name=note_{first.pk}]", "灭火器压力不足")
    page.set_input_files(f"input[name=photos_{first.pk}]", str(photo(tmp_path, "灭火器.png")))
    page.fill(f"input[name=note_{second.pk}]", "安全出口堆放货物")
    assert page.evaluate("document.documentElement.scrollWidth") <= TABLET["width"]
    screenshot(page, "story-3-record-tablet")
    with page.expect_navigation():
        page.click("main form button[type=submit].btn-primary")
    inspection.refresh_from_db()
    assert page.url.endswith(f"/inspections/{inspection.pk}/")
    assert (inspection.status, inspection.coverage, inspection.counts_for_rule) == ("done", "full", True)
    assert InspectionResult.objects.filter(inspection=inspection).count() == len(items)
    hazard_one = InspectionResult.objects.get(inspection=inspection, item=first)
    hazard_two = InspectionResult.objects.get(inspection=inspection, item=second)
    assert (hazard_one.outcome, hazard_two.outcome) == ("hazard", "hazard")
    expect(page.locator(f"#result-{hazard_one.pk} a")).to_have_count(1)  # the photo, on the first only
    expect(page.locator(f"#result-{hazard_two.pk} a")).to_have_count(0)
    screenshot(page, "story-4-recorded")

    # ---- the first hazard fixed on the spot, with an evidence photo
    page.set_viewport_size({"width": 1366, "height": 900})
    page.click(f"#register-hazard-{hazard_one.pk}")
    assert page.input_value("#id_description") == "灭火器压力不足"
    page.select_option("#id_disposition", "on_spot")
    page.set_input_files("#id_evidence", str(photo(tmp_path, "已充装.png")))
    page.fill("#id_evidence_note", "当场更换灭火器")
    screenshot(page, "story-5-hazard-on-spot")
    with page.expect_navigation():
        page.click("#hazard-save")
    on_spot = Hazard.objects.get(result=hazard_one)
    assert page.url.endswith(f"/hazards/{on_spot.pk}/")
    assert (on_spot.disposition, on_spot.state, on_spot.enterprise_id) == ("on_spot", "submitted", enterprise.pk)

    # ---- the second under a deadline, with the person responsible
    page.goto(f"{url}/inspections/{inspection.pk}/")
    expect(page.locator(f"#register-hazard-{hazard_one.pk}")).to_have_count(0)  # registered: now its link
    page.click(f"#register-hazard-{hazard_two.pk}")
    page.select_option("#id_disposition", "deadline")
    deadline = today_in_shanghai() + timedelta(days=7)
    page.fill("#id_deadline", deadline.isoformat())
    page.fill("#id_responsible_name", "王安全")
    page.fill("#id_responsible_mobile", "13900001111")
    with page.expect_navigation():
        page.click("#hazard-save")
    under_deadline = Hazard.objects.get(result=hazard_two)
    assert page.url.endswith(f"/hazards/{under_deadline.pk}/")
    assert (under_deadline.state, under_deadline.deadline, under_deadline.responsible_name) == (
        "rectifying", deadline, "王安全")
    screenshot(page, "story-6-hazard-deadline")
    page.goto(f"{url}/inspections/{inspection.pk}/")
    expect(page.locator("#inspection-hazards a[href$='/hazards/%d/']" % on_spot.pk)).to_have_count(1)
    expect(page.locator("#inspection-hazards a[href$='/hazards/%d/']" % under_deadline.pk)).to_have_count(1)
    screenshot(page, "story-7-inspection-with-hazards")

    # ---- the agency staff member sees the inspection and its hazards, not one they were not named on
    context = chromium_browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN",
                                           timezone_id="Asia/Shanghai")
    try:
        agency = login(in_english(context.new_page(), live_server), url, world.agency_staff.username, PASSWORD)
        response = agency.goto(f"{url}/inspections/{inspection.pk}/")
        assert response.status == 200
        expect(agency.locator("#inspection-hazards li")).to_have_count(2)
        for hazard in (on_spot, under_deadline):
            expect(agency.locator(f"#inspection-hazards a[href$='/hazards/{hazard.pk}/']")).to_have_count(1)
        screenshot(agency, "story-8-agency-inspection")
        agency.goto(f"{url}/inspections/")
        expect(agency.locator(f"a[href$='/inspections/{inspection.pk}/']")).not_to_have_count(0)
        expect(agency.locator(f"a[href$='/inspections/{story['elsewhere'].pk}/']")).to_have_count(0)
        assert agency.goto(f"{url}/inspections/{story['elsewhere'].pk}/").status == 404
        assert agency.goto(f"{url}/hazards/{under_deadline.pk}/").status == 200
        screenshot(agency, "story-9-agency-hazard")
    finally:
        context.close()

    # ---- the liaison, on a phone, uploads the evidence from 我的隐患
    phone = login(in_english(phone_page, live_server), url, world.liaison.username, PASSWORD)
    phone.goto(f"{url}/hazards/mine/")
    expect(phone.locator(f"#upload-evidence-{under_deadline.pk}")).to_have_count(1)
    expect(phone.locator(f"#upload-evidence-{on_spot.pk}")).to_have_count(1)  # awaiting review: more may be added
    assert phone.evaluate("document.documentElement.scrollWidth") <= 392
    screenshot(phone, "story-10-liaison-my-hazards-phone")
    card = f"#my-hazard-{under_deadline.pk}"
    phone.set_input_files(f"{card} input[type=file]", str(photo(tmp_path, "整改后.png")))
    phone.fill(f"{card} input[name=note]", "已清理安全出口")
    with phone.expect_navigation():
        phone.click(f"#upload-evidence-{under_deadline.pk}")
    assert phone.url.endswith("/hazards/mine/")
    under_deadline.refresh_from_db()
    assert under_deadline.state == "submitted"
    screenshot(phone, "story-11-liaison-uploaded-phone")

    # ---- officer1 strikes both off, after the confirmation (the first time declined: nothing happens)
    for hazard in (on_spot, under_deadline):
        page.goto(f"{url}/hazards/{hazard.pk}/")
        page.once("dialog", lambda dialog: dialog.dismiss())
        page.click("#review-accept")
        hazard.refresh_from_db()
        assert hazard.state == "submitted"
        page.once("dialog", lambda dialog: dialog.accept())
        with page.expect_navigation():
            page.click("#review-accept")
        hazard.refresh_from_db()
        assert (hazard.state, hazard.struck_off_by) == ("struck_off", world.officer)
    screenshot(page, "story-12-struck-off")

    # ---- the compliance board: the enterprise done for the current quarter
    page.goto(f"{url}/inspections/compliance/")
    quarter = Quarter.of(timezone.now())
    columns = [text.strip() for text in page.locator("#compliance-board thead th").all_inner_texts()]
    column = columns.index(f"{quarter.year} Q{quarter.number}")
    row = page.locator("#compliance-board tbody tr", has_text=enterprise.name)
    expect(row).to_have_count(1)
    cell = row.locator("td").nth(column)
    expect(cell).to_have_attribute("data-state", "done")
    expect(cell.locator(".badge.text-bg-success")).to_have_text("Done")
    screenshot(page, "story-13-compliance")

    # ---- the hazard list's figures
    page.goto(f"{url}/hazards/")
    figures = page.locator("#hazard-figures")
    expect(figures).to_contain_text("Found 2 hazards: 1 fixed on the spot, 1 under a deadline, 0 overdue, "
                                    "2 struck off")
    screenshot(page, "story-14-hazard-list")
    assert not [e for e in errors if "Content Security Policy" in e], errors
