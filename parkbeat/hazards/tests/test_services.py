"""Every state change of a hazard and every bad input of the issue: a deadline in the past, a strike-off without
evidence or by an auxiliary, an upload that is not an image or PDF or is too large, two officers reviewing the same
evidence at once — clear errors, nothing lost."""
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from parkbeat.audit.models import AuditEvent
from parkbeat.core.services import ConflictError
from parkbeat.files.models import Attachment
from parkbeat.hazards import services as s
from parkbeat.hazards.models import Hazard, HazardEvent, HazardEvidence
from parkbeat.hazards.tests import helpers as h


def kinds(hazard):
    return list(HazardEvent.objects.filter(hazard=hazard).order_by("at", "id").values_list("kind", flat=True))


# ---------------------------------------------------------------- the way through
def test_a_deadline_hazard_from_an_inspection_item_goes_through_evidence_rejection_and_strike_off(world):
    result = h.inspected(world)
    hazard = s.hazard_create(actor=world.officer, result=result, description=result.note, location="仓库",
                             disposition="deadline", deadline=s.today_in_shanghai() + timedelta(days=7),
                             responsible_name="王安全", responsible_mobile="13900001111", severity="major")
    assert (hazard.enterprise, hazard.park, hazard.source, hazard.inspection_id, hazard.state) == (
        world.enterprise, world.park, "inspection", result.inspection_id, "rectifying")
    assert hazard.found_at == result.inspection.happened_at  # found on the walk, recorded now
    s.hazard_evidence_add(actor=world.liaison, hazard=hazard, uploads=[h.png(), h.pdf()], note="已清理",
                          expected_version=hazard.version)
    hazard.refresh_from_db()
    assert hazard.state == "submitted"
    assert Attachment.objects.filter(object_id__in=HazardEvidence.objects.filter(hazard=hazard).values("pk")).count() == 2
    s.hazard_review(actor=world.officer, hazard=hazard, accept=False, reason="照片看不清通道", expected_version=hazard.version)
    hazard.refresh_from_db()
    assert hazard.state == "rectifying"
    s.hazard_evidence_add(actor=world.liaison, hazard=hazard, uploads=[h.png()], expected_version=hazard.version)
    s.hazard_follow_up(actor=world.auxiliary, hazard=hazard, note="现场回访，通道已畅通")
    hazard.refresh_from_db()
    s.hazard_review(actor=world.leader, hazard=hazard, accept=True, expected_version=hazard.version)
    hazard.refresh_from_db()
    assert (hazard.state, hazard.struck_off_by) == ("struck_off", world.leader)
    assert kinds(hazard) == ["found", "disposed", "evidence", "rejected", "evidence", "follow_up", "accepted"]
    rejected = HazardEvent.objects.get(hazard=hazard, kind="rejected")
    assert (rejected.note, rejected.recorded_by) == ("照片看不清通道", world.officer)
    assert Hazard.objects.filter(pk=hazard.pk).exists()  # never deleted


def test_a_hazard_fixed_on_the_spot_awaits_an_officers_strike_off(world):
    hazard = h.on_spot_hazard(world, actor=world.auxiliary)
    assert (hazard.state, hazard.disposition, hazard.deadline) == ("submitted", "on_spot", None)
    assert kinds(hazard) == ["found", "disposed", "evidence"]
    with pytest.raises(PermissionDenied):
        s.hazard_review(actor=world.auxiliary, hazard=hazard, accept=True, expected_version=hazard.version)
    s.hazard_review(actor=world.officer, hazard=hazard, accept=True, expected_version=hazard.version)
    assert Hazard.objects.get(pk=hazard.pk).state == "struck_off"


def test_referral_lets_the_agency_see_it_and_is_on_the_timeline(world):
    hazard = h.deadline_hazard(world)
    s.hazard_refer(actor=world.officer, hazard=hazard, agency=world.agency, note="属消防执法范围",
                   expected_version=hazard.version)
    hazard.refresh_from_db()
    assert (hazard.referred_to, hazard.referral_note) == (world.agency, "属消防执法范围")
    assert HazardEvent.objects.get(hazard=hazard, kind="referred").note == f"{world.agency.name}: 属消防执法范围"
    assert Hazard.objects.visible_to(world.agency_staff).filter(pk=hazard.pk).exists()
    with pytest.raises(ValidationError) as exc:
        s.hazard_refer(actor=world.officer, hazard=hazard, agency=world.agency, note="再次", expected_version=hazard.version)
    assert "agency" in exc.value.message_dict


