"""Checklists and their versions; planning and recording an inspection."""
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from parkbeat.audit.models import AuditEvent
from parkbeat.core.services import ConflictError
from parkbeat.inspections import services
from parkbeat.inspections.models import ChecklistTemplate, ChecklistVersion, Inspection, InspectionResult
from parkbeat.inspections.tests import helpers as h
from parkbeat.testing import UserFactory, assign
from parkbeat.org.models import Agency, Role

AREAS = [{"kind": "workshop", "name": "车间", "required": True, "items": ["通道畅通", "设备防护"]},
         {"kind": "dormitory", "name": "宿舍", "required": False, "items": ["无大功率电器"]}]


def test_the_default_checklists_are_shipped_in_chinese(db):
    names = set(ChecklistTemplate.objects.values_list("name", flat=True))

    assert {"通用安全检查表", "危险化学品企业检查表", "大型仓储企业检查表", "人员密集企业检查表"} <= names
    areas = list(h.general().areas.values_list("kind", "required"))
    assert {kind for kind, _required in areas} == {"workshop", "warehouse", "fire", "electrical", "hazmat",
                                                   "dormitory", "security"}
    assert ("hazmat", False) in areas and ("fire", True) in areas


def test_the_checklist_that_fits_the_risk_category_is_chosen(world):
    hazmat = h.make_key(world, category="hazmat")
    crowd = h.make_key(world, enterprise=world.enterprise2, category="crowd")

    assert services.checklist_for(hazmat).template.name == "危险化学品企业检查表"
    assert services.checklist_for(crowd).template.name == "人员密集企业检查表"
    assert services.checklist_for(world.park2_enterprise).template.name == "通用安全检查表"
    assert h.plan(world, enterprise=hazmat, checklist=None).checklist.template.name == "危险化学品企业检查表"


def test_a_checklist_is_created_with_its_first_version(world):
    template = services.checklist_create(actor=world.officer, name="夏季消防专项检查表", areas=AREAS)

    version = template.latest_version()
    assert (version.number, [a.name for a in version.areas.all()]) == (1, ["车间", "宿舍"])
    assert list(version.areas.get(name="车间").items.values_list("text", flat=True)) == ["通道畅通", "设备防护"]


def test_an_unused_version_is_edited_in_place_and_a_used_one_is_refused(world):
    template = services.checklist_create(actor=world.officer, name="夏季消防专项检查表", areas=AREAS)
    version = template.latest_version()
    services.checklist_version_update(actor=world.officer, version=version, areas=AREAS[:1])
    assert version.areas.count() == 1
    h.plan(world, checklist=version)
    events = AuditEvent.objects.count()

    with pytest.raises(ValidationError) as exc:
        services.checklist_version_update(actor=world.officer, version=version, areas=AREAS)

    assert exc.value.messages == ["This checklist version has been used by an inspection and cannot be changed; "
                                  "save the change as a new version."]
    assert version.areas.count() == 1 and AuditEvent.objects.count() == events


def test_a_change_to_a_used_checklist_makes_a_new_version_and_the_old_stays(world):
    used = h.general()
    inspection = h.record(world, h.plan(world), timezone.now() - timedelta(hours=1))
    before = list(used.areas.values_list("name", flat=True))

    new = services.checklist_version_create(actor=world.leader, template=used.template, areas=AREAS, note="精简")

    assert (new.number, used.template.latest_version()) == (2, new)
    assert list(used.areas.values_list("name", flat=True)) == before
    assert Inspection.objects.get(pk=inspection.pk).checklist == used
    assert services.checklist_for(world.enterprise) == new


@pytest.mark.parametrize("areas, message", [
    ([], "Give at least one area with its items."),
    ([{"kind": "moon", "name": "x", "items": ["a"]}], "Area 1: choose its kind."),
    ([{"kind": "workshop", "name": "x", "items": []}], "Area 1: give 1 to 60 items of at most 200 characters."),
    ([{"kind": "workshop", "name": "x", "required": False, "items": ["a"]}], "Mark at least one area as required."),
])
def test_bad_checklist_content_is_refused(world, areas, message):
    with pytest.raises(ValidationError) as exc:
        services.checklist_create(actor=world.officer, name="坏检查表", areas=areas)

    assert exc.value.message_dict == {"areas": [message]}
    assert not ChecklistTemplate.objects.filter(name="坏检查表").exists()


def test_only_leader_and_officer_keep_checklists(world):
    with pytest.raises(PermissionDenied):
        services.checklist_create(actor=world.auxiliary, name="辅警的表", areas=AREAS)
    with pytest.raises(PermissionDenied):
        services.checklist_version_create(actor=world.agency_staff, template=h.general().template, areas=AREAS)


def test_a_stale_checklist_update_is_a_conflict(world):
    template = ChecklistTemplate.objects.get(name="通用安全检查表")
    services.checklist_update(actor=world.leader, template=ChecklistTemplate.objects.get(pk=template.pk),
                              data={"description": "先到者"}, expected_version=1)

    with pytest.raises(ConflictError):
        services.checklist_update(actor=world.officer, template=template, data={"description": "后到者"},
                                  expected_version=1)

    assert ChecklistTemplate.objects.get(pk=template.pk).description == "先到者"


# ---------------------------------------------------------------- planning and the walk
def test_a_joint_inspection_is_planned_with_the_agencies_and_their_staff(world):
    inspection = h.plan(world, agencies=[world.agency], agency_staff=[world.agency_staff])

    assert (inspection.park, inspection.led_by, inspection.status) == (world.park, world.officer, "planned")
    assert list(inspection.agencies.all()) == [world.agency] and inspection.is_joint
    assert list(inspection.agency_staff.all()) == [world.agency_staff]


