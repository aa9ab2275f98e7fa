"""The rules of background checks: no consent no check, encrypted and masked IDs, only police of the park answer and
only with the second factor, once; the trail holds masked values only; retention erases rows, files and leaves
nothing personal on the trail; the figures are the database's."""
import json
from datetime import datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from parkbeat.audit.models import AuditEvent
from parkbeat.audit.services import verify_chain
from parkbeat.checks import selectors, services
from parkbeat.checks.models import BackgroundCheck
from parkbeat.checks.tests import helpers as h
from parkbeat.core.services import ConflictError
from parkbeat.files.models import Attachment

pytestmark = pytest.mark.django_db


def trail_text():
    """Everything the audit trail holds, as one string."""
    return json.dumps([[e.object_repr, e.changes, e.note] for e in AuditEvent.objects.all()], ensure_ascii=False)


# ---------------------------------------------------------------- the request
def test_no_consent_no_check(world):
    with pytest.raises(ValidationError) as refused:
        services.check_request(actor=world.liaison, enterprise=world.enterprise, candidate_name=h.NAME,
                               resident_id=h.RID, post="出纳", post_kind="finance", consent=None)

    assert "consent" in refused.value.message_dict
    assert not BackgroundCheck.objects.exists() and not Attachment.objects.exists()


@pytest.mark.parametrize("upload", [
    SimpleUploadedFile("同意书.pdf", b"<html><script>alert(1)</script></html>", content_type="application/pdf"),
    SimpleUploadedFile("同意书.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>", content_type="image/svg+xml"),
    SimpleUploadedFile("同意书.xlsx", b"PK\x03\x04", content_type="application/vnd.ms-excel"),
])
def test_a_consent_that_is_not_an_image_or_pdf_refuses_the_whole_request(world, upload, settings):
    with pytest.raises(ValidationError) as refused:
        h.request(world, consent=upload)

    assert list(refused.value.message_dict) == ["consent"]
    assert not BackgroundCheck.objects.exists() and not Attachment.objects.exists()
    assert not list(settings.PRIVATE_MEDIA_ROOT.rglob("*.*")) if settings.PRIVATE_MEDIA_ROOT.exists() else True


@pytest.mark.parametrize("field, kwargs", [
    ("resident_id", {"rid": "110105194912310021"}),  # wrong check digit
    ("resident_id", {"rid": "1101051949"}),
    ("candidate_name", {"name": "王"}),
    ("post", {"post": ""}),
    ("post_kind", {"post_kind": "pilot"}),
])
def test_bad_input_is_refused_naming_the_field(world, field, kwargs):
    with pytest.raises(ValidationError) as refused:
        h.request(world, **kwargs)

    assert field in refused.value.message_dict
    assert not BackgroundCheck.objects.exists()


def test_only_a_liaison_asks_and_only_for_their_own_enterprise(world):
    for actor, enterprise in ((world.officer, world.enterprise), (world.auxiliary, world.enterprise),
                              (world.liaison, world.enterprise2), (world.liaison, world.other_enterprise)):
        with pytest.raises(PermissionDenied):
            h.request(world, liaison=actor, enterprise=enterprise)
    assert not BackgroundCheck.objects.exists()


def test_the_resident_id_is_encrypted_at_rest_and_found_by_its_blind_index(world):
    check = h.request(world)

    with connection.cursor() as cursor:
        cursor.execute("SELECT resident_id, candidate_name FROM checks_backgroundcheck WHERE id = %s", [check.pk])
        raw_id, name = cursor.fetchone()
    assert h.RID not in raw_id and raw_id.count(":") >= 1
    assert name == h.NAME
    assert BackgroundCheck.objects.get(pk=check.pk).resident_id == h.RID
    assert check.resident_id_masked == "110***********002X"
    from parkbeat.core.personal import blind_index
    assert list(BackgroundCheck.objects.filter(resident_id_index=blind_index(h.RID.lower()))) == [check]


def test_the_consent_is_stored_under_a_neutral_name(world):
    check = h.request(world)

    [consent] = services.consent_of(check)
    assert (consent.original_name, consent.kind) == ("consent.pdf", "pdf")
    assert consent.path.read_bytes() == h.PDF


def test_a_photo_of_the_consent_is_accepted(world):
    check = h.request(world, consent=h.png("签字.png"))

    assert [a.kind for a in services.consent_of(check)] == ["image"]


