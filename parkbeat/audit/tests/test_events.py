"""SECURITY C1: every action writes exactly one audit event (one per record in bulk) with all the fields.

An action is a service function taking the keyword-only `actor` (STYLE.md: services do every write).
`test_every_action_has_an_audit_case` finds them all by introspection, so a new service without a case
here fails the suite. Login, logout, failed logins and tokens are covered in test_audit.py; reveals in
core/tests/test_reveal.py; the auditor's export in test_export.py; the purge in test_retention.py.
"""
import importlib
import importlib.util
import inspect
import io
import pkgutil
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import Workbook
from PIL import Image

import parkbeat
from parkbeat.audit.models import AuditEvent
from parkbeat.audit.services import verify_chain
from parkbeat.core import middleware
from parkbeat.testing import DemandFactory, LiaisonFactory, UserFactory, VisitFactory
from parkbeat.enterprises import services as ent
from parkbeat.enterprises.models import Demand, Enterprise
from parkbeat.org import services as org
from parkbeat.org.models import DutyShift, Role

REQUEST = middleware.RequestContext(request_id="req-c1-0001", ip="10.1.2.3")
PASSWORD = "Sturdy-Passphrase-42"


@pytest.fixture
def in_request():
    """Service calls as a request would make them: the middleware's request id and client address are set."""
    token = middleware._current.set(REQUEST)
    yield
    middleware._current.reset(token)


def png():
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    return SimpleUploadedFile("现场.png", buffer.getvalue(), content_type="image/png")


def roster(world, rows):
    from parkbeat.enterprises.spreadsheets import COLUMNS, ROSTER_SHEET

    wb = Workbook()
    ws = wb.active
    ws.title = ROSTER_SHEET
    ws.append([title for _name, title in COLUMNS])
    for name, code in rows:
        ws.append([name, code, world.park.code, "", None, None, "其他", 10, "否", "", "无", "正常"])
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    return buffer


# Each case: (actor attribute on World, action(world), verb (or one per event), object type, number of events).
# An action returning (object, do) has its object made first; only the events of do() are counted.
def _enterprise_create(w):
    from parkbeat.testing import credit_code
    return ent.enterprise_create(actor=w.officer, name="新企业有限公司", credit_code=credit_code(), park=w.park)


def _visit_with_demands(w):
    return ent.visit_create(actor=w.officer, enterprise=w.enterprise, findings="正常", demands=[
        {"category": "security", "content": "路灯"}, {"category": "traffic", "content": "停车"}])


def _shift(w):
    start = timezone.now() + timedelta(days=1)
    return org.duty_shift_create(actor=w.leader, park=w.park, user=w.officer, starts_at=start,
                                 ends_at=start + timedelta(hours=8))


def _shift_delete(w):
    shift = DutyShift.objects.create(park=w.park, user=w.officer, role=Role.PARK_OFFICER,
                                     starts_at=timezone.now(), ends_at=timezone.now() + timedelta(hours=1))
    return shift, lambda: org.duty_shift_delete(actor=w.leader, shift=shift)


def _role_revoke(w):
    assignment = w.officer2.role_assignments.get()
    return assignment, lambda: org.role_revoke(actor=w.secadmin, assignment=assignment)


def _import(w):
    from parkbeat.testing import credit_code
    from parkbeat.enterprises.spreadsheets import import_roster
    return import_roster(user=w.officer, fileobj=roster(w, [("导入一有限公司", credit_code()),
                                                             ("导入二有限公司", credit_code()),
                                                             ("导入三有限公司", credit_code())]))


def _export(w):
    from parkbeat.enterprises.spreadsheets import export_roster
    return export_roster(Enterprise.objects.all(), user=w.officer, filters={"q": "新马"})


def _password_change(w):
    from parkbeat.security.services import password_change
    return password_change(actor=w.officer, password="Another-Sturdy-Phrase-7")


def _recovery_codes(w):
    from parkbeat.security.services import recovery_codes_renew
    recovery_codes_renew(actor=w.officer)
    return w.officer


def _attachment(w):
    from parkbeat.files.services import attachment_create
    return attachment_create(actor=w.officer, obj=w.enterprise, upload=png(), kinds=("image",))


def _download(w):
    from parkbeat.files.models import Attachment
    from parkbeat.files.services import attachment_download
    return attachment_download(actor=w.officer, attachment=Attachment.objects.get())


