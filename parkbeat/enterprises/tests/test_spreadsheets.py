"""Roster import/export: the service, the pages, the API and the commands."""
import gc
import io
import os
import time
import zipfile
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl import Workbook, load_workbook

from parkbeat.core.exports import XLSX_CONTENT_TYPE, ExportRateLimited
from parkbeat.audit.models import AuditEvent
from parkbeat.testing import EnterpriseFactory, credit_code
from parkbeat.enterprises import selectors
from parkbeat.enterprises.models import Enterprise
from parkbeat.enterprises.spreadsheets import (COLUMNS, EXAMPLE_CREDIT_CODE, export_roster, import_roster,
                                               import_template, parse_roster)

TITLES = [title for _name, title in COLUMNS]
URLS = "parkbeat.enterprises.tests.urls_io_test"
CODE_TITLE = "统一社会信用代码"


@pytest.fixture(autouse=True)
def _english_and_fresh_cache(settings):
    """Messages are asserted by their English msgids; the export quota lives in the cache."""
    settings.LANGUAGE_CODE = "en"
    cache.clear()
    with translation.override("en"):
        yield
    cache.clear()


def row(code, park="xinma", name=None, **values):
    """One data row in template order; keyword arguments override columns by field name."""
    data = {"name": f"导入企业{str(code)[-6:]}有限公司" if name is None else name, "credit_code": code, "park": park,
            "address": "株洲市天元区栗雨路8号", "lon": 113.123456, "lat": 27.8, "industry": "机械装备",
            "headcount": 120, "is_key": "否", "key_reason": "", "risk_category": "", "status": "正常"}
    data.update(values)
    return [data[name] for name, _title in COLUMNS]


def xlsx(rows, header=TITLES, name="roster.xlsx"):
    wb = Workbook()
    ws = wb.active
    ws.append(list(header))
    for values in rows:
        ws.append(values)
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    buffer.name = name
    return buffer


def read_sheet(content):
    wb = load_workbook(io.BytesIO(content))
    return [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)]


def snapshot_enterprises():
    return list(Enterprise.objects.order_by("id").values_list("id", "credit_code", "park_id", "name", "headcount",
                                                               "version"))


# ---------------------------------------------------------------- template and import
def test_template_round_trip_creates_enterprises(world):
    content = import_template(user=world.officer)
    wb = load_workbook(io.BytesIO(content))
    roster, help_sheet = wb.worksheets
    assert [c.value for c in roster[1]] == TITLES
    assert roster.cell(row=2, column=2).value == EXAMPLE_CREDIT_CODE
    listed = {r[0] for r in help_sheet.iter_rows(values_only=True)}
    assert "xinma" in listed and "liyu" not in listed and "qunfeng" not in listed
    assert {"machinery", "hazmat", "closed"} <= listed
    code_a, code_b = credit_code(), credit_code()
    roster.append(row(code_a, name="株洲甲机械有限公司", is_key="是", key_reason="危化品仓储", risk_category="危险化学品"))
    roster.append(row(code_b, name="株洲乙电子有限公司", industry="electronics", lon=None, lat=None, status="moved"))
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)

    summary = import_roster(user=world.officer, fileobj=buffer)

    assert (summary["created"], summary["updated"], summary["unchanged"], summary["skipped"]) == (2, 0, 0, 1)
    assert summary["imported"] is True and summary["errors"] == []
    a = Enterprise.objects.get(credit_code=code_a)
    assert (a.name, a.park_id, a.industry, a.is_key, a.key_reason, a.risk_category, a.status, a.headcount) == (
        "株洲甲机械有限公司", world.park.pk, "machinery", True, "危化品仓储", "hazmat", "active", 120)
    assert (a.lon, a.lat) == (Decimal("113.123456"), Decimal("27.800000"))
    b = Enterprise.objects.get(credit_code=code_b)
    assert (b.industry, b.status, b.lon, b.lat, b.is_key) == ("electronics", "moved", None, None, False)
    assert not Enterprise.objects.filter(credit_code=EXAMPLE_CREDIT_CODE).exists()
    creates = AuditEvent.objects.filter(verb="create", object_type="enterprises.Enterprise")
    assert sorted(creates.values_list("object_id", flat=True)) == sorted([str(a.pk), str(b.pk)])
    assert AuditEvent.objects.filter(verb="import", outcome="success", actor=world.officer).count() == 1