# ---------------------------------------------------------------- the answer
def test_an_officer_of_the_park_answers_with_the_second_factor(world):
    check = h.request(world)

    services.check_answer(actor=world.officer, check=check, outcome="advice", advice=h.ADVICE, second_factor=True,
                          expected_version=check.version)

    check.refresh_from_db()
    assert (check.status, check.outcome, check.advice, check.answered_by) == (
        "answered", "advice", h.ADVICE, world.officer)
    assert abs(check.answered_at - timezone.now()) < timedelta(minutes=1)


def test_without_the_second_factor_the_answer_is_refused(world):
    check = h.request(world)

    with pytest.raises(services.SecondFactorRequired):
        services.check_answer(actor=world.officer, check=check, outcome="suitable", second_factor=False)

    check.refresh_from_db()
    assert (check.status, check.outcome, check.version) == ("requested", "", 1)


def test_with_the_setting_off_no_second_factor_is_asked(world, settings):
    settings.PARKBEAT_REQUIRE_2FA = False
    check = h.request(world)

    services.check_answer(actor=world.officer, check=check, outcome="suitable")

    assert BackgroundCheck.objects.get(pk=check.pk).status == "answered"


@pytest.mark.parametrize("who", ["auxiliary", "mediator", "agency_staff", "liaison", "other_officer", "officer2",
                                 "auditor"])
def test_nobody_else_answers(world, who):
    check = h.request(world)

    with pytest.raises((PermissionDenied,)):
        services.check_answer(actor=getattr(world, who), check=check, outcome="suitable", second_factor=True)

    assert BackgroundCheck.objects.get(pk=check.pk).status == "requested"


def test_the_leader_of_the_station_answers_too(world):
    check = h.answer(world, h.request(world), actor=world.leader, outcome="suitable", advice="")

    assert (check.status, check.answered_by) == ("answered", world.leader)


def test_a_second_answer_and_a_stale_one_are_conflicts(world):
    check = h.request(world)
    stale = BackgroundCheck.objects.get(pk=check.pk)
    h.answer(world, check)

    with pytest.raises(ConflictError):
        services.check_answer(actor=world.leader, check=stale, outcome="not_recommended", advice="不建议",
                              second_factor=True, expected_version=1)
    with pytest.raises(ConflictError):
        services.check_answer(actor=world.leader, check=BackgroundCheck.objects.get(pk=check.pk),
                              outcome="not_recommended", advice="不建议", second_factor=True)

    check.refresh_from_db()
    assert (check.outcome, check.answered_by) == ("advice", world.officer)


@pytest.mark.parametrize("outcome, advice, field", [
    ("advice", "", "advice"), ("not_recommended", "  ", "advice"), ("maybe", "x", "outcome"),
    ("advice", "很" * 1001, "advice"),
])
def test_an_incomplete_answer_is_refused(world, outcome, advice, field):
    check = h.request(world)

    with pytest.raises(ValidationError) as refused:
        services.check_answer(actor=world.officer, check=check, outcome=outcome, advice=advice, second_factor=True)

    assert field in refused.value.message_dict
    assert BackgroundCheck.objects.get(pk=check.pk).status == "requested"


# ---------------------------------------------------------------- the trail
def test_the_trail_holds_only_masked_values(world):
    check = h.answer(world, h.request(world))
    services.checks_read(actor=world.officer, checks=[check], via="page")

    text = trail_text()
    assert h.NAME not in text and h.RID not in text and h.ADVICE not in text and "同意书" not in text
    assert "王**" in text and "110***********002X" in text
    assert verify_chain()[1] is None


def test_every_read_is_listed_for_the_auditor(world):
    first, second = h.request(world), h.request(world, rid=h.RID2)
    services.checks_read(actor=world.officer, checks=[first], via="page")
    services.checks_read(actor=world.liaison, checks=[first, second], via="export")

    log = services.check_read_log(check=first)
    assert [(e.actor_username, e.note) for e in log] == [("t_liaison", "export"), ("t_officer", "page")]
    assert services.check_read_log().count() == 3


