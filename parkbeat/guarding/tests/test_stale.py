"""F2 for special guarding: two people load version 1 of a line, segment, shift or fixed point; the first saves;
the second's stale save is refused (API 409, a form error on the page) and the first writer's value survives."""
from datetime import time
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils.translation import gettext, override

from parkbeat.audit.models import AuditEvent
from parkbeat.guarding import services
from parkbeat.guarding.models import FixedPoint, GuardedAsset, GuardShift, Segment
from parkbeat.guarding.tests import helpers as h

with override("zh-hans"):
    CONFLICT = gettext("This record was changed by someone else. Reload it and try again.")


def first_asset(world):
    line = h.asset(world)
    services.asset_update(actor=world.officer, asset=line, data={"name": "先到者"}, expected_version=1)
    return line, {"name": "后到者"}, ("name", "先到者")


def first_segment(world):
    segment = h.split(world, h.asset(world))[1]
    services.segment_assign(actor=world.officer, segment=segment, team=world.team, expected_version=1)
    return segment, {"team": None}, ("team_id", world.team.pk)


def first_shift(world):
    shift = h.shift(world, h.split(world, h.asset(world))[0], h.hour(1), h.hour(4))
    services.shift_update(actor=world.officer, shift=shift, data={"note": "先到者"}, expected_version=1)
    return shift, {"note": "后到者"}, ("note", "先到者")


def first_point(world):
    point = services.fixed_point_create(actor=world.officer, asset=h.asset(world), name="岗亭", lon=Decimal("113.11"),
                                        lat=Decimal("27.8"), night_start=time(22, 0), night_end=time(6, 0))
    services.fixed_point_update(actor=world.officer, point=point, data={"name": "先到者"}, expected_version=1)
    return point, {"name": "后到者"}, ("name", "先到者")


CASES = {
    "asset": (first_asset, GuardedAsset, "/api/v1/guarded-assets/{pk}/"),
    "segment": (first_segment, Segment, "/api/v1/guard-segments/{pk}/"),
    "shift": (first_shift, GuardShift, "/api/v1/guard-shifts/{pk}/"),
    "point": (first_point, FixedPoint, "/api/v1/guard-fixed-points/{pk}/"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_api_stale_save_is_409_and_the_first_writers_value_survives(world, api_as, case):
    first, model, url = CASES[case]
    obj, change, (field, kept) = first(world)
    events = AuditEvent.objects.count()

    response = api_as(world.leader).patch(url.format(pk=obj.pk), {**change, "version": 1}, format="json",
                                             HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert (response.status_code, response.json()) == (409, {"detail": CONFLICT})
    stored = model.objects.get(pk=obj.pk)
    assert (getattr(stored, field), stored.version) == (kept, 2)
    assert AuditEvent.objects.count() == events


def test_page_stale_asset_save_is_a_form_error(world, page_as):
    line, _change, _kept = first_asset(world)

    response = page_as(world.leader).post(reverse("guarding:asset_update", args=[line.pk]), {
        "name": "后到者", "kind": "cable", "starts_at": "2026-12-01T00:00", "ends_at": "2026-12-20T00:00",
        "status": "active", "geometry_text": '{"type": "LineString", "coordinates": [[113.1, 27.8], [113.115, 27.8], '
                                             '[113.1305, 27.8]]}', "version": 1})

    assert response.status_code == 200 and CONFLICT in response.content.decode()
    assert GuardedAsset.objects.get(pk=line.pk).name == "先到者"


def test_page_stale_team_assignment_is_refused(world, page_as):
    segment, _change, _kept = first_segment(world)

    response = page_as(world.leader).post(reverse("guarding:segment_assign", args=[segment.pk]),
                                          {"team": "", "version": 1}, follow=True)

    assert CONFLICT in response.content.decode()
    assert Segment.objects.get(pk=segment.pk).team_id == world.team.pk
