"""Leaders are scoped by their subtree: a city leader's queries carry no park filter, a branch leader's a
subquery on the unit path (or the few ids of a small subtree), and both see exactly what the list of every
park id under their unit showed before, through pages, API and exports."""
import csv
import dataclasses
import io

import pytest
from django.apps import apps

from parkbeat.core import scoping
from parkbeat.core.models import ScopedQuerySet
from parkbeat.core.roles import Role
from parkbeat.disputes.models import Dispute
from parkbeat.disputes.tests.factories import open_dispute
from parkbeat.enterprises.models import Enterprise
from parkbeat.incidents.models import Incident
from parkbeat.incidents.tests.helpers import report
from parkbeat.org.models import OrgUnit
from parkbeat.testing import EnterpriseFactory, ParkFactory, UserFactory, assign

pytestmark = pytest.mark.django_db

LISTS = {"incidents": Incident, "disputes": Dispute, "enterprises": Enterprise}


@pytest.fixture
def city(world):
    """The two-station world plus a second branch with its own station, park, enterprise and cases."""
    w = world
    w.far_branch = OrgUnit.objects.create(name="芦淞分局", kind=OrgUnit.Kind.BRANCH, parent=w.city)
    w.far_station = OrgUnit.objects.create(name="建设派出所", kind=OrgUnit.Kind.STATION, parent=w.far_branch)
    w.far_park = ParkFactory(station=w.far_station, name="芦淞服饰园", code="lusong")
    w.far_enterprise = EnterpriseFactory(park=w.far_park, name="芦淞服饰有限公司")
    w.far_officer = assign(UserFactory(username="t_far_officer"), Role.PARK_OFFICER, park=w.far_park)
    w.cityleader = assign(UserFactory(username="t_cityleader"), Role.STATION_LEADER, unit=w.city)
    w.branchleader = assign(UserFactory(username="t_branchleader"), Role.STATION_LEADER, unit=w.branch)
    # A leader of the far station who is also officer of park A: two scopes at once.
    w.mixed = assign(assign(UserFactory(username="t_mixed"), Role.STATION_LEADER, unit=w.far_station),
                     Role.PARK_OFFICER, park=w.park)
    for park, officer in ((w.park, w.officer), (w.park2, w.officer2), (w.other_park, w.other_officer),
                          (w.far_park, w.far_officer)):
        report(w, actor=officer, park=park)
        open_dispute(w, actor=officer, park=park, enterprise=None)
    # The far officer is named as reporter of one in park A: he sees it as its owner, not through his park.
    w.far_reported = report(w, park=w.park)
    Incident.objects.filter(pk=w.far_reported.pk).update(reported_by=w.far_officer)
    return w


def ids(model, user):
    return set(model.objects.visible_to(user).values_list("pk", flat=True))


def scoped_models():
    return [m for m in apps.get_models() if isinstance(m._default_manager.all(), ScopedQuerySet)]


def test_a_city_leader_sees_every_park_and_his_queries_filter_nothing(city):
    for model in LISTS.values():
        qs = model.objects.visible_to(city.cityleader)
        assert set(qs.values_list("pk", flat=True)) == set(model.objects.values_list("pk", flat=True))
        assert " WHERE " not in str(qs.query)


def test_a_branch_leader_sees_exactly_his_branch(city):
    parks = {city.park.pk, city.park2.pk, city.other_park.pk}
    assert {i.park_id for i in Incident.objects.visible_to(city.branchleader)} == parks
    assert {d.park_id for d in Dispute.objects.visible_to(city.branchleader)} == parks
    assert {e.park_id for e in Enterprise.objects.visible_to(city.branchleader)} == parks
    assert not Incident.objects.visible_to(city.branchleader).filter(park=city.far_park).exists()


def test_a_large_subtree_is_a_subquery_on_the_unit_path(city, monkeypatch):
    monkeypatch.setattr(scoping, "SUBTREE_AS_LIST", 0)
    sql = str(Incident.objects.visible_to(city.branchleader).query)
    assert "org_orgunit" in sql and "LIKE" in sql
    assert {i.park_id for i in Incident.objects.visible_to(city.branchleader)} == {
        city.park.pk, city.park2.pk, city.other_park.pk}


@pytest.mark.parametrize("as_list", [0, 10**6])
def test_every_scoped_model_shows_what_the_list_of_every_park_id_showed(city, monkeypatch, as_list):
    """The reference: the park ids of the subtree as one literal list, never "everywhere" (the old way)."""
    users = [*city.role_users().values(), city.cityleader, city.branchleader, city.mixed, city.far_officer,
             city.other_officer]
    for model in scoped_models():
        for user in users:
            scoping.forget_access(user)
            monkeypatch.setattr(scoping, "SUBTREE_AS_LIST", 10**6)
            user._parkbeat_access = dataclasses.replace(scoping.access_for(user), everywhere=False)
            expected = ids(model, user)
            scoping.forget_access(user)
            monkeypatch.setattr(scoping, "SUBTREE_AS_LIST", as_list)
            assert ids(model, user) == expected, (model.__name__, user.username)


def test_a_leader_with_another_role_keeps_both_scopes(city):
    seen = {i.park_id for i in Incident.objects.visible_to(city.mixed)}
    assert seen == {city.park.pk, city.far_park.pk}
    assert city.far_reported.pk in ids(Incident, city.far_officer)
    assert city.far_reported.pk not in ids(Incident, city.other_officer)


def test_the_city_leader_only_through_the_leader_role_covers_every_park(city):
    """`roles=` narrows the paths: through the owner path alone he sees only what he reported."""
    assert not Incident.objects.visible_to(city.cityleader, roles={scoping.OWNER}).exists()


def test_leaders_see_their_subtree_on_pages_api_and_exports(city, client, api_as):
    expect = {"cityleader": {city.park, city.park2, city.other_park, city.far_park},
              "branchleader": {city.park, city.park2, city.other_park}}
    for who, parks in expect.items():
        user = getattr(city, who)
        client.force_login(user)
        for name, model in LISTS.items():
            count = model.objects.filter(park__in=parks).count()
            assert count and count == ids(model, user).__len__()
            assert client.get(f"/{name}/", {"page_size": 200}).context["paginator"].count == count, (who, name)
            body = api_as(user).get(f"/api/v1/{name}/", {"page_size": 200}).json()
            assert len(body["results"]) == count, (who, name)
            if model is not Enterprise:
                assert {r["park"] if isinstance(r["park"], int) else r["park"]["id"] for r in body["results"]} \
                    == {p.pk for p in parks}
            export = client.get(f"/{name}/", {"export": "csv"})
            assert export.status_code == 200, (who, name)
            rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
            assert len(rows) - 1 == count, (who, name)