CASES = {
    "enterprises.services:enterprise_create": ("officer", _enterprise_create, "create", "enterprises.Enterprise", 1),
    "enterprises.services:enterprise_update": ("officer", lambda w: ent.enterprise_update(
        actor=w.officer, enterprise=w.enterprise, data={"headcount": 7}, expected_version=1),
        "update", "enterprises.Enterprise", 1),
    "enterprises.services:liaison_create": ("officer", lambda w: ent.liaison_create(
        actor=w.officer, enterprise=w.enterprise, kind="admin_head", name="李行政", mobile="13900001111"),
        "create", "enterprises.Liaison", 1),
    "enterprises.services:liaison_update": ("officer", lambda w: ent.liaison_update(
        actor=w.officer, liaison=LiaisonFactory(enterprise=w.enterprise), data={"title": "主任"}, expected_version=1),
        "update", "enterprises.Liaison", 1),
    "enterprises.services:visit_create": ("officer", lambda w: ent.visit_create(
        actor=w.officer, enterprise=w.enterprise, findings="生产正常"), "create", "enterprises.Visit", 1),
    "enterprises.services:visit_create+demands": ("officer", _visit_with_demands, "create", None, 3),
    "enterprises.services:visit_update": ("officer", lambda w: ent.visit_update(
        actor=w.officer, visit=VisitFactory(enterprise=w.enterprise, visitor=w.officer), data={"findings": "已整改"},
        expected_version=1), "update", "enterprises.Visit", 1),
    "enterprises.services:demand_create": ("liaison", lambda w: ent.demand_create(
        actor=w.liaison, enterprise=w.enterprise, category="security", content="夜间照明不足"),
        "create", "enterprises.Demand", 1),
    "enterprises.services:demand_update": ("officer", lambda w: ent.demand_update(
        actor=w.officer, demand=DemandFactory(enterprise=w.enterprise, raised_by=w.officer),
        data={"content": "补充说明"}, expected_version=1), "update", "enterprises.Demand", 1),
    "enterprises.services:demand_assign": ("leader", lambda w: ent.demand_assign(
        actor=w.leader, demand=DemandFactory(enterprise=w.enterprise, raised_by=w.officer), assignee=w.officer,
        expected_version=1), "update", "enterprises.Demand", 1),
    "enterprises.services:demand_transition": ("officer", lambda w: ent.demand_transition(
        actor=w.officer, demand=DemandFactory(enterprise=w.enterprise, raised_by=w.officer),
        to=Demand.Status.IN_PROGRESS, expected_version=1), "transition", "enterprises.Demand", 1),
    "core.exports:export_logged": ("officer", _export, "export", "enterprises.Enterprise", 1),
    # One event per enterprise created, then one for the import as a whole.
    "enterprises.spreadsheets:import_roster": ("officer", _import, ["create", "create", "create", "import"],
                                               "enterprises.Enterprise", 4),
    "org.services:user_create": ("sysadmin", lambda w: org.user_create(
        actor=w.sysadmin, username="clerk1", password=PASSWORD, full_name="新文员"), "create", "org.User", 1),
    "org.services:user_set_active": ("sysadmin", lambda w: org.user_set_active(
        actor=w.sysadmin, user=w.officer2, active=False), "update", "org.User", 1),
    "org.services:user_set_password": ("sysadmin", lambda w: org.user_set_password(
        actor=w.sysadmin, user=w.officer2, password=PASSWORD), "update", "org.User", 1),
    "org.services:user_update": ("sysadmin", lambda w: org.user_update(
        actor=w.sysadmin, user=w.officer2, data={"full_name": "改名"})[0], "update", "org.User", 1),
    "org.services:role_assign": ("secadmin", lambda w: org.role_assign(
        actor=w.secadmin, user=UserFactory(username="newbie"), role=Role.PARK_OFFICER, park=w.park),
        "create", "org.RoleAssignment", 1),
    "org.services:role_revoke": ("secadmin", _role_revoke, "delete", "org.RoleAssignment", 1),
    "org.services:duty_shift_create": ("leader", _shift, "create", "org.DutyShift", 1),
    "org.services:duty_shift_delete": ("leader", _shift_delete, "delete", "org.DutyShift", 1),
    "org.auth:token_revoke": ("officer", None, "token_revoke", "org.User", 1),
    "security.services:password_change": ("officer", _password_change, "update", "org.User", 1),
    "security.services:recovery_codes_renew": ("officer", _recovery_codes, "update", "org.User", 1),
    "files.services:attachment_create": ("officer", _attachment, "create", "files.Attachment", 1),
    "files.services:attachment_download": ("officer", lambda w: (_attachment(w), lambda: _download(w)), "download",
                                           "files.Attachment", 1),
}


def _app_cases():
    """Each app may keep its cases beside its code, in `parkbeat/<app>/tests/audit_cases.py` (`CASES`)."""
    found = {}
    for info in pkgutil.iter_modules(parkbeat.__path__):
        name = f"parkbeat.{info.name}.tests.audit_cases"
        if not info.ispkg or not importlib.util.find_spec(f"parkbeat.{info.name}.tests"):
            continue
        if importlib.util.find_spec(name):
            found.update(importlib.import_module(name).CASES)
    return found


