"""The printed mediation agreement (调解协议书): page and PDF, who may print it, what it names, the audit trail."""
from decimal import Decimal
from urllib.parse import unquote

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from parkbeat.audit.models import AuditEvent
from parkbeat.core.tests.pdftext import pdf_text
from parkbeat.disputes import services
from parkbeat.disputes.tests.factories import open_dispute, routed_dispute

COVERS = ("disputes:agreement_print", "disputes:agreement_pdf")


@pytest.fixture
def case(world):
    dispute = routed_dispute(world)
    worker = services.party_add(actor=world.officer, dispute=dispute, side="claimant", kind="workers",
                                name="王建国等12名工人", headcount=12, representatives="王建国",
                                contact_mobile="13812345678")
    boss = services.party_add(actor=world.officer, dispute=dispute, side="respondent", kind="enterprise",
                              name="株洲新马机械有限公司", enterprise=world.enterprise)
    agreement = services.agreement_record(
        actor=world.officer, dispute=dispute, terms="公司分两期支付拖欠工资共计一万二千元。",
        total_amount=Decimal("12000"), signed_on=timezone.localdate(), instalments_declared=2,
        parties=[worker, boss],
        obligations=[{"due_on": timezone.localdate(), "amount": Decimal("7000"), "description": "第一期工资"},
                     {"due_on": timezone.localdate(), "amount": Decimal("5000"), "description": "第二期工资"}])
    dispute.refresh_from_db()
    return dispute, agreement


def urls(dispute, agreement):
    args = [dispute.pk, agreement.pk]
    return reverse("disputes:agreement_print", args=args), reverse("disputes:agreement_pdf", args=args)


@pytest.mark.parametrize("who", ["officer", "leader", "auxiliary", "mediator"])
def test_those_who_work_the_case_print_the_agreement(world, page_as, case, who):
    dispute, agreement = case
    page, _pdf = urls(dispute, agreement)

    response = page_as(getattr(world, who)).get(page)

    assert response.status_code == 200
    body = response.content.decode()
    assert "调解协议书" in body and dispute.number in body and world.station.name in body
    assert "王建国等12名工人" in body and "株洲新马机械有限公司" in body
    assert "7,000.00 元" in body and "5,000.00 元" in body and "12,000.00 元" in body
    assert "138****5678" in body and "13812345678" not in body
    assert "调解员（签名）" in body and "（盖章）" in body and "新马园区调解中心" in body
    assert 'href="' + _pdf + '"' in body and "data-print" in body


def test_the_agreement_pdf_says_what_the_page_says(world, page_as, case):
    dispute, agreement = case
    _page, pdf_url = urls(dispute, agreement)

    response = page_as(world.officer).get(pdf_url)

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    disposition = unquote(response["Content-Disposition"])
    assert disposition.startswith("attachment;") and f"调解协议书_{dispute.number}-1_" in disposition
    text = pdf_text(response)
    assert "调解协议书" in text and dispute.number in text and world.station.name in text
    assert "王建国等12名工人" in text and "株洲新马机械有限公司" in text
    assert "12,000.00 元" in text and "7,000.00 元" in text
    assert "138****5678" in text and "13812345678" not in text
    assert "打印时间" in text and "第 1 页" in text


def test_a_pdf_download_is_on_the_audit_trail(world, page_as, case):
    dispute, agreement = case

    page_as(world.mediator).get(urls(dispute, agreement)[1])

    [event] = AuditEvent.objects.filter(verb="download")
    assert (event.actor_username, event.object_type, event.object_id, event.note) == (
        "t_mediator", "disputes.Agreement", str(agreement.pk), "PDF")


@pytest.mark.parametrize("who", ["liaison", "agency_staff"])
def test_who_sees_the_case_without_working_it_may_not_print(world, page_as, case, who):
    dispute, agreement = case
    client = page_as(getattr(world, who))
    assert client.get(dispute.get_absolute_url()).status_code == 200  # they do see the case

    for url in urls(dispute, agreement):
        assert client.get(url).status_code == 403
    assert not AuditEvent.objects.filter(verb="download").exists()


@pytest.mark.parametrize("who,status", [("other_officer", 404), ("officer2", 404), ("volunteer", 403),
                                        ("sysadmin", 403), ("auditor", 403)])
def test_another_stations_agreement_is_404_and_a_role_without_print_403(world, page_as, case, who, status):
    dispute, agreement = case
    client = page_as(getattr(world, who))

    for url in urls(dispute, agreement):
        assert client.get(url).status_code == status
    assert not AuditEvent.objects.filter(verb="download").exists()


def test_another_stations_officer_gets_404(world, page_as, case):
    dispute, agreement = case
    for url in urls(dispute, agreement):
        assert page_as(world.other_officer).get(url).status_code == 404


def test_an_agreement_of_another_dispute_is_404(world, page_as, case):
    dispute, agreement = case
    other = open_dispute(world, title="另一起纠纷")

    for name in ("disputes:agreement_print", "disputes:agreement_pdf"):
        assert page_as(world.officer).get(reverse(name, args=[other.pk, agreement.pk])).status_code == 404


def test_the_detail_page_offers_print_and_pdf_to_the_case_workers_only(world, page_as, case):
    dispute, agreement = case
    page, pdf_url = urls(dispute, agreement)

    officer_page = page_as(world.officer).get(dispute.get_absolute_url()).content.decode()
    liaison_page = page_as(world.liaison).get(dispute.get_absolute_url()).content.decode()

    assert page in officer_page and pdf_url in officer_page
    assert page not in liaison_page and pdf_url not in liaison_page


def test_the_pdf_counts_against_the_export_quota(world, page_as, case, settings):
    cache.clear()
    settings.EXPORT_RATE_PER_HOUR = 1
    dispute, agreement = case
    page, pdf_url = urls(dispute, agreement)
    client = page_as(world.officer)
    assert client.get(pdf_url).status_code == 200

    response = client.get(pdf_url, follow=True)

    assert response.redirect_chain[-1][0] == page
    with translation.override("zh-hans"):
        refusal = gettext("At most %(limit)s exports an hour; try again later.") % {"limit": 1}
    assert refusal in response.content.decode()
    assert AuditEvent.objects.filter(verb="download").count() == 1
