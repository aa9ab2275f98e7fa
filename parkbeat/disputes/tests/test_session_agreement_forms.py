"""Session and agreement forms: the instalment rows are the count, parties added from the session form, dates
default to today (Asia/Shanghai), searchable pickers, a session not before the case began, the handler defaults
to the park's officer, amounts in 元."""
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import time_machine
from django.urls import reverse
from django.utils import timezone

from parkbeat.disputes.models import DisputeParty, MediationSession, Obligation
from parkbeat.disputes.tests.factories import open_dispute, three_instalments
from parkbeat.incidents.tests.helpers import report

SHANGHAI = ZoneInfo("Asia/Shanghai")
LATE_EVENING = datetime(2026, 12, 2, 23, 30, tzinfo=SHANGHAI)  # 15:30 UTC: already the 2nd in the station


def session_form(**extra):
    return {"started_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "duration_minutes": 60,
            "place": "调解室", "outcome": "adjourned", "party-TOTAL_FORMS": "2", "party-INITIAL_FORMS": "0",
            "party-MIN_NUM_FORMS": "0", "party-MAX_NUM_FORMS": "10",
            "party-0-headcount": "1", "party-1-headcount": "1", **extra}


def test_the_agreement_form_has_no_count_of_its_own_the_rows_decide(world, page_as):
    dispute = open_dispute(world)
    client = page_as(world.officer)
    url = reverse("disputes:agreement_create", args=[dispute.pk])
    form = client.get(url).context["form"]
    assert "instalments_declared" not in form.fields
    today = timezone.localdate()
    rows = "\n".join(f"{today + timedelta(days=30 * i)} 1000 第{i + 1}期" for i in range(1, 4))

    done = client.post(url, {"version": dispute.version, "terms": "分三期", "total_amount": "3000",
                             "signed_on": today.isoformat(), "obligations": rows})

    assert done.status_code == 302
    assert Obligation.objects.filter(agreement__dispute=dispute).count() == 3


def test_rows_that_do_not_add_up_are_refused_naming_both_sums(world, page_as):
    dispute = open_dispute(world)
    today = timezone.localdate()
    refused = page_as(world.officer).post(reverse("disputes:agreement_create", args=[dispute.pk]), {
        "version": dispute.version, "terms": "分两期", "total_amount": "3000", "signed_on": today.isoformat(),
        "obligations": f"{today + timedelta(days=5)} 1000 一\n{today + timedelta(days=35)} 1500 二"})

    assert refused.status_code == 200
    assert "2500" in refused.context["form"].errors["total_amount"][0]
    assert not Obligation.objects.exists()


def test_the_running_total_is_checked_while_typing_by_a_static_script(world, page_as):
    dispute = open_dispute(world)
    html = page_as(world.officer).get(reverse("disputes:agreement_create", args=[dispute.pk])).content.decode()
    assert '<script src="/static/disputes/instalments.js"></script>' in html
    assert "mismatch" in html and "<script>" not in html


def test_dates_default_to_today_in_the_station(world, page_as):
    with time_machine.travel(LATE_EVENING, tick=False):
        dispute = open_dispute(world, began_at=LATE_EVENING - timedelta(days=3))
        client = page_as(world.officer)
        agreement = client.get(reverse("disputes:agreement_create", args=[dispute.pk])).content.decode()
        session = client.get(reverse("disputes:session_create", args=[dispute.pk])).content.decode()

    assert 'name="signed_on" value="2026-12-02"' in agreement
    assert 'name="started_at" value="2026-12-02T23:30"' in session


def test_a_session_cannot_start_before_the_case_began(world, page_as):
    dispute = open_dispute(world, began_at=timezone.now() - timedelta(days=2))
    client = page_as(world.officer)
    url = reverse("disputes:session_create", args=[dispute.pk])
    began = timezone.localtime(dispute.began_at)
    assert f'min="{began:%Y-%m-%dT%H:%M}"' in client.get(url).content.decode()

    refused = client.post(url, session_form(started_at=(began - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")))

    assert refused.status_code == 200
    assert list(refused.context["form"].errors) == ["started_at"]
    assert not MediationSession.objects.exists()


def test_parties_are_added_from_the_session_form(world, page_as):
    dispute = open_dispute(world)
    response = page_as(world.officer).post(reverse("disputes:session_create", args=[dispute.pk]), session_form(**{
        "party-0-side": "claimant", "party-0-kind": "workers", "party-0-name": "钢构班组工人", "party-0-headcount": "12",
        "party-0-representatives": "李四"}))

    assert response.status_code == 302, response.context["form"].errors
    assert MediationSession.objects.count() == 1
    party = DisputeParty.objects.get(dispute=dispute)  # the empty second row added nobody
    assert (party.side, party.kind, party.name, party.headcount) == ("claimant", "workers", "钢构班组工人", 12)


def test_a_bad_party_row_refuses_the_whole_session(world, page_as):
    dispute = open_dispute(world)
    response = page_as(world.officer).post(reverse("disputes:session_create", args=[dispute.pk]), session_form(**{
        "party-0-side": "claimant", "party-0-kind": "workers", "party-0-name": ""}))

    assert response.status_code == 200
    assert not MediationSession.objects.exists() and not DisputeParty.objects.exists()


def test_multi_selects_are_searchable_pickers(world, page_as):
    dispute = open_dispute(world)
    three_instalments(world, dispute)
    client = page_as(world.officer)
    session = client.get(reverse("disputes:session_create", args=[dispute.pk])).content.decode()
    assert 'name="mediators"' in session and 'data-picker="static"' in session
    assert 'name="agencies"' in session.split('data-picker="static"', 1)[1] or session.count('data-picker="static"') >= 2


def test_the_handler_defaults_to_the_officer_of_the_park(world, page_as):
    client = page_as(world.officer)
    assert client.get(reverse("disputes:dispute_create")).context["form"].initial["handler"] == world.officer.pk
    incident = report(world)  # dispatched to the park's officer
    form = page_as(world.leader).get(reverse("disputes:dispute_create") + f"?incident={incident.pk}").context["form"]
    assert form.initial["handler"] == incident.holder_id


def test_amounts_on_the_dispute_page_read_in_yuan(world, page_as):
    dispute = open_dispute(world, amount_in_dispute=Decimal("86500"))
    three_instalments(world, dispute)
    html = page_as(world.officer).get(dispute.get_absolute_url()).content.decode()
    assert "86,500.00 元" in html and "30,000.00 元" in html and "10,000.00 元" in html