# ---------------------------------------------------------------- bad input
def test_a_deadline_in_the_past_is_refused(world):
    with pytest.raises(ValidationError) as exc:
        s.hazard_create(actor=world.officer, enterprise=world.enterprise, description="x", disposition="deadline",
                        deadline=s.today_in_shanghai() - timedelta(days=1), responsible_name="王")
    assert exc.value.message_dict["deadline"] == ["The deadline cannot lie in the past."]
    assert not Hazard.objects.exists()


def test_a_deadline_needs_the_person_responsible_and_a_valid_mobile(world):
    with pytest.raises(ValidationError) as exc:
        s.hazard_create(actor=world.officer, enterprise=world.enterprise, description="x", disposition="deadline",
                        deadline=s.today_in_shanghai())
    assert "responsible_name" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        s.hazard_create(actor=world.officer, enterprise=world.enterprise, description="x", disposition="deadline",
                        deadline=s.today_in_shanghai(), responsible_name="王", responsible_mobile="12345")
    assert "responsible_mobile" in exc.value.message_dict
    assert not Hazard.objects.exists()


def test_fixed_on_the_spot_needs_evidence(world):
    with pytest.raises(ValidationError) as exc:
        s.hazard_create(actor=world.officer, enterprise=world.enterprise, description="x", disposition="on_spot")
    assert "evidence" in exc.value.message_dict
    assert not Hazard.objects.exists()


def test_a_strike_off_without_evidence_is_refused(world):
    hazard = h.deadline_hazard(world)
    Hazard.objects.filter(pk=hazard.pk).update(state="submitted")  # e.g. carried over from a paper ledger
    hazard.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        s.hazard_review(actor=world.officer, hazard=hazard, accept=True, expected_version=hazard.version)
    assert "evidence" in " ".join(exc.value.messages)
    assert Hazard.objects.get(pk=hazard.pk).state == "submitted"


@pytest.mark.parametrize("role", ["auxiliary", "liaison", "agency_staff"])
def test_a_strike_off_by_an_auxiliary_liaison_or_agency_is_refused(world, role):
    hazard = h.submitted(world)
    s.hazard_refer(actor=world.officer, hazard=hazard, agency=world.agency, note="x", expected_version=hazard.version)
    hazard.refresh_from_db()
    with pytest.raises(PermissionDenied):
        s.hazard_review(actor=getattr(world, role), hazard=hazard, accept=True, expected_version=hazard.version)
    assert Hazard.objects.get(pk=hazard.pk).state == "submitted"


def test_a_rejection_needs_a_reason(world):
    hazard = h.submitted(world)
    with pytest.raises(ValidationError) as exc:
        s.hazard_review(actor=world.officer, hazard=hazard, accept=False, reason=" ", expected_version=hazard.version)
    assert "reason" in exc.value.message_dict


@pytest.mark.parametrize("upload", [
    SimpleUploadedFile("整改.txt", b"just text", content_type="text/plain"),
    SimpleUploadedFile("整改.jpg", b"<html><script>alert(1)</script></html>", content_type="image/jpeg"),
    SimpleUploadedFile("整改.xlsx", b"PK\x03\x04 not really", content_type="application/vnd.ms-excel"),
])
def test_an_upload_that_is_not_an_image_or_pdf_is_refused_and_nothing_stored(world, upload):
    hazard = h.deadline_hazard(world)
    with pytest.raises(ValidationError) as exc:
        s.hazard_evidence_add(actor=world.liaison, hazard=hazard, uploads=[h.png(), upload],
                              expected_version=hazard.version)
    assert "evidence" in exc.value.message_dict
    hazard.refresh_from_db()
    assert (hazard.state, hazard.version) == ("rectifying", 1)
    assert not HazardEvidence.objects.exists() and not Attachment.objects.exists()


