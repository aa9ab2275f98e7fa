"""The auditor's CSV export: exactly the filtered events, cells escaped (E5), logged, limited, auditor only."""
import csv
import io

import pytest
from django.urls import reverse
from django.utils import translation

from parkbeat.audit.models import AuditEvent
from parkbeat.audit.services import record, verify_chain
from parkbeat.enterprises import services

COVERS = {"audit:event_export"}
OTHER_ROLES = ("leader", "officer", "auxiliary", "mediator", "agency_staff", "liaison", "volunteer", "sysadmin",
               "secadmin", "nobody")


@pytest.fixture(autouse=True)
def _english(settings):
    """Assert exact messages in English, whatever translations the project ships."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def parse(response):
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def test_the_auditor_exports_the_filtered_events(world, page_as):
    # given
    services.enterprise_update(actor=world.officer, enterprise=world.enterprise, data={"headcount": 120},
                               expected_version=1)
    record(actor=world.leader, verb="update", obj=world.park, note="别的")
    client = page_as(world.auditor)
    # when
    response = client.get(reverse("audit:event_export"), {"user": "t_officer", "verb": "update"})
    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="audit-')
    [row] = parse(response)
    assert (row["actor_username"], row["actor_roles"], row["verb"], row["object_type"], row["object_id"],
            row["changes"]) == ("t_officer", "park_officer", "update", "enterprises.Enterprise",
                                str(world.enterprise.pk), '{"headcount": [100, 120]}')
    assert row["at"].endswith("+08:00")
    assert len(row["hash"]) == 64


def test_the_export_is_logged_once_and_the_chain_holds(world, page_as):
    client = page_as(world.auditor)
    before = AuditEvent.objects.count()

    client.get(reverse("audit:event_export"), {"verb": "login"})

    [event] = AuditEvent.objects.order_by("id")[before:]
    assert (event.verb, event.actor_username, event.object_type, event.object_repr, event.note) == (
        "export", "t_auditor", "audit.AuditEvent", "1 audit events", '{"verb": "login"}')
    assert verify_chain() == (before + 1, None)


def test_formula_like_cells_are_escaped(world, page_as):
    record(actor=None, verb="update", object_type="org.Park", object_repr="=HYPERLINK(\"http://x\")", note="+1")

    [row] = parse(page_as(world.auditor).get(reverse("audit:event_export"), {"object_type": "org.Park"}))

    assert row["object_repr"] == "'=HYPERLINK(\"http://x\")"
    assert row["note"] == "'+1"


def test_personal_data_stays_masked_in_the_export(world, page_as):
    services.liaison_create(actor=world.officer, enterprise=world.enterprise, kind="security_head",
                            name="王保卫", mobile="13812345678")

    response = page_as(world.auditor).get(reverse("audit:event_export"), {"object_type": "enterprises.Liaison"})

    assert "13812345678" not in response.content.decode()
    assert "138****5678" in response.content.decode()


def test_too_many_rows_are_refused_and_nothing_is_logged(world, page_as, settings):
    settings.EXPORT_MAX_ROWS = 1
    client = page_as(world.auditor)  # the login is one event
    record(actor=None, verb="update", object_type="org.Park")
    before = AuditEvent.objects.count()

    response = client.get(reverse("audit:event_export"), {"object_type": ""}, follow=True)

    assert response.redirect_chain[0][0].startswith(reverse("audit:event_list"))
    assert "2 events match; at most 1 can be exported at once. Narrow the filters." in response.content.decode()
    assert AuditEvent.objects.count() == before


def test_invalid_filters_export_nothing(world, page_as):
    client = page_as(world.auditor)
    before = AuditEvent.objects.count()

    response = client.get(reverse("audit:event_export"), {"date_from": "not-a-date"})

    assert response.status_code == 302
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize("name", OTHER_ROLES)
def test_nobody_else_exports_the_trail(world, page_as, name):
    client = page_as(getattr(world, name))
    before = AuditEvent.objects.count()

    response = client.get(reverse("audit:event_export"))

    assert response.status_code == 403
    assert AuditEvent.objects.count() == before


def test_anonymous_visitors_are_sent_to_log_in(client, db):
    response = client.get(reverse("audit:event_export"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert AuditEvent.objects.count() == 0


def test_the_list_page_offers_the_export_with_the_same_filters(world, page_as):
    response = page_as(world.auditor).get(reverse("audit:event_list"), {"verb": "login"})

    assert f'href="{reverse("audit:event_export")}?verb=login"' in response.content.decode()
