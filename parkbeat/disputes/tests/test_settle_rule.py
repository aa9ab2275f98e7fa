"""Settling (标记为已化解) by hand: refused while an agreement is still being kept, a note required, asked for
in a confirmation step on the page; one rule (services.settle_refusal) for the page, the API and commands."""
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from parkbeat.core.services import IllegalTransition
from parkbeat.disputes import services
from parkbeat.disputes.models import Agreement, Dispute
from parkbeat.disputes.tests.factories import open_dispute, three_instalments


def kept(world):
    """A dispute kept under an agreement of three unpaid instalments (履行中)."""
    dispute = open_dispute(world)
    three_instalments(world, dispute)
    dispute.refresh_from_db()
    assert dispute.status == "performing"
    return dispute


def refusal(dispute):
    with translation.override("zh-hans"):
        return services.settle_refusal(dispute)


def settle_steps(dispute):
    return dispute.transitions.filter(kind="status", to_value="settled").count()


# ---------------------------------------------------------------- the rule, in the service
def test_a_dispute_under_a_live_agreement_cannot_be_settled_by_hand(world):
    dispute = kept(world)

    with translation.override("en"), pytest.raises(IllegalTransition, match="3 instalments unpaid"):
        services.dispute_transition(actor=world.officer, dispute=dispute, to="settled", note="双方和解",
                                    expected_version=dispute.version)

    dispute.refresh_from_db()
    assert (dispute.status, dispute.settled_at, settle_steps(dispute)) == ("performing", None, 0)
    assert Agreement.objects.get().status == "performing"


def test_a_breached_agreement_with_the_case_open_again_still_decides(world):
    dispute = kept(world)
    Agreement.objects.update(status="breached")
    Dispute.objects.filter(pk=dispute.pk).update(status="open")
    dispute.refresh_from_db()

    assert "3" in refusal(dispute)
    with pytest.raises(IllegalTransition):
        services.dispute_transition(actor=world.officer, dispute=dispute, to="settled", note="双方和解",
                                    expected_version=dispute.version)
    assert Dispute.objects.get(pk=dispute.pk).status == "open"


def test_settling_needs_a_note(world):
    dispute = open_dispute(world)
    with pytest.raises(ValidationError) as refused:
        services.dispute_transition(actor=world.officer, dispute=dispute, to="settled", note="  ",
                                    expected_version=1)
    assert list(refused.value.message_dict) == ["note"]
    assert Dispute.objects.get(pk=dispute.pk).status == "open"


def test_without_an_agreement_or_once_it_is_fulfilled_settling_is_allowed(world):
    plain = open_dispute(world)
    assert services.settle_refusal(plain) is None
    services.dispute_transition(actor=world.officer, dispute=plain, to="settled", note="当场和解", expected_version=1)
    assert Dispute.objects.get(pk=plain.pk).status == "settled"

    paid = kept(world)
    for obligation in paid.agreements.get().obligations.order_by("sequence"):
        services.payment_record(actor=world.officer, obligation=obligation, paid_on=timezone.localdate(),
                                amount=obligation.amount, expected_version=obligation.version)
    paid.refresh_from_db()
    assert (paid.status, Agreement.objects.get(dispute=paid).status) == ("settled", "fulfilled")
    services.dispute_transition(actor=world.officer, dispute=paid, to="open", note="企业又拖欠", expected_version=paid.version)
    paid.refresh_from_db()
    assert services.settle_refusal(paid) is None  # the fulfilled agreement no longer decides

    services.dispute_transition(actor=world.officer, dispute=paid, to="settled", note="再次协商一致",
                                expected_version=paid.version)
    assert Dispute.objects.get(pk=paid.pk).status == "settled"


def test_a_new_agreement_supersedes_the_live_one_and_lifts_the_refusal(world):
    dispute = kept(world)
    services.agreement_record(actor=world.officer, dispute=dispute, terms="一次性付清", total_amount=Decimal("25000"),
                              signed_on=timezone.localdate(), expected_version=dispute.version)
    dispute.refresh_from_db()
    assert dispute.status == "settled"
    assert services.settle_refusal(dispute) is None


