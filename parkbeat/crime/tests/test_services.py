"""The way of a lead and a case, and every bad input of the issue: occurred after reported, negative loss, recovered
above the loss, an arrest before the suspect was identified, a stale version, a double conversion, the wrong role
or station — clear errors, nothing lost."""
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from parkbeat.audit.models import AuditEvent
from parkbeat.core.services import ConflictError
from parkbeat.crime import services as s
from parkbeat.crime.models import Case, CaseEvent, Lead, LeadObservation, Suspect
from parkbeat.crime.tests import helpers as h


def kinds(case):
    return list(CaseEvent.objects.filter(case=case).order_by("at", "id").values_list("kind", flat=True))


def test_a_lead_worked_with_an_agency_for_days_becomes_a_case(world):
    now = timezone.now()
    lead = h.lead(world, received_at=now - timedelta(days=4))
    assert (lead.status, lead.park, lead.area, lead.source) == ("open", world.park, "新马中学周边（护校安园）", "patrol")
    s.lead_set_agency(actor=world.officer, lead=lead, agency=world.agency, expected_version=lead.version)
    s.lead_observe(actor=world.agency_staff, lead=lead, note="烟草局抽检：假冒卷烟", at=now - timedelta(days=3))
    s.lead_observe(actor=world.officer, lead=lead, note="蹲守两天，确认进货渠道", at=now - timedelta(days=1))
    assert LeadObservation.objects.filter(lead=lead).count() == 2
    case = s.case_create(actor=world.officer, lead=lead, kind="illegal_business", title="校园周边非法经营卷烟",
                         description="小卖部销售假冒卷烟", occurred_at=now - timedelta(days=5),
                         expected_version=lead.version)
    lead.refresh_from_db()
    assert lead.status == "case" and case.lead == lead and case.park == world.park and case.enterprise is None
    assert case.area == lead.area and kinds(case) == ["reported"]
    with pytest.raises(ConflictError):  # a second conversion
        s.case_create(actor=world.officer, lead=lead, kind="other", title="x", description="x",
                      occurred_at=now - timedelta(days=5), expected_version=lead.version)
    assert Case.objects.count() == 1
    with pytest.raises(ValidationError):
        s.lead_observe(actor=world.officer, lead=lead, note="再看看")


def test_a_theft_case_from_report_to_recovery(world):
    now = timezone.now()
    case = h.case(world, hours_ago=60)
    s.suspect_add(actor=world.officer, case=case, name="李小四", resident_id="11010519491231002X")
    s.case_key_time(actor=world.officer, case=case, kind="identified", at=now - timedelta(hours=20),
                    expected_version=case.version)
    s.case_key_time(actor=world.officer, case=case, kind="arrested", at=now - timedelta(hours=10),
                    expected_version=case.version)
    s.case_key_time(actor=world.officer, case=case, kind="recovered", at=now - timedelta(hours=2),
                    recovered_yuan="80000", cross_region=True, expected_version=case.version)
    s.case_transition(actor=world.officer, case=case, status="solved", expected_version=case.version)
    case.refresh_from_db()
    assert (case.status, case.recovered_yuan, case.cross_region) == ("solved", Decimal("80000.00"), True)
    assert kinds(case) == ["reported", "identified", "arrested", "recovered", "solved"]
    suspect = Suspect.objects.get(case=case)
    assert suspect.resident_id == "11010519491231002X" and suspect.name_masked == "李**"
    assert suspect.resident_id_masked != suspect.resident_id
    # encrypted at rest: the raw column holds no resident ID
    from django.db import connection
    with connection.cursor() as cur:
        cur.execute("SELECT resident_id FROM crime_suspect WHERE id = %s", [suspect.pk])
        assert "11010519491231002X" not in cur.fetchone()[0]
    s.case_transition(actor=world.officer, case=case, status="closed", reason="已移送起诉",
                      expected_version=case.version)
    with pytest.raises(ConflictError):
        s.case_transition(actor=world.officer, case=case, status="solved", expected_version=case.version)
    assert AuditEvent.objects.filter(object_type="crime.Case").count() >= 5


@pytest.mark.parametrize("kw, field", [
    ({"occurred_at": "after"}, "occurred_at"),
    ({"loss_yuan": "-1"}, "loss_yuan"),
    ({"loss_yuan": "abc"}, "loss_yuan"),
    ({"kind": "murder"}, "kind"),
    ({"title": "  "}, "title"),
    ({"reported_at": "future"}, "reported_at"),
])
def test_bad_case_input_is_refused_naming_the_field(world, kw, field):
    now = timezone.now()
    if kw.get("occurred_at") == "after":
        kw = {"occurred_at": now - timedelta(hours=1), "reported_at": now - timedelta(hours=2)}
    if kw.get("reported_at") == "future":
        kw = {"reported_at": now + timedelta(days=1)}
    with pytest.raises(ValidationError) as exc:
        h.case(world, **kw)
    assert field in exc.value.message_dict
    assert not Case.objects.exists()