def test_reimport_updates_by_credit_code_and_never_duplicates(world):
    code_a, code_b, code_c = credit_code(), credit_code(), credit_code()
    import_roster(user=world.officer, fileobj=xlsx([row(code_a), row(code_b), row(code_c)]))
    b_before = Enterprise.objects.get(credit_code=code_b)
    total = Enterprise.objects.count()

    summary = import_roster(user=world.officer, fileobj=xlsx([
        row(code_a, headcount=300), row(code_b), row(code_c, name="株洲丙公司", status="已关闭")]))

    assert (summary["created"], summary["updated"], summary["unchanged"]) == (0, 2, 1)
    assert Enterprise.objects.count() == total
    a = Enterprise.objects.get(credit_code=code_a)
    assert (a.headcount, a.name, a.version) == (300, row(code_a)[0], 2)
    c = Enterprise.objects.get(credit_code=code_c)
    assert (c.name, c.status, c.headcount, c.version) == ("株洲丙公司", "closed", 120, 2)
    b = Enterprise.objects.get(credit_code=code_b)
    assert (b.version, b.updated_at) == (1, b_before.updated_at)
    assert AuditEvent.objects.get(verb="update", object_id=str(a.pk)).changes == {"headcount": [120, 300]}
    assert AuditEvent.objects.get(verb="update", object_id=str(c.pk)).changes == {
        "name": [row(code_c)[0], "株洲丙公司"], "status": ["active", "closed"]}
    assert AuditEvent.objects.filter(verb="import", outcome="success").count() == 2


def test_reimport_updates_an_existing_enterprise_of_the_users_park(world):
    code = world.enterprise.credit_code

    summary = import_roster(user=world.officer, fileobj=xlsx([row(code, name="株洲新马机械股份有限公司", headcount=100,
                                                                  industry="其他", lon=None, lat=None, address="")]))

    assert (summary["created"], summary["updated"]) == (0, 1)
    world.enterprise.refresh_from_db()
    assert (world.enterprise.name, world.enterprise.version) == ("株洲新马机械股份有限公司", 2)


def test_wrong_columns_are_named_and_nothing_is_written(world):
    header = [t for t in TITLES if t != "状态"] + ["联系电话"]
    before = snapshot_enterprises()

    summary = import_roster(user=world.officer, fileobj=xlsx([row(credit_code())[:-1] + ["13800138000"]], header))

    assert summary["imported"] is False
    assert [(e.row, e.column) for e in summary["errors"]] == [(1, "联系电话"), (1, "状态")]
    assert summary["errors"][0].message == "Unknown column. Use the columns of the template."
    assert summary["errors"][1].message == "Missing column."
    assert snapshot_enterprises() == before
    assert AuditEvent.objects.filter(verb="import", outcome="failure").count() == 1


def test_titles_without_hints_and_in_any_order_are_accepted(world):
    header = ["状态", "企业名称", "统一社会信用代码", "所属园区", "地址", "经度", "纬度", "行业", "从业人数",
              "重点企业（是/否）", "重点原因", "风险类别"]
    code = credit_code()
    values = row(code)
    reordered = [values[-1], *values[:-1]]

    summary = import_roster(user=world.officer, fileobj=xlsx([reordered], header))

    assert summary["created"] == 1, summary["errors"]


def test_bad_credit_codes_are_reported_per_row(world):
    good = credit_code()
    broken = good[:-1] + ("0" if good[-1] != "0" else "1")

    result = parse_roster(xlsx([row(good), row(broken), row(""), row("12345")]), user=world.officer)

    assert [(e.row, e.column) for e in result.errors] == [(3, CODE_TITLE), (4, CODE_TITLE), (5, CODE_TITLE)]
    assert result.errors[0].message == "Not a valid unified social credit code."
    assert result.errors[1].message == "Enter the unified social credit code."
    assert [n for n, _data in result.rows] == [2]


def test_duplicate_credit_codes_in_the_file(world):
    code = credit_code()

    result = parse_roster(xlsx([row(code), row(credit_code()), row(code.lower())]), user=world.officer)

    assert result.errors == [(4, CODE_TITLE, "The same credit code as row 2.")]


def _zip_without_workbook():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    return buffer.getvalue()


