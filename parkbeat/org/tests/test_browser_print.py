"""In Chromium with print media: the agreement, the incident record and the roster print without navigation,
buttons or filters (print.css); screenshots kept in var/screenshots/ to look at."""
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from parkbeat.core.tests.browser import *  # noqa: F401,F403
from parkbeat.core.tests.browser import login, screenshot
from parkbeat.disputes import services as dispute_services
from parkbeat.disputes.tests.factories import routed_dispute
from parkbeat.incidents.tests.helpers import report
from parkbeat.org.models import DutyShift, Role
from parkbeat.testing import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def printed(db):
    world = World()
    dispute = routed_dispute(world)
    worker = dispute_services.party_add(actor=world.officer, dispute=dispute, side="claimant", kind="workers",
                                        name="王建国等12名工人", headcount=12, representatives="王建国",
                                        contact_mobile="13812345678")
    boss = dispute_services.party_add(actor=world.officer, dispute=dispute, side="respondent", kind="enterprise",
                                      name="株洲新马机械有限公司", enterprise=world.enterprise)
    today = timezone.localdate()
    agreement = dispute_services.agreement_record(
        actor=world.officer, dispute=dispute, terms="公司分两期支付拖欠工资共计一万二千元。",
        total_amount=Decimal("12000"), signed_on=today, instalments_declared=2, parties=[worker, boss],
        obligations=[{"due_on": today + timedelta(days=10), "amount": Decimal("7000"), "description": "第一期工资"},
                     {"due_on": today + timedelta(days=40), "amount": Decimal("5000"), "description": "第二期工资"}])
    incident = report(world, caller_name="李女士", caller_mobile="13912345678", location="新马工业园3号厂房",
                      description="二十余名工人在厂门口聚集讨要工资", enterprise=world.enterprise)
    now = timezone.localtime().replace(minute=0, second=0, microsecond=0)
    monday = now - timedelta(days=now.weekday())
    for k in range(7):
        day = monday + timedelta(days=k)
        DutyShift.objects.create(park=world.park, user=world.officer, starts_at=day.replace(hour=8, minute=30),
                                 ends_at=day.replace(hour=17, minute=30), note="园区值守")
        DutyShift.objects.create(park=world.park, user=world.auxiliary, role=Role.AUXILIARY,
                                 starts_at=day.replace(hour=17, minute=30), ends_at=day.replace(hour=22))
    return world, dispute, agreement, incident


def _print_check(page, name):
    page.emulate_media(media="print")
    assert not page.locator("nav.navbar").is_visible()
    assert not page.locator("#print-button").is_visible() and not page.locator("#pdf-button").is_visible()
    assert page.locator("#print-document").is_visible()
    path = screenshot(page, name)
    page.emulate_media(media="screen")
    return path


def test_the_three_documents_print_clean(browser_page, live_server, printed):
    world, dispute, agreement, incident = printed
    page = browser_page
    login(page, live_server.url, world.officer.username, "Correct-Horse-9")

    page.goto(live_server.url + dispute.get_absolute_url())
    assert page.locator(f"a[href='{reverse('disputes:agreement_print', args=[dispute.pk, agreement.pk])}']").count()
    page.goto(live_server.url + reverse("disputes:agreement_print", args=[dispute.pk, agreement.pk]))
    assert "12,000.00 元" in page.inner_text("#doc-total")
    screenshot(page, "print-agreement-screen")
    _print_check(page, "print-agreement")

    page.goto(live_server.url + reverse("incidents:incident_print", args=[incident.pk]))
    assert incident.number in page.inner_text("#doc-number")
    _print_check(page, "print-incident")

    page.goto(live_server.url + reverse("org:duty_list"))
    assert page.locator(".duty-entry").count() == 14
    screenshot(page, "duty-roster-grid")
    page.emulate_media(media="print")
    assert not page.locator("form.filter-bar").is_visible() and not page.locator(".duty-add").first.is_visible()
    page.emulate_media(media="screen")
    page.goto(live_server.url + reverse("org:duty_print"))
    _print_check(page, "print-duty-roster")


def test_the_roster_grid_on_a_phone(phone_page, live_server, printed):
    world = printed[0]
    login(phone_page, live_server.url, world.officer.username, "Correct-Horse-9")

    phone_page.goto(live_server.url + reverse("org:duty_list"))

    assert phone_page.locator(".duty-entry").count() == 14
    screenshot(phone_page, "duty-roster-phone")
