"""Who reaches what: another station 404, the wrong role 403, agency staff only the inspections they joined;
pages and API; strict bodies; the tablet form and the compliance board."""
import io
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from parkbeat.files.models import Attachment
from parkbeat.inspections.models import ChecklistTemplate, ChecklistItem, Inspection, InspectionResult
from parkbeat.inspections.tests import helpers as h
from parkbeat.org.models import Role
from parkbeat.testing import UserFactory, assign

COVERS = {
    "inspections:inspection_list", "inspections:inspection_plan", "inspections:compliance",
    "inspections:checklist_list", "inspections:checklist_detail", "inspections:inspection_detail",
    "inspections:inspection_record", "inspections:inspection_cancel",
    "checklist-list", "checklist-detail", "checklist-revise", "checklist-version-list", "checklist-version-detail",
    "inspection-list", "inspection-detail", "inspection-record", "inspection-cancel", "inspection-compliance",
}


@pytest.fixture
def page(page_as):
    def make(user):
        client = page_as(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client
    return make


@pytest.fixture
def joint(world):
    """A key enterprise's inspection with the fire brigade's staff member named, and one without them."""
    h.make_key(world)
    named = h.plan(world, agencies=[world.agency], agency_staff=[world.agency_staff])
    unnamed = h.plan(world, enterprise=world.enterprise2)
    return named, unnamed


def png(name="现场.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


# ---------------------------------------------------------------- scope
def test_agency_staff_see_only_the_inspections_they_joined(world, joint, page, api_as):
    named, unnamed = joint
    colleague = assign(UserFactory(username="t_agency2"), Role.AGENCY_STAFF, agency=world.agency)

    listed = api_as(world.agency_staff).get("/api/v1/inspections/").json()["results"]
    assert [row["id"] for row in listed] == [named.pk]
    assert api_as(world.agency_staff).get(f"/api/v1/inspections/{unnamed.pk}/").status_code == 404
    assert api_as(colleague).get("/api/v1/inspections/").json()["results"] == []
    assert page(world.agency_staff).get(f"/inspections/{named.pk}/").status_code == 200
    assert page(world.agency_staff).get(f"/inspections/{unnamed.pk}/").status_code == 404
    body = page(world.agency_staff).get("/inspections/").content.decode()
    assert world.enterprise.name in body and world.enterprise2.name not in body


def test_another_station_gets_404_on_pages_and_api(world, joint, page, api_as):
    named, _unnamed = joint
    for url in (f"/inspections/{named.pk}/", f"/inspections/{named.pk}/record/"):
        assert page(world.other_officer).get(url).status_code == 404
    assert page(world.other_officer).post(f"/inspections/{named.pk}/cancel/",
                                          {"version": 1, "reason": "x"}).status_code == 404
    client = api_as(world.other_officer)
    assert client.get(f"/api/v1/inspections/{named.pk}/").status_code == 404
    assert client.post(f"/api/v1/inspections/{named.pk}/record/", {}, format="json").status_code == 404
    assert client.post(f"/api/v1/inspections/{named.pk}/cancel/", {"version": 1, "reason": "x"},
                       format="json").status_code == 404
    assert client.get("/api/v1/inspections/").json()["results"] == []
    assert Inspection.objects.get(pk=named.pk).status == "planned"


@pytest.mark.parametrize("who", ["liaison", "volunteer", "mediator", "sysadmin", "auditor"])
def test_roles_without_inspections_get_403(world, joint, page, api_as, who):
    user = getattr(world, who)
    for url in ("/inspections/", "/inspections/compliance/", "/inspections/checklists/", "/inspections/new/"):
        assert page(user).get(url).status_code == 403
    assert api_as(user).get("/api/v1/inspections/").status_code == 403
    assert api_as(user).get("/api/v1/checklists/").status_code == 403


def test_the_wrong_role_cannot_plan_record_cancel_or_keep_checklists(world, joint, page, api_as):
    named, _unnamed = joint
    assert page(world.auxiliary).get("/inspections/new/").status_code == 403
    assert page(world.auxiliary).post(f"/inspections/{named.pk}/cancel/",
                                      {"version": 1, "reason": "x"}).status_code == 403
    assert page(world.agency_staff).get(f"/inspections/{named.pk}/record/").status_code == 403
    assert page(world.agency_staff).get("/inspections/compliance/").status_code == 403
    client = api_as(world.agency_staff)
    assert client.post(f"/api/v1/inspections/{named.pk}/record/", {}, format="json").status_code == 403
    assert client.post(f"/api/v1/inspections/{named.pk}/cancel/", {"version": 1, "reason": "x"},
                       format="json").status_code == 403
    assert client.get("/api/v1/inspections/compliance/").status_code == 403
    assert api_as(world.auxiliary).post("/api/v1/inspections/", {
        "enterprise": world.enterprise.pk, "planned_on": "2026-05-01"}, format="json").status_code == 403
    assert api_as(world.auxiliary).post("/api/v1/checklists/", {"name": "辅警的表", "areas": [
        {"kind": "fire", "name": "消防", "items": ["灭火器有效"]}]}, format="json").status_code == 403
    assert Inspection.objects.get(pk=named.pk).status == "planned"


# ---------------------------------------------------------------- pages
def test_the_list_filters_and_exports(world, joint, page):
    named, unnamed = joint
    client = page(world.officer)

    body = client.get("/inspections/", {"enterprise": world.enterprise.pk}).content.decode()
    export = client.get("/inspections/", {"export": "csv"})

    assert world.enterprise.name in body and world.enterprise2.name not in body
    assert export.status_code == 200
    text = export.content.decode("utf-8-sig")
    assert world.enterprise.name in text and world.enterprise2.name in text


def test_planning_through_the_page(world, page):
    h.make_key(world)
    response = page(world.officer).post("/inspections/new/", {
        "enterprise": world.enterprise.pk, "planned_on": "2026-12-20", "agencies": [world.agency.pk],
        "agency_staff": [world.agency_staff.pk], "note": "季度检查"})

    assert response.status_code == 302
    inspection = Inspection.objects.get()
    assert (inspection.led_by, inspection.checklist.template.name, list(inspection.agency_staff.all())) == (
        world.officer, "危险化学品企业检查表", [world.agency_staff])


def test_the_tablet_form_records_results_and_photos(world, joint, page):
    named, _unnamed = joint
    client = page(world.officer)
    items = list(ChecklistItem.objects.filter(area__version=named.checklist).order_by("area__order", "order"))
    url = f"/inspections/{named.pk}/record/"
    form = client.get(url).content.decode()
    assert items[0].text in form and 'capture="environment"' in form
    data = {"version": 1, "happened_at": timezone.localtime(timezone.now() - timedelta(hours=2)).strftime(
        "%Y-%m-%dT%H:%M"), "duration_minutes": 80, "summary": "联合检查"}
    for item in items:
        data[f"outcome_{item.pk}"] = "ok"
    data[f"outcome_{items[0].pk}"] = "hazard"
    data[f"note_{items[0].pk}"] = "安全出口堆放杂物"
    data[f"photos_{items[0].pk}"] = png()

    response = client.post(url, data)

    assert response.status_code == 302
    stored = Inspection.objects.get(pk=named.pk)
    assert (stored.status, stored.coverage, stored.counts_for_rule) == ("done", "full", True)
    hazard = InspectionResult.objects.get(inspection=named, item=items[0])
    assert (hazard.outcome, hazard.note) == ("hazard", "安全出口堆放杂物")
    [photo] = Attachment.objects.all()
    assert photo.parent == hazard
    detail = client.get(f"/inspections/{named.pk}/").content.decode()
    assert "安全出口堆放杂物" in detail and photo.get_absolute_url() in detail
    assert page(world.agency_staff).get(photo.get_absolute_url()).status_code == 200
    assert page(world.other_officer).get(photo.get_absolute_url()).status_code == 404


def test_a_refused_photo_refuses_the_record(world, joint, page):
    named, _unnamed = joint
    items = list(ChecklistItem.objects.filter(area__version=named.checklist))
    data = {"version": 1, "happened_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            **{f"outcome_{item.pk}": "ok" for item in items},
            f"photos_{items[0].pk}": SimpleUploadedFile("a.png", b"not an image", content_type="image/png")}

    response = page(world.officer).post(f"/inspections/{named.pk}/record/", data)

    assert response.status_code == 200 and "does not match" in response.content.decode()
    assert Inspection.objects.get(pk=named.pk).status == "planned" and InspectionResult.objects.count() == 0


def test_the_compliance_board_colours_each_quarter(world, joint, page):
    named, _unnamed = joint
    h.record(world, named, h.shanghai(2026, 3, 31, 23, 30))

    body = page(world.leader).get("/inspections/compliance/", {"year": 2026}).content.decode()

    assert world.enterprise.name in body and 'data-state="done"' in body
    assert page(world.leader).get("/inspections/compliance/", {"year": "abc"}).status_code == 200
    other_park = page(world.leader).get("/inspections/compliance/", {"year": 2026, "park": world.park2.pk})
    assert world.enterprise.name not in other_park.content.decode()


def test_checklist_pages(world, page):
    listed = page(world.auxiliary).get("/inspections/checklists/").content.decode()
    template = h.general().template
    detail = page(world.agency_staff).get(f"/inspections/checklists/{template.pk}/").content.decode()

    assert "危险化学品企业检查表" in listed
    assert "安全出口、疏散通道畅通，未上锁" in detail
    assert page(world.officer).get(f"/inspections/checklists/{template.pk}/", {"version": 9}).status_code == 404


# ---------------------------------------------------------------- API
def test_plan_and_record_through_the_api(world, api_as):
    h.make_key(world)
    client = api_as(world.officer)

    planned = client.post("/api/v1/inspections/", {"enterprise": world.enterprise.pk, "planned_on": "2026-12-20",
                                                   "agencies": [world.agency.pk],
                                                   "agency_staff": [world.agency_staff.pk]}, format="json")
    assert planned.status_code == 201, planned.json()
    pk = planned.json()["id"]
    items = ChecklistItem.objects.filter(area__version=planned.json()["checklist"])
    recorded = client.post(f"/api/v1/inspections/{pk}/record/", {
        "version": 1, "happened_at": (timezone.now() - timedelta(hours=1)).isoformat(),
        "results": [{"item": item.pk, "outcome": "ok"} for item in items]}, format="json")

    assert recorded.status_code == 200
    assert (recorded.json()["coverage"], recorded.json()["counts_for_rule"], len(recorded.json()["results"])) == (
        "full", True, items.count())
    board = client.get("/api/v1/inspections/compliance/", {"year": timezone.localdate().year}).json()
    assert [row["enterprise"] for row in board] == [world.enterprise.pk]


def test_api_bodies_are_strict(world, joint, api_as):
    named, _unnamed = joint
    client = api_as(world.officer)

    extra = client.post(f"/api/v1/inspections/{named.pk}/record/", {
        "version": 1, "happened_at": timezone.now().isoformat(), "results": [], "coverage": "full"}, format="json")
    nested = client.post(f"/api/v1/inspections/{named.pk}/record/", {
        "version": 1, "happened_at": timezone.now().isoformat(),
        "results": [{"item": 1, "outcome": "ok", "photo": "x"}]}, format="json")
    plan = client.post("/api/v1/inspections/", {"enterprise": world.enterprise.pk, "planned_on": "2026-12-20",
                                                "status": "done"}, format="json")
    stale = client.post(f"/api/v1/inspections/{named.pk}/cancel/", {"version": 7, "reason": "x"}, format="json")
    foreign = client.post("/api/v1/inspections/", {"enterprise": world.other_enterprise.pk,
                                                   "planned_on": "2026-12-20"}, format="json")

    assert (extra.status_code, extra.json()["detail"]) == (400, "These fields are not accepted here: coverage.")
    assert nested.status_code == 400 and "photo" in str(nested.json())
    assert (plan.status_code, plan.json()["detail"]) == (400, "These fields are not accepted here: status.")
    assert stale.status_code == 409
    assert foreign.status_code == 400 and "enterprise" in foreign.json()
    assert Inspection.objects.get(pk=named.pk).status == "planned" and Inspection.objects.count() == 2


def test_checklists_through_the_api(world, joint, api_as):
    named, _unnamed = joint
    client = api_as(world.officer)
    areas = [{"kind": "fire", "name": "消防", "items": ["灭火器有效"]}]

    made = client.post("/api/v1/checklists/", {"name": "夏季消防专项检查表", "risk_category": "fire",
                                               "areas": areas}, format="json")
    revised = client.post(f"/api/v1/checklists/{named.checklist.template_id}/revise/", {"areas": areas,
                                                                                      "note": "新版"}, format="json")
    h.record(world, Inspection.objects.get(pk=named.pk), h.shanghai(2026, 3, 1, 10))
    loaded = ChecklistTemplate.objects.get(pk=named.checklist.template_id).version
    frozen = client.patch(f"/api/v1/checklist-versions/{named.checklist_id}/", {"areas": areas, "version": loaded},
                          format="json")
    shown = client.get(f"/api/v1/checklist-versions/{named.checklist_id}/").json()

    assert made.status_code == 201 and made.json()["latest_version"] == 1
    assert revised.status_code == 201 and revised.json()["number"] == 2
    assert frozen.status_code == 400 and "new version" in frozen.json()["detail"]
    assert shown["is_used"] is True and len(shown["areas"]) == 7
    assert client.get("/api/v1/checklists/").status_code == 200
    assert api_as(world.agency_staff).get(f"/api/v1/checklists/{named.checklist.template_id}/").status_code == 200
    assert api_as(world.auxiliary).post(f"/api/v1/checklists/{named.checklist.template_id}/revise/",
                                        {"areas": areas}, format="json").status_code == 403


def test_the_enterprise_page_shows_its_inspections_to_who_may_see_them(world, joint, page):
    named, unnamed = joint

    officer = page(world.officer).get(f"/enterprises/{world.enterprise.pk}/").content.decode()
    agency = page(world.agency_staff).get(f"/enterprises/{world.enterprise2.pk}/").content.decode()

    assert 'id="file-inspections"' in officer and named.get_absolute_url() in officer
    assert 'id="file-inspections"' in agency and unnamed.get_absolute_url() not in agency
    assert "No inspection recorded for this enterprise." in agency


def test_a_recorded_inspection_is_not_recorded_again_through_the_page(world, joint, page):
    named, _unnamed = joint
    h.record(world, named, h.shanghai(2026, 3, 1, 10))
    client = page(world.officer)

    shown = client.get(f"/inspections/{named.pk}/record/")
    posted = client.post(f"/inspections/{named.pk}/record/", {"version": 2, "happened_at": "2026-03-02T10:00"})

    assert (shown.status_code, shown["Location"]) == (302, named.get_absolute_url())
    assert posted.status_code == 200 and "already been recorded" in posted.content.decode()
    assert Inspection.objects.get(pk=named.pk).happened_at == h.shanghai(2026, 3, 1, 10)
