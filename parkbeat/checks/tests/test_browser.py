"""In Chromium: liaison1 requests a check on a phone with the consent file; officer1 opens it, is sent to set up the
second factor, passes it and answers; liaison1 sees the outcome and the advice; auxiliary1 cannot open it."""
import pytest

from parkbeat.checks.models import BackgroundCheck
from parkbeat.checks.tests import helpers as h
from parkbeat.core.tests.browser import *  # noqa: F401,F403
from parkbeat.core.tests.browser import login, screenshot
from parkbeat.core.tests.scanner import leaks
from parkbeat.org.models import Role
from parkbeat.security.tests.utils import PASSWORD, totp_code
from parkbeat.testing import UserFactory, assign

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def people(world):
    """The demo's names for the three people of the story, in park A (as the demo accounts are)."""
    return (assign(UserFactory(username="liaison1", full_name="刘安保"), Role.LIAISON, enterprise=world.enterprise),
            assign(UserFactory(username="officer1", full_name="陈警官"), Role.PARK_OFFICER, park=world.park),
            assign(UserFactory(username="auxiliary1", full_name="赵辅警"), Role.AUXILIARY, park=world.park))


def test_a_check_from_request_to_advice(browser_page, phone_page, live_server, people, tmp_path, settings):
    settings.PARKBEAT_REQUIRE_2FA = True
    liaison, officer, auxiliary = people
    consent = tmp_path / "王建国入职背景审查同意书.pdf"
    consent.write_bytes(h.PDF)

    # liaison1 asks, on a phone
    phone = login(phone_page, live_server.url, "liaison1", PASSWORD)
    phone.goto(f"{live_server.url}/checks/new/")
    phone.fill("#id_candidate_name", h.NAME)
    phone.fill("#id_resident_id", h.RID)
    phone.fill("#id_post", "出纳")
    phone.select_option("#id_post_kind", "finance")
    phone.set_input_files("#id_consent", str(consent))
    screenshot(phone, "check-request-phone")
    with phone.expect_navigation():
        phone.click("#check-request-submit")
    check = BackgroundCheck.objects.get()
    assert phone.url.endswith(f"/checks/{check.pk}/") and check.requested_by == liaison
    assert h.RID not in phone.content() and "110***********002X" in phone.content() and not leaks(phone.content())

    # officer1 opens it: the answer needs the second factor, which officer1 sets up there and then
    page = login(browser_page, live_server.url, "officer1", PASSWORD)
    page.goto(f"{live_server.url}/checks/")
    assert f"/checks/{check.pk}/" in page.content()
    page.goto(f"{live_server.url}/checks/{check.pk}/")
    assert page.locator("input[name=outcome]").count() == 0
    with page.expect_navigation():
        page.click("#check-second-factor")
    assert "/security/" in page.url
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user=officer, confirmed=False)
    page.fill("input[name=code]", totp_code(device))
    with page.expect_navigation():
        page.press("input[name=code]", "Enter")
    with page.expect_navigation():
        page.click(f"a[href='/checks/{check.pk}/']")  # recovery codes kept: continue to the check
    assert page.url.endswith(f"/checks/{check.pk}/")
    page.check("input[name=outcome][value=advice]")
    page.fill("#id_advice", h.ADVICE)
    screenshot(page, "check-answer-desktop")
    with page.expect_navigation():
        page.click("#check-answer-submit")
    check.refresh_from_db()
    assert (check.status, check.outcome, check.answered_by) == ("answered", "advice", officer)

    # liaison1 sees the outcome and the advice, not who answered
    phone.goto(f"{live_server.url}/checks/{check.pk}/")
    text = phone.inner_text("#check-answer")
    assert h.ADVICE in text and officer.full_name not in phone.content() and not leaks(phone.content())
    screenshot(phone, "check-advice-phone")
    phone.goto(f"{live_server.url}/checks/")
    screenshot(phone, "check-list-phone")
    assert "王**" in phone.content() and h.NAME not in phone.content()

    # auxiliary1 cannot open it (nor the list)
    browser_page.context.clear_cookies()  # officer1's session ends here
    aux = login(browser_page, live_server.url, "auxiliary1", PASSWORD)
    response = aux.goto(f"{live_server.url}/checks/{check.pk}/")
    assert response.status == 403 and h.ADVICE not in aux.content() and h.NAME not in aux.content()
    assert aux.goto(f"{live_server.url}/checks/").status == 403
