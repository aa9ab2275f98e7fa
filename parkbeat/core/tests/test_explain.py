"""The scoped count and the first page of the big lists are served by an index, on both engines (issue 12).

SQLite: EXPLAIN QUERY PLAN must never show a bare `SCAN <table>` of the list's table, and a scoped user's plan
must reach that table by `SEARCH` (an index range, or one per OR term: MULTI-INDEX OR).
PostgreSQL: EXPLAIN (FORMAT JSON) with `enable_seqscan` off, so the plan shows whether an index CAN serve the
query at all: the list's table is read by an Index / Index Only / Bitmap Heap scan, and for a scoped user with
an index condition (a full index scan that filters every row is no better than a sequential one). A city
leader has no scope filter: his count reads a whole index (index-only on PostgreSQL, covering on SQLite) and
his first page walks the ordering index until 50 rows, both accepted. The planner's choice with real
statistics is measured at city scale in bench/, not here.
"""
import json

import pytest
from django.db import connection, transaction

from parkbeat.core import scoping
from parkbeat.core.roles import Role
from parkbeat.disputes.models import Dispute
from parkbeat.disputes.selectors import dispute_list
from parkbeat.enterprises.models import Demand, Enterprise, Visit
from parkbeat.enterprises.selectors import demand_list, enterprise_list, visit_list
from parkbeat.incidents.models import Incident
from parkbeat.incidents.selectors import incident_list
from parkbeat.org.models import OrgUnit
from parkbeat.notifications.models import Notification
from parkbeat.notifications.selectors import notification_list
from parkbeat.testing import ParkFactory, UserFactory, assign

pytestmark = pytest.mark.django_db

LISTS = {
    "incidents": (incident_list, Incident),
    "disputes": (dispute_list, Dispute),
    "enterprises": (enterprise_list, Enterprise),
    "visits": (visit_list, Visit),
    "demands": (demand_list, Demand),
    "notifications": (notification_list, Notification),  # everyone's inbox is his own: always scoped
}
FILTERS = {"incidents": ({"status": "reported"}, {"kind": "theft"}),
           "disputes": ({"status": "open"},), "enterprises": ({"status": "active"},)}


def plan(qs, *, count=False):
    """The plan's lines (SQLite) or nodes (PostgreSQL) of the page query, or of the count."""
    if count:
        sql, params = qs.order_by().values("pk").query.sql_with_params()
        sql = f"SELECT COUNT(*) FROM ({sql}) counted"
    else:
        sql, params = qs.query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
            raw = cursor.fetchone()[0]
            return list(_nodes((json.loads(raw) if isinstance(raw, str) else raw)[0]["Plan"]))
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        return [row[-1] for row in cursor.fetchall()]


def _nodes(node):
    yield node
    for child in node.get("Plans", ()):
        yield from _nodes(child)


def assert_served(lines, table, *, scoped, what):
    if connection.vendor == "postgresql":
        reads = [n for n in lines if n.get("Relation Name") == table]
        assert reads, (what, lines)
        for node in reads:
            assert node["Node Type"] in ("Index Scan", "Index Only Scan", "Bitmap Heap Scan"), (what, node)
            if scoped:
                assert "Index Cond" in node or "Recheck Cond" in node, (what, node)
        return
    assert f"SCAN {table}" not in lines, (what, lines)
    if scoped:
        assert any(line.startswith(f"SEARCH {table} ") for line in lines) or "MULTI-INDEX OR" in lines, (what, lines)


@pytest.fixture
def users(world):
    far = OrgUnit.objects.create(name="芦淞分局", kind=OrgUnit.Kind.BRANCH, parent=world.city)
    ParkFactory(station=OrgUnit.objects.create(name="建设派出所", kind=OrgUnit.Kind.STATION, parent=far),
                name="芦淞服饰园", code="lusong")  # so the branch is not the whole city
    cityleader = assign(UserFactory(username="t_cityleader"), Role.STATION_LEADER, unit=world.city)
    branchleader = assign(UserFactory(username="t_branchleader"), Role.STATION_LEADER, unit=world.branch)
    return {"cityleader": cityleader, "branchleader": branchleader, "leader": world.leader,
            "officer": world.officer, "liaison": world.liaison}


@pytest.mark.parametrize("as_list", [12, 0], ids=["small-subtree-as-ids", "subtree-as-subquery"])
@pytest.mark.parametrize("name", list(LISTS))
def test_the_scoped_count_and_first_page_use_an_index(users, name, as_list, monkeypatch):
    monkeypatch.setattr(scoping, "SUBTREE_AS_LIST", as_list)
    selector, model = LISTS[name]
    table = model._meta.db_table
    for who, user in users.items():
        scoping.forget_access(user)
        qs = selector(user=user)
        scoped = who != "cityleader" or model is Notification
        assert_served(plan(qs, count=True), table, scoped=scoped, what=(name, who, "count"))
        assert_served(plan(qs[:50]), table, scoped=scoped, what=(name, who, "page"))  # the list's own order
        for filters in FILTERS.get(name, ()) if who in ("cityleader", "leader") else ():
            page = qs.filter(**filters).order_by(*model._meta.ordering)[:50]
            assert_served(plan(page), table, scoped=scoped, what=(name, who, filters))


def test_the_check_fails_on_a_plan_no_index_serves(users):
    """The assertion is honest: a filter on an unindexed column is a full scan and is caught."""
    qs = Incident.objects.filter(description__contains="x")
    with pytest.raises(AssertionError):
        assert_served(plan(qs, count=True), Incident._meta.db_table, scoped=True, what="unindexed")