@pytest.mark.parametrize(("content", "message"), [
    (os.urandom(4000), "This file is not an Excel .xlsx workbook."),
    ("企业名称,统一社会信用代码\n株洲,123\n".encode(), "This file is not an Excel .xlsx workbook."),
    (b"PK\x03\x04" + os.urandom(2000), "This file is not an Excel .xlsx workbook, or it is damaged."),
    (_zip_without_workbook(), "This file is not an Excel .xlsx workbook, or it is damaged."),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1000),
     "This is an old-format .xls workbook; save it as .xlsx and try again."),
    (b"", "This file is not an Excel .xlsx workbook."),
])
def test_a_file_that_is_not_xlsx_gets_a_clear_error(world, content, message):
    before = snapshot_enterprises()
    fileobj = io.BytesIO(content)
    fileobj.name = "roster.xlsx"

    summary = import_roster(user=world.officer, fileobj=fileobj)

    assert summary["errors"] == [(None, "", message)]
    assert summary["imported"] is False
    assert snapshot_enterprises() == before


def test_a_workbook_with_a_broken_sheet_gets_a_clear_error(world):
    good = xlsx([row(credit_code()) for _i in range(3)])
    broken = io.BytesIO()
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(broken, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data[: data.index(b"<row r=\"3\"")] + b"<row r=\"3\"><c r=\"A3\" t=\"inlineStr\"><is><t>x"
            target.writestr(item, data)
    broken.seek(0)

    result = parse_roster(broken, user=world.officer)

    assert result.errors == [(None, "", "The sheet could not be read after row 2; the file is damaged.")]
    assert result.rows == []


def test_a_park_may_be_given_by_its_name(world):
    result = parse_roster(xlsx([row(credit_code(), park="新马工业园"), row(credit_code(), park="XINMA")]),
                          user=world.officer)

    assert result.errors == []
    assert [data["park"] for _n, data in result.rows] == [world.park, world.park]


def test_a_wrong_extension_is_refused(world):
    fileobj = xlsx([row(credit_code())], name="roster.csv")

    result = parse_roster(fileobj, user=world.officer)

    assert result.errors == [(None, "", "Only Excel .xlsx files can be imported (this file is named “roster.csv”).")]


def test_a_park_in_another_station_is_refused_per_row_and_nothing_is_written(world):
    before = snapshot_enterprises()

    summary = import_roster(user=world.leader, fileobj=xlsx([
        row(credit_code(), park="xinma"), row(credit_code(), park="liyu"), row(credit_code(), park="qunfeng"),
        row(credit_code(), park="nowhere")]))

    assert summary["imported"] is False
    assert summary["errors"] == [
        (4, "所属园区(园区编码)", "No park with code “qunfeng” that you may import into."),
        (5, "所属园区(园区编码)", "No park with code “nowhere” that you may import into."),
    ]
    assert (summary["created"], summary["updated"]) == (0, 0)
    assert snapshot_enterprises() == before


def test_an_officer_cannot_import_into_a_sister_park(world):
    result = parse_roster(xlsx([row(credit_code(), park="liyu")]), user=world.officer)

    assert [(e.row, e.column) for e in result.errors] == [(2, "所属园区(园区编码)")]


def test_an_existing_enterprise_outside_the_users_parks_is_refused(world):
    other = world.other_enterprise
    before = snapshot_enterprises()

    summary = import_roster(user=world.officer, fileobj=xlsx([row(other.credit_code, name="改名")]),
                            import_good_rows=True)

    assert summary["errors"] == [(2, CODE_TITLE, "This credit code belongs to an enterprise you may not change.")]
    assert summary["imported"] is False
    assert snapshot_enterprises() == before


def test_import_good_rows_imports_only_the_good_ones(world):
    good_a, good_b = credit_code(), credit_code()
    before = Enterprise.objects.count()

    summary = import_roster(user=world.officer, import_good_rows=True, fileobj=xlsx([
        row(good_a), row(credit_code(), park="qunfeng"), row("BAD"), row(good_b)]))

    assert summary["imported"] is True
    assert (summary["created"], summary["error_count"]) == (2, 2)
    assert [e.row for e in summary["errors"]] == [3, 4]
    assert Enterprise.objects.count() == before + 2
    assert set(Enterprise.objects.filter(park=world.park).values_list("credit_code", flat=True)) >= {good_a, good_b}


def test_values_are_checked_against_choices_and_ranges(world):
    rows = [
        row(credit_code(), industry="machinery", is_key="是", key_reason="仓储", risk_category="fire",
            status="closed"),                                                                      # 2 codes
        row(credit_code(), industry="Electronics", is_key="是", key_reason="仓储", risk_category="消防",
            status="已迁出"),                                                                      # 3 labels
        row(credit_code(), industry="火箭"),                                                       # 4
        row(credit_code(), headcount=-1),                                                          # 5
        row(credit_code(), headcount="很多"),                                                      # 6
        row(credit_code(), lon=200),                                                               # 7
        row(credit_code(), lat=None),                                                              # 8
        row(credit_code(), is_key="是"),                                                           # 9
        row(credit_code(), is_key="也许"),                                                         # 10
        row(credit_code(), name=""),                                                               # 11
        row(credit_code(), name="长" * 101),                                                       # 12
        row(credit_code(), status="倒闭"),                                                         # 13
        row(credit_code(), headcount="1e99999999"),                                                # 14
    ]

    result = parse_roster(xlsx(rows), user=world.officer)

    assert [(e.row, e.column, e.message) for e in result.errors] == [
        (4, "行业", "Unknown value “火箭”; see the 说明 sheet."),
        (5, "从业人数", "Must lie between 0 and 1000000."),
        (6, "从业人数", "Enter a whole number."),
        (7, "经度", "Must lie between -180 and 180."),
        (8, "纬度", "Give both longitude (−180…180) and latitude (−90…90), or neither."),
        (9, "重点原因", "A key enterprise needs a reason."),
        (10, "重点企业(是/否)", "Enter 是 or 否."),
        (11, "企业名称", "Enter the enterprise name."),
        (12, "企业名称", "At most 100 characters."),
        (13, "状态", "Unknown value “倒闭”; see the 说明 sheet."),
        (14, "从业人数", "Must lie between 0 and 1000000."),
    ]
    first, second = (data for _n, data in result.rows)
    assert (first["industry"], first["risk_category"], first["status"]) == ("machinery", "fire", "closed")
    assert (second["industry"], second["risk_category"], second["status"]) == ("electronics", "fire", "moved")


def test_a_credit_code_stored_as_a_number_is_explained(world):
    result = parse_roster(xlsx([row(123456789012345678)]), user=world.officer)

    assert result.errors[0].message.endswith("The cell holds a number; format the column as text.")


@pytest.mark.parametrize("name", ["liaison", "volunteer", "mediator", "auxiliary", "agency_staff", "auditor", "nobody"])
def test_other_roles_cannot_import_and_nothing_changes(world, name):
    before = snapshot_enterprises()
    events = AuditEvent.objects.count()

    with pytest.raises(PermissionDenied):
        import_roster(user=getattr(world, name), fileobj=xlsx([row(credit_code())]))

    assert snapshot_enterprises() == before
    assert AuditEvent.objects.count() == events


def test_the_size_limit_is_enforced(world, settings):
    settings.IMPORT_MAX_BYTES = 1024

    result = parse_roster(xlsx([row(credit_code())]), user=world.officer)

    assert len(result.errors) == 1
    assert result.errors[0].message.startswith("The file is ") and "at most 0.0 MB" in result.errors[0].message


def test_the_row_limit_is_enforced(world, settings):
    settings.IMPORT_MAX_ROWS = 2

    result = parse_roster(xlsx([row(credit_code()) for _i in range(3)]), user=world.officer)

    assert result.errors[-1] == (None, "", "The file has more than 2 rows; split it and import each part.")


def test_an_empty_sheet_and_a_header_only_sheet_are_errors(world):
    empty = parse_roster(xlsx([], header=[]), user=world.officer)
    header_only = parse_roster(xlsx([]), user=world.officer)

    assert empty.errors == [(None, "", "The sheet is empty: the header row is missing.")]
    assert header_only.errors == [(None, "", "The file has no data rows.")]


def _status_kb(field):
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith(field + ":"))


