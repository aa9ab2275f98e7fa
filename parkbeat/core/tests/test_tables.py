"""The base of every list table (core.tables): station-time cells, amounts as numbers in the export,
header links that keep the filters, only declared columns sortable, role columns, export refusals."""
from datetime import datetime, timezone as dt_timezone
from decimal import Decimal

import django_tables2 as tables
import pytest
from django.http import QueryDict
from django.utils import translation

from parkbeat.core.exports import ExportTooLarge
from parkbeat.core.tables import AmountColumn, Table, WhenColumn, _cell, export_table, local_time
from parkbeat.incidents.models import Incident
from parkbeat.incidents.tables import IncidentTable
from parkbeat.incidents.tests.helpers import report


class Row:
    def __init__(self, **kw):
        self.__dict__.update(kw)


class Sample(Table):
    name = tables.Column("Name", orderable=True)
    at = WhenColumn("At")
    amount = AmountColumn("Amount")
    secret = tables.Column("Secret")
    role_columns = {"secret": "incident.handle"}


def test_times_are_station_time_to_the_minute():
    utc = datetime(2026, 3, 10, 1, 5, tzinfo=dt_timezone.utc)
    assert local_time(utc) == "2026-03-10 09:05"
    assert local_time(None) == ""


def test_amount_is_yuan_on_the_page_and_a_number_in_the_file(world):
    with translation.override("zh-hans"):
        table = Sample([Row(name="a", at=None, amount=Decimal("1234567.5"), secret="x")], user=world.officer)
        html_cell = list(table.rows)[0].get_cell("amount")
        assert html_cell == "1,234,567.50 元"
    (row,) = table.export_rows([Row(name="=1+1", at=None, amount=Decimal("3.10"), secret="x")])
    assert row[1:3] == ["", Decimal("3.10")] and row[0] == "=1+1"  # escaped by the writer, see test_list_page
    assert _cell("—") == "" and _cell(5) == 5


def test_only_declared_columns_sort_and_headers_keep_the_query(world):
    table = Sample([], user=world.officer)
    assert table.sortable() == {"name", "-name"}
    cells = {c["column"].name: c for c in table.headers(QueryDict("park=3&page_size=25"), "name")}
    assert cells["name"]["url"] == "?park=3&page_size=25&sort=-name" and cells["name"]["state"] == "asc"
    assert cells["at"]["url"] is None


def test_role_columns_are_left_out_for_users_without_the_permission(world):
    assert "secret" in [c.name for c in Sample([], user=world.officer).columns]
    assert "secret" not in [c.name for c in Sample([], user=world.liaison).columns]
    assert "Secret" not in Sample([], user=world.liaison).export_headers()


@pytest.mark.django_db
def test_export_table_refuses_above_the_row_limit(world, settings):
    settings.EXPORT_MAX_ROWS = 0
    report(world)
    queryset = Incident.objects.visible_to(world.officer)
    with pytest.raises(ExportTooLarge):
        export_table(IncidentTable(queryset, user=world.officer), queryset, user=world.officer)


def test_a_column_rendered_as_html_exports_its_text_without_markup():
    from django.utils.html import format_html

    badge = format_html('<span class="badge badge-status-{}">{}</span> <a href="/x/">{}</a>', "open", "待处理",
                        "A & B")

    assert _cell(badge) == "待处理 A & B"
    assert _cell("<b>typed by a user</b>") == "<b>typed by a user</b>"  # plain text is kept as typed


def test_an_amount_is_a_number_in_the_workbook_shown_with_thousands_separators_and_yuan():
    import io

    from openpyxl import load_workbook

    from parkbeat.core.exports import Amount, write_xlsx

    content = write_xlsx(sheet="s", headers=["金额", "人数"], rows=[[_cell(Amount("1234567.5")), _cell(12)]])
    amount, people = load_workbook(io.BytesIO(content)).active[2]

    assert amount.value == 1234567.5 and amount.number_format == '#,##0.00" 元"'
    assert people.value == 12 and people.number_format == "General"


@pytest.mark.django_db
def test_a_date_range_that_ends_before_it_starts_is_an_error_on_every_list(world, client):
    client.force_login(world.officer)
    for url in ("/incidents/", "/disputes/", "/enterprises/visits/", "/enterprises/demands/"):
        response = client.get(url, {"date_from": "2026-11-30", "date_to": "2026-11-01",
                                    "began_from": "2026-11-30", "began_to": "2026-11-01",
                                    "created_from": "2026-11-30", "created_to": "2026-11-01"})
        html = response.content.decode()
        assert response.status_code == 200
        assert 'id="filter-errors"' in html, url
        assert ("截止日期早于起始日期" in html or "end date lies before" in html), url


@pytest.mark.django_db
def test_a_strict_list_says_it_shows_nothing_when_a_filter_is_wrong(world, client):
    client.force_login(world.officer)

    html = client.get("/enterprises/visits/", {"date_from": "xx"}).content.decode()

    assert 'id="filter-errors"' in html
    assert "未显示任何记录" in html or "no row is shown" in html


def test_a_status_badge_column_renders_the_house_badge_and_exports_the_label(world):
    from django.utils.html import format_html

    from parkbeat.core.tables import StatusBadgeColumn
    from parkbeat.crime.models import Case
    from parkbeat.crime.tables import CaseTable
    from parkbeat.crime.tests.helpers import case
    from parkbeat.hazards.tables import HazardTable
    from parkbeat.inspections.tables import InspectionTable

    made = case(world)

    class Plain(Table):
        status = StatusBadgeColumn(verbose_name="Status")
        by_property = StatusBadgeColumn(accessor="status", verbose_name="By property", css="status_badge")
        by_map = StatusBadgeColumn(accessor="status", verbose_name="By map", css={"solved": "text-bg-success"},
                                   default_css="text-bg-light")
        flagged = StatusBadgeColumn(accessor="status", verbose_name="Flagged",
                                    suffix=lambda record: format_html('<i class="bi bi-flag"></i>'))

    with translation.override("en"):
        row = Plain(Case.objects.filter(pk=made.pk)).rows[0]
        assert row.get_cell("status") == '<span class="badge badge-status-open">Under investigation</span>'
        assert row.get_cell("by_property") == (
            f'<span class="badge {made.status_badge}">Under investigation</span>')
        assert row.get_cell("by_map") == '<span class="badge text-bg-light">Under investigation</span>'
        assert row.get_cell("flagged").endswith('</span> <i class="bi bi-flag"></i>')
        assert row.get_cell_value("status") == "Under investigation"
    # the apps' tables use it for their badges
    for table, names in ((CaseTable, ("status",)), (HazardTable, ("severity", "state")),
                         (InspectionTable, ("status", "coverage"))):
        assert all(isinstance(table.base_columns[name], StatusBadgeColumn) for name in names)
