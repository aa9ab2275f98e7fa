"""Who may import a ledger, into which parks, by page, API and command; the page and the API themselves."""
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from drf_spectacular.generators import SchemaGenerator
from openpyxl import load_workbook

from parkbeat.audit.models import AuditEvent
from parkbeat.disputes.ledger import LEDGER_SHEET, ledger_import
from parkbeat.disputes.models import Dispute, LedgerEntry
from parkbeat.disputes.tests.test_ledger import (  # noqa: F401 (the autouse fixture: December, English)
    BAD_ROWS, FILE, NOTHING, _english_in_december, bad_file, counts, full_row, row, xlsx)

COVERS = {"disputes:ledger_import", "disputes:ledger_template", "dispute-ledger-import", "dispute-ledger-template"}
PAGE, PAGE_TEMPLATE = "/disputes/ledger/import/", "/disputes/ledger/import/template/"
API, API_TEMPLATE = "/api/v1/disputes/ledger-import/", "/api/v1/disputes/ledger-template/"
NOT_THERE = "No such enterprise exists in the parks you may import into."


# ---------------------------------------------------------------- refused roles
@pytest.mark.parametrize("who", ["auxiliary", "liaison", "mediator", "agency_staff", "volunteer", "auditor"])
def test_roles_without_the_import_right_get_403_on_the_page_and_the_api_and_nothing_changes(world, who, page_as,
                                                                                           api_as):
    user = getattr(world, who)
    page, api = page_as(user), api_as(user)
    before = AuditEvent.objects.count()

    responses = [page.get(PAGE), page.get(PAGE_TEMPLATE), page.post(PAGE, {"file": xlsx([full_row(world)])}),
                 api.get(API_TEMPLATE), api.post(API, {"file": xlsx([full_row(world)])}, format="multipart")]

    assert [r.status_code for r in responses] == [403] * 5
    assert counts() == NOTHING
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize("who", ["auxiliary", "liaison"])
def test_roles_without_the_import_right_are_refused_by_the_service_and_the_command(world, who, tmp_path):
    path = tmp_path / FILE
    path.write_bytes(xlsx([full_row(world)]).getvalue())

    with pytest.raises(PermissionDenied):
        ledger_import(actor=getattr(world, who), fileobj=xlsx([full_row(world)]))
    with pytest.raises(CommandError, match="You are not allowed to do this here."):
        call_command("import_ledger", str(path), "--as", getattr(world, who).username)

    assert counts() == NOTHING


def test_anonymous_callers_are_sent_to_login_or_get_401(client, api_as, db):
    assert client.get(PAGE).status_code == 302
    assert client.post(PAGE).status_code == 302
    assert api_as(None).post(API, {}, format="multipart").status_code == 401
    assert api_as(None).get(API_TEMPLATE).status_code == 401


# ---------------------------------------------------------------- other parks and stations
@pytest.mark.parametrize("enterprise", ["name", "credit_code"])
def test_another_stations_officer_is_told_our_enterprise_does_not_exist_without_naming_it(world, enterprise, page_as,
                                                                                         api_as, tmp_path):
    # given: the other station's officer names our enterprise, by name or by credit code
    ours = getattr(world.enterprise, enterprise)
    rows = xlsx([row("Q3-1", enterprise=ours)])
    path = tmp_path / FILE
    path.write_bytes(rows.getvalue())

    # when
    service = ledger_import(actor=world.other_officer, fileobj=xlsx([row("Q3-1", enterprise=ours)]))
    page = page_as(world.other_officer).post(PAGE, {"file": xlsx([row("Q3-1", enterprise=ours)])})
    api = api_as(world.other_officer).post(API, {"file": xlsx([row("Q3-1", enterprise=ours)])}, format="multipart")
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_ledger", str(path), "--as", "t_other_officer")

    # then
    expected = [(2, "企业(统一社会信用代码或名称)", NOT_THERE)]
    assert service["errors"] == expected
    assert (api.status_code, api.json()["errors"]) == (400, [dict(zip(("row", "column", "message"), expected[0]))])
    assert page.status_code == 200 and NOT_THERE in page.content.decode()
    for text in (page.content.decode(), api.content.decode()):  # not even the name the row gave
        for secret in ("株洲新马机械有限公司", world.enterprise.credit_code, "新马工业园", "xinma"):
            assert secret not in text
    assert counts() == NOTHING


def test_an_officer_imports_only_into_their_own_park(world):
    # officer2 polices 栗雨 only: 新马's enterprise is, to them, one that does not exist
    summary = ledger_import(actor=world.officer2, fileobj=xlsx([row("Q3-1"), row("Q3-2", enterprise="栗雨新材料有限公司")]))

    assert summary["errors"] == [(2, "企业(统一社会信用代码或名称)", NOT_THERE)]
    assert counts() == NOTHING