def _can_reset_peak_rss():
    try:
        with open("/proc/self/clear_refs", "w") as clear:
            clear.write("5")
        return True
    except OSError:
        return False


@pytest.mark.skipif(not _can_reset_peak_rss(), reason="needs Linux /proc/self/clear_refs to reset the peak RSS")
@pytest.mark.slow
def test_100k_rows_parse_within_memory(world, tmp_path):
    """The one slow test (~35 s): a 100,000-row roster is read streaming, its peak memory well under 200 MB.

    Peak resident memory (VmHWM, reset before the parse) rather than tracemalloc: tracemalloc slows
    openpyxl's parser about sixfold (≈150 s CPU for this file) and counts only Python allocations;
    a one-off tracemalloc run measured 112 MB.
    """
    path = tmp_path / "big.xlsx"
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("企业名册")
    ws.append(TITLES)
    for i in range(100_000):
        # Choice columns left blank take their defaults: shared values that add nothing per row.
        ws.append(row(credit_code(5_000_000 + i), name=f"株洲市天元区第{i}号制造有限公司", headcount=i % 5000,
                      address=f"株洲市天元区栗雨工业园{i}栋", industry=None, is_key=None, key_reason=None,
                      risk_category=None, status=None))
    wb.save(path)
    gc.collect()
    _can_reset_peak_rss()
    baseline = _status_kb("VmRSS")
    started = time.perf_counter()

    with open(path, "rb") as fileobj:
        result = parse_roster(fileobj, user=world.officer)

    elapsed = time.perf_counter() - started
    peak_mb = (_status_kb("VmHWM") - baseline) / 1024
    print(f"\n100k-row parse: {elapsed:.1f} s, peak +{peak_mb:.0f} MB RSS, file {path.stat().st_size // 1024} KB")
    assert result.error_count == 0, result.errors[:3]
    assert len(result.rows) == 100_000
    assert peak_mb < 200


