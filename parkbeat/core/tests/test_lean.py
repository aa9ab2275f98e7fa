"""The lean list path (core.lean) gives exactly what the list serializer gives, row by row, for every list
endpoint that uses it, on a varied data set (every status, nulls, relations) and for each role. The
serializer is the reference: change it and this test shows where the lean path parts from it."""
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.urls import get_resolver
from django.utils import timezone

from parkbeat.core import lean
from parkbeat.core.pagination import COUNT_BOUND, BoundedPaginator, bounded_count
from parkbeat.disputes.api.serializers import DisputeSerializer
from parkbeat.disputes.models import Dispute, DisputeParty
from parkbeat.disputes.tests.factories import open_dispute, routed_dispute, three_instalments
from parkbeat.enterprises.api.serializers import EnterpriseSerializer
from parkbeat.enterprises.models import Enterprise
from parkbeat.incidents.api.serializers import IncidentSerializer
from parkbeat.incidents.models import Incident
from parkbeat.incidents.tests.helpers import report
from parkbeat.testing import DemandFactory, EnterpriseFactory, LiaisonFactory, VisitFactory

NOW = timezone.now().replace(microsecond=0)


def lean_viewsets():
    """(url, viewset class) of every API list whose viewset reads through core.lean."""
    found = {}

    def walk(patterns, prefix=""):
        for p in patterns:
            if hasattr(p, "url_patterns"):
                walk(p.url_patterns, prefix + str(p.pattern))
                continue
            cls = getattr(p.callback, "cls", None)
            actions = getattr(p.callback, "actions", {}) or {}
            if cls and issubclass(cls, lean.LeanListMixin) and actions.get("get") == "list":
                url = "/" + (prefix + str(p.pattern)).lstrip("^").replace("$", "").replace("\\.(?P<format>[a-z0-9]+)/?", "")
                if "(?P<format>" not in url:
                    found[url.replace("^", "")] = cls
    walk(get_resolver().url_patterns)
    return found


