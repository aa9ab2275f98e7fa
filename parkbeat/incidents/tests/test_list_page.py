"""The incident list on the shared list mechanism (core.tables + ScopedListView): sorting, page size,
jump-to-page, filter errors shown, HTMX filter URLs, role-dependent filters, and the export of exactly
what is shown (scoped, audited, limited, formula cells escaped)."""
import io
import re

import pytest
from django.core.cache import cache
from django.utils import translation
from openpyxl import load_workbook

from parkbeat.audit.models import AuditEvent
from parkbeat.incidents.models import Incident

from .helpers import report

URL = "/incidents/"


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    settings.EXPORT_RATE_PER_HOUR = 1000
    cache.clear()
    with translation.override("en"):
        yield
    cache.clear()


def numbers(html):
    """The incident numbers of the desktop table, in order."""
    table = html[html.index('id="incident-results"'):]
    table = table[:table.index("</table>")]
    return re.findall(r">(JQ\d{8}-\d{6})</a>", table)


def sheet(response):
    rows = list(load_workbook(io.BytesIO(response.content), read_only=True).active.iter_rows(values_only=True))
    return rows[0], rows[1:]


def test_sorting_by_a_column_both_ways(world, client):
    a = report(world, kind=Incident.Kind.THEFT)
    b = report(world, kind=Incident.Kind.FRAUD)
    client.force_login(world.officer)

    by_kind = numbers(client.get(URL, {"sort": "kind"}).content.decode())
    by_kind_desc = numbers(client.get(URL, {"sort": "-kind"}).content.decode())
    oldest_first = numbers(client.get(URL, {"sort": "reported_at"}).content.decode())

    assert by_kind == [b.number, a.number]  # fraud < theft
    assert by_kind_desc == [a.number, b.number]
    assert oldest_first == [a.number, b.number]


def test_an_unknown_or_unsortable_column_keeps_the_default_order(world, client):
    a, b = report(world), report(world)
    client.force_login(world.officer)

    for sort in ("description", "holder", "-nothing", "kind;drop"):
        response = client.get(URL, {"sort": sort})
        assert response.status_code == 200
        assert numbers(response.content.decode()) == [b.number, a.number]


def test_the_sorted_header_links_the_other_way_and_keeps_the_filters(world, client):
    report(world)
    client.force_login(world.officer)

    html = client.get(URL, {"sort": "kind", "status": "reported"}).content.decode()

    assert 'href="?status=reported&amp;sort=-kind"' in html
    assert 'aria-sort="ascending"' in html


@pytest.mark.parametrize("asked,used", [("25", 25), ("100", 100), ("5", 10), ("100000", 200), ("x", 50)])
def test_page_size_is_bounded(world, client, asked, used):
    client.force_login(world.officer)
    response = client.get(URL, {"page_size": asked})
    assert response.context["paginator"].per_page == used


def test_jump_to_page_and_out_of_range_pages(world, client):
    made = [report(world) for _ in range(12)]
    client.force_login(world.officer)

    second = client.get(URL, {"page_size": 10, "page": 2, "sort": "reported_at"})
    beyond = client.get(URL, {"page_size": 10, "page": 99})
    html = second.content.decode()

    assert numbers(html) == [i.number for i in made[10:]]
    assert numbers(beyond.content.decode()) == numbers(client.get(URL, {"page_size": 10, "page": 2}).content.decode())
    jump = html[html.index('class="d-flex align-items-center gap-1 page-jump-form"'):]
    jump = jump[:jump.index("</form>")]
    assert 'name="page"' in jump and 'max="2"' in jump
    assert '<input type="hidden" name="page_size" value="10">' in jump
    assert '<input type="hidden" name="sort" value="reported_at">' in jump
    assert 'href="?page_size=10&amp;sort=reported_at&amp;page=1"' in html  # pagination keeps sort and size


def test_invalid_filter_input_is_shown_not_ignored(world, client):
    report(world)
    client.force_login(world.officer)

    page = client.get(URL, {"date_from": "2026-13-45", "kind": "theft"}).content.decode()
    partial = client.get(URL, {"date_from": "2026-13-45"}, HTTP_HX_REQUEST="true").content.decode()

    assert 'id="filter-errors"' in page and "Enter a valid date." in page
    assert "From" in page[page.index('id="filter-errors"'):][:400]
    assert "is-invalid" in page or "invalid-feedback" in page
    assert 'id="filter-errors"' in partial