# ---------------------------------------------------------------- the page
def test_the_page_shows_the_refusal_instead_of_the_settle_step(world, page_as):
    dispute = kept(world)
    html = page_as(world.officer).get(dispute.get_absolute_url()).content.decode()

    assert refusal(dispute) in html
    assert 'id="settle-modal"' not in html and "disabled" in html.split('id="settle-action"')[1][:300]


def test_the_page_asks_for_confirmation_and_a_note(world, page_as):
    dispute = open_dispute(world)
    html = page_as(world.officer).get(dispute.get_absolute_url()).content.decode()

    modal = html.split('id="settle-modal"')[1]
    assert 'data-bs-target="#settle-modal"' in html  # the button opens the confirmation
    assert '<textarea class="form-control form-control-sm" id="id_settled_note" name="note" rows="3" required' in modal
    assert 'id="settle-confirm"' in modal
    assert "<script>" not in html and "onclick" not in html  # CSP: script-src 'self'


def test_a_page_post_under_a_live_agreement_is_refused_on_the_form(world, page_as):
    dispute = kept(world)
    response = page_as(world.officer).post(reverse("disputes:dispute_transition", args=[dispute.pk]),
                                           {"version": dispute.version, "to": "settled", "note": "双方和解"})

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [refusal(dispute)]
    assert Dispute.objects.get(pk=dispute.pk).status == "performing"


def test_a_page_post_without_a_note_is_refused_on_the_note(world, page_as):
    dispute = open_dispute(world)
    response = page_as(world.officer).post(reverse("disputes:dispute_transition", args=[dispute.pk]),
                                           {"version": 1, "to": "settled", "note": ""})

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["note"]
    assert Dispute.objects.get(pk=dispute.pk).status == "open"


def test_a_double_submit_on_the_page_settles_once(world, page_as):
    dispute = open_dispute(world)
    client = page_as(world.officer)
    url = reverse("disputes:dispute_transition", args=[dispute.pk])
    form = {"version": 1, "to": "settled", "note": "双方和解"}

    first, second = client.post(url, form), client.post(url, form)

    assert first.status_code == 302
    assert second.status_code == 200 and second.context["form"].non_field_errors()
    dispute.refresh_from_db()
    assert (dispute.status, dispute.version, settle_steps(dispute)) == ("settled", 2, 1)


# ---------------------------------------------------------------- the API
def test_the_api_answers_409_with_the_reason_under_a_live_agreement(world, api_as):
    dispute = kept(world)
    response = api_as(world.officer).post(f"/api/v1/disputes/{dispute.pk}/transition/",
                                          {"to": "settled", "note": "双方和解", "version": dispute.version},
                                          format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert response.status_code == 409
    assert response.json() == {"detail": refusal(dispute)}
    assert Dispute.objects.get(pk=dispute.pk).status == "performing"


def test_the_api_needs_a_note_and_settles_once(world, api_as):
    dispute = open_dispute(world)
    api = api_as(world.officer)
    url = f"/api/v1/disputes/{dispute.pk}/transition/"

    no_note = api.post(url, {"to": "settled", "version": 1}, format="json")
    done = api.post(url, {"to": "settled", "note": "双方和解", "version": 1}, format="json")
    again = api.post(url, {"to": "settled", "note": "双方和解", "version": 1}, format="json")

    assert (no_note.status_code, list(no_note.json())[:1]) == (400, ["note"])
    assert (done.status_code, again.status_code) == (200, 409)
    assert settle_steps(Dispute.objects.get(pk=dispute.pk)) == 1


def test_the_dispute_page_of_a_settled_case_offers_no_settling(world, page_as):
    dispute = open_dispute(world)
    services.dispute_transition(actor=world.officer, dispute=dispute, to="settled", note="双方和解",
                                expected_version=1)
    html = page_as(world.officer).get(dispute.get_absolute_url()).content.decode()
    assert 'id="settle-action"' not in html


@pytest.mark.parametrize("days", [1])
def test_the_refusal_names_the_agreement_it_follows(world, days):
    dispute = open_dispute(world)
    three_instalments(world, dispute, signed_on=timezone.localdate() - timedelta(days=days))
    dispute.refresh_from_db()
    with translation.override("en"):
        text = services.settle_refusal(dispute)
    assert (timezone.localdate() - timedelta(days=days)).isoformat() in text
    assert "Being kept" in text