def build_varied(world):
    """A city-level leader too (world.city_leader). Incidents in every status, with and without enterprise, holder, place and agencies; disputes open,
    routed, settled and withdrawn, with parties and without; enterprises with and without coordinates."""
    from parkbeat.org.models import Role
    from parkbeat.testing import UserFactory, assign

    world.city_leader = assign(UserFactory(username="t_city"), Role.STATION_LEADER, unit=world.city)
    S = Incident.Status
    made = []
    for i, status in enumerate([S.REPORTED, S.ACCEPTED, S.ON_SCENE, S.CLOSED, S.CANCELLED, S.REPORTED]):
        incident = report(world, enterprise=world.enterprise if i % 2 else None,
                          caller_mobile="13812345678" if i % 3 == 0 else "", caller_name="张三" if i % 2 else "",
                          location="三号门" if i % 2 else "")
        update = {"status": status}
        if status != S.REPORTED:
            update.update(holder=world.officer if i % 2 else world.leader, held_since=NOW - timedelta(hours=i),
                          accepted_at=NOW - timedelta(hours=i))
        if status in (S.ON_SCENE, S.CLOSED):
            update["on_scene_at"] = NOW - timedelta(minutes=30)
        if status == S.CLOSED:
            update.update(closed_at=NOW - timedelta(minutes=5), result=Incident.Result.choices[0][0],
                          result_note="已处置")
        if i == 5:
            update.update(holder=None, held_since=None)  # nobody on duty to dispatch to
        if i == 2:
            update.update(lon=Decimal("113.151234"), lat=Decimal("27.835678"), occurred_at=None)
        Incident.objects.filter(pk=incident.pk).update(**update)
        made.append(incident)
    made[1].agencies.add(world.agency)
    report(world, park=world.park2, actor=world.officer2)
    report(world, park=world.other_park, actor=world.other_officer)

    plain = open_dispute(world, enterprise=None, amount_in_dispute=None)
    routed = routed_dispute(world, amount_in_dispute=Decimal("12345.60"), people_involved=20)
    DisputeParty.objects.create(dispute=routed, side=DisputeParty.Side.CLAIMANT, kind=DisputeParty.Kind.WORKERS,
                                name="工人代表", headcount=20, contact_mobile="13900001111")
    DisputeParty.objects.create(dispute=routed, side=DisputeParty.Side.RESPONDENT,
                                kind=DisputeParty.Kind.ENTERPRISE, name="株洲新马机械有限公司",
                                enterprise=world.enterprise)
    settled = open_dispute(world, title="已调解")
    Dispute.objects.filter(pk=settled.pk).update(status=Dispute.Status.SETTLED, settled_at=NOW,
                                                 settled_level=Dispute.Level.values[0], seconds_park=3600)
    withdrawn = open_dispute(world, title="撤回")
    Dispute.objects.filter(pk=withdrawn.pk).update(status=Dispute.Status.WITHDRAWN)
    open_dispute(world, park=world.other_park, enterprise=world.other_enterprise, actor=world.other_officer)
    assert plain and routed
    three_instalments(world, routed)
    DemandFactory(enterprise=world.enterprise, raised_by=world.officer, assignee=None,
                  due_at=NOW - timedelta(days=1))  # overdue
    DemandFactory(enterprise=world.enterprise, raised_by=world.liaison, assignee=world.officer)
    VisitFactory(enterprise=world.enterprise, visitor=world.officer)
    LiaisonFactory(enterprise=world.enterprise)
    from django.contrib.contenttypes.models import ContentType
    from parkbeat.notifications.models import Notification

    for user in (world.leader, world.officer, world.city_leader):
        Notification.objects.create(recipient=user, kind=Notification.Kind.values[0], title="新警情", url="/x/",
                                    content_type=ContentType.objects.get_for_model(Incident),
                                    object_id=made[0].pk)
        Notification.objects.create(recipient=user, kind=Notification.Kind.values[-1], title="提醒", read_at=NOW)

    EnterpriseFactory(park=world.park, lon=Decimal("113.1"), lat=Decimal("27.8"),
                      production_hours={"mon": ["08:00", "17:00"]}, is_key=True, key_reason="危化品")
    Enterprise.objects.filter(pk=world.enterprise2.pk).update(status=Enterprise.Status.choices[-1][0])


def test_the_big_three_lists_are_fully_lean():
    for serializer in (IncidentSerializer, DisputeSerializer, EnterpriseSerializer):
        assert lean.lean_or_none(serializer) is not None, serializer


def test_the_lean_lists_are_found():
    urls = lean_viewsets()
    for url in ("/api/v1/incidents/", "/api/v1/disputes/", "/api/v1/enterprises/"):
        assert url in urls, sorted(urls)


@pytest.mark.parametrize("role", ["leader", "officer", "auxiliary", "mediator", "agency_staff", "liaison",
                                  "volunteer", "auditor", "city_leader"])
def test_lean_rows_equal_the_serializer_rows(world, api_as, role, monkeypatch):
    build_varied(world)
    user = getattr(world, role)
    compared, by_url = 0, {}
    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        for url, viewset in lean_viewsets().items():
            lean_body = api_as(user).get(url, {"page_size": 500})
            monkeypatch.setattr(viewset, "lean_enabled", False)
            drf_body = api_as(user).get(url, {"page_size": 500})
            monkeypatch.setattr(viewset, "lean_enabled", True)
            assert lean_body.status_code == drf_body.status_code, url
            if lean_body.status_code != 200:
                continue
            lean_json, drf_json = lean_body.json(), drf_body.json()
            assert [r.get("id") for r in lean_json["results"]] == [r.get("id") for r in drf_json["results"]], url
            for lean_row, drf_row in zip(lean_json["results"], drf_json["results"]):
                assert list(lean_row) == list(drf_row), f"{url}: keys or their order differ"
                assert lean_row == drf_row, url
                compared += 1
                by_url[url] = by_url.get(url, 0) + 1
            assert {k: v for k, v in lean_json.items() if k != "results"} == \
                   {k: v for k, v in drf_json.items() if k != "results"}, url
    if role in ("leader", "officer", "city_leader"):
        assert compared >= 12  # the varied rows were there to compare
        for url in ("/api/v1/incidents/", "/api/v1/disputes/", "/api/v1/enterprises/", "/api/v1/agreements/",
                    "/api/v1/obligations/", "/api/v1/demands/", "/api/v1/visits/", "/api/v1/liaisons/",
                    "/api/v1/parks/", "/api/v1/notifications/"):
            assert by_url.get(url), f"no row of {url} was compared"
    if role == "auditor":
        assert by_url.get("/api/v1/audit-events/")


