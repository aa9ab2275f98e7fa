"""Edit pages: a planned inspection (day, leader, agencies, staff, note, campaign) and checklists (their own
fields, a new version from the editor, a version no inspection used; a used one refused, saying so); stale
versions on the page; the wrong role 403."""
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from parkbeat.inspections import services
from parkbeat.inspections.models import ChecklistTemplate, ChecklistVersion, Inspection
from parkbeat.inspections.tests import helpers as h

COVERS = {"inspections:inspection_update", "inspections:checklist_create", "inspections:checklist_update",
          "inspections:checklist_revise", "inspections:checklist_version_edit"}
DAY = timezone.localdate() + timedelta(days=20)


@pytest.fixture
def page(page_as):
    def make(user):
        client = page_as(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client
    return make


def areas_post(rows, prefix="areas", **extra):
    data = {f"{prefix}-TOTAL_FORMS": len(rows), f"{prefix}-INITIAL_FORMS": 0, f"{prefix}-MIN_NUM_FORMS": 0,
            f"{prefix}-MAX_NUM_FORMS": 30}
    for n, (kind, name, required, items) in enumerate(rows):
        data.update({f"{prefix}-{n}-kind": kind, f"{prefix}-{n}-name": name, f"{prefix}-{n}-items": "\n".join(items)})
        if required:
            data[f"{prefix}-{n}-required"] = "on"
    return {**data, **extra}


def test_edit_a_planned_inspection(world, page):
    inspection = h.plan(world, planned_on=DAY)
    client = page(world.officer)
    assert 'name="planned_on"' in client.get(f"/inspections/{inspection.pk}/edit/").content.decode()

    saved = client.post(f"/inspections/{inspection.pk}/edit/", {
        "version": 1, "planned_on": str(DAY + timedelta(days=1)), "led_by": world.auxiliary.pk,
        "agencies": [world.agency.pk], "agency_staff": [world.agency_staff.pk], "note": "改期"})
    stale = client.post(f"/inspections/{inspection.pk}/edit/", {
        "version": 1, "planned_on": str(DAY), "led_by": world.officer.pk, "note": "迟到者"})
    foreign_staff = client.post(f"/inspections/{inspection.pk}/edit/", {
        "version": 2, "planned_on": str(DAY), "led_by": world.officer.pk, "agency_staff": [world.agency_staff.pk]})

    stored = Inspection.objects.get()
    assert saved.status_code == 302 and stale.status_code == 200 and "changed by someone else" in stale.content.decode()
    assert foreign_staff.status_code == 200
    assert (stored.planned_on, stored.led_by, stored.note, list(stored.agency_staff.all())) == (
        DAY + timedelta(days=1), world.auxiliary, "改期", [world.agency_staff])


def test_who_edits_a_planned_inspection(world, page):
    inspection = h.plan(world, planned_on=DAY)
    assert page(world.auxiliary).get(f"/inspections/{inspection.pk}/edit/").status_code == 403
    assert page(world.agency_staff).get(f"/inspections/{inspection.pk}/edit/").status_code == 403
    assert page(world.other_officer).get(f"/inspections/{inspection.pk}/edit/").status_code == 404
    assert page(world.liaison).get(f"/inspections/{inspection.pk}/edit/").status_code == 403
    services.inspection_cancel(actor=world.officer, inspection=inspection, reason="停产", expected_version=1)
    done = page(world.officer).get(f"/inspections/{inspection.pk}/edit/")
    assert done.status_code == 302 and done.url == f"/inspections/{inspection.pk}/"


def test_edit_a_checklists_own_fields(world, page):
    template = h.general().template
    client = page(world.leader)
    saved = client.post(f"/inspections/checklists/{template.pk}/edit/", {
        "version": template.version, "name": "通用安全检查表", "description": "新说明", "is_active": "on"})
    stale = client.post(f"/inspections/checklists/{template.pk}/edit/", {
        "version": template.version, "name": "迟到者", "is_active": "on"})
    assert saved.status_code == 302 and stale.status_code == 200
    assert ChecklistTemplate.objects.get(pk=template.pk).description == "新说明"
    assert page(world.auxiliary).get(f"/inspections/checklists/{template.pk}/edit/").status_code == 403
    assert page(world.agency_staff).get(f"/inspections/checklists/{template.pk}/revise/").status_code == 403
    assert page(world.liaison).get("/inspections/checklists/new/").status_code == 403


def test_new_checklist_and_versions_from_the_editor(world, page):
    client = page(world.officer)
    created = client.post("/inspections/checklists/new/", areas_post(
        [("fire", "消防通道", True, ["安全出口畅通", "灭火器有效"]), ("", "", False, [])],
        **{"c-name": "夏季消防专项检查表", "c-is_active": "on"}))
    template = ChecklistTemplate.objects.get(name="夏季消防专项检查表")
    assert created.status_code == 302
    assert [a.name for a in template.latest_version().areas.all()] == ["消防通道"]

    form = client.get(f"/inspections/checklists/{template.pk}/revise/").content.decode()
    assert "灭火器有效" in form
    revised = client.post(f"/inspections/checklists/{template.pk}/revise/", areas_post(
        [("fire", "消防通道", True, ["安全出口畅通"]), ("electrical", "电气", False, ["配电箱上锁"])],
        **{"v-note": "加电气"}))
    assert revised.status_code == 302 and template.latest_version().number == 2

    edited = client.post(f"/inspections/checklists/{template.pk}/versions/2/edit/", areas_post(
        [("fire", "消防通道", True, ["安全出口畅通", "应急照明完好"])]))
    assert edited.status_code == 302
    assert list(ChecklistVersion.objects.get(template=template, number=2).areas.get().items.values_list(
        "text", flat=True)) == ["安全出口畅通", "应急照明完好"]

    incomplete = client.post(f"/inspections/checklists/{template.pk}/revise/", areas_post(
        [("fire", "", True, ["安全出口畅通"])]))
    none_required = client.post(f"/inspections/checklists/{template.pk}/revise/", areas_post(
        [("fire", "消防", False, ["安全出口畅通"])]))
    assert incomplete.status_code == 200 and none_required.status_code == 200
    assert "Mark at least one area as required." in none_required.content.decode()
    assert template.versions.count() == 2


def test_a_used_version_is_refused_with_a_clear_message(world, page):
    version = h.general()
    h.plan(world)
    client = page(world.officer)
    url = f"/inspections/checklists/{version.template_id}/versions/{version.number}/edit/"
    shown = client.get(url).content.decode()
    posted = client.post(url, areas_post([("fire", "消防", True, ["安全出口畅通"])]))
    assert 'id="version-used"' in shown and "cannot be changed" in shown
    assert posted.status_code == 200 and "cannot be changed" in posted.content.decode()
    assert version.areas.count() > 1
    assert client.get(f"/inspections/checklists/{version.template_id}/versions/99/edit/").status_code == 404


def test_editing_an_inspection_keeps_its_campaign_after_the_campaign_ended(world, page):
    import time_machine

    today = timezone.localdate()
    campaign = services.campaign_create(actor=world.officer, theme="夏季消防专项", starts_on=today,
                                        ends_on=today + timedelta(days=1), enterprises=[world.enterprise])
    inspection = h.plan(world, planned_on=today + timedelta(days=1), campaign=campaign)

    with time_machine.travel(timezone.now() + timedelta(days=5)):  # the campaign is over, the walk not recorded
        client = page(world.officer)
        form = client.get(f"/inspections/{inspection.pk}/edit/").content.decode()
        saved = client.post(f"/inspections/{inspection.pk}/edit/", {
            "version": inspection.version, "planned_on": str(inspection.planned_on), "led_by": world.officer.pk,
            "note": "补充说明", "campaign": campaign.pk})

    assert f'value="{campaign.pk}" selected' in form
    assert saved.status_code == 302
    assert Inspection.objects.get(pk=inspection.pk).campaign == campaign


def test_two_editors_of_one_unused_version_the_second_is_told(world, page, api_as):
    template = services.checklist_create(actor=world.officer, name="夏季消防专项检查表", areas=[
        {"kind": "fire", "name": "消防通道", "required": True, "items": ["安全出口畅通"]}])
    version = template.latest_version()
    url = f"/inspections/checklists/{template.pk}/versions/{version.number}/edit/"
    loaded = template.version
    first = page(world.officer).post(url, areas_post([("fire", "消防通道", True, ["安全出口畅通", "灭火器有效"])],
                                                      **{"v-note": "加一项", "v-version": loaded}))
    second = page(world.leader).post(url, areas_post([("fire", "消防通道", True, ["只改这一项"])],
                                                      **{"v-note": "迟到者", "v-version": loaded}))
    api = api_as(world.leader).patch(f"/api/v1/checklist-versions/{version.pk}/", {
        "areas": [{"kind": "fire", "name": "消防", "items": ["x"]}], "version": loaded}, format="json")

    assert first.status_code == 302
    assert second.status_code == 200 and "changed by someone else" in second.content.decode()
    assert api.status_code == 409
    assert [i.text for a in version.areas.all() for i in a.items.all()] == ["安全出口畅通", "灭火器有效"]