CASES.update(_app_cases())
# Plumbing or covered in their own modules (see the docstring).
ELSEWHERE = {
    "audit.services:record", "audit.services:purge_expired", "audit.exports:audit_export",
    "core.services:model_create", "core.services:model_update", "core.reveal:reveal",
    "enterprises.spreadsheets:export_roster",
    # the checks before the write transaction of incident_report / dispute_open, whose cases cover them
    "incidents.services:incident_report_prepare", "disputes.services:dispute_open_prepare",
}


def action_functions():
    """Every public function in parkbeat that takes a keyword-only `actor`: the project's actions."""
    found = set()
    for info in pkgutil.walk_packages(parkbeat.__path__, "parkbeat."):
        name = info.name
        if ".tests" in name or ".migrations" in name or name.endswith(("settings", "wsgi", "__main__")):
            continue
        if name.rsplit(".", 1)[-1] not in ("services", "auth", "spreadsheets", "reveal", "exports", "ledger"):
            continue
        module = importlib.import_module(name)
        for fname, func in inspect.getmembers(module, inspect.isfunction):
            if func.__module__ != name or fname.startswith("_"):
                continue
            params = inspect.signature(func).parameters
            if "actor" in params and params["actor"].kind == inspect.Parameter.KEYWORD_ONLY:
                found.add(f"{name.removeprefix('parkbeat.')}:{fname}")
    return found


def test_every_action_has_an_audit_case():
    cases = {key.split("+")[0] for key in CASES}

    missing = sorted(action_functions() - cases - ELSEWHERE)

    assert not missing, f"actions without an audit test (add them to CASES): {missing}"
    # The spreadsheet import/export name their actor `user`; every other entry must still exist.
    assert not (ELSEWHERE | cases) - action_functions() - {"enterprises.spreadsheets:import_roster",
                                                            "enterprises.spreadsheets:export_roster"}


@pytest.mark.parametrize("key", [k for k in CASES if CASES[k][1] is not None])
def test_each_action_writes_one_complete_event_per_record(world, in_request, key):
    actor_name, action, verb, object_type, expected = CASES[key]
    actor = getattr(world, actor_name)
    before = AuditEvent.objects.count()
    # when
    result = action(world)
    if isinstance(result, tuple) and callable(result[1]):  # (object, do): objects made first, then acted on
        before = AuditEvent.objects.count()
        result[1]()
    # then
    events = list(AuditEvent.objects.order_by("id")[before:])
    assert len(events) == expected, [(e.verb, e.object_type) for e in events]
    for event in events:
        assert event.at is not None and abs(timezone.now() - event.at) < timedelta(minutes=1)
        assert (event.actor_id, event.actor_username) == (actor.pk, actor.username)
        assert event.actor_roles == ",".join(sorted(r for r in actor.role_assignments.values_list("role", flat=True)))
        assert (event.ip, event.request_id, event.outcome) == ("10.1.2.3", "req-c1-0001", "success")
        assert event.object_type
        if event.verb not in ("export", "import"):
            assert event.object_id and event.object_repr
    assert [e.verb for e in events] == (verb if isinstance(verb, list) else [verb] * expected)
    if object_type:
        assert {e.object_type for e in events} == {object_type}
    assert verify_chain()[1] is None


def test_token_revoke_writes_one_complete_event(world, in_request, rf):
    from parkbeat.org.auth import token_issue, token_revoke

    request = rf.post("/api/v1/auth/token/")
    _key, token = token_issue(request=request, username="t_officer", password="Correct-Horse-9")
    before = AuditEvent.objects.count()

    token_revoke(actor=world.officer, token=token)

    [event] = AuditEvent.objects.order_by("id")[before:]
    assert (event.verb, event.actor_id, event.object_type, event.object_id, event.ip, event.request_id) == (
        "token_revoke", world.officer.pk, "org.User", str(world.officer.pk), "10.1.2.3", "req-c1-0001")


def test_an_api_write_records_the_callers_address_and_request_id(world, api_as):
    """End to end through the middleware: the X-Request-Id the client sent is the one on the trail."""
    before = AuditEvent.objects.count()

    response = api_as(world.officer).patch(f"/api/v1/enterprises/{world.enterprise.pk}/",
                                           {"headcount": 130, "version": 1}, format="json",
                                           HTTP_X_REQUEST_ID="trace-4711", REMOTE_ADDR="10.9.8.7")

    assert response.status_code == 200
    [event] = AuditEvent.objects.order_by("id")[before:]
    assert (event.verb, event.actor_username, event.actor_roles, event.ip, event.request_id, event.object_id,
            event.changes) == ("update", "t_officer", "park_officer", "10.9.8.7", "trace-4711",
                               str(world.enterprise.pk), {"headcount": [100, 130]})