# ---------------------------------------------------------------- retention
def test_retention_erases_the_row_the_file_and_leaves_nothing_personal(world, settings,
                                                                       django_capture_on_commit_callbacks):
    settings.CHECK_RETENTION_DAYS = 180
    old = h.answer(world, h.request(world))
    recent = h.answer(world, h.request(world, rid=h.RID2, name="李春梅"))
    waiting = h.request(world, name="赵六一", rid="430211199005060020")
    [consent] = services.consent_of(old)
    path, consent_pk = consent.path, consent.pk
    BackgroundCheck.objects.filter(pk=old.pk).update(answered_at=timezone.now() - timedelta(days=181))
    BackgroundCheck.objects.filter(pk=recent.pk).update(answered_at=timezone.now() - timedelta(days=179))
    BackgroundCheck.objects.filter(pk=waiting.pk).update(created_at=timezone.now() - timedelta(days=400))

    with django_capture_on_commit_callbacks(execute=True):  # the file goes once the erasure commits
        call_command("erase_expired_checks")

    old.refresh_from_db()
    assert (old.candidate_name, old.resident_id, old.resident_id_index, old.advice) == ("", "", "", "")
    assert old.erased_at is not None and (old.outcome, old.post_kind, old.status) == ("advice", "warehouse",
                                                                                       "answered")
    with connection.cursor() as cursor:
        cursor.execute("SELECT candidate_name, resident_id, advice FROM checks_backgroundcheck WHERE id = %s",
                       [old.pk])
        assert cursor.fetchone() == ("", "", "")
    assert not path.exists() and not Attachment.objects.filter(pk=consent_pk).exists()
    # the others are untouched
    assert BackgroundCheck.objects.get(pk=recent.pk).candidate_name == "李春梅"
    assert BackgroundCheck.objects.get(pk=waiting.pk).resident_id == "430211199005060020"
    assert services.consent_of(recent).count() == 1
    # the trail: a deletion event, no personal data anywhere, the chain intact
    deletion = AuditEvent.objects.get(verb="delete", object_type="checks.BackgroundCheck", object_id=str(old.pk))
    assert "180" in deletion.note and deletion.changes == {}
    text = trail_text()
    assert h.NAME not in text and h.RID not in text and h.ADVICE not in text
    assert verify_chain()[1] is None
    # the figures still count it
    assert selectors.check_figures(user=world.leader)["outcomes"]["warehouse"]["advice"] == 2


def test_the_erasure_runs_twice_without_effect(world):
    check = h.answer(world, h.request(world))
    BackgroundCheck.objects.filter(pk=check.pk).update(answered_at=timezone.now() - timedelta(days=365))

    from parkbeat.checks.tasks import erase_expired_checks_task

    first = erase_expired_checks_task.call_local()
    events = AuditEvent.objects.count()
    second = services.erase_expired()

    assert (first, second, AuditEvent.objects.count()) == (1, 0, events)


def test_an_erased_check_cannot_be_answered(world):
    check = h.request(world)
    services.check_erase(check=check, actor=world.leader)

    with pytest.raises(ConflictError):
        h.answer(world, BackgroundCheck.objects.get(pk=check.pk))


# ---------------------------------------------------------------- figures
def test_figures_by_hand(world):
    base = timezone.make_aware(datetime(2026, 3, 2, 9, 0))
    rows = [("warehouse", "suitable", 2), ("warehouse", "advice", 4), ("driver", "not_recommended", 10),
            ("finance", None, None)]
    made = []
    for n, (kind, outcome, hours) in enumerate(rows):
        check = h.request(world, post_kind=kind, rid=[h.RID, h.RID2, "430211199005060020", h.RID][n])
        if outcome:
            h.answer(world, check, outcome=outcome, advice="" if outcome == "suitable" else "建议")
            BackgroundCheck.objects.filter(pk=check.pk).update(created_at=base, answered_at=base + timedelta(
                hours=hours))
        else:
            BackgroundCheck.objects.filter(pk=check.pk).update(created_at=base)
        made.append(check)
    other = h.request(world, liaison=_liaison_of(world, world.other_enterprise), enterprise=world.other_enterprise)
    BackgroundCheck.objects.filter(pk=other.pk).update(created_at=base)

    figures = selectors.check_figures(user=world.officer, start=base - timedelta(days=1), end=base + timedelta(days=1))
    later = selectors.check_figures(user=world.officer, start=base + timedelta(days=1))

    assert (figures["requests"], figures["answered"], figures["open"], figures["median_answer_hours"]) == (4, 3, 1, 4.0)
    assert figures["outcomes"]["warehouse"] == {"suitable": 1, "advice": 1, "not_recommended": 0}
    assert figures["outcomes"]["driver"] == {"suitable": 0, "advice": 0, "not_recommended": 1}
    assert figures["outcomes"]["finance"] == {"suitable": 0, "advice": 0, "not_recommended": 0}
    assert (later["requests"], later["median_answer_hours"]) == (0, None)
    assert selectors.check_figures(user=world.other_officer)["requests"] == 1
    assert selectors.check_figures(user=world.auxiliary)["requests"] == 0


def _liaison_of(world, enterprise):
    from parkbeat.org.models import Role
    from parkbeat.testing import UserFactory, assign

    return assign(UserFactory(username=f"t_liaison_{enterprise.pk}"), Role.LIAISON, enterprise=enterprise)
