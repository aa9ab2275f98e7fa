"""The suite-wide response scanner (SECURITY D2) finds what it must and only that."""
import io

import pytest
from django.http import HttpResponse, JsonResponse
from django.test.client import ClientHandler
from django.urls import path
from openpyxl import Workbook

from parkbeat.core.reveal import mark_revealed
from parkbeat.core.tests.scanner import PersonalDataLeak, leaks, response_leaks

VALID_ID = "430211199003071236"
MOBILE = "13812345678"


def leaky_page(request):
    return HttpResponse(f"<td>联系电话：{MOBILE}</td>")


def leaky_json(request):
    return JsonResponse({"resident_id": VALID_ID})


def leaky_xlsx(request):
    wb = Workbook()
    wb.active.append(["王五", MOBILE])
    buffer = io.BytesIO()
    wb.save(buffer)
    return HttpResponse(buffer.getvalue(),
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def revealed(request):
    return mark_revealed(JsonResponse({"value": MOBILE}))


urlpatterns = [
    path("page/", leaky_page),
    path("json/", leaky_json),
    path("xlsx/", leaky_xlsx),
    path("revealed/", revealed),
]


@pytest.fixture
def leaky_urls(settings):
    settings.ROOT_URLCONF = __name__


@pytest.mark.parametrize(("text", "found"), [
    (f"身份证 {VALID_ID} 号", [VALID_ID]),
    ("11010519491231002X", ["11010519491231002X"]),
    ("430211199003071237", []),                      # bad check digit: not an ID
    ("430***********1236", []),                      # masked
    (f"tel:{MOBILE}.", [MOBILE]),
    (f"\"mobile\":\"{MOBILE}\"", [MOBILE]),
    (f"电话{MOBILE}请回拨", [MOBILE]),
    ("138****5678", []),
    ("12812345678", []),                             # no such mobile prefix
    ("138123456789", []),                            # 12 digits
    (f"a{MOBILE}f", []),                             # inside a hex hash
    (f"9{MOBILE}", []),
    ("version 1700000000123", []),
])
def test_leaks_finds_valid_ids_and_mobiles_only(text, found):
    assert leaks(text) == found


def test_a_leaking_page_fails_the_request(db, client, leaky_urls):
    with pytest.raises(PersonalDataLeak) as exc:
        client.get("/page/")
    assert str(exc.value) == f"GET /page/ answered 200 with unmasked personal data: ['{MOBILE}']"


def test_a_leaking_api_answer_fails_the_request(db, api_as, leaky_urls):
    with pytest.raises(PersonalDataLeak):
        api_as(None).get("/json/")


def test_a_leaking_spreadsheet_fails_the_request(db, client, leaky_urls):
    with pytest.raises(PersonalDataLeak):
        client.get("/xlsx/")


def test_an_audited_reveal_is_allowed(db, client, leaky_urls):
    response = client.get("/revealed/")

    assert response.json() == {"value": MOBILE}
    assert response_leaks(response) == []


@pytest.mark.scanner_allow("this test checks the opt-out marker itself")
def test_a_marked_test_may_see_personal_data(db, client, leaky_urls):
    assert client.get("/page/").status_code == 200


def test_the_scanner_is_on_for_every_test():
    """The scanner wraps the test client's handler (the API contract check may wrap it in turn)."""
    def wrapped(function):
        while function is not None:
            yield function.__name__
            cells = [c.cell_contents for c in (function.__closure__ or ())]
            function = next((c for c in cells if callable(c) and getattr(c, "__name__", "") in
                             ("scanning", "validating", "__call__")), None)

    assert "scanning" in wrapped(ClientHandler.__call__)
