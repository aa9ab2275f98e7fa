"""Dates and texts a person enters are bounded in the model, so every path refuses the same input.

Found from outside: visits dated 0001-01-01 and 9999-12-31, demands due in 9999, and 1 MB findings were
accepted and stored.
"""
from datetime import date, timedelta

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils import timezone

from parkbeat.core.bounds import Plausible, happened, plausible
from parkbeat.enterprises.models import Demand, Visit

BOUNDED_APPS = ("enterprises", "org", "volunteers", "notifications", "audit", "files", "security", "incidents",
                "disputes")
# Times the system sets, never a person.
SYSTEM_SET = {"enterprises.Demand.answered_at", "enterprises.Demand.closed_at", "enterprises.DemandTransition.at",
              "audit.AuditEvent.at", "audit.AuditChainLink.purged_at", "org.User.last_login", "org.User.date_joined",
              "org.User.password_changed_at", "org.ApiToken.expires_at", "org.ApiToken.revoked_at",
              "org.ApiToken.last_used_at", "notifications.Notification.created_at", "notifications.Notification.read_at",
              "notifications.OutboxMessage.next_attempt_at", "notifications.OutboxMessage.sent_at",
              "incidents.Incident.held_since", "incidents.Incident.accept_due_at", "disputes.Dispute.level_since",
              "disputes.Obligation.paid_on", "disputes.Obligation.reminded_on", "disputes.LedgerEntry.imported_at"}
# Times of recorded events: core.events.event_time bounds them (never in the future, back-entry only within
# PARKBEAT_BACK_ENTRY_DAYS, never before what they follow), and recorded_at is the clock's.
EVENT_TIMES = {"incidents.Incident.reported_at", "incidents.Incident.accepted_at", "incidents.Incident.on_scene_at",
               "incidents.Incident.closed_at", "incidents.IncidentTransition.at",
               "incidents.IncidentTransition.recorded_at", "disputes.Dispute.settled_at",
               "disputes.DisputeTransition.at", "disputes.DisputeTransition.recorded_at",
               "volunteers.VolunteerTransition.recorded_at"}  # core.models.EventRow: the clock's, as the others
# Texts the system writes from bounded inputs (an audit note, a notification's body), and ciphertext
# columns whose plaintext has its own format check.
SYSTEM_TEXT = {"audit.AuditEvent.note", "notifications.Notification.body", "volunteers.Volunteer.resident_id"}


def fields_of(app_label, kind):
    for model in apps.get_app_config(app_label).get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, kind):
                yield f"{model._meta.label}.{field.name}", field


@pytest.mark.parametrize("app_label", BOUNDED_APPS)
def test_every_text_field_has_an_enforced_length(app_label):
    unbounded = [name for name, field in fields_of(app_label, models.TextField)
                 if name not in SYSTEM_TEXT and not any(isinstance(v, MaxLengthValidator) for v in field.validators)]

    assert not unbounded, f"TextFields without an enforced max_length (use core.bounds.BoundedTextField): {unbounded}"


@pytest.mark.parametrize("app_label", BOUNDED_APPS)
def test_every_date_a_person_enters_has_a_plausible_range(app_label):
    missing = [name for name, field in fields_of(app_label, (models.DateField, models.DateTimeField))
               if name not in SYSTEM_SET | EVENT_TIMES and not getattr(field, "auto_now", False)
               and not getattr(field, "auto_now_add", False)
               and not any(isinstance(v, Plausible) for v in field.validators)]

    assert not missing, f"dates without core.bounds.plausible or happened: {missing}"


@pytest.mark.parametrize("value", [date(1, 1, 1), date(1999, 12, 31), date(9999, 12, 31)])
def test_plausible_refuses_typing_errors(value):
    with pytest.raises(ValidationError):
        plausible(value)


def test_plausible_accepts_the_range_and_happened_refuses_the_future():
    plausible(date(2000, 1, 1))
    plausible(timezone.localdate() + timedelta(days=365 * 9))
    happened(timezone.now() - timedelta(minutes=1))
    happened(timezone.now() + timedelta(minutes=2))  # a phone's clock a little ahead
    with pytest.raises(ValidationError):
        happened(timezone.now() + timedelta(hours=1))


def test_the_earliest_date_is_a_setting(settings):
    settings.PARKBEAT_EARLIEST_DATE = "2020-01-01"

    with pytest.raises(ValidationError):
        plausible(date(2019, 12, 31))


@pytest.mark.django_db
@pytest.mark.parametrize("visited_at", ["0001-01-01T10:00:00+08:00", "9999-12-31T10:00:00+08:00",
                                        "1999-06-01T10:00:00+08:00"])
def test_a_visit_at_an_impossible_time_is_refused_by_the_api(world, api_as, visited_at):
    response = api_as(world.officer).post("/api/v1/visits/", {
        "enterprise": world.enterprise.pk, "visited_at": visited_at, "findings": "消防通道畅通"}, format="json")

    assert response.status_code == 400
    assert "visited_at" in response.json()
    assert not Visit.objects.exists()


@pytest.mark.django_db
def test_a_visit_in_the_future_is_refused(world, api_as):
    tomorrow = (timezone.now() + timedelta(days=1)).isoformat()

    response = api_as(world.officer).post("/api/v1/visits/", {
        "enterprise": world.enterprise.pk, "visited_at": tomorrow, "findings": "x"}, format="json")

    assert response.status_code == 400
    assert "visited_at" in response.json()


@pytest.mark.django_db
def test_a_megabyte_of_findings_is_refused_and_nothing_stored(world, api_as):
    response = api_as(world.officer).post("/api/v1/visits/", {
        "enterprise": world.enterprise.pk, "findings": "很" * 1_000_000}, format="json")

    assert response.status_code == 400
    assert "findings" in response.json()
    assert not Visit.objects.exists()


@pytest.mark.django_db
def test_a_demand_due_in_9999_is_refused(world, api_as):
    response = api_as(world.officer).post("/api/v1/demands/", {
        "enterprise": world.enterprise.pk, "category": "other", "content": "路灯坏了",
        "due_at": "9999-12-31T10:00:00+08:00"}, format="json")

    assert response.status_code == 400
    assert "due_at" in response.json()
    assert not Demand.objects.exists()


@pytest.mark.django_db
def test_the_visit_page_refuses_the_same_dates(world, page_as):
    response = page_as(world.officer).post(f"/enterprises/{world.enterprise.pk}/visits/new/", {
        "visited_at": "0001-01-01T10:00", "findings": "x"})

    assert response.status_code == 200
    assert "visited_at" in response.context["form"].errors
    assert not Visit.objects.exists()


@pytest.mark.django_db
def test_a_note_on_a_transition_is_held_to_its_length_on_the_api_and_in_the_model(world, api_as):
    from parkbeat.disputes.models import DisputeTransition
    from parkbeat.disputes.tests.factories import open_dispute

    dispute = open_dispute(world)
    steps = DisputeTransition.objects.count()
    client = api_as(world.officer)

    for path, body in ((f"/api/v1/disputes/{dispute.pk}/transition/", {"to": "withdrawn", "note": "长" * 100_000}),
                       (f"/api/v1/disputes/{dispute.pk}/level/", {"to": "enterprise", "reason": "长" * 100_000})):
        response = client.post(path, {**body, "version": dispute.version}, format="json")
        assert response.status_code == 400, response.content

    assert DisputeTransition.objects.count() == steps
    step = DisputeTransition.objects.first()
    step.note = "长" * 2001
    with pytest.raises(ValidationError):
        step.save()  # a row written without full_clean is held to the length too
