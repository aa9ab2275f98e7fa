"""Editing a case's report time (crime.services.case_update): never after its first key time (the 48 h figures read
report → suspect identified), never before the occurrence, an old one only with a reason (or by a leader) and then
marked as entered late, and the timeline's "reported" row moves with it. The page form and the API name the field."""
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from parkbeat.crime import services
from parkbeat.crime.figures import case_figures
from parkbeat.crime.models import Case, CaseEvent
from parkbeat.crime.tests import helpers as h

COVERS = set()


def _identified(w, days_after_report=4):
    case = h.case(w, hours_ago=24 * 10)
    services.case_key_time(actor=w.officer, case=case, kind="identified",
                           at=case.reported_at + timedelta(days=days_after_report))
    case.refresh_from_db()
    return case


def test_the_report_cannot_move_after_the_first_key_time(world):
    case = _identified(world)
    for moved in (case.suspect_identified_at + timedelta(seconds=1), case.suspect_identified_at + timedelta(hours=2)):
        with pytest.raises(ValidationError) as exc:
            services.case_update(actor=world.officer, case=case, data={"reported_at": moved},
                                 expected_version=case.version)
        assert "reported_at" in exc.value.message_dict
        assert "first key time" in exc.value.message_dict["reported_at"][0]
    case.refresh_from_db()
    figures = case_figures(user=world.officer)
    assert (figures["identified"], figures["within_48h"]) == (1, 0)


def test_the_report_cannot_move_before_the_occurrence(world):
    case = h.case(world)
    with pytest.raises(ValidationError) as exc:
        services.case_update(actor=world.officer, case=case, data={"reported_at": case.occurred_at - timedelta(hours=1)},
                             expected_version=case.version)
    assert "reported_at" in exc.value.message_dict


def test_a_report_moved_far_back_needs_a_reason_and_is_entered_late(world):
    case = h.case(world)
    old = timezone.now() - timedelta(days=settings.PARKBEAT_BACK_ENTRY_DAYS + 300)
    with pytest.raises(ValidationError) as exc:
        services.case_update(actor=world.officer, case=case, data={"reported_at": old, "occurred_at": old},
                             expected_version=case.version)
    assert "reported_at" in exc.value.message_dict
    services.case_update(actor=world.officer, case=case, data={"reported_at": old, "occurred_at": old},
                         expected_version=case.version, late_reason="旧台账补录")
    case.refresh_from_db()
    assert (case.reported_at, case.entered_late, case.late_reason) == (old, True, "旧台账补录")
    event = CaseEvent.objects.get(case=case, kind=CaseEvent.Kind.REPORTED)
    assert (event.at, event.entered_late, event.late_reason) == (old, True, "旧台账补录")


def test_an_unchanged_old_report_time_asks_for_no_reason(world):
    old = timezone.now() - timedelta(days=settings.PARKBEAT_BACK_ENTRY_DAYS + 30)
    case = h.case(world, actor=world.leader, occurred_at=old - timedelta(hours=2), reported_at=old)
    services.case_update(actor=world.officer, case=case, data={
        "title": "改名", "reported_at": timezone.localtime(case.reported_at).replace(second=0, microsecond=0),
        "occurred_at": timezone.localtime(case.occurred_at).replace(second=0, microsecond=0)},
        expected_version=case.version)
    case.refresh_from_db()
    assert (case.title, case.reported_at) == ("改名", old)


def test_a_recent_move_of_the_report_moves_the_timeline(world):
    case = h.case(world)
    moved = case.reported_at - timedelta(hours=2)
    services.case_update(actor=world.officer, case=case, data={"reported_at": moved}, expected_version=case.version)
    assert CaseEvent.objects.get(case=case, kind=CaseEvent.Kind.REPORTED).at == moved
    assert Case.objects.get(pk=case.pk).entered_late is False


def _local(value):
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


def test_the_api_answers_400_naming_reported_at(world, api_as):
    case = _identified(world)
    answer = api_as(world.officer).patch(f"/api/v1/crime/cases/{case.pk}/", {
        "version": case.version, "reported_at": (case.suspect_identified_at + timedelta(hours=1)).isoformat()},
        format="json")
    assert answer.status_code == 400 and "reported_at" in answer.json(), answer.content
    old = (timezone.now() - timedelta(days=settings.PARKBEAT_BACK_ENTRY_DAYS + 300)).isoformat()
    answer = api_as(world.officer).patch(f"/api/v1/crime/cases/{case.pk}/", {
        "version": case.version, "reported_at": old, "occurred_at": old}, format="json")
    assert answer.status_code == 400 and "reported_at" in answer.json(), answer.content
    answer = api_as(world.officer).patch(f"/api/v1/crime/cases/{case.pk}/", {
        "version": case.version, "reported_at": old, "occurred_at": old, "late_reason": "旧台账补录"}, format="json")
    assert answer.status_code == 200, answer.content
    assert answer.json()["entered_late"] is True


def test_the_edit_page_names_the_field_and_takes_a_reason(world, page_as, settings):
    case = _identified(world)
    client = page_as(world.officer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert 'name="late_reason"' in client.get(f"/crime/cases/{case.pk}/edit/").content.decode()
    body = {"version": case.version, "kind": case.kind, "title": case.title, "enterprise": case.enterprise_id,
            "area": "", "description": case.description, "occurred_at": _local(case.occurred_at),
            "reported_at": _local(case.suspect_identified_at + timedelta(hours=1)), "loss_yuan": "86000",
            "loss_items": case.loss_items}
    answer = client.post(f"/crime/cases/{case.pk}/edit/", body)
    assert answer.status_code == 200
    html = answer.content.decode()
    assert "first key time" in html
    old = timezone.localtime() - timedelta(days=settings.PARKBEAT_BACK_ENTRY_DAYS + 300)
    body.update(reported_at=_local(old), occurred_at=_local(old - timedelta(hours=1)))
    assert client.post(f"/crime/cases/{case.pk}/edit/", body).status_code == 200
    body["late_reason"] = "旧台账补录"
    assert client.post(f"/crime/cases/{case.pk}/edit/", body).status_code == 302
    case.refresh_from_db()
    assert case.entered_late and case.late_reason == "旧台账补录"
