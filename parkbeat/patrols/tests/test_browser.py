"""In Chromium at phone size: volunteer1 starts the plan's patrol (entered late: it began half an hour ago),
checks in at two checkpoints by typing their codes (the second while the page is offline: kept on the phone,
sent when the network is back, stored once), reports a finding with a photo and finishes; the officer sees the
run with its missed third checkpoint, the finding as an incident, and the hours the run credits on the
volunteer's service page, as the volunteer does on 我的义警. Screenshots in var/screenshots/ to look at."""
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from parkbeat.core.tests.browser import *  # noqa: F401,F403
from parkbeat.core.tests.browser import login, screenshot
from parkbeat.incidents.tests.helpers import png_bytes
from parkbeat.patrols import services, tokens
from parkbeat.patrols.models import CheckIn, PatrolRun
from parkbeat.patrols.tests.helpers import all_week_plan
from parkbeat.volunteers.tests.factories import member

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
    record = member(world.team, name="义警小周", user=world.volunteer)  # vetted in: the run's hours are credited
    # the patrol began half an hour ago, entered only now; in today's window (the plan's opens at 00:00)
    local_now = timezone.localtime()
    began = local_now - timedelta(minutes=30)
    if began.date() != local_now.date():  # just after midnight: from the opening of today's window
        began = local_now.replace(hour=0, minute=0, second=0, microsecond=0)
    page = login(phone_page, live_server.url, world.volunteer.username, PASSWORD)

    page.goto(live_server.url + reverse("patrols:field_home"))
    screenshot(page, "patrols-phone-my-patrols")
    page.locator("#upcoming-plans a.btn-primary").first.click()
    page.fill("#id_started_at", began.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_late_reason", "开始时忘了点")
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
    assert timezone.localtime(run.started_at).strftime("%H:%M") == began.strftime("%H:%M")
    # what the run credits: from its start to its finish, both inside its window; to one decimal, as shown
    served = min(run.finished_at, run.window_end) - max(run.started_at, run.window_start)
    credited = round(served.total_seconds() / 3600, 1)
    assert served >= timedelta(minutes=29) or began.hour == began.minute == 0
    incident = run.findings.get().incident
    services._record_missed(plan, run.window_start, run.window_end)

    desk = login(browser_page, live_server.url, world.officer.username, PASSWORD)
    desk.goto(live_server.url + run.get_absolute_url())
    assert c.name in desk.locator("#run-missed").inner_text()
    assert incident.number in desk.locator("#run-findings").inner_text()
    screenshot(desk, "patrols-officer-run-detail")
    desk.goto(live_server.url + incident.get_absolute_url())
    assert run.number in desk.locator("#incident-outcomes").inner_text()
    # the hours credited: on the volunteer's service page, the run with its hours and the totals
    desk.goto(live_server.url + reverse("volunteers:volunteer_service", args=[record.pk]))
    served_row = desk.locator("#history li", has_text=run.number)
    assert served_row.count() == 1 and served_row.inner_text().split()[-2:] == [str(credited), "小时"]
    assert desk.locator("#hours-month").inner_text() == str(credited)
    assert desk.locator("#hours-year").inner_text() == str(credited)
    screenshot(desk, "volunteers-officer-hours-credited")
    page.goto(live_server.url + reverse("volunteers:my_service"))
    assert page.locator("#hours-year").inner_text() == str(credited)
    assert run.number in page.locator("#history").inner_text()
    screenshot(page, "volunteers-phone-my-service")
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
