"""The readable audit trail and the enterprise's one file in Chromium, desktop and phone, with screenshots
(var/screenshots/audit-*.png, enterprise-file-*.png) to look at."""
from decimal import Decimal

import pytest

from parkbeat.audit.models import AuditEvent
from parkbeat.core.tests.browser import *  # noqa: F401,F403  (fixtures)
from parkbeat.core.tests.browser import login, screenshot
from parkbeat.disputes.tests.factories import open_dispute
from parkbeat.enterprises import services as ent
from parkbeat.incidents import services as inc
from parkbeat.incidents.tests.helpers import report
from parkbeat.org import services as org

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Correct-Horse-9"


def some_work(world):
    enterprise = world.enterprise
    ent.enterprise_update(actor=world.leader, enterprise=enterprise, expected_version=enterprise.version,
                          data={"park": world.park2, "headcount": 180, "status": "moved"})
    ent.liaison_create(actor=world.officer, enterprise=world.enterprise2, kind="security_head", name="王保卫",
                       mobile="13812345678")
    incident = report(world, enterprise=world.enterprise2)
    inc.incident_handover(actor=world.officer, incident=incident, to_user=world.leader,
                          note="涉及多家企业，请所领导协调；工人代表电话 13612345678，情绪激动，需尽快安排现场接待并同步街道劳动监察")
    open_dispute(world, enterprise=world.enterprise2, amount_in_dispute=Decimal("128000"))
    org.user_set_active(actor=world.sysadmin, user=world.volunteer, active=False)
    return incident


def test_the_auditor_reads_names_labels_and_before_after(world, live_server, browser_page, phone_page):
    some_work(world)
    update = AuditEvent.objects.filter(object_type="enterprises.Enterprise", verb="update").latest("id")

    for page, size in ((browser_page, "desktop"), (phone_page, "phone")):
        login(page, live_server.url, "t_auditor", PASSWORD)
        page.goto(f"{live_server.url}/audit/")
        table = page.locator("#audit-results")
        text = table.inner_text()
        assert "株洲新马机械有限公司" in text and "新马工业园 → 栗雨工业园" in text
        assert world.leader.full_name in text and "enterprises.Enterprise" not in text
        assert "13812345678" not in page.content() and "13612345678" not in page.content()
        screenshot(page, f"audit-list-{size}")
        page.goto(f"{live_server.url}/audit/{update.pk}/")
        changes = page.locator("#audit-changes").inner_text()
        assert "新马工业园" in changes and "栗雨工业园" in changes and "已迁出" in changes
        screenshot(page, f"audit-detail-{size}")


def test_the_enterprise_page_shows_its_incidents_and_disputes(world, live_server, browser_page, phone_page):
    some_work(world)

    for page, size in ((browser_page, "desktop"), (phone_page, "phone")):
        login(page, live_server.url, "t_officer", PASSWORD)
        page.goto(f"{live_server.url}/enterprises/{world.enterprise2.pk}/")
        assert page.locator("#file-incidents").is_visible()
        assert "128,000.00 元" in page.locator("#file-disputes").inner_text()
        screenshot(page, f"enterprise-file-{size}")