def test_lean_rows_keep_the_nulls_and_shapes(world, api_as):
    """A few values spelled out, so the comparison above cannot pass on two equally wrong outputs."""
    build_varied(world)
    body = api_as(world.leader).get("/api/v1/incidents/", {"page_size": 500}).json()
    rows = {r["id"]: r for r in body["results"]}
    placed = next(r for r in rows.values() if r["lon"] is not None)
    assert placed["lon"] == "113.151234"
    assert all(r["reported_at"].endswith("+08:00") for r in rows.values())
    assert any(r["enterprise"] is None and r["enterprise_name"] is None for r in rows.values())
    assert any(r["holder"] is None and r["holder_name"] is None for r in rows.values())
    assert any(r["agencies"] == [world.agency.pk] for r in rows.values())
    assert any(r["caller_mobile"] == "138****5678" for r in rows.values())
    assert all(r["number"].startswith("JQ") for r in rows.values())
    disputes = api_as(world.leader).get("/api/v1/disputes/").json()["results"]
    routed = next(d for d in disputes if d["parties"])
    assert [p["side"] for p in routed["parties"]] == ["claimant", "respondent"]
    assert routed["amount_in_dispute"] == "12345.60" and routed["agencies"] == [world.agency.pk]
    assert set(routed["seconds_at"]) == set(Dispute.Level.values)


def test_a_serializer_with_an_undeclared_method_field_falls_back():
    from rest_framework import serializers

    class WithMethod(serializers.ModelSerializer):
        extra = serializers.SerializerMethodField()

        class Meta:
            model = Enterprise
            fields = ["id", "extra"]

        def get_extra(self, obj):
            return 1

    assert lean.lean_or_none(WithMethod) is None
    with pytest.raises(lean.LeanUnsupported):
        lean.plan_for(WithMethod)


def test_lean_responses_are_written_by_orjson(world, api_as):
    response = api_as(world.leader).get("/api/v1/enterprises/")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert isinstance(response, lean.LeanResponse)


# ---------------------------------------------------------------- bounded counts
def test_the_count_is_exact_below_the_bound(world, api_as):
    body = api_as(world.leader).get("/api/v1/enterprises/").json()
    assert body["count_exact"] is True
    assert body["count"] == Enterprise.objects.visible_to(world.leader).count()


def test_beyond_the_bound_the_count_is_the_bound_and_exact_on_request(world, api_as, monkeypatch):
    from parkbeat.core.pagination import PageNumberPagination

    for _ in range(5):
        EnterpriseFactory(park=world.park)
    total = Enterprise.objects.visible_to(world.leader).count()
    monkeypatch.setattr(PageNumberPagination, "count_bound", 3)
    client = api_as(world.leader)
    body = client.get("/api/v1/enterprises/", {"page_size": 2}).json()
    assert (body["count"], body["count_exact"]) == (3, False)
    assert body["next"] and len(body["results"]) == 2
    exact = client.get("/api/v1/enterprises/", {"page_size": 2, "count": "exact"}).json()
    assert (exact["count"], exact["count_exact"]) == (total, True)
    # a page beyond the bound is still there, and so is the last one
    far = client.get("/api/v1/enterprises/", {"page_size": 2, "page": 4}).json()
    assert len(far["results"]) == 2 and far["previous"]
    last = client.get("/api/v1/enterprises/", {"page_size": 2, "page": "last"}).json()
    assert last["count_exact"] is True and last["next"] is None
    assert client.get("/api/v1/enterprises/", {"page_size": 2, "page": total}).status_code == 404


