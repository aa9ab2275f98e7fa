"""core.exports, the one export mechanism: what a list declares is what the file holds, escaped, limited, logged."""
import csv
import io

import pytest
from django.core.cache import cache
from django.utils import translation
from openpyxl import load_workbook

from parkbeat.audit.models import AuditEvent
from parkbeat.audit.services import verify_chain
from parkbeat.core.exports import Export, ExportRateLimited, ExportTooLarge, escape_cell, unescape_cell, verbose_title
from parkbeat.enterprises.models import Demand, Enterprise
from parkbeat.testing import DemandFactory

DEMANDS = Export(object_type="enterprises.Demand", sheet="诉求", columns=("enterprise__name", "category", "content"),
                 noun="%(count)s demands", too_many="%(count)s demands match; at most %(max)s.")


@pytest.fixture(autouse=True)
def _fresh_quota():
    cache.clear()  # the hourly quota lives in the cache, which outlives each test's database


def sheet_rows(content):
    ws = load_workbook(io.BytesIO(content), read_only=True).active
    return [list(row) for row in ws.iter_rows(values_only=True)]


@pytest.mark.parametrize("value, escaped", [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"), ("+1", "'+1"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"), ("正常文本", "正常文本"), ("a\x00b\x07c", "abc"), (12, 12), (None, None),
])
def test_cells_a_spreadsheet_would_run_are_escaped_and_come_back(value, escaped):
    assert escape_cell(value) == escaped
    if isinstance(value, str) and value == escaped.removeprefix("'"):
        assert unescape_cell(escaped) == value


def test_titles_come_from_the_verbose_names_in_the_active_language():
    with translation.override("zh-hans"):
        assert verbose_title(Demand, "enterprise__name") == str(Enterprise._meta.get_field("name").verbose_name)
        assert verbose_title(Demand, "content") == str(Demand._meta.get_field("content").verbose_name)
    with translation.override("en"):
        assert verbose_title(Demand, "content") == "Content"


def test_the_file_holds_exactly_the_queryset_and_the_export_is_audited(world):
    DemandFactory(enterprise=world.enterprise, raised_by=world.officer, content="=cmd|' /C calc'!A0")
    DemandFactory(enterprise=world.enterprise, raised_by=world.officer, content="夜间照明不足")
    DemandFactory(enterprise=world.other_enterprise, raised_by=world.other_officer, content="别的派出所")
    queryset = Demand.objects.visible_to(world.officer).order_by("id")

    with translation.override("en"):
        content = DEMANDS.render(queryset, user=world.officer, filters={"q": "夜间"})

    header, *rows = sheet_rows(content)
    assert header == ["Name", "Category", "Content"]
    assert [row[2] for row in rows] == ["'=cmd|' /C calc'!A0", "夜间照明不足"]
    event = AuditEvent.objects.get(verb="export")
    assert (event.actor, event.object_type, event.object_repr, event.note) == (
        world.officer, "enterprises.Demand", "2 demands", '{"q": "夜间"}')
    assert verify_chain()[1] is None


def test_csv_has_a_byte_order_mark_for_excel(world):
    DemandFactory(enterprise=world.enterprise, raised_by=world.officer, content="+86 电话")
    export = Export(object_type="enterprises.Demand", sheet="x", format="csv", columns=(("content", "内容"),),
                    noun="%(count)s demands", too_many="%(count)s demands match; at most %(max)s.")

    text = export.render(Demand.objects.all(), user=world.officer).decode("utf-8")

    assert text.startswith("\ufeff")
    assert list(csv.reader(io.StringIO(text[1:]))) == [["内容"], ["'+86 电话"]]


def test_too_many_rows_are_refused_with_nothing_logged(world, settings):
    settings.EXPORT_MAX_ROWS = 1
    for _n in range(2):
        DemandFactory(enterprise=world.enterprise, raised_by=world.officer)

    with translation.override("en"), pytest.raises(ExportTooLarge) as refused:
        DEMANDS.render(Demand.objects.all(), user=world.officer)

    assert refused.value.messages == ["2 demands match; at most 1."]
    assert not AuditEvent.objects.filter(verb="export").exists()


def test_the_hourly_quota_refuses_the_next_export(world, settings):
    settings.EXPORT_RATE_PER_HOUR = 2
    DEMANDS.render(Demand.objects.all(), user=world.officer)
    DEMANDS.render(Demand.objects.all(), user=world.officer)

    with pytest.raises(ExportRateLimited):
        DEMANDS.render(Demand.objects.all(), user=world.officer)

    assert AuditEvent.objects.filter(verb="export").count() == 2
    DEMANDS.render(Demand.objects.all(), user=world.leader)  # the quota is per user


def test_an_export_searched_by_a_mobile_keeps_it_masked_on_the_audit_trail(world):
    from parkbeat.audit.models import AuditEvent
    from parkbeat.core.exports import export_logged

    export_logged(actor=world.officer, object_type="incidents.Incident", object_repr="3 incidents",
                  filters="q=13912345678&park=1")

    note = AuditEvent.objects.get(verb="export").note
    assert "13912345678" not in note and "139****5678" in note