# ---------------------------------------------------------------- export
def test_export_contains_exactly_the_visible_rows(world):
    officer_rows = read_sheet(export_roster(selectors.enterprise_list(user=world.officer), user=world.officer))
    leader_rows = read_sheet(export_roster(selectors.enterprise_list(user=world.leader), user=world.leader))

    assert officer_rows[0] == TITLES
    park_a = [world.enterprise.credit_code, world.enterprise2.credit_code]
    assert sorted(r[1] for r in officer_rows[1:]) == sorted(park_a)
    assert sorted(r[1] for r in leader_rows[1:]) == sorted([*park_a, world.park2_enterprise.credit_code])


def test_export_never_leaks_rows_outside_the_users_scope_even_if_the_caller_passes_them(world):
    rows = read_sheet(export_roster(Enterprise.objects.all(), user=world.officer))

    assert {r[2] for r in rows[1:]} == {"xinma"}


def test_export_escapes_formula_cells(world):
    EnterpriseFactory(park=world.park, name="=HYPERLINK(\"http://x\",\"点我\")", address="+86 cmd",
                      is_key=True, key_reason="@SUM(A1)", lon=Decimal("-1.5"), lat=Decimal("2"))
    EnterpriseFactory(park=world.park, name="\t制表符企业", address="-2+3")

    content = export_roster(selectors.enterprise_list(user=world.officer), user=world.officer)

    ws = load_workbook(io.BytesIO(content)).worksheets[0]
    cells = [c for r in ws.iter_rows(min_row=2) for c in r]
    assert all(c.data_type != "f" for c in cells)
    values = {c.value for c in cells}
    assert {"'=HYPERLINK(\"http://x\",\"点我\")", "'+86 cmd", "'@SUM(A1)", "'\t制表符企业", "'-2+3"} <= values
    assert -1.5 in values  # numbers stay numbers


def test_an_export_imports_back_unchanged(world):
    EnterpriseFactory(park=world.park, name="=1+1", key_reason="", address="@home")
    content = export_roster(selectors.enterprise_list(user=world.officer), user=world.officer)
    fileobj = io.BytesIO(content)
    fileobj.name = "export.xlsx"

    summary = import_roster(user=world.officer, fileobj=fileobj)

    assert (summary["created"], summary["updated"], summary["unchanged"]) == (0, 0, 3), summary["errors"]


def test_export_refuses_too_many_rows(world, settings):
    settings.EXPORT_MAX_ROWS = 1

    with pytest.raises(ValidationError) as excinfo:
        export_roster(selectors.enterprise_list(user=world.officer), user=world.officer)

    assert excinfo.value.messages == ["2 enterprises match; at most 1 can be exported at once. Narrow the filters."]
    assert not AuditEvent.objects.filter(verb="export").exists()


