"""Who sees and does what, on every dispute page and API route: role × route × own/other record."""
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from parkbeat.disputes.models import Dispute, DisputeParty, Obligation
from parkbeat.disputes.tests.factories import open_dispute, routed_dispute, three_instalments

COVERS = {
    "disputes:dispute_list", "disputes:dispute_create", "disputes:dispute_figures", "disputes:dispute_detail",
    "disputes:dispute_update", "disputes:dispute_level", "disputes:dispute_transition", "disputes:dispute_route",
    "disputes:party_create", "disputes:party_update", "disputes:party_remove", "disputes:session_create",
    "disputes:agreement_create", "disputes:payment_create",
    "dispute-list", "dispute-detail", "dispute-level", "dispute-transition", "dispute-route", "dispute-parties",
    "dispute-figures", "mediation-session-list", "mediation-session-detail", "agreement-list", "agreement-detail",
    "obligation-list", "obligation-detail", "obligation-pay",
}


@pytest.fixture
def cases(world):
    """routed: park A, routed to A's centre + agency; plain: park A, not routed, other enterprise;
    other: another station's dispute."""
    routed = routed_dispute(world)
    agreement = three_instalments(world, routed)
    party = DisputeParty.objects.create(dispute=routed, side="claimant", kind="person", name="张三")
    plain = open_dispute(world, enterprise=world.enterprise2, title="未分派")
    other = open_dispute(world, actor=world.other_officer, park=world.other_park, enterprise=world.other_enterprise)
    return {"routed": routed, "plain": plain, "other": other, "agreement": agreement, "party": party,
            "obligation": agreement.obligations.first()}


# Who sees which of the three disputes (list, detail, API).
SEES = {
    "leader": {"routed", "plain"}, "officer": {"routed", "plain"}, "auxiliary": {"routed", "plain"},
    "mediator": {"routed"}, "agency_staff": {"routed"}, "liaison": {"routed"},  # routed is enterprise A's
    "volunteer": set(), "sysadmin": set(), "secadmin": set(), "auditor": set(), "nobody": set(),
    "officer2": set(), "other_officer": {"other"},
}


NO_CASE_LIST = {"sysadmin", "secadmin", "auditor", "nobody"}


@pytest.mark.parametrize("who", sorted(SEES))
def test_each_role_sees_exactly_its_disputes_in_list_detail_and_api(world, cases, page_as, api_as, who):
    user = getattr(world, who)
    expected = {cases[name].pk for name in SEES[who]}

    client = page_as(user)
    api_list, page = api_as(user).get("/api/v1/disputes/"), client.get(reverse("disputes:dispute_list"))
    if who in NO_CASE_LIST:  # an administrator (or no role): 403, not an empty list
        assert (api_list.status_code, page.status_code) == (403, 403)
    else:
        assert {row["id"] for row in api_list.json()["results"]} == expected
        assert page.status_code == 200
        assert {d.pk for d in page.context["object_list"]} == expected
    for name in ("routed", "plain", "other"):
        pk = cases[name].pk
        status = 200 if pk in expected else 404
        assert client.get(reverse("disputes:dispute_detail", args=[pk])).status_code == status, name
        assert api_as(user).get(f"/api/v1/disputes/{pk}/").status_code == status, name


@pytest.mark.parametrize("who,sees", [("officer", 3), ("mediator", 3), ("agency_staff", 3), ("liaison", 3),
                                      ("other_officer", 0), ("sysadmin", 0)])
def test_obligations_sessions_agreements_follow_the_dispute_scope(world, cases, api_as, who, sees):
    api = api_as(getattr(world, who))
    ob = cases["obligation"]

    assert api.get(f"/api/v1/obligations/{ob.pk}/").status_code == (200 if sees else 404)
    assert api.get(f"/api/v1/agreements/{cases['agreement'].pk}/").status_code == (200 if sees else 404)
    if who in NO_CASE_LIST:  # an administrator: the case lists answer 403
        assert {api.get(f"/api/v1/{name}/").status_code
                for name in ("obligations", "agreements", "mediation-sessions")} == {403}
        return
    assert api.get("/api/v1/obligations/").json()["count"] == sees
    assert api.get("/api/v1/agreements/").json()["count"] == (1 if sees else 0)
    assert api.get("/api/v1/mediation-sessions/").json()["count"] == 0


def test_session_detail_is_scoped(world, cases, api_as):
    from parkbeat.disputes import services

    session = services.session_record(actor=world.officer, dispute=cases["plain"], started_at=timezone.now(),
                                      duration_minutes=30, place="室", outcome="failed")
    assert api_as(world.officer).get(f"/api/v1/mediation-sessions/{session.pk}/").status_code == 200
    assert api_as(world.mediator).get(f"/api/v1/mediation-sessions/{session.pk}/").status_code == 404
    assert api_as(world.other_officer).get(f"/api/v1/mediation-sessions/{session.pk}/").status_code == 404


WRITE_PAGES = ["dispute_update", "dispute_route", "party_create", "session_create", "agreement_create"]
DECIDE_PAGES = ["dispute_level", "dispute_transition"]


@pytest.mark.parametrize("name", WRITE_PAGES + DECIDE_PAGES)
@pytest.mark.parametrize("who,status", [("officer", 200), ("mediator", 200), ("liaison", 403),
                                        ("agency_staff", 403), ("other_officer", 404), ("sysadmin", 403)])
