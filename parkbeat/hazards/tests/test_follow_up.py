"""A struck-off hazard takes no more follow-up visits, through the service and the API alike (its page no longer
offers the form); an open one still does."""
import pytest
from django.core.exceptions import ValidationError

from parkbeat.hazards import services as s
from parkbeat.hazards.models import HazardEvent
from parkbeat.hazards.tests import helpers as h


def _strike_off(world, hazard):
    hazard.refresh_from_db()
    s.hazard_review(actor=world.officer, hazard=hazard, accept=True, expected_version=hazard.version)
    hazard.refresh_from_db()
    return hazard


def test_a_struck_off_hazard_refuses_a_follow_up(world):
    done = _strike_off(world, h.on_spot_hazard(world))
    with pytest.raises(ValidationError) as refused:
        s.hazard_follow_up(actor=world.officer, hazard=done, note="再次回访")
    assert "note" in refused.value.message_dict
    assert not HazardEvent.objects.filter(hazard=done, kind=HazardEvent.Kind.FOLLOW_UP).exists()


def test_the_api_refuses_it_with_400_and_an_open_hazard_takes_one(world, api_as):
    api = api_as(world.officer)
    done = _strike_off(world, h.on_spot_hazard(world))
    refused = api.post(f"/api/v1/hazards/{done.pk}/follow-up/", {"note": "再次回访"}, format="json")
    assert refused.status_code == 400 and "note" in refused.json()
    open_ = h.deadline_hazard(world)
    taken = api.post(f"/api/v1/hazards/{open_.pk}/follow-up/", {"note": "已回访，整改中"}, format="json")
    assert taken.status_code in (200, 201), taken.content