def test_an_upload_too_large_is_refused(world, settings):
    settings.UPLOAD_MAX_BYTES = 20  # the PDF below is larger
    hazard = h.deadline_hazard(world)
    with pytest.raises(ValidationError) as exc:
        s.hazard_evidence_add(actor=world.liaison, hazard=hazard, uploads=[h.pdf()], expected_version=hazard.version)
    assert "larger than" in exc.value.message_dict["evidence"][0]
    assert Hazard.objects.get(pk=hazard.pk).state == "rectifying" and not Attachment.objects.exists()


def test_two_officers_reviewing_the_same_evidence_the_second_gets_a_conflict(world):
    hazard = h.submitted(world)
    mine, theirs = Hazard.objects.get(pk=hazard.pk), Hazard.objects.get(pk=hazard.pk)
    s.hazard_review(actor=world.officer, hazard=mine, accept=True, expected_version=mine.version)
    with pytest.raises(ConflictError):
        s.hazard_review(actor=world.leader, hazard=theirs, accept=False, reason="不合格",
                        expected_version=theirs.version)
    stored = Hazard.objects.get(pk=hazard.pk)
    assert (stored.state, stored.struck_off_by) == ("struck_off", world.officer)
    assert not HazardEvent.objects.filter(hazard=hazard, kind="rejected").exists()


def test_new_evidence_makes_a_loaded_review_stale(world):
    hazard = h.submitted(world)
    loaded = Hazard.objects.get(pk=hazard.pk)
    s.hazard_evidence_add(actor=world.liaison, hazard=hazard, uploads=[h.png()])
    with pytest.raises(ConflictError):
        s.hazard_review(actor=world.officer, hazard=loaded, accept=True, expected_version=loaded.version)


def test_a_struck_off_hazard_takes_no_evidence_and_no_second_review(world):
    hazard = h.submitted(world)
    s.hazard_review(actor=world.officer, hazard=hazard, accept=True, expected_version=hazard.version)
    hazard.refresh_from_db()
    with pytest.raises(ValidationError):
        s.hazard_evidence_add(actor=world.liaison, hazard=hazard, uploads=[h.png()])
    with pytest.raises(ConflictError):
        s.hazard_review(actor=world.officer, hazard=hazard, accept=True, expected_version=hazard.version)


def test_an_item_not_found_a_hazard_or_already_registered_is_refused(world):
    result = h.inspected(world)
    ok = result.inspection.results.exclude(pk=result.pk).first()
    with pytest.raises(ValidationError) as exc:
        s.hazard_create(actor=world.officer, result=ok, description="x", disposition="deadline",
                        deadline=s.today_in_shanghai(), responsible_name="王")
    assert "result" in exc.value.message_dict
    s.hazard_create(actor=world.officer, result=result, description="x", disposition="deadline",
                    deadline=s.today_in_shanghai(), responsible_name="王")
    with pytest.raises(ValidationError):
        s.hazard_create(actor=world.officer, result=result, description="x", disposition="deadline",
                        deadline=s.today_in_shanghai(), responsible_name="王")
    assert Hazard.objects.count() == 1


def test_another_stations_officer_cannot_register_from_our_inspection(world):
    result = h.inspected(world)
    with pytest.raises(PermissionDenied):
        s.hazard_create(actor=world.other_officer, result=result, description="x", disposition="deadline",
                        deadline=s.today_in_shanghai(), responsible_name="王")
    with pytest.raises(PermissionDenied):
        s.hazard_create(actor=world.liaison, enterprise=world.enterprise, description="x", disposition="deadline",
                        deadline=s.today_in_shanghai(), responsible_name="王")


def test_found_long_ago_needs_a_reason_and_is_marked_late(world):
    long_ago = timezone.now() - timedelta(days=60)
    with pytest.raises(ValidationError) as exc:
        h.deadline_hazard(world, found_at=long_ago)
    assert "found_at" in exc.value.message_dict
    hazard = h.deadline_hazard(world, found_at=long_ago, late_reason="纸质台账补录")
    assert (hazard.entered_late, hazard.late_reason, hazard.found_at) == (True, "纸质台账补录", long_ago)
    with pytest.raises(ValidationError) as exc:
        h.deadline_hazard(world, found_at=timezone.now() + timedelta(days=1))
    assert "found_at" in exc.value.message_dict


