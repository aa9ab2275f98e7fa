"""In Chromium, on the demo station, the issue's whole story: `liaison1` reports a wage dispute from a phone;
`officer1`, on duty in that park, accepts, arrives, opens a park-level dispute, records a session and an
agreement in three instalments; one is paid with evidence, the next is missed, and the dispute is open
again with the officer's inbox saying so."""
import io
import re
from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from parkbeat.core.tests.browser import *  # noqa: F401,F403
from parkbeat.core.tests.browser import login, screenshot
from parkbeat.disputes.models import Agreement, Dispute, Obligation
from parkbeat.incidents.models import Incident
from parkbeat.notifications.models import Notification

from parkbeat.org.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_station(settings):
    """The demo station with its year of history, as `make run` loads it."""
    settings.DEMO_MODE = True
    call_command("seed_demo", stdout=io.StringIO())
    return User.objects.get(username="liaison1"), User.objects.get(username="officer1"), settings.DEMO_PASSWORD


def _photo(tmp_path, name):
    path = tmp_path / name
    Image.new("RGB", (64, 48), "orange").save(path, "JPEG")
    return path


def _local_date(day):
    return day.isoformat()


def test_wage_dispute_from_phone_report_to_reopened_agreement(phone_page, browser_page, live_server, demo_station,
                                                              tmp_path):
    liaison, officer, password = demo_station
    enterprise = liaison.role_assignments.get().enterprise
    unread_before = Notification.objects.filter(recipient=officer, read_at__isnull=True).count()
    base = live_server.url
    today = timezone.localdate()

    # A liaison reports from a phone-sized window, with a photo.
    phone = login(phone_page, base, liaison.username, password)
    phone.goto(base + "/incidents/report/")
    phone.locator("label[for$='kind_0']").first.wait_for()
    phone.locator("input[name=kind][value=labour_dispute] + label").click()
    phone.fill("#id_location", "新马机械厂大门口")
    phone.fill("#id_people_involved", "23")
    phone.fill("#id_description", "二十多名农民工聚集在厂门口讨要拖欠工资，堵住大门。")
    phone.set_input_files("#id_photos", str(_photo(tmp_path, "gate.jpg")))
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
    screenshot(phone, "story-1-quick-report-phone")
    phone.locator("#quick-report-form button[type=submit]").click()
    phone.wait_for_url(re.compile(r"/incidents/report/\d+/done/$"))
    incident = Incident.objects.filter(reported_by=liaison).latest("id")
    assert (incident.source, incident.kind, incident.enterprise_id, incident.park_id, incident.holder_id) == (
        "liaison", "labour_dispute", enterprise.pk, enterprise.park_id, officer.pk)
    assert incident.number in phone.content()
    screenshot(phone, "story-2-report-sent-phone")

    # The officer on duty sees it in the inbox and on the incident: accepts, arrives.
    page = login(browser_page, base, officer.username, password)
    expect(page.locator("#inbox-unread-count")).to_have_text(str(unread_before + 1))
    page.goto(base + f"/incidents/{incident.pk}/")
    assert officer.display_name in page.locator("#incident-holder").inner_text()
    page.locator("button[name=action][value=accept]").click()
    page.wait_for_load_state()
    expect(page.locator("button[name=action][value=arrive]")).to_be_visible()
    page.locator("button[name=action][value=arrive]").click()
    page.wait_for_load_state()
    incident.refresh_from_db()
    assert incident.status == Incident.Status.ON_SCENE and incident.on_scene_at >= incident.accepted_at
    screenshot(page, "story-3-incident-on-scene")

    # Opens a park-level dispute from the incident.
    page.locator("#incident-outcomes a[href*='/disputes/new/?incident=']").click()
    page.wait_for_url(re.compile(r"/disputes/new/\?incident="))
    page.select_option("#id_category", "labour_wage")
    page.fill("#id_title", "新马机械拖欠农民工工资")
    page.select_option("#id_level", "park")
    page.fill("#id_summary", "承包方拖欠23名农民工三个月工资，工人堵门。")
    page.fill("#id_amount_in_dispute", "30000")
    page.fill("#id_people_involved", "23")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/disputes/\d+/$"))
    dispute = Dispute.objects.get(incident=incident)
    assert (dispute.level, dispute.status, dispute.park_id, dispute.enterprise_id) == (
        "park", "open", enterprise.park_id, enterprise.pk)

    # A mediation session, then the agreement: three instalments of 10,000.
    page.locator(f"a[href='/disputes/{dispute.pk}/sessions/new/']").click()
    page.fill("#id_started_at", timezone.localtime().strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_duration_minutes", "120")
    page.fill("#id_place", "新马园区调解中心")
    page.select_option("#id_outcome", "agreement")
    page.fill("#id_concessions", "企业同意分三期足额发放。")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/disputes/{dispute.pk}/$"))
    assert "新马园区调解中心" in page.locator("#dispute-timeline").inner_text()

    page.locator(f"a[href='/disputes/{dispute.pk}/agreements/new/']").click()
    page.fill("#id_terms", "企业分三期足额发放拖欠工资，每期一万元。")
    page.fill("#id_total_amount", "30000")
    page.fill("#id_signed_on", _local_date(today))
    page.locator("#add-instalment").click()
    page.locator("#add-instalment").click()
    rows = page.locator(".instalment-rows tbody tr")
    for i, days in enumerate((0, 30, 60)):
        rows.nth(i).locator("input.due").fill(_local_date(today + timedelta(days=days)))
        rows.nth(i).locator("input.amount").fill("10000")
        rows.nth(i).locator("input.what").fill(f"第{i + 1}期工资")
    expect(page.locator(".instalment-total")).to_have_text("30,000.00")
    expect(page.locator(".instalment-warning")).to_be_hidden()  # the rows add up to the total
    screenshot(page, "story-agreement-form")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/disputes/{dispute.pk}/$"))
    agreement = Agreement.objects.get(dispute=dispute)
    first, second, third = agreement.obligations.order_by("sequence")
    assert [o.amount for o in (first, second, third)] == [Decimal("10000.00")] * 3
    dispute.refresh_from_db()
    assert dispute.status == Dispute.Status.PERFORMING

    # The first instalment is paid, with a photo of the payslip as evidence.
    page.locator(f"a[href='/disputes/{dispute.pk}/obligations/{first.pk}/pay/']").click()
    page.fill("#id_paid_on", _local_date(today))
    page.fill("#id_amount", "10000")
    page.set_input_files("#id_evidence", str(_photo(tmp_path, "payslip.jpg")))
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/disputes/{dispute.pk}/$"))
    first.refresh_from_db()
    assert (first.status, first.paid_amount) == (Obligation.Status.PAID, Decimal("10000.00"))
    screenshot(page, "story-4-agreement-one-paid")

    # The second due date passes unpaid: the nightly sweep reopens the dispute and tells the officer.
    with time_machine.travel(timezone.make_aware(datetime.combine(second.due_on + timedelta(days=1), time(0, 5))),
                             tick=False):
        call_command("sweep_obligations", stdout=io.StringIO())
    page.reload()
    dispute.refresh_from_db()
    second.refresh_from_db()
    assert (dispute.status, dispute.reopen_count, second.status) == (Dispute.Status.OPEN, 1, Obligation.Status.MISSED)
    expect(page.locator(".obligation-status-missed")).to_have_count(1)
    reopened = Notification.objects.get(recipient=officer, kind=Notification.Kind.DISPUTE_REOPENED,
                                        object_id=dispute.pk)
    page.goto(base + "/inbox/?unread=true")
    expect(page.locator(f"#inbox-results a[href='/inbox/{reopened.pk}/']")).to_contain_text(reopened.title)
    screenshot(page, "story-5-inbox-dispute-reopened")
    page.locator(f"#inbox-results a[href='/inbox/{reopened.pk}/']").click()
    page.wait_for_url(re.compile(rf"/disputes/{dispute.pk}/$"))
    screenshot(page, "story-6-dispute-reopened")