def test_recovered_above_the_loss_and_arrest_before_identification_are_refused(world):
    now = timezone.now()
    case = h.case(world, loss_yuan="1000")
    with pytest.raises(ValidationError) as exc:
        s.case_key_time(actor=world.officer, case=case, kind="recovered", recovered_yuan="1000.01",
                        expected_version=case.version)
    assert "recovered_yuan" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        s.case_key_time(actor=world.officer, case=case, kind="recovered", recovered_yuan="-5",
                        expected_version=case.version)
    assert "recovered_yuan" in exc.value.message_dict
    with pytest.raises(ValidationError):
        s.case_key_time(actor=world.officer, case=case, kind="arrested", expected_version=case.version)
    with pytest.raises(ValidationError) as exc:  # before the case occurred
        s.case_key_time(actor=world.officer, case=case, kind="identified", at=now - timedelta(days=10),
                        expected_version=case.version)
    assert "at" in exc.value.message_dict
    s.case_key_time(actor=world.officer, case=case, kind="identified", expected_version=case.version)
    with pytest.raises(ValidationError):  # once only
        s.case_key_time(actor=world.officer, case=case, kind="identified", expected_version=case.version)
    with pytest.raises(ValidationError) as exc:  # the loss cannot fall below what was recovered
        s.case_key_time(actor=world.officer, case=case, kind="recovered", recovered_yuan="600",
                        expected_version=case.version)
        s.case_update(actor=world.officer, case=case, data={"loss_yuan": "500"}, expected_version=case.version)
    case.refresh_from_db()
    assert case.loss_yuan == Decimal("1000.00") and case.recovered_yuan == Decimal("600.00")


def test_stale_versions_conflict(world):
    case = h.case(world)
    stale = case.version
    s.case_update(actor=world.officer, case=case, data={"title": "模板被盗（更正）"}, expected_version=stale)
    with pytest.raises(ConflictError):
        s.case_update(actor=world.officer, case=case, data={"title": "另一个"}, expected_version=stale)
    with pytest.raises(ConflictError):
        s.case_key_time(actor=world.leader, case=case, kind="identified", expected_version=stale)
    lead = h.lead(world)
    stale = lead.version
    s.lead_set_agency(actor=world.officer, lead=lead, agency=world.agency, expected_version=stale)
    with pytest.raises(ConflictError):
        s.lead_close(actor=world.officer, lead=lead, reason="无", expected_version=stale)
    with pytest.raises(ValidationError):
        s.case_update(actor=world.officer, case=case, data={"status": "solved"}, expected_version=case.version)


def test_roles_and_stations(world):
    lead = h.lead(world, agency=world.agency)
    case = h.case(world)
    for user in (world.auxiliary, world.liaison, world.agency_staff, world.other_officer, world.mediator):
        with pytest.raises(PermissionDenied):
            s.case_transition(actor=user, case=case, status="solved", expected_version=case.version)
        with pytest.raises(PermissionDenied):
            s.lead_close(actor=user, lead=lead, reason="无", expected_version=lead.version)
    with pytest.raises(PermissionDenied):
        h.case(world, actor=world.auxiliary)
    with pytest.raises(PermissionDenied):
        h.case(world, actor=world.other_officer)
    with pytest.raises(PermissionDenied):
        h.lead(world, actor=world.other_officer)
    with pytest.raises(PermissionDenied):
        h.lead(world, actor=world.agency_staff)
    h.lead(world, actor=world.auxiliary)  # auxiliaries on patrol record leads
    s.lead_observe(actor=world.agency_staff, lead=lead, note="联合检查")
    unworked = h.lead(world)
    with pytest.raises(PermissionDenied):  # agency staff only on the leads their agency works
        s.lead_observe(actor=world.agency_staff, lead=unworked, note="联合检查")
    with pytest.raises(ValidationError) as exc:
        h.lead(world, enterprise=world.other_enterprise)
    assert "enterprise" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        s.suspect_add(actor=world.officer, case=case, name="王五", resident_id="123")
    assert "resident_id" in exc.value.message_dict
    assert Lead.objects.filter(status="open").count() == 3