def test_export_is_logged_with_count_and_filters(world):
    export_roster(selectors.enterprise_list(user=world.officer).filter(park=world.park), user=world.officer,
                  filters={"park": "xinma"})

    event = AuditEvent.objects.get(verb="export")
    assert (event.actor, event.object_type, event.object_repr, event.note) == (
        world.officer, "enterprises.Enterprise", "2 enterprises", '{"park": "xinma"}')


def test_exports_are_rate_limited(world, settings):
    settings.EXPORT_RATE_PER_HOUR = 2
    qs = selectors.enterprise_list(user=world.officer)
    export_roster(qs, user=world.officer)
    export_roster(qs, user=world.officer)

    with pytest.raises(ExportRateLimited):
        export_roster(qs, user=world.officer)
    assert AuditEvent.objects.filter(verb="export").count() == 2


@pytest.mark.parametrize("name", ["liaison", "volunteer", "mediator", "agency_staff", "auditor"])
def test_other_roles_cannot_export(world, name):
    user = getattr(world, name)

    with pytest.raises(PermissionDenied):
        export_roster(selectors.enterprise_list(user=user), user=user)


# ---------------------------------------------------------------- pages
def _upload(fileobj, name="roster.xlsx"):
    return SimpleUploadedFile(name, fileobj.getvalue(), content_type=XLSX_CONTENT_TYPE)


@pytest.mark.urls(URLS)
def test_import_page_shows_the_form(world, page_as):
    response = page_as(world.officer).get("/enterprises/import/")

    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="file"' in body and 'name="import_good_rows"' in body and "/enterprises/import/template/" in body


@pytest.mark.urls(URLS)
@pytest.mark.parametrize("path", ["/enterprises/import/", "/enterprises/import/template/", "/enterprises/export/"])
@pytest.mark.parametrize("name", ["liaison", "volunteer", "mediator", "auditor"])
def test_pages_refuse_other_roles(world, page_as, path, name):
    assert page_as(getattr(world, name)).get(path).status_code == 403


@pytest.mark.urls(URLS)
@pytest.mark.parametrize("path", ["/enterprises/import/", "/enterprises/import/template/", "/enterprises/export/"])
def test_pages_send_anonymous_users_to_login(client, db, path):
    response = client.get(path)

    assert response.status_code == 302 and response["Location"].startswith("/login/")


@pytest.mark.urls(URLS)
def test_auxiliary_may_export_but_not_import(world, page_as):
    client = page_as(world.auxiliary)

    assert client.get("/enterprises/import/").status_code == 403
    assert client.get("/enterprises/export/").status_code == 200


@pytest.mark.urls(URLS)
def test_import_page_imports_and_shows_the_summary(world, page_as):
    code = credit_code()

    response = page_as(world.officer).post("/enterprises/import/", {"file": _upload(xlsx([row(code)]))})

    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="import-created">1<' in body
    assert "Imported: 1 created, 0 updated, 0 unchanged." in body
    assert Enterprise.objects.filter(credit_code=code, park=world.park).exists()


@pytest.mark.urls(URLS)
def test_import_page_shows_the_row_errors_and_writes_nothing(world, page_as):
    before = snapshot_enterprises()

    response = page_as(world.officer).post("/enterprises/import/", {"file": _upload(xlsx([
        row(credit_code()), row(credit_code(), park="qunfeng")]))})

    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="import-error-table"' in body and "No park with code “qunfeng” that you may import into." in body
    assert "Nothing was imported: 1 problems were found." in body
    assert snapshot_enterprises() == before


@pytest.mark.urls(URLS)
def test_import_page_good_rows_checkbox(world, page_as):
    code = credit_code()

    response = page_as(world.officer).post("/enterprises/import/", {
        "file": _upload(xlsx([row(code), row("BAD")])), "import_good_rows": "on"})

    assert response.status_code == 200
    assert Enterprise.objects.filter(credit_code=code).exists()


@pytest.mark.urls(URLS)
def test_import_page_with_a_text_file_is_a_clear_error_not_a_500(world, page_as):
    upload = SimpleUploadedFile("roster.xlsx", b"just,some,text\n", content_type="text/plain")

    response = page_as(world.officer).post("/enterprises/import/", {"file": upload})

    assert response.status_code == 200
    assert "This file is not an Excel .xlsx workbook." in response.content.decode()


