"""The registry's lists export exactly what they show: scoped, filtered, every page, audited."""
import io

import openpyxl
import pytest

from parkbeat.audit.models import AuditEvent
from parkbeat.testing import DemandFactory, EnterpriseFactory, VisitFactory


def sheet(response):
    """(header, rows) of a downloaded workbook."""
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    header, *rows = list(book.active.iter_rows(values_only=True))
    return header, rows


def shown_and_exported(client, url, query):
    """The list page's count (all pages) and the export of the same query."""
    page = client.get(url, query)
    assert page.status_code == 200
    return page.context["paginator"].count, sheet(client.get(url, {**query, "export": "xlsx"}))


@pytest.fixture
def registry(world):
    for n in range(3):  # more than one page at page_size=10 for the leader
        EnterpriseFactory(park=world.park2, name=f"栗雨第{n}机械厂", is_key=n == 0, key_reason="危化品" if n == 0 else "")
    for enterprise in (world.enterprise, world.enterprise2, world.park2_enterprise, world.other_enterprise):
        # Recorded by someone of the enterprise's own station: a visit is also its visitor's to see.
        police = world.other_officer if enterprise == world.other_enterprise else world.officer2
        VisitFactory(enterprise=enterprise, visitor=police, findings=f"走访{enterprise.name}")
        DemandFactory(enterprise=enterprise, raised_by=police, content=f"诉求{enterprise.name}")
    return world


@pytest.mark.parametrize("role, expected", [("officer", 2), ("leader", 6)])
def test_enterprise_export_is_the_scoped_list(registry, page_as, role, expected):
    client = page_as(getattr(registry, role))

    count, (header, rows) = shown_and_exported(client, "/enterprises/", {"page_size": 10, "sort": "name"})

    assert count == len(rows) == expected
    assert header[:2] == ("名称", "园区")
    names = [row[0] for row in rows]
    from parkbeat.enterprises.models import Enterprise
    by_name = Enterprise.objects.visible_to(getattr(registry, role)).order_by("name", "pk")
    assert names == list(by_name.values_list("name", flat=True))  # the order the page was sorted in (the database's)
    assert registry.other_enterprise.name not in names
    event = AuditEvent.objects.filter(verb="export", object_type="enterprises.Enterprise").latest("id")
    assert event.actor_id == getattr(registry, role).pk and '"sort": "name"' in event.note


def test_enterprise_export_follows_the_filters(registry, page_as):
    client = page_as(registry.leader)

    count, (header, rows) = shown_and_exported(client, "/enterprises/", {"park": registry.park2.pk, "is_key": "true"})

    assert count == len(rows) == 1
    assert rows[0][0] == "栗雨第0机械厂"
    assert "重点企业" in header and "地址" in header  # the export-only columns ride along


@pytest.mark.parametrize("role, expected", [("officer", 2), ("leader", 3)])
def test_visit_export_is_the_scoped_list(registry, page_as, role, expected):
    client = page_as(getattr(registry, role))

    count, (header, rows) = shown_and_exported(client, "/enterprises/visits/", {})

    assert count == len(rows) == expected
    assert not any(registry.other_enterprise.name in str(row) for row in rows)
    assert AuditEvent.objects.filter(verb="export", object_type="enterprises.Visit").count() == 1


@pytest.mark.parametrize("role, expected", [("officer", 2), ("liaison", 1)])
def test_demand_export_is_the_scoped_list(registry, page_as, role, expected):
    client = page_as(getattr(registry, role))

    count, (header, rows) = shown_and_exported(client, "/enterprises/demands/", {"status": "all"})

    assert count == len(rows) == expected
    assert not any(registry.other_enterprise.name in str(row) for row in rows)
    assert "诉求内容" in header or "内容" in header


def test_demand_list_shows_the_open_ones_unless_all_is_asked_for(registry, page_as):
    from parkbeat.enterprises.models import Demand

    Demand.objects.filter(enterprise=registry.enterprise).update(status=Demand.Status.CLOSED, answer="已处理")
    client = page_as(registry.officer)

    assert client.get("/enterprises/demands/").context["paginator"].count == 1
    assert client.get("/enterprises/demands/", {"status": "all"}).context["paginator"].count == 2
    html = client.get("/enterprises/demands/").content.decode()
    assert '<option value="" selected>' in html  # the default choice names what it shows


def test_an_export_with_invalid_filters_is_refused_with_the_reason(registry, page_as):
    client = page_as(registry.officer)

    response = client.get("/enterprises/visits/", {"enterprise": registry.other_enterprise.pk, "export": "xlsx"})

    assert response.status_code == 302
    assert not AuditEvent.objects.filter(verb="export", object_type="enterprises.Visit").exists()


def test_the_people_pickers_name_only_people_of_the_users_rows(registry, page_as):
    html = page_as(registry.officer).get("/enterprises/visits/").content.decode()

    start = html.index('<select name="visitor"')
    picker = html[start:html.index("</select>", start)]
    assert registry.officer2.display_name in picker
    assert registry.other_officer.display_name not in picker


def test_a_liaison_gets_no_assignee_filter(registry, page_as):
    html = page_as(registry.liaison).get("/enterprises/demands/").content.decode()

    assert 'name="assignee"' not in html and 'name="mine"' not in html
    assert 'name="assignee"' in page_as(registry.officer).get("/enterprises/demands/").content.decode()


@pytest.mark.parametrize("url", ["/enterprises/", "/enterprises/visits/", "/enterprises/demands/"])
def test_a_filter_change_fetches_only_the_results(registry, page_as, url):
    response = page_as(registry.officer).get(url, {"park": registry.park.pk}, HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and "filter-bar" not in html  # the form (and its pickers) stays as it is
    assert "<table" in html and registry.other_enterprise.name not in html
