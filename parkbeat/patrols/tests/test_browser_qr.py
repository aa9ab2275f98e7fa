"""In Chromium at 360 px without BarcodeDetector (as Chromium on Linux and many phones are): the field page
reads the checkpoint's QR code from the camera with the vendored jsQR and checks in. The camera is
Chromium's fake device playing a Y4M file of the code, made here with segno as the PDF sheet makes it."""
import base64
import io
from decimal import Decimal

import pytest
import segno
from django.urls import reverse

from parkbeat.core.tests.browser import *  # noqa: F401,F403
from parkbeat.core.tests.browser import CHROMIUM_ARGS, chromium_path, login, screenshot
from parkbeat.patrols import services, tokens
from parkbeat.patrols.models import CheckIn
from parkbeat.patrols.tests.helpers import all_week_plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Correct-Horse-9"  # UserFactory's
WIDTH, HEIGHT = 640, 480


def qr_y4m(path, text):
    """A few grey frames (Y4M, 4:2:0) of the QR code of `text`, dark on white, in the middle of the picture."""
    from PIL import Image

    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="png", scale=6, border=4)
    code = Image.open(io.BytesIO(buffer.getvalue())).convert("L")
    side = min(HEIGHT - 20, code.width)
    code = code.resize((side, side), Image.NEAREST)
    frame = Image.new("L", (WIDTH, HEIGHT), 255)
    frame.paste(code, ((WIDTH - side) // 2, (HEIGHT - side) // 2))
    chroma = bytes([128]) * (WIDTH // 2 * HEIGHT // 2 * 2)
    with open(path, "wb") as out:
        out.write(f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F10:1 Ip A1:1 C420jpeg\n".encode())
        out.writelines(b"FRAME\n" + frame.tobytes() + chroma for _ in range(5))
    return path


@pytest.fixture
def camera_phone(chromium_browser, tmp_path):
    """Returns a function(text) giving a 360 px phone page whose camera films the QR code of `text`, in a
    Chromium of its own (the fake camera is a launch option), with BarcodeDetector removed."""
    opened = []

    def make(text):
        video = qr_y4m(tmp_path / "code.y4m", text)
        browser = chromium_browser.browser_type.launch(
            executable_path=str(chromium_path()), headless=True,
            args=[*CHROMIUM_ARGS, "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
                  f"--use-file-for-fake-video-capture={video}"])
        opened.append(browser)
        context = browser.new_context(viewport={"width": 360, "height": 780}, is_mobile=True, has_touch=True,
                                      locale="zh-CN", timezone_id="Asia/Shanghai")
        context.set_default_timeout(15_000)
        context.add_init_script("delete window.BarcodeDetector;")
        return context.new_page()

    yield make
    for browser in opened:
        browser.close()


def _running_run(world):
    points = [services.checkpoint_create(actor=world.officer, park=world.park, name=name, kind="gate",
                                         lon=Decimal(lon), lat=Decimal("27.800000"))
              for name, lon in (("东大门", "113.100000"), ("门卫室", "113.100010"))]
    plan = all_week_plan(world, route_=services.route_create(actor=world.officer, park=world.park, name="门岗线",
                                                             checkpoints=points))
    return services.run_start(actor=world.volunteer, plan=plan), points


def test_the_camera_reads_the_code_with_jsqr_and_checks_in(camera_phone, live_server, world):
    run, (gate, _) = _running_run(world)
    page = login(camera_phone(tokens.checkpoint_token(gate)), live_server.url, world.volunteer.username, PASSWORD)
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.goto(live_server.url + reverse("patrols:run_field", args=[run.pk]))
    assert page.evaluate("'BarcodeDetector' in window") is False
    assert page.evaluate("typeof window.jsQR") == "function"
    page.locator("#camera-scan").click()
    page.locator("#run-stops .list-group-item-success").first.wait_for()
    check_in = CheckIn.objects.get(run=run)
    assert (check_in.checkpoint, check_in.counted) == (gate, True)
    assert page.locator("#camera").is_hidden()  # the camera stopped once the code was read
    screenshot(page, "patrols-phone-jsqr-checked-in")
    assert errors == []  # no CSP refusal, no script error


def test_jsqr_reads_a_rendered_code_and_refuses_a_foreign_one(camera_phone, live_server, world):
    """jsQR in the page itself on a canvas holding the code; a code that is not ParkBeat's reads but does not
    start with PB1:, which is what the page checks before it sends anything."""
    run, (gate, _) = _running_run(world)
    page = login(camera_phone("https://example.invalid/"), live_server.url, world.volunteer.username, PASSWORD)
    page.goto(live_server.url + reverse("patrols:run_field", args=[run.pk]))
    token = tokens.checkpoint_token(gate)  # signed with a timestamp: one value to draw and compare
    buffer = io.BytesIO()
    segno.make(token, error="m").save(buffer, kind="png", scale=6, border=4)
    read = page.evaluate("""(src) => new Promise((done) => {
      const img = new Image();
      img.onload = () => {
        const c = document.createElement('canvas'); c.width = img.width; c.height = img.height;
        const g = c.getContext('2d'); g.drawImage(img, 0, 0);
        const data = g.getImageData(0, 0, c.width, c.height);
        const code = window.jsQR(data.data, data.width, data.height);
        done(code && code.data);
      };
      img.src = src;
    })""", "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode())
    assert read == token
    # the camera films a code that is not ParkBeat's: nothing is sent, the camera keeps looking
    page.locator("#camera-scan").click()
    page.locator("#camera").wait_for(state="visible")
    page.wait_for_timeout(1500)
    assert page.locator("#camera").is_visible()
    assert not CheckIn.objects.filter(run=run).exists()