@pytest.mark.urls(URLS)
def test_template_download_is_an_attachment_with_a_chinese_name(world, page_as):
    response = page_as(world.officer).get("/enterprises/import/template/")

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert response["Content-Disposition"] == (
        "attachment; filename=\"enterprise_import_template.xlsx\"; "
        "filename*=UTF-8''%E4%BC%81%E4%B8%9A%E5%90%8D%E5%86%8C%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.xlsx")
    assert read_sheet(response.content)[0] == TITLES


@pytest.mark.urls(URLS)
def test_export_page_applies_the_list_filters(world, page_as):
    world.enterprise2.is_key, world.enterprise2.key_reason = True, "重点"
    world.enterprise2.save()

    response = page_as(world.leader).get("/enterprises/export/", {"park": world.park.pk, "is_key": "true"})

    assert response.status_code == 200
    assert "filename*=UTF-8''%E4%BC%81%E4%B8%9A%E5%90%8D%E5%86%8C_" in response["Content-Disposition"]
    assert response["Cache-Control"] == "no-store"
    assert [r[1] for r in read_sheet(response.content)[1:]] == [world.enterprise2.credit_code]
    assert AuditEvent.objects.get(verb="export").note == '{"park": "xinma", "is_key": true}'


@pytest.mark.urls(URLS)
def test_export_page_refuses_a_park_outside_the_users_scope(world, page_as):
    response = page_as(world.officer).get("/enterprises/export/", {"park": world.other_park.pk})

    assert response.status_code == 400
    assert not AuditEvent.objects.filter(verb="export").exists()


# ---------------------------------------------------------------- API
@pytest.mark.urls(URLS)
def test_api_import_returns_the_summary(world, api_as):
    code = credit_code()

    response = api_as(world.officer).post("/api/v1/enterprises/import/", {"file": _upload(xlsx([row(code)]))},
                                          format="multipart")

    assert response.status_code == 200, response.json()
    assert response.json() == {"created": 1, "updated": 0, "unchanged": 0, "skipped": 0, "errors": [],
                               "error_count": 0, "imported": True}


@pytest.mark.urls(URLS)
def test_api_import_of_a_bad_file_is_400_with_the_row_errors(world, api_as):
    before = snapshot_enterprises()

    response = api_as(world.officer).post("/api/v1/enterprises/import/", {
        "file": _upload(xlsx([row(credit_code()), row("BAD")])), "import_good_rows": "false"}, format="multipart")

    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == "Nothing was imported: 1 problems were found."
    assert body["errors"] == [{"row": 3, "column": CODE_TITLE, "message": "Not a valid unified social credit code."}]
    assert snapshot_enterprises() == before


@pytest.mark.urls(URLS)
def test_api_import_of_random_bytes_is_400(world, api_as):
    upload = SimpleUploadedFile("x.xlsx", os.urandom(3000))

    response = api_as(world.officer).post("/api/v1/enterprises/import/", {"file": upload}, format="multipart")

    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"row": None, "column": "", "message": "This file is not an Excel .xlsx workbook."}]


@pytest.mark.urls(URLS)
def test_api_import_without_a_file_is_400(world, api_as):
    response = api_as(world.officer).post("/api/v1/enterprises/import/", {}, format="multipart")

    assert response.status_code == 400
    assert "file" in response.json()


@pytest.mark.urls(URLS)
@pytest.mark.parametrize("name", ["liaison", "volunteer", "mediator", "auxiliary"])
def test_api_import_refuses_other_roles(world, api_as, name):
    before = snapshot_enterprises()

    response = api_as(getattr(world, name)).post("/api/v1/enterprises/import/",
                                                 {"file": _upload(xlsx([row(credit_code())]))}, format="multipart")

    assert response.status_code == 403
    assert snapshot_enterprises() == before


@pytest.mark.urls(URLS)
@pytest.mark.parametrize(("method", "path"), [("post", "/api/v1/enterprises/import/"),
                                              ("get", "/api/v1/enterprises/export/"),
                                              ("get", "/api/v1/enterprises/import-template/")])
def test_api_refuses_anonymous_requests(db, api_as, method, path):
    assert getattr(api_as(None), method)(path).status_code == 401


