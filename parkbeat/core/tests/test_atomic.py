"""F1: a multi-step operation that fails half-way leaves nothing behind — no rows, no audit events."""
import io

import pytest
from openpyxl import Workbook

from parkbeat.audit import services as audit_services
from parkbeat.audit.models import AuditEvent
from parkbeat.testing import DemandFactory, credit_code
from parkbeat.enterprises import services
from parkbeat.enterprises.models import Demand, DemandTransition, Enterprise, Visit
from parkbeat.enterprises.spreadsheets import COLUMNS, import_roster


class Boom(Exception):
    pass


def fail_on_call(monkeypatch, target, n):
    """Let the first n-1 calls of `target` (module.record) through, then fail: a crash in mid-operation."""
    calls = {"count": 0}
    original = audit_services.record

    def flaky(**kwargs):
        calls["count"] += 1
        if calls["count"] == n:
            raise Boom(f"failure at step {n}")
        return original(**kwargs)
    monkeypatch.setattr(target, flaky)
    return calls


@pytest.mark.parametrize("failing_step", [1, 2, 3])
def test_visit_with_demands_failing_at_any_step_leaves_nothing(world, monkeypatch, failing_step):
    # given: the visit, then two demands, each writes one audit event; the failing_step-th write crashes
    calls = fail_on_call(monkeypatch, "parkbeat.core.services.record", failing_step)
    events = AuditEvent.objects.count()
    # when
    with pytest.raises(Boom):
        services.visit_create(actor=world.officer, enterprise=world.enterprise, findings="正常",
                              demands=[{"category": "security", "content": "路灯不亮"},
                                       {"category": "traffic", "content": "货车乱停"}])
    # then
    assert calls["count"] == failing_step
    assert (Visit.objects.count(), Demand.objects.count(), DemandTransition.objects.count()) == (0, 0, 0)
    assert AuditEvent.objects.count() == events


def test_a_transition_whose_history_row_fails_changes_nothing(world, monkeypatch):
    demand = DemandFactory(enterprise=world.enterprise, raised_by=world.liaison)
    events = AuditEvent.objects.count()

    def broken(**kwargs):
        raise Boom("history table down")
    monkeypatch.setattr(DemandTransition.objects, "create", broken)

    with pytest.raises(Boom):
        services.demand_transition(actor=world.officer, demand=demand, to="in_progress")

    stored = Demand.objects.get(pk=demand.pk)
    assert (stored.status, stored.version) == ("open", 1)
    assert AuditEvent.objects.count() == events


def _roster(rows):
    wb = Workbook()
    ws = wb.active
    ws.append([title for _name, title in COLUMNS])
    for values in rows:
        ws.append(values)
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    buffer.name = "roster.xlsx"
    return buffer


def _row(code, name, headcount=120):
    data = {"name": name, "credit_code": code, "park": "xinma", "address": "", "lon": None, "lat": None,
            "industry": "机械装备", "headcount": headcount, "is_key": "否", "key_reason": "", "risk_category": "",
            "status": "正常"}
    return [data[name] for name, _title in COLUMNS]


@pytest.mark.parametrize("failing_step", [1, 3, 4])
def test_an_import_failing_half_way_leaves_nothing(world, monkeypatch, failing_step):
    # given: three new enterprises and one update; the failing_step-th audit write of the import crashes
    existing = world.enterprise
    before = list(Enterprise.objects.order_by("id").values_list("id", "name", "headcount", "version"))
    events = AuditEvent.objects.count()
    roster = _roster([_row(credit_code(), "导入甲有限公司"), _row(credit_code(), "导入乙有限公司"),
                      _row(credit_code(), "导入丙有限公司"), _row(existing.credit_code, existing.name, headcount=999)])
    calls = fail_on_call(monkeypatch, "parkbeat.enterprises.spreadsheets.record", failing_step)
    # when
    with pytest.raises(Boom):
        import_roster(user=world.officer, fileobj=roster)
    # then
    assert calls["count"] == failing_step
    assert list(Enterprise.objects.order_by("id").values_list("id", "name", "headcount", "version")) == before
    assert AuditEvent.objects.count() == events
