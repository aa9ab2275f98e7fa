"""The browser harness itself: Debian's Chromium starts, draws Chinese, and reaches the live server."""
import pytest

from parkbeat.core.tests.browser import *  # noqa: F401,F403
from parkbeat.core.tests.browser import login, renders_cjk, screenshot
from parkbeat.core.tests.services import must_have

pytestmark = pytest.mark.browser


def test_chromium_renders_chinese_text(browser_page):
    browser_page.set_content('<html lang="zh-CN"><body><h1>园区警务平台</h1></body></html>')

    assert browser_page.inner_text("h1") == "园区警务平台"
    path = screenshot(browser_page, "smoke-chinese")
    assert path.stat().st_size > 0
    must_have(renders_cjk(browser_page), "no CJK font, Chinese shows as boxes: apt-get install -y fonts-noto-cjk")


def test_phone_page_has_a_phone_viewport(phone_page):
    phone_page.set_content('<meta name="viewport" content="width=device-width, initial-scale=1"><h1>ok</h1>')

    assert phone_page.evaluate("() => [window.innerWidth, navigator.language]") == [390, "zh-CN"]


@pytest.mark.django_db(transaction=True)
def test_live_server_answers_and_serves_vendored_assets(browser_page, live_server):
    page_response = browser_page.goto(live_server.url + "/login/")
    asset_response = browser_page.goto(live_server.url + "/static/vendor/htmx-2.0.11/htmx.min.js")

    assert page_response.status < 500
    assert asset_response.status == 200


@pytest.mark.django_db(transaction=True)
def test_login_helper_signs_a_user_in(browser_page, live_server, station_leader):
    login(browser_page, live_server.url, station_leader.username, "Correct-Horse-9")

    assert "/login/" not in browser_page.url
    screenshot(browser_page, "smoke-after-login")