def test_a_follow_up_before_the_hazard_was_found_is_refused(world):
    hazard = h.deadline_hazard(world, found_at=timezone.now() - timedelta(days=2))
    with pytest.raises(ValidationError) as exc:
        s.hazard_follow_up(actor=world.officer, hazard=hazard, note="x", at=timezone.now() - timedelta(days=3))
    assert "at" in exc.value.message_dict
    with pytest.raises(ValidationError):
        s.hazard_follow_up(actor=world.officer, hazard=hazard, note="  ")
    assert not HazardEvent.objects.filter(kind="follow_up").exists()


def test_every_change_is_audited_in_its_transaction(world):
    hazard = h.submitted(world)
    s.hazard_review(actor=world.officer, hazard=hazard, accept=True, expected_version=hazard.version)
    verbs = list(AuditEvent.objects.filter(object_type="hazards.Hazard", object_id=str(hazard.pk))
                 .order_by("id").values_list("verb", flat=True))
    assert verbs == ["create", "transition", "transition"]


def test_a_hazard_from_a_patrol_finding_and_from_an_incident(world, page_as, english_pages):
    from parkbeat.incidents.models import Incident
    from parkbeat.patrols import services as patrols
    from parkbeat.patrols.tests import helpers as ph

    run = patrols.run_start(actor=world.officer, plan=ph.all_week_plan(world))
    finding = patrols.finding_report(actor=world.officer, run=run, kind="fire_safety", description="消防通道堆放纸箱")
    form = page_as(world.officer).get(f"/hazards/new/?finding={finding.pk}")
    assert form.status_code == 200 and "消防通道堆放纸箱" in form.content.decode()
    with pytest.raises(ValidationError) as exc:  # a finding names no enterprise: choose it
        s.hazard_create(actor=world.officer, finding=finding, description=finding.description, disposition="deadline",
                        deadline=s.today_in_shanghai(), responsible_name="王")
    assert "enterprise" in exc.value.message_dict
    hazard = s.hazard_create(actor=world.officer, finding=finding, enterprise=world.enterprise,
                             description=finding.description, disposition="deadline",
                             deadline=s.today_in_shanghai(), responsible_name="王")
    assert (hazard.source, hazard.found_at) == ("patrol", finding.at)
    incident = Incident.objects.get(pk=finding.incident_id)
    with pytest.raises(ValidationError):
        s.hazard_create(actor=world.officer, finding=finding, incident=incident, enterprise=world.enterprise,
                        description="x", disposition="on_spot", evidence=[h.png()])
    from_incident = s.hazard_create(actor=world.officer, incident=incident, enterprise=world.enterprise,
                                    description="仓库冒烟", disposition="on_spot", evidence=[h.png()])
    assert from_incident.source == "incident" and list(incident.hazards.all()) == [from_incident]


def test_rejecting_a_hazard_fixed_on_the_spot_needs_a_deadline_which_it_then_keeps(world):
    hazard = h.on_spot_hazard(world)  # awaiting review at once, with its evidence
    with pytest.raises(ValidationError) as refused:
        s.hazard_review(actor=world.officer, hazard=hazard, accept=False, reason="未彻底整改",
                        expected_version=hazard.version)
    assert "new_deadline" in refused.value.message_dict
    hazard.refresh_from_db()
    assert hazard.state == Hazard.State.SUBMITTED

    deadline = s.today_in_shanghai() + timedelta(days=5)
    s.hazard_review(actor=world.officer, hazard=hazard, accept=False, reason="未彻底整改", new_deadline=deadline,
                    expected_version=hazard.version)

    hazard.refresh_from_db()
    assert (hazard.state, hazard.deadline) == (Hazard.State.RECTIFYING, deadline)
    assert s.hazard_reminders(now=s.timezone.now() + timedelta(days=10)) >= 1  # overdue: now reminded/escalated
