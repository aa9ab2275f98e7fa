"""Officers' fixed night points: edited on their own page with the version loaded (a stale save is a form error),
removed after a confirmation (the audit trail keeps the last state), by the leader and officer of the park only;
another park or station gets 404, through the pages and the API."""
from datetime import time
from decimal import Decimal

import pytest
from django.urls import reverse

from parkbeat.audit.models import AuditEvent
from parkbeat.guarding import services
from parkbeat.guarding.models import FixedPoint
from parkbeat.guarding.tests import helpers as h

COVERS = {"guarding:fixed_point_update", "guarding:fixed_point_delete"}
CONFLICT = "This record was changed by someone else. Reload it and try again."


pytestmark = pytest.mark.usefixtures("english_pages")  # the page texts asserted are the English msgids


@pytest.fixture
def point(world):
    return services.fixed_point_create(actor=world.officer, asset=h.asset(world), name="东段岗亭",
                                       lon=Decimal("113.110000"), lat=Decimal("27.800000"), night_start=time(22, 0),
                                       night_end=time(6, 0), officer=world.officer)


@pytest.fixture
def other_point(world):
    line = h.asset(world, park=world.other_park)
    return services.fixed_point_create(actor=world.other_officer, asset=line, name="群丰岗亭", lon=Decimal("113.2"),
                                       lat=Decimal("27.9"), night_start=time(21, 0), night_end=time(5, 0))


def _form(point, **change):
    data = {"name": point.name, "lon": str(point.lon), "lat": str(point.lat), "officer": point.officer_id or "",
            "night_start": "22:00", "night_end": "06:00", "version": point.version}
    return {**data, **change}


def _events(point, verb):
    return AuditEvent.objects.filter(object_type="guarding.FixedPoint", object_id=str(point.pk), verb=verb)


def test_the_asset_page_links_each_point_to_its_edit_page_and_a_confirmed_removal(world, point, page_as):
    html = page_as(world.officer).get(reverse("guarding:asset_detail", args=[point.asset_id])).content.decode()

    assert reverse("guarding:fixed_point_update", args=[point.pk]) in html
    assert f'action="{reverse("guarding:fixed_point_delete", args=[point.pk])}" data-confirm="Remove the fixed ' \
           f'point 东段岗亭?' in html


def test_the_auxiliary_sees_the_points_without_the_buttons_and_an_asset_without_points_says_so(world, page_as):
    line = h.asset(world)

    empty = page_as(world.officer).get(reverse("guarding:asset_detail", args=[line.pk])).content.decode()
    services.fixed_point_create(actor=world.officer, asset=line, name="西段岗亭", lon=Decimal("113.1"),
                                lat=Decimal("27.8"), night_start=time(22, 0), night_end=time(6, 0))
    seen = page_as(world.auxiliary).get(reverse("guarding:asset_detail", args=[line.pk])).content.decode()

    assert "No fixed point at night yet." in empty
    assert "西段岗亭" in seen and "/guarding/points/" not in seen


def test_the_edit_page_saves_the_change_with_its_audit_event(world, point, page_as):
    url = reverse("guarding:fixed_point_update", args=[point.pk])
    client = page_as(world.officer)

    page = client.get(url)
    response = client.post(url, _form(point, name="东段二号岗亭", night_start="21:30", officer=world.auxiliary.pk))

    assert page.status_code == 200 and 'name="version"' in page.content.decode()
    assert response.status_code == 302 and response["Location"].endswith(f"#point-{point.pk}")
    stored = FixedPoint.objects.get(pk=point.pk)
    assert (stored.name, stored.night_start, stored.officer_id, stored.version) == (
        "东段二号岗亭", time(21, 30), world.auxiliary.pk, 2)
    event = _events(point, "update").get()
    assert event.changes["name"] == ["东段岗亭", "东段二号岗亭"]
    assert event.changes["night_start"] == ["22:00:00", "21:30:00"]


@pytest.mark.parametrize("change,field", [
    ({"night_end": "22:00"}, "night_end"),
    ({"lon": "200"}, "lon"),
    ({"name": ""}, "name"),
])
def test_bad_input_on_the_edit_page_is_a_form_error_and_nothing_changes(world, point, page_as, change, field):
    response = page_as(world.officer).post(reverse("guarding:fixed_point_update", args=[point.pk]),
                                           _form(point, **change))

    assert response.status_code == 200 and field in response.context["form"].errors
    assert FixedPoint.objects.get(pk=point.pk).version == 1 and not _events(point, "update").exists()


def test_a_volunteer_is_no_officer_of_a_fixed_point(world, point, page_as):
    response = page_as(world.officer).post(reverse("guarding:fixed_point_update", args=[point.pk]),
                                           _form(point, officer=world.volunteer.pk))

    assert "officer" in response.context["form"].errors
    assert FixedPoint.objects.get(pk=point.pk).officer_id == world.officer.pk