def test_a_bad_count_parameter_is_a_400(world, api_as):
    response = api_as(world.leader).get("/api/v1/incidents/", {"count": "all"})
    assert response.status_code == 400 and "detail" in response.json()


def test_bounded_count_counts_no_further_than_the_bound(world):
    qs = Enterprise.objects.all()
    assert bounded_count(qs, 2) == 3
    assert bounded_count(qs, 100) == qs.count()
    paginator = BoundedPaginator(qs.order_by("pk"), 2, limit=2)
    assert paginator.count == 3 and not paginator.exact and paginator.shown_count == 2
    assert COUNT_BOUND >= 1000


def test_a_page_beyond_the_bound_says_more_than_and_still_jumps(world, client, monkeypatch):
    from django.utils import translation

    from parkbeat.core.views import ScopedListView

    for _ in range(12):
        EnterpriseFactory(park=world.park)
    total = Enterprise.objects.visible_to(world.leader).count()
    monkeypatch.setattr(ScopedListView, "count_bound", 10)
    client.force_login(world.leader)
    with translation.override("en"):
        first = client.get("/enterprises/", {"page_size": 10, "HTTP_ACCEPT_LANGUAGE": "en"})
        assert first.status_code == 200
        assert first.context["paginator"].exact is False
        assert first.context["page_obj"].has_next()
        assert "page=last" in first.content.decode()  # the last-page link counts exactly when followed
        second = client.get("/enterprises/", {"page_size": 10, "page": 2})
        assert len(second.context["page_obj"].object_list) == total - 10
        last = client.get("/enterprises/", {"page_size": 10, "page": "last"})
        assert last.context["paginator"].exact is True and last.context["paginator"].count == total
        exact = client.get("/enterprises/", {"page_size": 10, "count": "exact"})
        assert exact.context["paginator"].count == total
        beyond = client.get("/enterprises/", {"page_size": 10, "page": 99})  # out of range: the last page
        assert beyond.status_code == 200 and beyond.context["page_obj"].number == 2


@pytest.mark.parametrize("ordering", [None, ("-reported_at", "-id"), ("park__name", "id"), ("kind", "-id")])
def test_a_keyed_page_holds_the_rows_of_a_plain_slice(world, ordering):
    """keyed_page reads the page's keys first and its columns after: the same rows, in the same order, as
    slicing the queryset, on every page and past the end, for instances and for values_list rows."""
    from parkbeat.core.pagination import keyed_page
    from parkbeat.incidents.selectors import incident_list

    build_varied(world)
    rows = incident_list(user=world.leader)
    if ordering:
        rows = rows.order_by(*ordering)
    columns = rows.values_list("id", "park__name", "holder__username", "status")
    total = rows.count()
    assert total >= 6
    for start in range(0, total + 3, 2):
        page = keyed_page(rows, start, start + 3)
        assert [r.pk for r in page] == [r.pk for r in rows[start:start + 3]]
        assert list(keyed_page(columns, start, start + 3, keys_from=rows)) == list(columns[start:start + 3])
    page = list(keyed_page(rows, 0, 3))
    assert page and all(r.park.name for r in page)  # select_related kept: no query per row below
    assert "JOIN" not in str(keyed_page(columns, 0, 3, keys_from=rows.order_by("-reported_at", "-id")).query
                             ).split("IN (SELECT", 1)[1]  # the keys are sorted on the table alone


def test_a_queryset_keyed_page_cannot_rebuild_is_sliced_as_it_is(world):
    from django.db.models import Count

    from parkbeat.core.pagination import keyed_page

    build_varied(world)
    annotated = Incident.objects.annotate(n=Count("agencies")).order_by("-n", "id")
    page = keyed_page(annotated, 1, 4)
    assert page.query.is_sliced and [r.pk for r in page] == [r.pk for r in annotated[1:4]]
    assert keyed_page(list(annotated), 1, 4) == list(annotated)[1:4]