@pytest.mark.urls(URLS)
def test_api_export_and_template(world, api_as):
    client = api_as(world.officer)

    export = client.get("/api/v1/enterprises/export/", {"q": "电子"})
    template = client.get("/api/v1/enterprises/import-template/")

    assert export.status_code == 200 and template.status_code == 200
    assert [r[1] for r in read_sheet(export.content)[1:]] == [world.enterprise2.credit_code]
    assert read_sheet(template.content)[0] == TITLES


@pytest.mark.urls(URLS)
def test_api_export_with_an_xlsx_accept_header(world, api_as):
    response = api_as(world.officer).get("/api/v1/enterprises/export/", HTTP_ACCEPT=XLSX_CONTENT_TYPE)

    assert response.status_code == 200
    assert len(read_sheet(response.content)) == 3


@pytest.mark.urls(URLS)
def test_api_export_errors(world, api_as, settings):
    client = api_as(world.officer)

    assert client.get("/api/v1/enterprises/export/", {"park": world.other_park.pk}).status_code == 400
    assert api_as(world.liaison).get("/api/v1/enterprises/export/").status_code == 403
    settings.EXPORT_MAX_ROWS = 1
    too_many = client.get("/api/v1/enterprises/export/")
    assert too_many.status_code == 400
    assert too_many.json()["detail"] == "2 enterprises match; at most 1 can be exported at once. Narrow the filters."
    settings.EXPORT_MAX_ROWS, settings.EXPORT_RATE_PER_HOUR = 100, 0
    assert client.get("/api/v1/enterprises/export/").status_code == 429


@pytest.mark.urls(URLS)
def test_the_schema_describes_the_endpoints(world):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator(urlconf=URLS).get_schema(request=None, public=True)

    imp = schema["paths"]["/api/v1/enterprises/import/"]["post"]
    assert set(imp["requestBody"]["content"]) == {"multipart/form-data"}
    assert set(imp["responses"]) >= {"200", "400"}
    export = schema["paths"]["/api/v1/enterprises/export/"]["get"]
    assert {p["name"] for p in export["parameters"]} == {"q", "park", "industry", "is_key", "status", "format"}
    assert XLSX_CONTENT_TYPE in export["responses"]["200"]["content"]
    template = schema["paths"]["/api/v1/enterprises/import-template/"]["get"]
    assert XLSX_CONTENT_TYPE in template["responses"]["200"]["content"]


# ---------------------------------------------------------------- commands
def test_import_command_prints_errors_and_summary(world, tmp_path, capsys):
    good, bad = tmp_path / "good.xlsx", tmp_path / "bad.xlsx"
    good.write_bytes(xlsx([row(credit_code())]).getvalue())
    bad.write_bytes(xlsx([row(credit_code()), row("BAD")]).getvalue())

    call_command("import_enterprises", str(good), "--as", "t_officer")
    with pytest.raises(CommandError, match="Nothing was imported: created=0 updated=0 unchanged=0 errors=1"):
        call_command("import_enterprises", str(bad), "--as", "t_officer")
    call_command("import_enterprises", str(bad), "--as", "t_officer", "--good-rows")

    out, err = capsys.readouterr()
    assert "Imported: created=1 updated=0 unchanged=0 errors=0" in out
    assert "Imported: created=1 updated=0 unchanged=0 errors=1" in out
    assert f"row 3 [{CODE_TITLE}]: Not a valid unified social credit code." in err


def test_import_command_refuses_a_liaison(world, tmp_path):
    path = tmp_path / "r.xlsx"
    path.write_bytes(xlsx([row(credit_code())]).getvalue())

    with pytest.raises(CommandError, match="not allowed"):
        call_command("import_enterprises", str(path), "--as", "t_liaison")


def test_export_command_writes_the_users_rows(world, tmp_path):
    out = tmp_path / "out.xlsx"

    call_command("export_enterprises", str(out), "--as", "t_leader", "--park", "liyu")

    assert [r[1] for r in read_sheet(out.read_bytes())[1:]] == [world.park2_enterprise.credit_code]
    with pytest.raises(CommandError, match="No user named"):
        call_command("export_enterprises", str(out), "--as", "nobody-here")
    with pytest.raises(CommandError, match="No park with code 'qunfeng' that t_leader may see."):
        call_command("export_enterprises", str(out), "--as", "t_leader", "--park", "qunfeng")
