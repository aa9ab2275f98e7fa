"""In Chromium: the officer registers a hazard under a deadline from an inspection item, the liaison uploads the
evidence from 我的隐患 on a phone, the officer strikes it off after the confirmation (plain form posts)."""
import io
from datetime import timedelta

import pytest
from PIL import Image

from parkbeat.core.tests.browser import *  # noqa: F401,F403
from parkbeat.core.tests.browser import login, screenshot
from parkbeat.hazards.models import Hazard, HazardEvent
from parkbeat.hazards.services import today_in_shanghai
from parkbeat.hazards.tests import helpers as h

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Correct-Horse-9"


def png_file(tmp_path):
    path = tmp_path / "整改后.png"
    buffer = io.BytesIO()
    Image.new("RGB", (32, 32), "green").save(buffer, "PNG")
    path.write_bytes(buffer.getvalue())
    return path


def test_a_hazard_from_an_inspection_item_to_strike_off(browser_page, phone_page, live_server, world, tmp_path):
    result = h.inspected(world)
    page = login(browser_page, live_server.url, world.officer.username, PASSWORD)
    page.goto(f"{live_server.url}/inspections/{result.inspection_id}/")
    page.click(f"#register-hazard-{result.pk}")
    assert page.input_value("#id_description") == "安全出口堆放货物"
    page.select_option("#id_disposition", "deadline")
    page.fill("#id_deadline", (today_in_shanghai() + timedelta(days=5)).isoformat())
    page.fill("#id_responsible_name", "王安全")
    page.fill("#id_responsible_mobile", "13900001111")
    screenshot(page, "hazard-register-desktop")
    with page.expect_navigation():
        page.click("#hazard-save")
    hazard = Hazard.objects.get(result=result)
    assert page.url.endswith(f"/hazards/{hazard.pk}/") and hazard.state == "rectifying"
    screenshot(page, "hazard-detail-rectifying")

    phone = login(phone_page, live_server.url, world.liaison.username, PASSWORD)
    phone.goto(f"{live_server.url}/hazards/mine/")
    phone.set_input_files(f"#my-hazard-{hazard.pk} input[type=file]", str(png_file(tmp_path)))
    phone.fill(f"#my-hazard-{hazard.pk} input[name=note]", "已清理安全出口")
    with phone.expect_navigation():
        phone.click(f"#upload-evidence-{hazard.pk}")
    assert phone.url.endswith("/hazards/mine/")
    screenshot(phone, "hazard-mine-phone")
    hazard.refresh_from_db()
    assert hazard.state == "submitted"

    page.goto(f"{live_server.url}/hazards/{hazard.pk}/")
    page.once("dialog", lambda dialog: dialog.dismiss())  # the confirmation, first declined: nothing happens
    page.click("#review-accept")
    hazard.refresh_from_db()
    assert hazard.state == "submitted"
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.click("#review-accept")
    hazard.refresh_from_db()
    assert (hazard.state, hazard.struck_off_by) == ("struck_off", world.officer)
    assert list(HazardEvent.objects.filter(hazard=hazard).order_by("at", "id").values_list("kind", flat=True)) == [
        "found", "disposed", "evidence", "accepted"]
    screenshot(page, "hazard-detail-struck-off")
    page.goto(f"{live_server.url}/hazards/")
    screenshot(page, "hazard-list-desktop")
    phone.goto(f"{live_server.url}/hazards/{hazard.pk}/")
    screenshot(phone, "hazard-detail-phone")
