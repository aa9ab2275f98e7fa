"""The number of queries of every list page and list endpoint does not grow with the number of rows."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from parkbeat.testing import DemandFactory, EnterpriseFactory, LiaisonFactory, VisitFactory

LISTS = [
    ("page", "/"),
    ("page", "/enterprises/"),
    ("page", "/enterprises/?is_key=false&q=有限"),
    ("page", "/enterprises/demands/"),
    ("page", "/enterprises/demands/?status=open"),
    ("page", "/enterprises/visits/"),
    ("page", "/org/parks/"),
    ("page", "/org/duty/"),
    ("api", "/api/v1/enterprises/"),
    ("api", "/api/v1/demands/"),
    ("api", "/api/v1/visits/"),
    ("api", "/api/v1/liaisons/"),
    ("api", "/api/v1/parks/"),
    ("api", "/api/v1/duty-shifts/"),
]


def _add_rows(world, n):
    for _ in range(n):
        enterprise = EnterpriseFactory(park=world.park)
        LiaisonFactory(enterprise=enterprise)
        VisitFactory(enterprise=enterprise, visitor=world.officer)
        DemandFactory(enterprise=enterprise, raised_by=world.officer, assignee=world.officer)


def _count(client_for, kind, url):
    client = client_for(kind)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


@pytest.mark.parametrize("kind,url", LISTS)
def test_list_queries_do_not_grow_with_rows(world, client, api_as, kind, url):
    client.force_login(world.officer)
    api = api_as(world.officer)

    def client_for(k):
        return client if k == "page" else api

    _add_rows(world, 2)
    few = _count(client_for, kind, url)
    _add_rows(world, 25)
    many = _count(client_for, kind, url)

    assert many == few, f"{url}: {few} queries with 4 rows, {many} with 29"
