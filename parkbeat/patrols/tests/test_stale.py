"""F2 for the patrols: two people load version 1 of a checkpoint, route or plan; the first saves; the second's
stale save is refused (API 409, a form error on the page) and the first writer's value survives."""
import pytest
from django.urls import reverse
from django.utils.translation import gettext, override

from parkbeat.audit.models import AuditEvent
from parkbeat.patrols import services
from parkbeat.patrols.models import Checkpoint, PatrolPlan, Route
from parkbeat.patrols.tests import helpers as h

with override("zh-hans"):
    CONFLICT = gettext("This record was changed by someone else. Reload it and try again.")


def first_checkpoint(world):
    checkpoint = h.checkpoints(world)[0]
    services.checkpoint_update(actor=world.officer, checkpoint=checkpoint, data={"name": "先到者"}, expected_version=1)
    return checkpoint


def first_route(world):
    route = h.route(world)
    services.route_update(actor=world.officer, route=route, data={"name": "先到者"}, expected_version=1)
    return route


def first_plan(world):
    plan = h.all_week_plan(world)
    services.plan_update(actor=world.officer, plan=plan, data={"name": "先到者"}, expected_version=1)
    return plan


CASES = {
    "checkpoint": (first_checkpoint, Checkpoint, "/api/v1/patrol-checkpoints/{pk}/"),
    "route": (first_route, Route, "/api/v1/patrol-routes/{pk}/"),
    "plan": (first_plan, PatrolPlan, "/api/v1/patrol-plans/{pk}/"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_api_stale_save_is_409_and_the_first_writers_value_survives(world, api_as, case):
    first, model, url = CASES[case]
    obj = first(world)
    events = AuditEvent.objects.count()

    response = api_as(world.leader).patch(url.format(pk=obj.pk), {"name": "后到者", "version": 1}, format="json",
                                             HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert (response.status_code, response.json()) == (409, {"detail": CONFLICT})
    stored = model.objects.get(pk=obj.pk)
    assert (stored.name, stored.version) == ("先到者", 2)
    assert AuditEvent.objects.count() == events


def test_page_stale_checkpoint_save_is_a_form_error(world, page_as):
    checkpoint = first_checkpoint(world)

    response = page_as(world.leader).post(reverse("patrols:checkpoint_update", args=[checkpoint.pk]), {
        "name": "后到者", "kind": checkpoint.kind, "lon": "113.100000", "lat": "27.800000", "version": 1})

    assert response.status_code == 200 and CONFLICT in response.content.decode()
    assert Checkpoint.objects.get(pk=checkpoint.pk).name == "先到者"


def test_page_stale_route_save_is_a_form_error(world, page_as):
    route = first_route(world)
    stops = {f"stop_{i}": c.pk for i, c in enumerate(route.ordered_checkpoints(), start=1)}

    response = page_as(world.leader).post(reverse("patrols:route_update", args=[route.pk]), {
        "name": "后到者", "is_active": "on", "version": 1, **stops})

    assert response.status_code == 200 and CONFLICT in response.content.decode()
    assert Route.objects.get(pk=route.pk).name == "先到者"
