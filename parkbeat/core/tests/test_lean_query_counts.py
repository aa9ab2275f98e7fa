"""Queries per request stay constant as rows grow tenfold, for the lists test_query_counts.py does not cover:
the incident and dispute lists (page, export, API), the lean API lists of mediation sessions, agreements,
obligations, notifications and the audit trail, and the pages' lean table reads (only their columns)."""
import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.utils import timezone
from django.test.utils import CaptureQueriesContext

from parkbeat.disputes.models import DisputeParty
from parkbeat.disputes.tests.factories import open_dispute, routed_dispute, three_instalments
from parkbeat.incidents.models import Incident
from parkbeat.incidents.tests.helpers import report
from parkbeat.notifications.models import Notification

LISTS = [
    ("leader", "page", "/incidents/"),
    ("leader", "page", "/incidents/?sort=-reported_at"),
    ("leader", "page", "/incidents/?export=csv"),
    ("leader", "page", "/disputes/"),
    ("leader", "page", "/disputes/?export=xlsx"),
    ("leader", "page", "/enterprises/?export=csv"),
    ("leader", "api", "/api/v1/incidents/"),
    ("leader", "api", "/api/v1/incidents/?count=exact"),
    ("leader", "api", "/api/v1/disputes/"),
    ("leader", "api", "/api/v1/mediation-sessions/"),
    ("leader", "api", "/api/v1/agreements/"),
    ("leader", "api", "/api/v1/obligations/"),
    ("leader", "api", "/api/v1/notifications/"),
    ("auditor", "api", "/api/v1/audit-events/"),
]


def _add_rows(world, n):
    for i in range(n):
        incident = report(world, enterprise=world.enterprise if i % 2 else None)
        incident.agencies.add(world.agency)
        dispute = routed_dispute(world) if i % 2 else open_dispute(world, enterprise=None)
        DisputeParty.objects.create(dispute=dispute, side=DisputeParty.Side.CLAIMANT,
                                    kind=DisputeParty.Kind.PERSON, name=f"当事人{i}")
        if i % 3 == 0:
            three_instalments(world, dispute)
        Notification.objects.create(recipient=world.leader, kind=Notification.Kind.values[0], title="新警情",
                                    content_type=ContentType.objects.get_for_model(Incident),
                                    object_id=incident.pk)


@pytest.mark.parametrize("who,kind,url", LISTS)
def test_list_queries_do_not_grow_with_rows(world, client, api_as, who, kind, url, settings):
    settings.EXPORT_RATE_PER_HOUR = 1000  # two exports per test
    user = getattr(world, who)
    client.force_login(user)
    api = api_as(user)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            response = (client if kind == "page" else api).get(url)
        assert response.status_code == 200, url
        return len(ctx.captured_queries)

    _add_rows(world, 2)
    few = count()
    _add_rows(world, 18)
    many = count()
    assert many == few, f"{url}: {few} queries with 2 rows of each, {many} with 20"


def test_the_pages_read_only_their_columns(world, client):
    """The incident page reads the incident's shown columns and the joins they need: no boundary, no
    description, no reporter join."""
    report(world)
    client.force_login(world.leader)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/incidents/").status_code == 200
    listed = [q["sql"] for q in ctx.captured_queries if 'FROM "incidents_incident"' in q["sql"]
              and '"incidents_incident"."kind"' in q["sql"]]
    assert listed, "the list query was not found"
    assert all('"boundary"' not in sql and '"description"' not in sql for sql in listed)


def _add_publicity(world, n, start):
    """`n` planned lectures (a speaker each) and `n` campaigns with a material each, from week `start` on."""
    from datetime import timedelta

    from parkbeat.outreach import services
    from parkbeat.outreach.tests import helpers as h

    day = timezone.localdate()
    for i in range(start, start + n):
        enterprise = world.enterprise if i % 2 else world.enterprise2
        when = h.next_weekday(i % 5, 18, weeks=1 + i // 5)
        h.planned(world, enterprise=enterprise, when=(when, when + timedelta(hours=1)), speakers=[world.officer])
        services.campaign_create(actor=world.officer, theme="helmet", title=f"头盔守规{i}", starts_on=day,
                                 ends_on=day, parks=[world.park], materials=[h.pdf()])


@pytest.mark.parametrize("url", ["/api/v1/outreach/lectures/", "/api/v1/outreach/campaigns/"])
def test_the_publicity_api_lists_do_not_grow_with_rows(world, api_as, url):
    api = api_as(world.officer)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            response = api.get(url)
        assert response.status_code == 200, url
        return len(ctx.captured_queries), len(response.json()["results"])

    _add_publicity(world, 2, 0)
    few, rows = count()
    _add_publicity(world, 18, 2)
    many, more = count()
    assert (rows, more) == (2, 20) and many == few, f"{url}: {few} queries with 2 rows, {many} with 20"
