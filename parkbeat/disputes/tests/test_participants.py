"""Whoever takes part in a case's work opens it: a mediator named in one of its sessions (one lent by another
park of the station included) and the staff of an agency present at a session; decided in the scoping
declarations (DisputeQuerySet.scope_participant, scope_agency), so pages, API and lists agree."""
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from parkbeat.disputes import services
from parkbeat.disputes.models import Dispute, DisputeParty, MediationSession
from parkbeat.disputes.tests.factories import open_dispute
from parkbeat.org.models import Agency, Role
from parkbeat.testing import UserFactory, assign


@pytest.fixture
def lent(world):
    """A mediator of park B (same station), not routed to: a neighbouring centre lends her."""
    return assign(UserFactory(username="t_mediator_b"), Role.MEDIATOR, park=world.park2)


@pytest.fixture
def unnamed(world):
    return assign(UserFactory(username="t_mediator_b2"), Role.MEDIATOR, park=world.park2)


def session(world, dispute, mediators=(), agencies=()):
    return services.session_record(actor=world.officer, dispute=dispute, place="园区调解室", outcome="adjourned",
                                   started_at=timezone.now() - timedelta(days=1), duration_minutes=60,
                                   mediators=list(mediators), agencies=list(agencies))


def test_a_mediator_of_another_park_named_in_a_session_opens_the_case(world, lent, unnamed, page_as, api_as):
    dispute = open_dispute(world)
    assert not Dispute.objects.visible_to(lent).filter(pk=dispute.pk).exists()

    session(world, dispute, mediators=[lent])

    assert page_as(lent).get(dispute.get_absolute_url()).status_code == 200
    api = api_as(lent)
    assert api.get(f"/api/v1/disputes/{dispute.pk}/").status_code == 200
    assert [row["id"] for row in api.get("/api/v1/disputes/").json()["results"]] == [dispute.pk]
    assert api.get(f"/api/v1/mediation-sessions/?dispute={dispute.pk}").json()["count"] == 1
    # and what hangs from the case follows it
    services.party_add(actor=world.officer, dispute=dispute, side="claimant", kind="person", name="张三")
    assert DisputeParty.objects.visible_to(lent).count() == 1


def test_a_mediator_not_named_still_cannot_open_it(world, lent, unnamed, page_as, api_as):
    dispute = open_dispute(world)
    session(world, dispute, mediators=[lent])

    assert page_as(unnamed).get(dispute.get_absolute_url()).status_code == 404
    assert api_as(unnamed).get(f"/api/v1/disputes/{dispute.pk}/").status_code == 404
    assert api_as(unnamed).get("/api/v1/disputes/").json()["count"] == 0


def test_the_dispute_list_page_shows_the_case_to_the_named_mediator(world, lent, unnamed, page_as):
    dispute = open_dispute(world, title="借调调解员参与的欠薪纠纷")
    other = open_dispute(world, title="未参与的合同纠纷")
    session(world, dispute, mediators=[lent])
    session(world, dispute, mediators=[lent])  # named twice: still one row

    html = page_as(lent).get(reverse("disputes:dispute_list")).content.decode()

    assert html.count(dispute.get_absolute_url() + '"') >= 1 and other.title not in html
    assert list(Dispute.objects.visible_to(lent)) == [dispute]


def test_being_named_gives_sight_not_the_right_to_decide(world, lent, page_as, api_as):
    dispute = open_dispute(world)
    session(world, dispute, mediators=[lent])

    refused = api_as(lent).post(f"/api/v1/disputes/{dispute.pk}/transition/",
                                {"to": "withdrawn", "note": "撤回", "version": dispute.version}, format="json")
    assert refused.status_code == 403
    assert page_as(lent).get(reverse("disputes:session_create", args=[dispute.pk])).status_code == 403
    assert Dispute.objects.get(pk=dispute.pk).status == "open"


def test_a_mediator_of_another_station_cannot_be_named(world):
    stranger = assign(UserFactory(username="t_mediator_c"), Role.MEDIATOR, park=world.other_park)
    dispute = open_dispute(world)

    with pytest.raises(ValidationError) as refused:
        session(world, dispute, mediators=[stranger])

    assert list(refused.value.message_dict) == ["mediators"]
    assert not MediationSession.objects.exists()
    assert not Dispute.objects.visible_to(stranger).exists()


def test_the_session_form_and_api_offer_the_stations_mediators(world, lent, page_as, api_as):
    dispute = open_dispute(world)
    form = page_as(world.officer).get(reverse("disputes:session_create", args=[dispute.pk])).context["form"]
    assert lent in form.fields["mediators"].queryset

    created = api_as(world.officer).post("/api/v1/mediation-sessions/", {
        "dispute": dispute.pk, "started_at": (timezone.now() - timedelta(hours=2)).isoformat(),
        "duration_minutes": 30, "place": "调解室", "outcome": "adjourned", "mediators": [lent.pk]}, format="json")
    assert created.status_code == 201, created.json()
    assert api_as(lent).get(f"/api/v1/disputes/{dispute.pk}/").status_code == 200


def test_staff_of_an_agency_present_at_a_session_open_the_case(world, page_as, api_as):
    labour = Agency.objects.create(name="天元区人社局劳动监察大队", kind=Agency.Kind.LABOUR, station=world.station)
    labour.parks.add(world.park)
    staff = assign(UserFactory(username="t_labour"), Role.AGENCY_STAFF, agency=labour)
    dispute = open_dispute(world)
    assert page_as(staff).get(dispute.get_absolute_url()).status_code == 404

    session(world, dispute, agencies=[labour])

    assert page_as(staff).get(dispute.get_absolute_url()).status_code == 200
    assert api_as(staff).get(f"/api/v1/disputes/{dispute.pk}/").status_code == 200
    assert not Dispute.objects.visible_to(world.agency_staff).exists()  # the other agency was not there