def test_a_ledger_number_imported_in_a_park_the_user_cannot_see_is_not_named(world):
    # given: the leader imported Q3-1 into 栗雨; officer (新马) brings a row with the same number
    ledger_import(actor=world.leader, fileobj=xlsx([row("Q3-1", enterprise="栗雨新材料有限公司")]))
    before = counts()

    summary = ledger_import(actor=world.officer, fileobj=xlsx([row("Q3-1")]))

    assert summary["errors"] == [(2, "台账编号", "Ledger number Q3-1 was already imported for this station with other "
                                                "content; it is not overwritten.")]
    assert counts() == before


# ---------------------------------------------------------------- the page
def test_the_page_lists_every_bad_row_then_imports_the_good_rows_when_chosen(world, page_as):
    page = page_as(world.officer)
    assert page.get(PAGE).status_code == 200

    refused = page.post(PAGE, {"file": bad_file(world)})
    chosen = page.post(PAGE, {"file": bad_file(world), "import_good_rows": "on"})

    assert refused.status_code == chosen.status_code == 200
    assert refused.context["summary"]["errors"] == BAD_ROWS
    html = refused.content.decode()
    assert 'id="import-error-table"' in html and "Nothing was imported" in html
    for number, column, message in BAD_ROWS:
        assert f"<td>{number}</td><td class=\"text-nowrap\">{column}</td><td>" in html
    assert (chosen.context["summary"]["imported"], chosen.context["summary"]["created"]) == (True, 1)
    assert 'id="import-created">1<' in chosen.content.decode()
    assert list(LedgerEntry.objects.values_list("number", flat=True)) == ["Q3-009"]


def test_the_page_shows_rows_already_imported(world, page_as):
    page = page_as(world.leader)
    page.post(PAGE, {"file": xlsx([full_row(world)])})

    again = page.post(PAGE, {"file": xlsx([full_row(world)])})

    number = Dispute.objects.get().number
    assert 'id="import-notice-table"' in again.content.decode()
    assert f"Already imported as {number}." in again.content.decode()
    assert Dispute.objects.count() == 1


def test_the_page_refuses_a_post_without_a_file(world, page_as):
    response = page_as(world.officer).post(PAGE, {})

    assert response.status_code == 200
    assert response.context["form"].errors == {"file": ["This field is required."]}
    assert counts() == NOTHING


# ---------------------------------------------------------------- the API
def test_the_api_imports_and_answers_with_the_summary(world, api_as):
    response = api_as(world.officer).post(API, {"file": xlsx([full_row(world)])}, format="multipart")

    assert response.status_code == 200
    body = response.json()
    number = Dispute.objects.get().number
    assert body == {"created": 1, "incidents": 1, "agreements": 1, "already": 0, "skipped": 0, "errors": [],
                    "error_count": 0, "notices": [], "imported": True, "disputes": [number]}


def test_the_api_refuses_a_file_with_errors_as_json_with_the_rows(world, api_as):
    response = api_as(world.officer).post(API, {"file": bad_file(world)}, format="multipart")

    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == "Nothing was imported: 7 problems were found."
    assert body["errors"] == [{"row": r, "column": c, "message": m} for r, c, m in BAD_ROWS]
    assert counts() == NOTHING


def test_the_api_refuses_unknown_fields_and_a_missing_file(world, api_as):
    api = api_as(world.officer)

    missing = api.post(API, {}, format="multipart")
    unknown = api.post(API, {"file": xlsx([full_row(world)]), "overwrite": "true"}, format="multipart")

    assert missing.status_code == unknown.status_code == 400
    assert "file" in missing.json() and "overwrite" in unknown.json()
    assert counts() == NOTHING


def test_the_api_serves_the_template(world, api_as):
    response = api_as(world.leader).get(API_TEMPLATE)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    wb = load_workbook(io.BytesIO(response.content))
    help_rows = [tuple(r) for r in wb["说明"].iter_rows(values_only=True)]
    assert wb.sheetnames[0] == LEDGER_SHEET
    assert ("liyu", "栗雨工业园") in help_rows and ("xinma", "新马工业园") in help_rows
    assert ("qunfeng", "群丰园区") not in help_rows


def test_the_import_and_the_template_are_in_the_openapi_schema(db):
    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]

    post = paths["/api/v1/disputes/ledger-import/"]["post"]
    assert post["operationId"] == "disputes_ledger_import"
    assert list(post["requestBody"]["content"]) == ["multipart/form-data"]
    assert set(post["responses"]) >= {"200", "400"}
    get = paths["/api/v1/disputes/ledger-template/"]["get"]
    assert get["operationId"] == "disputes_ledger_template"
    assert "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" in get["responses"]["200"]["content"]


def test_the_dispute_list_offers_the_ledger_import_only_to_who_may_import(world, page_as):
    from django.urls import reverse

    link = reverse("disputes:ledger_import")
    for user, offered in ((world.leader, True), (world.officer, True), (world.auxiliary, False),
                          (world.mediator, False)):
        page = page_as(user).get(reverse("disputes:dispute_list")).content.decode()
        assert (link in page) is offered, user.username