def test_filter_changes_build_the_url_from_the_form_only(world, client):
    """hx-get names the bare path: the form's fields are the whole query, so two changes never pile up."""
    report(world, kind=Incident.Kind.THEFT)
    client.force_login(world.officer)

    first = client.get(URL, {"kind": "theft"}).content.decode()
    second = client.get(URL, {"kind": "theft", "status": "reported"}).content.decode()

    for html in (first, second):
        form = html[html.index('<form class="card card-body py-2 mb-2 filter-bar"'):]
        form = form[:form.index(">")]
        assert 'hx-get="/incidents/"' in form and 'action="/incidents/"' in form
    assert second.count("kind=theft&amp;status=reported&amp;export=xlsx") == 1
    assert "kind=theft&amp;kind=theft" not in second


def test_empty_choices_read_all_and_dates_are_date_inputs(world, client):
    client.force_login(world.officer)
    html = client.get(URL).content.decode()
    assert "---------" not in html
    assert '<option value="" selected>All</option>' in html
    assert 'type="date" name="date_from"' in html
    assert '<option value="unknown" selected>All</option>' in html  # a yes/no filter: All / Yes / No


def test_held_by_me_is_not_offered_to_a_liaison_or_volunteer(world, client):
    for user in (world.liaison, world.volunteer):
        client.force_login(user)
        html = client.get(URL).content.decode()
        assert "Held by me" not in html and 'name="holder"' not in html
    client.force_login(world.officer)
    html = client.get(URL).content.decode()
    assert "Held by me" in html and 'name="holder"' in html


# ------------------------------------------------------------------ export
@pytest.mark.parametrize("who,filters", [("officer", {}), ("officer", {"kind": "theft"}),
                                          ("liaison", {}), ("leader", {"status": "reported"})])
def test_export_has_exactly_the_rows_the_list_shows(world, client, who, filters):
    report(world, kind=Incident.Kind.THEFT, enterprise=world.enterprise)
    report(world, kind=Incident.Kind.FRAUD)
    report(world, actor=world.officer2, kind=Incident.Kind.THEFT, park=world.park2)
    other = report(world, actor=world.other_officer, park=world.other_park, kind=Incident.Kind.THEFT)
    user = getattr(world, who)
    client.force_login(user)

    shown = client.get(URL, {**filters, "page_size": 200}).context["paginator"].count
    response = client.get(URL, {**filters, "export": "xlsx"})
    headers, rows = sheet(response)

    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    expected = Incident.objects.visible_to(user).filter(
        **({"kind": filters["kind"]} if "kind" in filters else {}),
        **({"status": filters["status"]} if "status" in filters else {})).count()
    assert len(rows) == shown == expected
    assert other.number not in {r[0] for r in rows}
    assert headers[:3] == ("Number", "Reported at", "Type")
    assert "Held by me" not in headers


def test_export_cells_are_display_values_in_station_time(world, client):
    incident = report(world, kind=Incident.Kind.THEFT)
    client.force_login(world.officer)

    headers, rows = sheet(client.get(URL, {"export": "xlsx"}))
    row = dict(zip(headers, rows[0]))

    assert row["Number"] == incident.number and row["Type"] == "Theft" and row["Status"] == "Awaiting acceptance"
    from django.utils import timezone
    assert row["Reported at"] == timezone.localtime(incident.reported_at).strftime("%Y-%m-%d %H:%M")
    assert row["Park"] == world.park.name and row["Held by"] == incident.holder.display_name
    assert "Location" in headers  # an export-only column beside the shown ones


def test_export_follows_the_sort(world, client):
    a = report(world, kind=Incident.Kind.THEFT)
    b = report(world, kind=Incident.Kind.FRAUD)
    client.force_login(world.officer)
    _, rows = sheet(client.get(URL, {"sort": "kind", "export": "xlsx"}))
    assert [r[0] for r in rows] == [b.number, a.number]