def test_planning_refuses_people_who_do_not_belong(world):
    far = Agency.objects.create(name="群丰应急管理站", kind=Agency.Kind.EMERGENCY, station=world.other_station)
    stranger = assign(UserFactory(username="t_far_agency"), Role.AGENCY_STAFF, agency=far)

    with pytest.raises(ValidationError) as agency:
        h.plan(world, agencies=[far])
    with pytest.raises(ValidationError) as staff:
        h.plan(world, agencies=[world.agency], agency_staff=[stranger])
    with pytest.raises(ValidationError) as leader:
        h.plan(world, led_by=world.officer2)

    assert list(agency.value.message_dict) == ["agencies"]
    assert list(staff.value.message_dict) == ["agency_staff"]
    assert list(leader.value.message_dict) == ["led_by"]
    assert Inspection.objects.count() == 0


def test_recording_keeps_when_it_happened_beside_when_it_was_recorded(world):
    inspection = h.plan(world)
    at = timezone.now() - timedelta(days=3)

    h.record(world, inspection, at, summary="总体良好", duration_minutes=90)

    stored = Inspection.objects.get(pk=inspection.pk)
    assert (stored.status, stored.happened_at, stored.recorded_by, stored.entered_late) == (
        "done", at, world.officer, False)
    assert abs(stored.recorded_at - timezone.now()) < timedelta(minutes=1)
    assert InspectionResult.objects.filter(inspection=inspection).count() == 23  # every item of the general list


@pytest.mark.parametrize("change, field", [
    ({"at": "future"}, "happened_at"),
    ({"results": [{"item": 999999, "outcome": "ok"}]}, "results"),
    ({"results": [{"item": "first", "outcome": "maybe"}]}, "results"),
    ({"results": [{"item": "first", "outcome": "hazard", "note": ""}]}, "results"),
    ({"results": "twice"}, "results"),
    ({"late_reason": ""}, "happened_at"),
])
def test_bad_records_are_refused_naming_the_field_and_change_nothing(world, change, field):
    inspection = h.plan(world)
    first = h.all_results(inspection)[0]["item"]
    at = timezone.now() + timedelta(hours=2) if change.get("at") == "future" else h.shanghai(2026, 3, 1, 10)
    results = change.get("results")
    if results == "twice":
        results = [{"item": first, "outcome": "ok"}, {"item": first, "outcome": "ok"}]
    elif results:
        results = [{**r, "item": first if r["item"] == "first" else r["item"]} for r in results]
    kw = {"late_reason": change["late_reason"]} if "late_reason" in change else {}

    with pytest.raises(ValidationError) as exc:
        h.record(world, inspection, at, results=results, **kw)

    assert list(exc.value.message_dict) == [field]
    assert Inspection.objects.get(pk=inspection.pk).status == "planned"
    assert InspectionResult.objects.count() == 0


def test_an_inspection_is_recorded_once(world):
    inspection = h.record(world, h.plan(world), h.shanghai(2026, 3, 1, 10))

    with pytest.raises(ConflictError):
        h.record(world, Inspection.objects.get(pk=inspection.pk), h.shanghai(2026, 3, 2, 10))


def test_a_planned_inspection_is_changed_or_cancelled_but_not_a_done_one(world):
    inspection = h.plan(world)
    services.inspection_update(actor=world.officer, inspection=inspection, data={"planned_on": date(2026, 4, 2)},
                               agencies=[world.agency], agency_staff=[world.agency_staff], expected_version=1)
    inspection = Inspection.objects.get(pk=inspection.pk)
    assert (inspection.planned_on, list(inspection.agencies.all())) == (date(2026, 4, 2), [world.agency])

    services.inspection_cancel(actor=world.officer, inspection=inspection, reason="企业停产",
                               expected_version=inspection.version)

    assert Inspection.objects.get(pk=inspection.pk).status == "cancelled"
    with pytest.raises(ValidationError):
        services.inspection_update(actor=world.officer, inspection=Inspection.objects.get(pk=inspection.pk),
                                   data={"note": "x"})


def test_only_the_police_record_and_only_leader_and_officer_plan(world):
    inspection = h.plan(world, agencies=[world.agency], agency_staff=[world.agency_staff])

    with pytest.raises(PermissionDenied):
        services.inspection_plan(actor=world.auxiliary, enterprise=world.enterprise, planned_on=date(2026, 5, 1))
    with pytest.raises(PermissionDenied):
        h.record(world, inspection, h.shanghai(2026, 3, 1, 10), actor=world.agency_staff)
    with pytest.raises(PermissionDenied):
        h.record(world, inspection, h.shanghai(2026, 3, 1, 10), actor=world.officer2)
    h.record(world, inspection, h.shanghai(2026, 3, 1, 10), actor=world.auxiliary)
    assert Inspection.objects.get(pk=inspection.pk).recorded_by == world.auxiliary
    assert ChecklistVersion.objects.filter(inspections=inspection).count() == 1


def test_a_stale_inspection_change_or_record_is_a_conflict(world):
    inspection = h.plan(world)
    services.inspection_update(actor=world.leader, inspection=Inspection.objects.get(pk=inspection.pk),
                               data={"note": "先到者"}, expected_version=1)

    with pytest.raises(ConflictError):
        services.inspection_update(actor=world.officer, inspection=inspection, data={"note": "后到者"},
                                   expected_version=1)
    with pytest.raises(ConflictError):
        services.inspection_record(actor=world.officer, inspection=inspection, happened_at=timezone.now(),
                                   results=h.all_results(inspection), expected_version=1)

    stored = Inspection.objects.get(pk=inspection.pk)
    assert (stored.note, stored.status, stored.version) == ("先到者", "planned", 2)