def test_a_stale_save_on_the_edit_page_is_a_form_error_and_the_first_writer_wins(world, point, page_as):
    services.fixed_point_update(actor=world.leader, point=point, data={"name": "先到者"}, expected_version=1)

    response = page_as(world.officer).post(reverse("guarding:fixed_point_update", args=[point.pk]),
                                           _form(point, name="后到者", version=1))

    assert response.status_code == 200 and CONFLICT in response.content.decode()
    assert FixedPoint.objects.get(pk=point.pk).name == "先到者"


def test_removal_keeps_the_last_state_on_the_audit_trail(world, point, page_as):
    response = page_as(world.officer).post(reverse("guarding:fixed_point_delete", args=[point.pk]),
                                           {"version": point.version})

    assert response.status_code == 302 and response["Location"].endswith("#fixed-points")
    assert not FixedPoint.objects.filter(pk=point.pk).exists()
    event = _events(point, "delete").get()
    assert {k: event.changes[k] for k in ("name", "night_start", "officer")} == {
        "name": ["东段岗亭", None], "night_start": ["22:00:00", None], "officer": [world.officer.pk, None]}


def test_a_stale_removal_is_refused_and_the_point_stays(world, point, page_as):
    services.fixed_point_update(actor=world.leader, point=point, data={"name": "先到者"}, expected_version=1)

    response = page_as(world.officer).post(reverse("guarding:fixed_point_delete", args=[point.pk]),
                                           {"version": 1}, follow=True)

    assert CONFLICT in response.content.decode() and FixedPoint.objects.filter(pk=point.pk).exists()
    assert not _events(point, "delete").exists()


@pytest.mark.parametrize("role,edit,delete", [
    ("officer", 200, 302), ("leader", 200, 302), ("auxiliary", 403, 403), ("volunteer", 403, 403),
    ("liaison", 403, 403), ("officer2", 404, 404), ("other_officer", 404, 404), ("mediator", 403, 403),
])
def test_only_the_planners_of_the_park_edit_or_remove(world, point, client, role, edit, delete):
    client.force_login(getattr(world, role))

    got_edit = client.get(reverse("guarding:fixed_point_update", args=[point.pk])).status_code
    posted = client.post(reverse("guarding:fixed_point_update", args=[point.pk]), _form(point, name="改名"))
    got_delete = client.post(reverse("guarding:fixed_point_delete", args=[point.pk]),
                             {"version": point.version}).status_code

    assert (got_edit, got_delete) == (edit, delete)
    if delete != 302:
        assert posted.status_code == edit and FixedPoint.objects.get(pk=point.pk).name == "东段岗亭"


def test_another_stations_point_is_404_on_the_page_and_api_and_nothing_changes(world, other_point, page_as, api_as):
    client, api = page_as(world.officer), api_as(world.officer)

    responses = [
        client.get(reverse("guarding:fixed_point_update", args=[other_point.pk])),
        client.post(reverse("guarding:fixed_point_delete", args=[other_point.pk]), {"version": 1}),
        api.get(f"/api/v1/guard-fixed-points/{other_point.pk}/"),
        api.patch(f"/api/v1/guard-fixed-points/{other_point.pk}/", {"name": "改名", "version": 1}, format="json"),
        api.delete(f"/api/v1/guard-fixed-points/{other_point.pk}/?version=1"),
    ]

    assert [r.status_code for r in responses] == [404] * 5
    assert FixedPoint.objects.get(pk=other_point.pk).name == "群丰岗亭"


def test_the_api_updates_and_removes_with_the_version(world, point, api_as):
    api = api_as(world.officer)
    url = f"/api/v1/guard-fixed-points/{point.pk}/"

    patched = api.patch(url, {"night_end": "05:30", "version": 1}, format="json")
    unversioned = api.delete(url)
    stale = api.delete(url + "?version=1")
    removed = api.delete(url + "?version=2")

    assert (patched.status_code, patched.json()["night_end"], patched.json()["version"]) == (200, "05:30:00", 2)
    assert unversioned.status_code == 400 and "version" in unversioned.json()
    assert stale.status_code == 409
    assert removed.status_code == 204 and not FixedPoint.objects.filter(pk=point.pk).exists()


@pytest.mark.parametrize("role", ["auxiliary", "volunteer", "liaison"])
def test_the_api_refuses_a_removal_by_anyone_else(world, point, api_as, role):
    response = api_as(getattr(world, role)).delete(f"/api/v1/guard-fixed-points/{point.pk}/?version=1")

    assert response.status_code == 403 and FixedPoint.objects.filter(pk=point.pk).exists()