def test_export_escapes_formula_cells(world, client):
    report(world, location="=HYPERLINK(\"http://evil\",\"x\")")
    client.force_login(world.officer)

    headers, rows = sheet(client.get(URL, {"export": "xlsx"}))
    cell = dict(zip(headers, rows[0]))["Location"]

    assert cell.startswith("'=")


def test_csv_export(world, client):
    report(world, location="+SUM(1)")
    client.force_login(world.officer)
    response = client.get(URL, {"export": "csv"})
    text = response.content.decode("utf-8-sig")
    assert response["Content-Type"].startswith("text/csv")
    assert text.splitlines()[0].startswith("Number,Reported at,Type") and "'+SUM(1)" in text


def test_export_is_on_the_audit_trail_with_its_filters(world, client):
    report(world, kind=Incident.Kind.THEFT)
    report(world, kind=Incident.Kind.FRAUD)
    client.force_login(world.officer)

    client.get(URL, {"kind": "theft", "export": "xlsx"})

    event = AuditEvent.objects.filter(verb="export").latest("at")
    assert event.actor == world.officer and event.object_type == "incidents.Incident"
    assert event.object_repr == "1 incidents" and '"kind": "theft"' in event.note and "export" not in event.note


def test_too_large_export_is_refused_with_a_message_on_the_list(world, client, settings):
    settings.EXPORT_MAX_ROWS = 1
    report(world), report(world)
    client.force_login(world.officer)

    response = client.get(URL, {"kind": "labour_dispute", "export": "xlsx"}, follow=True)
    html = response.content.decode()

    assert response.status_code == 200 and response.redirect_chain[-1][0] == "/incidents/?kind=labour_dispute"
    assert "2 incidents match; at most 1 can be exported at once. Narrow the filters." in html
    assert not AuditEvent.objects.filter(verb="export").exists()


def test_rate_limited_export_is_refused_with_a_message(world, client, settings):
    settings.EXPORT_RATE_PER_HOUR = 1
    report(world)
    client.force_login(world.officer)

    first = client.get(URL, {"export": "xlsx"})
    second = client.get(URL, {"export": "xlsx"}, follow=True)

    assert first.status_code == 200
    assert second.status_code == 200 and "At most 1 exports an hour; try again later." in second.content.decode()
    assert AuditEvent.objects.filter(verb="export").count() == 1


def test_export_with_invalid_filters_is_refused(world, client):
    report(world)
    client.force_login(world.officer)
    response = client.get(URL, {"date_from": "bad", "export": "xlsx"}, follow=True)
    assert "Correct the filters before exporting." in response.content.decode()
    assert not AuditEvent.objects.filter(verb="export").exists()


def test_phone_cards_carry_the_essentials(world, client):
    incident = report(world, kind=Incident.Kind.THEFT)
    client.force_login(world.officer)
    html = client.get(URL).content.decode()
    cards = html[html.index('class="list-cards d-sm-none"'):]
    assert incident.number in cards and "Theft" in cards and world.park.name in cards
    assert "badge-incident-reported" in cards and incident.holder.display_name in cards


def test_the_page_keeps_its_query_count_with_more_rows(world, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world.officer)
    report(world, enterprise=world.enterprise)
    client.get(URL)
    with CaptureQueriesContext(connection) as few:
        client.get(URL, {"sort": "park"})
    for _ in range(6):
        report(world, enterprise=world.enterprise)
    with CaptureQueriesContext(connection) as many:
        client.get(URL, {"sort": "park"})
    assert len(many) == len(few)


def test_the_figures_above_the_list_follow_its_enterprise_filter_and_are_for_the_police(world, page_as):
    from parkbeat.incidents.tests.helpers import report

    report(world, enterprise=world.enterprise)
    report(world, enterprise=world.enterprise2)
    report(world)

    whole = page_as(world.officer).get("/incidents/figures/").context["figures"]
    one = page_as(world.officer).get(f"/incidents/figures/?enterprise={world.enterprise.pk}").context["figures"]

    assert (whole["total"], one["total"]) == (3, 1)
    assert page_as(world.liaison).get("/incidents/").context.get("figures_url") is None
    assert page_as(world.liaison).get("/incidents/figures/").status_code == 403
