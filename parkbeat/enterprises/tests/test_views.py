"""Registry pages that write: edits go through the services, refuse the wrong people and stale copies."""
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from parkbeat.audit.models import AuditEvent
from parkbeat.testing import DemandFactory, VisitFactory
from parkbeat.enterprises.models import Demand, Enterprise, Visit


def _local(dt):
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


def test_officer_edits_a_visit_and_the_change_is_audited(world, page_as):
    visit = VisitFactory(enterprise=world.enterprise, visitor=world.officer)
    client = page_as(world.officer)

    response = client.post(reverse("enterprises:visit_update", args=[visit.pk]), {
        "visited_at": _local(visit.visited_at), "findings": "夜班门岗缺人，已提醒", "met_with": "", "companions": "",
        "version": visit.version})

    assert response.status_code == 302
    visit.refresh_from_db()
    assert (visit.findings, visit.version) == ("夜班门岗缺人，已提醒", 2)
    assert AuditEvent.objects.filter(verb="update", object_type="enterprises.Visit", object_id=str(visit.pk)).count() == 1


def test_visit_edit_from_a_stale_copy_is_refused_and_keeps_the_first_save(world, page_as):
    visit = VisitFactory(enterprise=world.enterprise, visitor=world.officer)
    Visit.objects.filter(pk=visit.pk).update(findings="先保存的内容", version=2)
    client = page_as(world.officer)

    response = client.post(reverse("enterprises:visit_update", args=[visit.pk]), {
        "visited_at": _local(visit.visited_at), "findings": "后保存的内容", "version": 1})

    assert response.status_code == 200
    assert "someone else" in response.content.decode() or "他人" in response.content.decode()
    assert Visit.objects.get(pk=visit.pk).findings == "先保存的内容"


def test_visit_edit_is_refused_to_a_liaison_and_hidden_from_another_station(world, page_as, client):
    visit = VisitFactory(enterprise=world.enterprise, visitor=world.officer)
    other = VisitFactory(enterprise=world.other_enterprise, visitor=world.other_officer)

    assert page_as(world.liaison).get(reverse("enterprises:visit_update", args=[visit.pk])).status_code == 403
    client.force_login(world.officer)
    assert client.get(reverse("enterprises:visit_update", args=[other.pk])).status_code == 404


def test_officer_moves_a_demand_deadline_but_not_into_the_past(world, page_as):
    demand = DemandFactory(enterprise=world.enterprise, raised_by=world.liaison)
    client = page_as(world.officer)
    url = reverse("enterprises:demand_update", args=[demand.pk])

    past = client.post(url, {"category": "traffic", "content": demand.content,
                             "due_at": _local(timezone.now() - timedelta(days=1)), "version": 1})
    later = timezone.now() + timedelta(days=20)
    ok = client.post(url, {"category": "traffic", "content": demand.content, "due_at": _local(later), "version": 1})

    assert past.status_code == 200
    assert ok.status_code == 302
    demand.refresh_from_db()
    assert (demand.category, demand.version) == ("traffic", 2)


def test_demand_edit_is_refused_to_the_liaison_who_raised_it(world, page_as):
    demand = DemandFactory(enterprise=world.enterprise, raised_by=world.liaison)

    response = page_as(world.liaison).post(reverse("enterprises:demand_update", args=[demand.pk]), {
        "category": "traffic", "content": "改写", "version": 1})

    assert response.status_code == 403
    assert Demand.objects.get(pk=demand.pk).content == demand.content


def test_enterprise_edit_with_a_stale_version_is_refused(world, page_as):
    enterprise = world.enterprise
    Enterprise.objects.filter(pk=enterprise.pk).update(headcount=555, version=2)
    client = page_as(world.officer)

    response = client.post(reverse("enterprises:enterprise_update", args=[enterprise.pk]), {
        "name": enterprise.name, "credit_code": enterprise.credit_code, "park": world.park.pk,
        "industry": "other", "headcount": 7, "status": "active", "version": 1})

    assert response.status_code == 200
    assert Enterprise.objects.get(pk=enterprise.pk).headcount == 555


def test_a_huge_id_in_a_list_filter_is_refused_not_a_server_error(world, page_as):
    client = page_as(world.officer)

    for url in ("/enterprises/visits/?enterprise=1e30", "/enterprises/demands/?assignee=99999999999999999999999"):
        assert client.get(url).status_code == 200, url
