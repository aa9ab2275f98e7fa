"""The printed incident record (警情登记表): page and PDF, who may print it, masked caller, audit trail."""
from urllib.parse import unquote

import pytest
from django.urls import reverse

from parkbeat.audit.models import AuditEvent
from parkbeat.core.tests.pdftext import pdf_text
from parkbeat.incidents.tests.helpers import report

COVERS = ("incidents:incident_print", "incidents:incident_pdf")


@pytest.fixture
def incident(world):
    return report(world, caller_name="李女士", caller_mobile="13912345678", location="新马工业园3号厂房",
                  description="二十余名工人在厂门口聚集讨要工资", enterprise=world.enterprise)


def urls(incident):
    return (reverse("incidents:incident_print", args=[incident.pk]),
            reverse("incidents:incident_pdf", args=[incident.pk]))


@pytest.mark.parametrize("who", ["officer", "leader", "auxiliary"])
def test_the_parks_police_print_the_record(world, page_as, incident, who):
    response = page_as(getattr(world, who)).get(urls(incident)[0])

    assert response.status_code == 200
    body = response.content.decode()
    assert "警情登记表" in body and incident.number in body and world.station.name in body
    assert "二十余名工人在厂门口聚集讨要工资" in body and "新马工业园3号厂房" in body and "李女士" in body
    assert "139****5678" in body and "13912345678" not in body
    assert "处警民警（签名）" in body and urls(incident)[1] in body


def test_the_record_pdf_says_what_the_page_says(world, page_as, incident):
    response = page_as(world.officer).get(urls(incident)[1])

    assert response.status_code == 200
    assert f"警情登记表_{incident.number}_" in unquote(response["Content-Disposition"])
    text = pdf_text(response)
    assert "警情登记表" in text and incident.number in text and world.station.name in text
    assert "李女士" in text and "139****5678" in text and "13912345678" not in text
    assert "新马工业园" in text and "打印时间" in text
    [event] = AuditEvent.objects.filter(verb="download")
    assert (event.actor_username, event.object_type, event.object_id) == (
        "t_officer", "incidents.Incident", str(incident.pk))


def test_the_reporting_liaison_sees_the_incident_but_may_not_print_it(world, page_as):
    incident = report(world, actor=world.liaison, enterprise=world.enterprise)
    client = page_as(world.liaison)
    assert client.get(incident.get_absolute_url()).status_code == 200

    for url in urls(incident):
        assert client.get(url).status_code == 403
    assert "incident-print" not in client.get(incident.get_absolute_url()).content.decode()
    assert not AuditEvent.objects.filter(verb="download").exists()


@pytest.mark.parametrize("who,status", [("other_officer", 404), ("officer2", 404), ("mediator", 403),
                                        ("volunteer", 403), ("sysadmin", 403), ("auditor", 403)])
def test_another_stations_record_is_404_and_a_role_without_print_403(world, page_as, incident, who, status):
    client = page_as(getattr(world, who))

    for url in urls(incident):
        assert client.get(url).status_code == status
    assert not AuditEvent.objects.filter(verb="download").exists()


def test_the_detail_page_offers_print_and_pdf(world, page_as, incident):
    body = page_as(world.officer).get(incident.get_absolute_url()).content.decode()

    assert all(url in body for url in urls(incident))
