"""Enterprise registry services: permission, validation, optimistic versions, the demand state machine, audit."""
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parkbeat.audit.models import AuditEvent
from parkbeat.core.services import ConflictError, IllegalTransition
from parkbeat.testing import DemandFactory, LiaisonFactory, UserFactory, assign, credit_code
from parkbeat.enterprises import services
from parkbeat.enterprises.models import Demand, DemandTransition, Enterprise, Liaison, Visit
from parkbeat.org.models import Agency, Role

S = Demand.Status
FORBIDDEN = "You are not allowed to do this here."
CONFLICT = "This record was changed by someone else. Reload it and try again."


@pytest.fixture(autouse=True)
def _english(settings):
    """Assert exact messages in English, whatever translations the project ships."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def last_event_id():
    last = AuditEvent.objects.order_by("-id").first()
    return last.pk if last else 0


def events_since(event_id):
    return list(AuditEvent.objects.filter(id__gt=event_id).order_by("id"))


def enterprise_data(world, **overrides):
    return {"name": "株洲新马精密铸造有限公司", "credit_code": credit_code(), "park": world.park,
            "industry": "machinery", "headcount": 80, **overrides}


def bad_check_digit(code):
    return code[:-1] + ("0" if code[-1] != "0" else "1")


def in_a_week():
    return timezone.now() + timedelta(days=7)


# ------------------------------------------------------------------ enterprise_create
def test_officer_creates_enterprise_in_own_park_with_one_create_event(world):
    # given
    data = enterprise_data(world)
    mark = last_event_id()
    # when
    enterprise = services.enterprise_create(actor=world.officer, **data)
    # then
    stored = Enterprise.objects.get(pk=enterprise.pk)
    assert (stored.name, stored.credit_code, stored.park_id, stored.industry, stored.headcount, stored.version) == (
        "株洲新马精密铸造有限公司", data["credit_code"], world.park.pk, "machinery", 80, 1)
    [event] = events_since(mark)
    assert (event.verb, event.object_type, event.object_id, event.actor_id, event.actor_username,
            event.actor_roles, event.outcome) == (
        "create", "enterprises.Enterprise", str(enterprise.pk), world.officer.pk, "t_officer", "park_officer",
        "success")
    assert event.changes["credit_code"] == [None, data["credit_code"]]
    assert event.changes["park"] == [None, world.park.pk]
    assert event.changes["name"] == [None, "株洲新马精密铸造有限公司"]


def test_enterprise_create_ignores_fields_outside_the_whitelist(world):
    # given: a caller smuggles a version and an id
    data = enterprise_data(world, version=99, id=424242)
    # when
    enterprise = services.enterprise_create(actor=world.officer, **data)
    # then
    stored = Enterprise.objects.get(pk=enterprise.pk)
    assert stored.version == 1
    assert stored.pk != 424242


def test_enterprise_create_refuses_invalid_credit_code_and_creates_nothing(world):
    # given
    count, mark = Enterprise.objects.count(), last_event_id()
    data = enterprise_data(world, credit_code=bad_check_digit(credit_code()))
    # when
    with pytest.raises(ValidationError) as exc:
        services.enterprise_create(actor=world.officer, **data)
    # then
    assert exc.value.message_dict == {"credit_code": ["Not a valid unified social credit code."]}
    assert Enterprise.objects.count() == count
    assert events_since(mark) == []


def test_enterprise_create_refuses_key_status_outside_a_designation(world):
    # given
    count, mark = Enterprise.objects.count(), last_event_id()
    # when
    with pytest.raises(ValidationError) as exc:
        services.enterprise_create(actor=world.officer, **enterprise_data(world, is_key=True, key_reason="涉危化品"))
    # then
    message = ["Key status is set by designating the enterprise, not by editing it."]
    assert exc.value.message_dict == {"is_key": message, "key_reason": message}
    assert Enterprise.objects.count() == count
    assert events_since(mark) == []


def test_a_designated_enterprise_carries_its_reason_and_category(world):
    # when
    enterprise = services.enterprise_create(actor=world.officer, **enterprise_data(world))
    services.enterprise_designate(actor=world.officer, enterprise=enterprise, risk_category="hazmat",
                                  reason="涉危化品", expected_version=1)
    # then
    stored = Enterprise.objects.get(pk=enterprise.pk)
    assert (stored.is_key, stored.key_reason, stored.risk_category, stored.version) == (True, "涉危化品", "hazmat", 2)


def test_enterprise_create_refuses_longitude_without_latitude(world):
    # given
    count, mark = Enterprise.objects.count(), last_event_id()
    # when
    with pytest.raises(ValidationError) as exc:
        services.enterprise_create(actor=world.officer, **enterprise_data(world, lon=Decimal("113.1"), lat=None))
    # then
    assert exc.value.message_dict == {"__all__": ["Give both longitude (−180…180) and latitude (−90…90), or neither."]}
    assert Enterprise.objects.count() == count
    assert events_since(mark) == []


def test_enterprise_create_refuses_latitude_out_of_range(world):
    # given
    count = Enterprise.objects.count()
    # when
    with pytest.raises(ValidationError) as exc:
        services.enterprise_create(actor=world.officer,
                                   **enterprise_data(world, lon=Decimal("113.1"), lat=Decimal("95")))
    # then
    assert exc.value.message_dict == {"__all__": ["Give both longitude (−180…180) and latitude (−90…90), or neither."]}
    assert Enterprise.objects.count() == count


def test_database_refuses_longitude_without_latitude(world):
    # when / then: a write that bypasses full_clean (bulk paths, imports) must still be refused
    with pytest.raises(IntegrityError), transaction.atomic():
        Enterprise.objects.create(name="绕过校验企业", credit_code=credit_code(), park=world.park,
                                  lon=Decimal("113.1"), lat=None)


def test_enterprise_create_refuses_duplicate_credit_code(world):
    # given
    count, mark = Enterprise.objects.count(), last_event_id()
    # when
    with pytest.raises(ValidationError) as exc:
        services.enterprise_create(actor=world.officer,
                                   **enterprise_data(world, credit_code=world.enterprise.credit_code))
    # then
    assert exc.value.message_dict == {"credit_code": ["An enterprise with this credit code already exists."]}
    assert Enterprise.objects.count() == count
    assert events_since(mark) == []


def test_enterprise_create_refuses_duplicate_credit_code_in_lower_case(world):
    # given: world.enterprise's code contains letters (…MA…)
    duplicate = world.enterprise.credit_code.lower()
    count = Enterprise.objects.count()
    # when
    with pytest.raises(ValidationError):
        services.enterprise_create(actor=world.officer, **enterprise_data(world, credit_code=duplicate))
    # then
    assert Enterprise.objects.count() == count


def test_officer_cannot_create_enterprise_in_another_stations_park(world):
    # given
    count, mark = Enterprise.objects.count(), last_event_id()
    # when
    with pytest.raises(PermissionDenied) as exc:
        services.enterprise_create(actor=world.officer, **enterprise_data(world, park=world.other_park))
    # then
    assert str(exc.value) == FORBIDDEN
    assert Enterprise.objects.count() == count
    assert events_since(mark) == []


def test_officer_cannot_create_enterprise_in_uncovered_park_of_own_station(world):
    # given: park2 is the same station's, but world.officer covers only world.park
    count = Enterprise.objects.count()
    # when
    with pytest.raises(PermissionDenied):
        services.enterprise_create(actor=world.officer, **enterprise_data(world, park=world.park2))
    # then
    assert Enterprise.objects.count() == count


def test_leader_creates_enterprise_in_any_park_of_the_station(world):
    # when
    enterprise = services.enterprise_create(actor=world.leader, **enterprise_data(world, park=world.park2))
    # then
    assert Enterprise.objects.get(pk=enterprise.pk).park_id == world.park2.pk


@pytest.mark.parametrize("role", ["liaison", "mediator", "agency_staff", "volunteer", "sysadmin", "auditor", "nobody"])
def test_non_police_cannot_create_enterprise(world, role):
    # given
    count, mark = Enterprise.objects.count(), last_event_id()
    # when
    with pytest.raises(PermissionDenied):
        services.enterprise_create(actor=getattr(world, role), **enterprise_data(world))
    # then
    assert Enterprise.objects.count() == count
    assert events_since(mark) == []


# ------------------------------------------------------------------ enterprise_update
def test_officer_updates_enterprise_bumps_version_and_records_the_change(world):
    # given
    mark = last_event_id()
    # when
    services.enterprise_update(actor=world.officer, enterprise=world.enterprise, data={"headcount": 120},
                               expected_version=1)
    # then
    stored = Enterprise.objects.get(pk=world.enterprise.pk)
    assert (stored.headcount, stored.version) == (120, 2)
    [event] = events_since(mark)
    assert (event.verb, event.object_type, event.object_id, event.actor_id, event.changes) == (
        "update", "enterprises.Enterprise", str(world.enterprise.pk), world.officer.pk, {"headcount": [100, 120]})


def test_update_without_changes_writes_nothing(world):
    # given
    mark = last_event_id()
    # when
    services.enterprise_update(actor=world.officer, enterprise=world.enterprise, data={"headcount": 100},
                               expected_version=1)
    # then
    assert Enterprise.objects.get(pk=world.enterprise.pk).version == 1
    assert events_since(mark) == []


def test_update_ignores_fields_outside_the_whitelist(world):
    # when: version and id are not editable through the service
    services.enterprise_update(actor=world.officer, enterprise=world.enterprise,
                               data={"headcount": 130, "version": 50}, expected_version=1)
    # then
    stored = Enterprise.objects.get(pk=world.enterprise.pk)
    assert (stored.headcount, stored.version) == (130, 2)


def test_update_with_invalid_data_changes_nothing(world):
    # given
    mark = last_event_id()
    # when
    with pytest.raises(ValidationError) as exc:
        services.enterprise_update(actor=world.officer, enterprise=world.enterprise,
                                   data={"headcount": 10, "lon": Decimal("113.1")}, expected_version=1)
    # then
    assert exc.value.messages == ["Give both longitude (−180…180) and latitude (−90…90), or neither."]
    stored = Enterprise.objects.get(pk=world.enterprise.pk)
    assert (stored.headcount, stored.lon, stored.version) == (100, None, 1)
    assert events_since(mark) == []


def test_update_refuses_key_status_outside_a_designation(world):
    mark = last_event_id()

    with pytest.raises(ValidationError) as exc:
        services.enterprise_update(actor=world.officer, enterprise=world.enterprise, data={"is_key": True},
                                   expected_version=1)

    assert exc.value.message_dict == {"is_key": ["Key status is set by designating the enterprise, not by editing it."]}
    assert Enterprise.objects.get(pk=world.enterprise.pk).is_key is False
    assert events_since(mark) == []


def test_officer_cannot_move_enterprise_to_another_stations_park(world):
    # given
    mark = last_event_id()
    # when
    with pytest.raises(PermissionDenied):
        services.enterprise_update(actor=world.officer, enterprise=world.enterprise,
                                   data={"park": world.other_park}, expected_version=1)
    # then
    stored = Enterprise.objects.get(pk=world.enterprise.pk)
    assert (stored.park_id, stored.version) == (world.park.pk, 1)
    assert events_since(mark) == []


def test_officer_cannot_move_enterprise_to_uncovered_park_of_own_station(world):
    # when
    with pytest.raises(PermissionDenied):
        services.enterprise_update(actor=world.officer, enterprise=world.enterprise,
                                   data={"park": world.park2}, expected_version=1)
    # then
    assert Enterprise.objects.get(pk=world.enterprise.pk).park_id == world.park.pk


def test_leader_moves_enterprise_between_parks_of_the_station(world):
    # given
    mark = last_event_id()
    # when
    services.enterprise_update(actor=world.leader, enterprise=world.enterprise, data={"park": world.park2},
                               expected_version=1)
    # then
    assert Enterprise.objects.get(pk=world.enterprise.pk).park_id == world.park2.pk
    [event] = events_since(mark)
    assert (event.verb, event.actor_id, event.changes) == ("update", world.leader.pk,
                                                           {"park": [world.park.pk, world.park2.pk]})


def test_officer_cannot_update_another_stations_enterprise(world):
    # given
    mark = last_event_id()
    # when
    with pytest.raises(PermissionDenied):
        services.enterprise_update(actor=world.officer, enterprise=world.other_enterprise,
                                   data={"name": "改名"}, expected_version=1)
    # then
    stored = Enterprise.objects.get(pk=world.other_enterprise.pk)
    assert (stored.name, stored.version) == ("群丰食品有限公司", 1)
    assert events_since(mark) == []


def test_liaison_cannot_update_own_enterprise(world):
    # when
    with pytest.raises(PermissionDenied):
        services.enterprise_update(actor=world.liaison, enterprise=world.enterprise, data={"headcount": 5},
                                   expected_version=1)
    # then
    assert Enterprise.objects.get(pk=world.enterprise.pk).headcount == 100


def test_second_writer_with_stale_version_gets_conflict_and_first_value_survives(world):
    # given: two people load version 1
    first_copy = Enterprise.objects.get(pk=world.enterprise.pk)
    second_copy = Enterprise.objects.get(pk=world.enterprise.pk)
    mark = last_event_id()
    # when
    services.enterprise_update(actor=world.officer, enterprise=first_copy, data={"name": "第一人改的名"},
                               expected_version=1)
    with pytest.raises(ConflictError) as exc:
        services.enterprise_update(actor=world.leader, enterprise=second_copy, data={"name": "第二人改的名"},
                                   expected_version=1)
    # then
    assert str(exc.value) == CONFLICT
    stored = Enterprise.objects.get(pk=world.enterprise.pk)
    assert (stored.name, stored.version) == ("第一人改的名", 2)
    [event] = events_since(mark)
    assert (event.actor_id, event.changes) == (world.officer.pk, {"name": ["株洲新马机械有限公司", "第一人改的名"]})


def test_stale_copy_without_expected_version_also_conflicts(world):
    # given
    stale = Enterprise.objects.get(pk=world.enterprise.pk)
    services.enterprise_update(actor=world.officer, enterprise=world.enterprise, data={"headcount": 150},
                               expected_version=1)
    # when
    with pytest.raises(ConflictError):
        services.enterprise_update(actor=world.leader, enterprise=stale, data={"headcount": 160})
    # then
    stored = Enterprise.objects.get(pk=world.enterprise.pk)
    assert (stored.headcount, stored.version) == (150, 2)


def test_stale_version_with_no_effective_change_still_conflicts(world):
    # given: the record is at version 2
    services.enterprise_update(actor=world.officer, enterprise=world.enterprise, data={"headcount": 150},
                               expected_version=1)
    fresh = Enterprise.objects.get(pk=world.enterprise.pk)
    # when / then
    with pytest.raises(ConflictError):
        services.enterprise_update(actor=world.leader, enterprise=fresh, data={"headcount": 150},
                                   expected_version=1)


# ------------------------------------------------------------------ liaisons
def test_officer_creates_liaison_with_one_create_event(world):
    # given
    mark = last_event_id()
    # when
    liaison = services.liaison_create(actor=world.officer, enterprise=world.enterprise,
                                      kind=Liaison.Kind.SECURITY_HEAD, name="王保卫", mobile="13812345678")
    # then
    stored = Liaison.objects.get(pk=liaison.pk)
    assert (stored.enterprise_id, stored.kind, stored.name, stored.mobile) == (
        world.enterprise.pk, "security_head", "王保卫", "13812345678")
    [event] = events_since(mark)
    assert (event.verb, event.object_type, event.actor_id) == ("create", "enterprises.Liaison", world.officer.pk)


@pytest.mark.parametrize("mobile", ["12812345678", "1381234567", "2381234567a", ""])
def test_liaison_create_refuses_invalid_mobile(world, mobile):
    # given
    count, mark = Liaison.objects.count(), last_event_id()
    # when
    with pytest.raises(ValidationError) as exc:
        services.liaison_create(actor=world.officer, enterprise=world.enterprise,
                                kind=Liaison.Kind.SECURITY_HEAD, name="王保卫", mobile=mobile)
    # then
    assert "mobile" in exc.value.message_dict
    assert Liaison.objects.count() == count
    assert events_since(mark) == []


def test_liaison_create_refuses_mobile_not_starting_13_to_19_with_readable_message(world):
    with pytest.raises(ValidationError) as exc:
        services.liaison_create(actor=world.officer, enterprise=world.enterprise,
                                kind=Liaison.Kind.SECURITY_HEAD, name="王保卫", mobile="12812345678")
    assert exc.value.message_dict == {"mobile": ["Enter a mainland mobile number: 11 digits starting with 13–19."]}


def test_second_liaison_of_the_same_kind_is_refused(world):
    # given
    LiaisonFactory(enterprise=world.enterprise, kind=Liaison.Kind.ADMIN_HEAD)
    count = Liaison.objects.count()
    # when
    with pytest.raises(ValidationError) as exc:
        services.liaison_create(actor=world.officer, enterprise=world.enterprise, kind=Liaison.Kind.ADMIN_HEAD,
                                name="李行政", mobile="13812345678")
    # then
    assert exc.value.message_dict == {"__all__": ["This enterprise already has a liaison of that kind."]}
    assert Liaison.objects.count() == count


def test_liaison_user_edits_own_enterprises_liaison(world):
    # given
    contact = LiaisonFactory(enterprise=world.enterprise, title="")
    mark = last_event_id()
    # when
    services.liaison_update(actor=world.liaison, liaison=contact, data={"title": "安保部经理"}, expected_version=1)
    # then
    stored = Liaison.objects.get(pk=contact.pk)
    assert (stored.title, stored.version) == ("安保部经理", 2)
    [event] = events_since(mark)
    assert (event.verb, event.object_type, event.actor_id, event.changes) == (
        "update", "enterprises.Liaison", world.liaison.pk, {"title": ["", "安保部经理"]})


def test_liaison_user_creates_liaison_for_own_enterprise(world):
    # when
    contact = services.liaison_create(actor=world.liaison, enterprise=world.enterprise,
                                      kind=Liaison.Kind.ADMIN_HEAD, name="李行政", mobile="13912345678")
    # then
    assert Liaison.objects.get(pk=contact.pk).enterprise_id == world.enterprise.pk


def test_liaison_user_cannot_edit_another_enterprises_liaison(world):
    # given: enterprise2 is in the same park but not the liaison's enterprise
    contact = LiaisonFactory(enterprise=world.enterprise2, title="")
    mark = last_event_id()
    # when
    with pytest.raises(PermissionDenied):
        services.liaison_update(actor=world.liaison, liaison=contact, data={"title": "篡改"}, expected_version=1)
    # then
    stored = Liaison.objects.get(pk=contact.pk)
    assert (stored.title, stored.version) == ("", 1)
    assert events_since(mark) == []


def test_liaison_user_cannot_create_liaison_for_another_enterprise(world):
    # given
    count = Liaison.objects.count()
    # when
    with pytest.raises(PermissionDenied):
        services.liaison_create(actor=world.liaison, enterprise=world.enterprise2, kind=Liaison.Kind.ADMIN_HEAD,
                                name="李行政", mobile="13912345678")
    # then
    assert Liaison.objects.count() == count


def test_liaison_update_cannot_move_liaison_to_another_enterprise(world):
    # given
    contact = LiaisonFactory(enterprise=world.enterprise)
    # when: `enterprise` is not an editable field
    services.liaison_update(actor=world.officer, liaison=contact, data={"enterprise": world.enterprise2},
                            expected_version=1)
    # then
    assert Liaison.objects.get(pk=contact.pk).enterprise_id == world.enterprise.pk


def test_liaison_update_refuses_invalid_mobile_and_changes_nothing(world):
    # given
    contact = LiaisonFactory(enterprise=world.enterprise, mobile="13912345678")
    mark = last_event_id()
    # when
    with pytest.raises(ValidationError) as exc:
        services.liaison_update(actor=world.officer, liaison=contact, data={"mobile": "1391234567"},
                                expected_version=1)
    # then
    assert list(exc.value.message_dict) == ["mobile"]
    stored = Liaison.objects.get(pk=contact.pk)
    assert (stored.mobile, stored.version) == ("13912345678", 1)
    assert events_since(mark) == []


# ------------------------------------------------------------------ visits
def test_visit_with_demands_creates_visit_demands_and_their_events_together(world):
    # given
    mark = last_event_id()
    due = in_a_week()
    # when
    visit = services.visit_create(actor=world.officer, enterprise=world.enterprise, findings="消防通道堵塞",
                                  met_with="王保卫",
                                  demands=[{"category": "security", "content": "夜间路灯不亮", "due_at": due},
                                           {"category": "traffic", "content": "货车乱停"}])
    # then
    stored = Visit.objects.get(pk=visit.pk)
    assert (stored.enterprise_id, stored.visitor_id, stored.findings, stored.met_with) == (
        world.enterprise.pk, world.officer.pk, "消防通道堵塞", "王保卫")
    demands = list(Demand.objects.filter(visit=visit).order_by("id"))
    assert [(d.category, d.content, d.source, d.raised_by_id, d.status) for d in demands] == [
        ("security", "夜间路灯不亮", "visit", world.officer.pk, "open"),
        ("traffic", "货车乱停", "visit", world.officer.pk, "open")]
    assert demands[0].due_at == due
    assert [(t.demand_id, t.from_status, t.to_status) for t in DemandTransition.objects.order_by("id")] == [
        (demands[0].pk, "", "open"), (demands[1].pk, "", "open")]
    assert [(e.verb, e.object_type, e.object_id, e.actor_id) for e in events_since(mark)] == [
        ("create", "enterprises.Visit", str(visit.pk), world.officer.pk),
        ("create", "enterprises.Demand", str(demands[0].pk), world.officer.pk),
        ("create", "enterprises.Demand", str(demands[1].pk), world.officer.pk)]


@pytest.mark.parametrize("bad_demand", [
    {"category": "security", "content": "过期的诉求", "due_at": timezone.now() - timedelta(hours=1)},
    {"category": "no-such-category", "content": "类别不存在"},
    {"category": "security", "content": ""},
])
def test_visit_with_an_invalid_demand_creates_nothing(world, bad_demand):
    # given
    mark = last_event_id()
    # when
    with pytest.raises(ValidationError):
        services.visit_create(actor=world.officer, enterprise=world.enterprise, findings="正常",
                              demands=[{"category": "security", "content": "有效诉求"}, bad_demand])
    # then
    assert Visit.objects.count() == 0
    assert Demand.objects.count() == 0
    assert DemandTransition.objects.count() == 0
    assert events_since(mark) == []


def test_liaison_cannot_record_a_visit(world):
    # when
    with pytest.raises(PermissionDenied):
        services.visit_create(actor=world.liaison, enterprise=world.enterprise, findings="自己走访自己")
    # then
    assert Visit.objects.count() == 0


def test_officer_cannot_visit_another_stations_enterprise(world):
    # when
    with pytest.raises(PermissionDenied):
        services.visit_create(actor=world.officer, enterprise=world.other_enterprise, findings="越界")
    # then
    assert Visit.objects.count() == 0


# ------------------------------------------------------------------ demand_create
def test_liaison_raises_demand_for_own_enterprise(world):
    # given
    mark = last_event_id()
    before = timezone.now()
    # when
    demand = services.demand_create(actor=world.liaison, enterprise=world.enterprise, category="labour",
                                    content="有员工讨薪")
    # then
    after = timezone.now()
    stored = Demand.objects.get(pk=demand.pk)
    assert (stored.enterprise_id, stored.source, stored.raised_by_id, stored.status, stored.assignee_id,
            stored.version) == (world.enterprise.pk, "liaison", world.liaison.pk, "open", None, 1)
    assert before + timedelta(days=7) <= stored.due_at <= after + timedelta(days=7)
    assert [(t.from_status, t.to_status, t.actor_id) for t in stored.transitions.all()] == [
        ("", "open", world.liaison.pk)]
    [event] = events_since(mark)
    assert (event.verb, event.object_type, event.object_id, event.actor_id) == (
        "create", "enterprises.Demand", str(demand.pk), world.liaison.pk)


def test_officer_records_demand_with_source_officer(world):
    # when
    demand = services.demand_create(actor=world.officer, enterprise=world.enterprise, category="security",
                                    content="门口积水", due_at=in_a_week())
    # then
    assert Demand.objects.get(pk=demand.pk).source == "officer"


def test_liaison_cannot_raise_demand_for_another_enterprise(world):
    # given
    mark = last_event_id()
    # when
    with pytest.raises(PermissionDenied):
        services.demand_create(actor=world.liaison, enterprise=world.enterprise2, category="labour",
                               content="替别人提诉求")
    # then
    assert Demand.objects.count() == 0
    assert events_since(mark) == []


def test_liaison_cannot_choose_the_assignee(world):
    # when
    with pytest.raises(ValidationError) as exc:
        services.demand_create(actor=world.liaison, enterprise=world.enterprise, category="labour",
                               content="指定民警", assignee=world.officer)
    # then
    assert exc.value.message_dict == {
        "assignee": ["Only the station leader or the park officer assigns demands."]}
    assert Demand.objects.count() == 0


def test_demand_with_due_date_in_the_past_is_refused(world):
    # given
    mark = last_event_id()
    # when
    with pytest.raises(ValidationError) as exc:
        services.demand_create(actor=world.officer, enterprise=world.enterprise, category="security",
                               content="已过期", due_at=timezone.now() - timedelta(minutes=1))
    # then
    assert exc.value.message_dict == {"due_at": ["The answer deadline must lie in the future."]}
    assert Demand.objects.count() == 0
    assert events_since(mark) == []


def test_demand_update_refuses_due_date_in_the_past(world):
    # given
    demand = DemandFactory(enterprise=world.enterprise, raised_by=world.liaison)
    original_due = Demand.objects.get(pk=demand.pk).due_at
    # when
    with pytest.raises(ValidationError):
        services.demand_update(actor=world.officer, demand=demand,
                               data={"due_at": timezone.now() - timedelta(days=1)}, expected_version=1)
    # then
    assert Demand.objects.get(pk=demand.pk).due_at == original_due


def test_demand_update_by_officer_changes_content(world):
    # given
    demand = DemandFactory(enterprise=world.enterprise, raised_by=world.liaison, content="旧内容")
    mark = last_event_id()
    # when
    services.demand_update(actor=world.officer, demand=demand, data={"content": "新内容", "status": "closed"},
                           expected_version=1)
    # then: status is not editable this way
    stored = Demand.objects.get(pk=demand.pk)
    assert (stored.content, stored.status, stored.version) == ("新内容", "open", 2)
    [event] = events_since(mark)
    assert (event.verb, event.changes) == ("update", {"content": ["旧内容", "新内容"]})


def test_liaison_cannot_edit_own_demand_after_raising_it(world):
    # given
    demand = DemandFactory(enterprise=world.enterprise, raised_by=world.liaison, content="原话")
    # when
    with pytest.raises(PermissionDenied):
        services.demand_update(actor=world.liaison, demand=demand, data={"content": "改口"}, expected_version=1)
    # then
    assert Demand.objects.get(pk=demand.pk).content == "原话"


# ------------------------------------------------------------------ assignment
def test_leader_assigns_demand_to_officer_covering_the_enterprise(world):
    # given
    demand = DemandFactory(enterprise=world.enterprise, raised_by=world.liaison)
    mark = last_event_id()
    # when
    services.demand_assign(actor=world.leader, demand=demand, assignee=world.officer, expected_version=1)
    # then
    stored = Demand.objects.get(pk=demand.pk)
    assert (stored.assignee_id, stored.status, stored.version) == (world.officer.pk, "open", 2)
    [event] = events_since(mark)
    assert (event.verb, event.object_type, event.actor_id, event.changes, event.note) == (
        "update", "enterprises.Demand", world.leader.pk, {"assignee": [None, world.officer.pk]}, "Assigned")


def test_demand_can_be_assigned_to_agency_staff_serving_the_park(world):
    # given
    demand = DemandFactory(enterprise=world.enterprise, raised_by=world.liaison)
    # when
    services.demand_assign(actor=world.officer, demand=demand, assignee=world.agency_staff, expected_version=1)
    # then
    assert Demand.objects.get(pk=demand.pk).assignee_id == world.agency_staff.pk


@pytest.mark.parametrize("who", ["other_officer", "officer2", "liaison", "mediator", "volunteer", "auditor", "nobody"])
def test_demand_cannot_be_assigned_to_someone_not_covering_the_enterprise(world, who):
    # given
    demand = DemandFactory(enterprise=world.enterprise, raised_by=world.liaison)
    assignee = getattr(world, who)
    mark = last_event_id()
    # when
    with pytest.raises(ValidationError) as exc:
        services.demand_assign(actor=world.leader, demand=demand, assignee=assignee, expected_version=1)
    # then
    assert exc.value.message_dict == {"assignee": [f"{assignee} does not cover this enterprise."]}
    stored = Demand.objects.get(pk=demand.pk)
    assert (stored.assignee_id, stored.version) == (None, 1)
    assert events_since(mark) == []


def test_demand_cannot_be_assigned_to_staff_of_an_agency_not_serving_the_park(world):
    # given: another station's agency serving only the other park
    other_agency = Agency.objects.create(name="群丰应急管理站", kind=Agency.Kind.EMERGENCY, station=world.other_station)
    other_agency.parks.add(world.other_park)
    outsider = assign(UserFactory(username="t_other_agency"), Role.AGENCY_STAFF, agency=other_agency)
    demand = DemandFactory(enterprise=world.enterprise, raised_by=world.liaison)
    mark = last_event_id()
    # when
    with pytest.raises(ValidationError) as exc:
        services.demand_assign(actor=world.leader, demand=demand, assignee=outsider, expected_version=1)
    # then
    assert exc.value.message_dict == {"assignee": [f"{outsider} does not cover this enterprise."]}
    assert Demand.objects.get(pk=demand.pk).assignee_id is None
    assert events_since(mark) == []
    assert not Demand.objects.visible_to(outsider).filter(pk=demand.pk).exists()


@pytest.mark.parametrize("who", ["auxiliary", "liaison", "agency_staff", "other_officer"])
def test_only_leader_or_park_officer_assigns(world, who):
    # given
    demand = DemandFactory(enterprise=world.enterprise, raised_by=world.liaison)
    # when
    with pytest.raises(PermissionDenied):
        services.demand_assign(actor=getattr(world, who), demand=demand, assignee=world.officer,
                               expected_version=1)
    # then
    assert Demand.objects.get(pk=demand.pk).assignee_id is None


def test_closed_demand_cannot_be_reassigned(world):
    # given
    demand = DemandFactory(enterprise=world.enterprise, raised_by=world.liaison, status=S.CLOSED)
    # when
    with pytest.raises(ValidationError) as exc:
        services.demand_assign(actor=world.leader, demand=demand, assignee=world.officer, expected_version=1)
    # then
    assert exc.value.messages == ["A closed demand cannot be reassigned."]
    assert Demand.objects.get(pk=demand.pk).assignee_id is None


# ------------------------------------------------------------------ the state machine
def demand_in(world, status):
    """A demand of world.enterprise, raised by its liaison, sitting in `status` at version 1."""
    extra = {"answer": "已答复", "answered_at": timezone.now()} if status == S.ANSWERED else {}
    return DemandFactory(enterprise=world.enterprise, raised_by=world.liaison, status=status, **extra)


ALLOWED = [(source, target) for source, targets in Demand.TRANSITIONS.items() for target in sorted(targets)]
ILLEGAL = [(source, target) for source in S for target in S if target not in Demand.TRANSITIONS[source]]


def test_transition_tables_cover_every_pair():
    assert len(ALLOWED) == 7
    assert len(ILLEGAL) == 9


@pytest.mark.parametrize(("source", "target"), ALLOWED)
def test_allowed_transition_succeeds_and_writes_one_transition_row_and_one_event(world, source, target):
    # given
    demand = demand_in(world, source)
    mark = last_event_id()
    # when
    services.demand_transition(actor=world.officer, demand=demand, to=target, note="处理",
                               answer="已联系企业" if target == S.ANSWERED else "", expected_version=1)
    # then
    stored = Demand.objects.get(pk=demand.pk)
    assert (stored.status, stored.version) == (target, 2)
    assert [(t.from_status, t.to_status, t.actor_id, t.note) for t in stored.transitions.all()] == [
        (source, target, world.officer.pk, "处理")]
    [event] = events_since(mark)
    assert (event.object_type, event.object_id, event.actor_id, event.note) == (
        "enterprises.Demand", str(demand.pk), world.officer.pk, "处理")
    assert event.changes["status"] == [source, target]


@pytest.mark.parametrize(("source", "target"), ILLEGAL)
def test_illegal_transition_raises_and_changes_nothing(world, source, target):
    # given
    demand = demand_in(world, source)
    mark = last_event_id()
    # when
    with pytest.raises(IllegalTransition) as exc:
        services.demand_transition(actor=world.officer, demand=demand, to=target, answer="答复",
                                   expected_version=1)
    # then
    assert str(exc.value) == f"A demand that is “{S(source).label}” cannot become “{S(target).label}”."
    stored = Demand.objects.get(pk=demand.pk)
    assert (stored.status, stored.version) == (source, 1)
    assert DemandTransition.objects.filter(demand=demand).count() == 0
    assert events_since(mark) == []


def test_state_change_is_audited_as_a_transition(world):
    # given
    demand = demand_in(world, S.OPEN)
    mark = last_event_id()
    # when
    services.demand_transition(actor=world.officer, demand=demand, to=S.IN_PROGRESS, expected_version=1)
    # then
    [event] = events_since(mark)
    assert event.verb == "transition"


def test_answer_sets_the_trimmed_answer_and_answered_time(world):
    # given
    demand = demand_in(world, S.IN_PROGRESS)
    before = timezone.now()
    # when
    services.demand_transition(actor=world.officer, demand=demand, to=S.ANSWERED, answer="  已加派巡逻  ",
                               expected_version=1)
    # then
    stored = Demand.objects.get(pk=demand.pk)
    assert (stored.status, stored.answer) == ("answered", "已加派巡逻")
    assert before <= stored.answered_at <= timezone.now()


def test_close_sets_closed_time(world):
    # given
    demand = demand_in(world, S.ANSWERED)
    before = timezone.now()
    # when
    services.demand_transition(actor=world.leader, demand=demand, to=S.CLOSED, expected_version=1)
    # then
    stored = Demand.objects.get(pk=demand.pk)
    assert stored.status == "closed"
    assert before <= stored.closed_at <= timezone.now()


@pytest.mark.parametrize("answer", ["", "   \n "])
def test_answer_requires_text_and_changes_nothing(world, answer):
    # given
    demand = demand_in(world, S.IN_PROGRESS)
    mark = last_event_id()
    # when
    with pytest.raises(ValidationError) as exc:
        services.demand_transition(actor=world.officer, demand=demand, to=S.ANSWERED, answer=answer,
                                   expected_version=1)
    # then
    assert exc.value.message_dict == {"answer": ["Write the answer given to the enterprise."]}
    stored = Demand.objects.get(pk=demand.pk)
    assert (stored.status, stored.answer, stored.version) == ("in_progress", "", 1)
    assert DemandTransition.objects.filter(demand=demand).count() == 0
    assert events_since(mark) == []


def test_agency_assignee_can_start_and_answer(world):
    # given: agency staff are not police; being the assignee is what lets them answer
    demand = demand_in(world, S.OPEN)
    services.demand_assign(actor=world.officer, demand=demand, assignee=world.agency_staff, expected_version=1)
    # when
    services.demand_transition(actor=world.agency_staff, demand=demand, to=S.IN_PROGRESS, expected_version=2)
    services.demand_transition(actor=world.agency_staff, demand=demand, to=S.ANSWERED, answer="已现场检查消防设施",
                               expected_version=3)
    # then
    stored = Demand.objects.get(pk=demand.pk)
    assert (stored.status, stored.answer, stored.version) == ("answered", "已现场检查消防设施", 4)
    assert [(t.from_status, t.to_status, t.actor_id) for t in stored.transitions.all()] == [
        ("open", "in_progress", world.agency_staff.pk), ("in_progress", "answered", world.agency_staff.pk)]


def test_agency_staff_not_assigned_cannot_answer(world):
    # given
    demand = demand_in(world, S.OPEN)
    # when
    with pytest.raises(PermissionDenied):
        services.demand_transition(actor=world.agency_staff, demand=demand, to=S.ANSWERED, answer="越权答复",
                                   expected_version=1)
    # then
    assert Demand.objects.get(pk=demand.pk).status == "open"


def test_agency_assignee_cannot_close(world):
    # given
    demand = demand_in(world, S.ANSWERED)
    Demand.objects.filter(pk=demand.pk).update(assignee=world.agency_staff)
    demand.refresh_from_db()
    # when
    with pytest.raises(PermissionDenied):
        services.demand_transition(actor=world.agency_staff, demand=demand, to=S.CLOSED, expected_version=1)
    # then
    assert Demand.objects.get(pk=demand.pk).status == "answered"


@pytest.mark.parametrize("target", [S.IN_PROGRESS, S.ANSWERED, S.CLOSED])
def test_liaison_cannot_move_own_enterprises_demand(world, target):
    # given
    demand = demand_in(world, S.OPEN)
    mark = last_event_id()
    # when
    with pytest.raises(PermissionDenied):
        services.demand_transition(actor=world.liaison, demand=demand, to=target, answer="自己答复",
                                   expected_version=1)
    # then
    stored = Demand.objects.get(pk=demand.pk)
    assert (stored.status, stored.version) == ("open", 1)
    assert events_since(mark) == []


def test_liaison_cannot_close_an_answered_demand(world):
    # given
    demand = demand_in(world, S.ANSWERED)
    # when
    with pytest.raises(PermissionDenied):
        services.demand_transition(actor=world.liaison, demand=demand, to=S.CLOSED, expected_version=1)
    # then
    assert Demand.objects.get(pk=demand.pk).status == "answered"


def test_auxiliary_answers_but_cannot_close_or_reopen(world):
    # given
    answered = demand_in(world, S.ANSWERED)
    open_demand = demand_in(world, S.OPEN)
    # when
    services.demand_transition(actor=world.auxiliary, demand=open_demand, to=S.ANSWERED, answer="已处理",
                               expected_version=1)
    with pytest.raises(PermissionDenied):
        services.demand_transition(actor=world.auxiliary, demand=answered, to=S.CLOSED, expected_version=1)
    with pytest.raises(PermissionDenied):
        services.demand_transition(actor=world.auxiliary, demand=answered, to=S.IN_PROGRESS, expected_version=1)
    # then
    assert Demand.objects.get(pk=open_demand.pk).status == "answered"
    assert Demand.objects.get(pk=answered.pk).status == "answered"


def test_other_station_officer_cannot_move_the_demand(world):
    # given
    demand = demand_in(world, S.OPEN)
    # when
    with pytest.raises(PermissionDenied):
        services.demand_transition(actor=world.other_officer, demand=demand, to=S.IN_PROGRESS, expected_version=1)
    # then
    assert Demand.objects.get(pk=demand.pk).status == "open"


def test_transition_with_stale_version_conflicts_and_changes_nothing(world):
    # given: someone started the demand since it was loaded
    demand = demand_in(world, S.OPEN)
    stale = Demand.objects.get(pk=demand.pk)
    services.demand_transition(actor=world.officer, demand=demand, to=S.IN_PROGRESS, expected_version=1)
    # when
    with pytest.raises(ConflictError):
        services.demand_transition(actor=world.leader, demand=stale, to=S.CLOSED, expected_version=1)
    # then
    stored = Demand.objects.get(pk=demand.pk)
    assert (stored.status, stored.version, stored.closed_at) == ("in_progress", 2, None)
    assert DemandTransition.objects.filter(demand=demand).count() == 1


ACTIONS = {"start": S.IN_PROGRESS, "answer": S.ANSWERED, "close": S.CLOSED, "reopen": S.IN_PROGRESS}
ACTORS = ["officer", "liaison", "auxiliary", "leader"]


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.tuples(st.sampled_from(sorted(ACTIONS)), st.sampled_from(ACTORS),
                                st.sampled_from(["", "已处理"])), min_size=1, max_size=8))
def test_demand_never_leaves_its_state_machine(world, steps):
    # given: a fresh demand for each example
    demand = DemandFactory(enterprise=world.enterprise, raised_by=world.liaison)
    for action, who, answer in steps:
        before = Demand.objects.get(pk=demand.pk)
        rows = DemandTransition.objects.filter(demand=demand).count()
        # when
        try:
            services.demand_transition(actor=getattr(world, who), demand=Demand.objects.get(pk=demand.pk),
                                       to=ACTIONS[action],
                                       answer=answer, expected_version=before.version)
            moved = True
        except (PermissionDenied, ValidationError, IllegalTransition):
            moved = False
        # then
        after = Demand.objects.get(pk=demand.pk)
        if before.status == S.CLOSED:
            assert not moved
            assert after.status == S.CLOSED
        if moved:
            assert after.status in Demand.TRANSITIONS[before.status]
            assert after.status == ACTIONS[action]
            assert after.version == before.version + 1
            assert DemandTransition.objects.filter(demand=demand).count() == rows + 1
            assert who != "liaison"
            if after.status == S.CLOSED or before.status == S.ANSWERED:
                assert who in ("officer", "leader")
            if after.status == S.ANSWERED:
                assert after.answer == "已处理"
        else:
            assert (after.status, after.version) == (before.status, before.version)
            assert DemandTransition.objects.filter(demand=demand).count() == rows