def test_form_pages_only_for_those_who_may_change(world, cases, page_as, name, who, status):
    if name in DECIDE_PAGES and who == "auxiliary":
        status = 403
    response = page_as(getattr(world, who)).get(reverse(f"disputes:{name}", args=[cases["routed"].pk]))
    assert response.status_code == status


def test_auxiliary_edits_but_does_not_decide(world, cases, page_as):
    client = page_as(world.auxiliary)
    pk = cases["routed"].pk
    assert client.get(reverse("disputes:dispute_update", args=[pk])).status_code == 200
    assert client.get(reverse("disputes:dispute_level", args=[pk])).status_code == 403
    assert client.post(reverse("disputes:dispute_transition", args=[pk]),
                       {"version": cases["routed"].version, "to": "settled"}).status_code == 403
    assert Dispute.objects.get(pk=pk).status == "performing"


def test_mediator_cannot_act_on_a_dispute_not_routed_to_the_centre(world, cases, page_as, api_as):
    pk = cases["plain"].pk
    assert page_as(world.mediator).get(reverse("disputes:dispute_update", args=[pk])).status_code == 404
    response = api_as(world.mediator).post(f"/api/v1/disputes/{pk}/transition/", {"to": "settled", "version": 1},
                                           format="json")
    assert response.status_code == 404
    assert Dispute.objects.get(pk=pk).status == "open"


@pytest.mark.parametrize("who,status", [("officer", 200), ("liaison", 403), ("other_officer", 404)])
def test_party_and_payment_pages(world, cases, page_as, who, status):
    client = page_as(getattr(world, who))
    d, party, ob = cases["routed"], cases["party"], cases["obligation"]

    assert client.get(reverse("disputes:party_update", args=[d.pk, party.pk])).status_code == status
    assert client.get(reverse("disputes:payment_create", args=[d.pk, ob.pk])).status_code == status
    response = client.post(reverse("disputes:party_remove", args=[d.pk, party.pk]),
                           {"version": Dispute.objects.get(pk=d.pk).version})
    assert response.status_code == (302 if status == 200 else status)
    assert DisputeParty.objects.filter(pk=party.pk).exists() == (status != 200)


def test_payment_page_refuses_an_obligation_of_another_dispute(world, cases, page_as):
    response = page_as(world.officer).get(reverse("disputes:payment_create",
                                                  args=[cases["plain"].pk, cases["obligation"].pk]))
    assert response.status_code == 404


@pytest.mark.parametrize("who,status", [("officer", 200), ("mediator", 200), ("leader", 200), ("auxiliary", 200),
                                        ("agency_staff", 403), ("liaison", 403), ("volunteer", 403),
                                        ("sysadmin", 403)])
def test_create_and_figures_pages(world, page_as, api_as, who, status):
    user = getattr(world, who)
    client = page_as(user)
    create_status = 403 if who == "auxiliary" and False else status
    assert client.get(reverse("disputes:dispute_create")).status_code == create_status
    assert client.get(reverse("disputes:dispute_figures")).status_code == status
    today = timezone.localdate()
    api = api_as(user).get("/api/v1/disputes/figures/", {"start": today - timedelta(days=30), "end": today})
    assert api.status_code == status


@pytest.mark.parametrize("who,status", [("officer", 201), ("mediator", 201), ("liaison", 403),
                                        ("agency_staff", 403), ("other_officer", 404)])
def test_api_writes_by_role(world, cases, api_as, who, status):
    api = api_as(getattr(world, who))
    d, ob = cases["routed"], cases["obligation"]
    before = (Dispute.objects.get(pk=d.pk).version, Obligation.objects.get(pk=ob.pk).paid_amount)

    pay = api.post(f"/api/v1/obligations/{ob.pk}/pay/", {"paid_on": timezone.localdate(), "amount": "100",
                                                          "version": ob.version}, format="json")
    party = api.post(f"/api/v1/disputes/{d.pk}/parties/", {"side": "claimant", "kind": "person", "name": "李四"},
                     format="json")
    level = api.post(f"/api/v1/disputes/{d.pk}/level/", {"to": "beyond", "reason": "升级", "version": d.version},
                     format="json")
    route = api.post(f"/api/v1/disputes/{d.pk}/route/", {"version": d.version}, format="json")

    assert (pay.status_code, party.status_code) == (status, status)
    assert level.status_code == (200 if status == 201 else status)
    if status != 201:
        assert route.status_code == status
        assert (Dispute.objects.get(pk=d.pk).version, Obligation.objects.get(pk=ob.pk).paid_amount) == before


@pytest.mark.parametrize("who,case,status", [("officer", "plain", 201), ("liaison", "routed", 403),
                                             ("liaison", "plain", 400), ("other_officer", "plain", 400)])
def test_api_create_session_and_agreement_by_role(world, cases, api_as, who, case, status):
    """Someone who cannot see the dispute is told it does not exist (400 on the field), never more."""
    api = api_as(getattr(world, who))
    d = cases[case]
    session = api.post("/api/v1/mediation-sessions/", {
        "dispute": d.pk, "started_at": timezone.now().isoformat(), "duration_minutes": 45, "place": "调解室",
        "outcome": "agreement"}, format="json")
    agreement = api.post("/api/v1/agreements/", {
        "dispute": d.pk, "terms": "一次付清", "total_amount": "500", "signed_on": str(timezone.localdate())},
        format="json")
    assert (session.status_code, agreement.status_code) == (status, status)
