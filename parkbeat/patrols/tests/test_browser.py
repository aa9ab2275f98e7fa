"""In Chromium at phone size: volunteer1 starts the plan's patrol, checks in at two checkpoints by typing their
codes (the second while the page is offline: kept on the phone, sent when the network is back, stored once),
reports a finding with a photo and finishes; the officer sees the run with its missed third checkpoint and the
finding as an incident. Screenshots in var/screenshots/ to look at."""
from decimal import Decimal

import pytest
from django.urls import reverse

from parkbeat.core.tests.browser import *  # noqa: F401,F403
from parkbeat.core.tests.browser import login, screenshot
from parkbeat.incidents.tests.helpers import png_bytes
from parkbeat.patrols import services, tokens
from parkbeat.patrols.models import CheckIn, PatrolRun
from parkbeat.patrols.tests.helpers import all_week_plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Correct-Horse-9"  # UserFactory's


def test_a_volunteer_patrols_from_the_phone_and_the_officer_sees_it(phone_page, browser_page, live_server, world,
                                                                     tmp_path):
    # a few metres apart, so that two scans seconds apart are a plausible walk (not flagged as too fast)
    points = [services.checkpoint_create(actor=world.officer, park=world.park, name=name, kind="gate",
                                         lon=Decimal(lon), lat=Decimal("27.800000"))
              for name, lon in (("东大门", "113.100000"), ("门卫室", "113.100010"), ("变电站", "113.100020"))]
    plan = all_week_plan(world, route_=services.route_create(actor=world.officer, park=world.park, name="门岗线",
                                                             checkpoints=points))
    a, b, c = points
    page = login(phone_page, live_server.url, world.volunteer.username, PASSWORD)

    page.goto(live_server.url + reverse("patrols:field_home"))
    screenshot(page, "patrols-phone-my-patrols")
    page.locator("#upcoming-plans a.btn-primary").first.click()
    screenshot(page, "patrols-phone-start-form")
    page.locator("main form button[type=submit], .pb-form-card form button[type=submit]").first.click()
    page.wait_for_url("**/field/")
    run = PatrolRun.objects.get()
    screenshot(page, "patrols-phone-field-start")

    page.fill("#id_code", tokens.short_code(a))
    page.locator("#scan-form button[type=submit]").click()
    page.locator("#run-stops .list-group-item-success").nth(0).wait_for()

    page.context.set_offline(True)
    page.fill("#id_code", tokens.short_code(b))
    page.locator("#scan-form button[type=submit]").click()
    page.locator("#scan-queue").wait_for(state="visible")
    assert page.locator("#scan-queue").inner_text().startswith("1 ")
    screenshot(page, "patrols-phone-offline-waiting")
    assert CheckIn.objects.filter(run=run).count() == 1
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.locator("#run-stops .list-group-item-success").nth(1).wait_for()
    assert CheckIn.objects.filter(run=run, counted=True).count() == 2

    photo = tmp_path / "fence.png"
    photo.write_bytes(png_bytes())
    page.locator("#finding-card summary").click()
    page.select_option("#id_kind", "fire_safety")
    page.select_option("#id_checkpoint", str(b.pk))
    page.fill("#id_description", "围栏破损约两米")
    page.set_input_files("#id_photos", str(photo))
    screenshot(page, "patrols-phone-finding")
    page.locator("#finding-card button[type=submit]").click()
    page.wait_for_selector(".alert-success")
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("form[action$='/finish/'] button").click()
    page.wait_for_url(f"**/runs/{run.pk}/")
    screenshot(page, "patrols-phone-run-done")

    run.refresh_from_db()
    assert run.status == PatrolRun.Status.FINISHED
    incident = run.findings.get().incident
    services._record_missed(plan, run.window_start, run.window_end)

    desk = login(browser_page, live_server.url, world.officer.username, PASSWORD)
    desk.goto(live_server.url + run.get_absolute_url())
    assert c.name in desk.locator("#run-missed").inner_text()
    assert incident.number in desk.locator("#run-findings").inner_text()
    screenshot(desk, "patrols-officer-run-detail")
    desk.goto(live_server.url + incident.get_absolute_url())
    assert run.number in desk.locator("#incident-outcomes").inner_text()
    desk.goto(live_server.url + reverse("patrols:run_list"))
    screenshot(desk, "patrols-officer-run-list")
    desk.goto(live_server.url + a.get_absolute_url())
    screenshot(desk, "patrols-officer-checkpoint")
    desk.goto(live_server.url + plan.get_absolute_url())
    screenshot(desk, "patrols-officer-plan")
    desk.goto(live_server.url + reverse("patrols:plan_create"))
    screenshot(desk, "patrols-officer-plan-form")
    desk.goto(live_server.url + reverse("patrols:checkpoint_list"))
    screenshot(desk, "patrols-officer-checkpoint-list")
