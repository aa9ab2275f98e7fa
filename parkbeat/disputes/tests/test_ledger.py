"""The ledger import (矛盾纠纷台账): what a row becomes, bad rows, re-imports, the figures after, the command."""
import io
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.utils import translation
from openpyxl import Workbook, load_workbook

from parkbeat.audit.models import AuditEvent
from parkbeat.audit.services import verify_chain
from parkbeat.disputes.ledger import COLUMNS, EXAMPLE_NUMBER, LEDGER_SHEET, ledger_import
from parkbeat.disputes.models import (Agreement, Dispute, DisputeParty, DisputeTransition, LedgerEntry, Obligation,
                                      Payment)
from parkbeat.disputes.selectors import dispute_figures
from parkbeat.incidents.models import Incident, IncidentTransition
from parkbeat.notifications.models import Notification

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 5, 10, 0, tzinfo=SHANGHAI)  # the station starts in December
TITLES = [title for _name, title in COLUMNS]
FILE = "三季度台账.xlsx"
LATE = f"台账导入 {FILE}"


def T(month, day, hour=0, minute=0):
    return datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def _english_in_december(settings):
    """Messages are asserted by their English msgids; the clock stands in December, after the quarter."""
    settings.LANGUAGE_CODE = "en"
    settings.PARKBEAT_BACK_ENTRY_DAYS = 30
    with translation.override("en"), time_machine.travel(NOW, tick=False):
        yield


def row(number, **values):
    """One ledger row in template order; keyword arguments override columns by field name."""
    data = {"number": number, "category": "劳资纠纷／欠薪", "title": "外包工人讨薪", "summary": "12名外包工人在厂区门口聚集讨薪",
            "parties": "", "enterprise": "株洲新马机械有限公司", "park": "", "people": 12, "amount": 80000,
            "level": "企业内部", "reported_at": "2026-07-06 09:10", "on_scene_at": "", "park_at": "", "beyond_at": "",
            "settled_at": "", "outcome": "", "agreed": None, "instalments": ""}
    data.update(values)
    return [data[name] for name, _title in COLUMNS]


def xlsx(rows, name=FILE, header=TITLES):
    wb = Workbook()
    ws = wb.active
    ws.title = LEDGER_SHEET
    ws.append(list(header))
    for values in rows:
        ws.append(values)
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    buffer.name = name
    return buffer


def counts():
    """Everything an import writes: a refused import must leave all of it as it was."""
    return {model.__name__: model.objects.count() for model in (
        Dispute, DisputeParty, DisputeTransition, Incident, IncidentTransition, Agreement, Obligation, Payment,
        LedgerEntry, Notification)}


NOTHING = {"Dispute": 0, "DisputeParty": 0, "DisputeTransition": 0, "Incident": 0, "IncidentTransition": 0,
           "Agreement": 0, "Obligation": 0, "Payment": 0, "LedgerEntry": 0, "Notification": 0}


def full_row(world):
    """Settled at the park after starting inside the enterprise, with its incident, parties and two instalments."""
    return row("2026-Q3-001", enterprise=world.enterprise.credit_code, people=13, level="园区",
               parties="企业:株洲新马机械有限公司; 群体:外包工人12人,代表张三、王五; 个人:李四",
               reported_at="2026-07-06 09:10", on_scene_at="2026-07-06 09:35", park_at="2026-07-07 10:00",
               settled_at="2026-07-10 16:30", outcome="调解成功，达成分期支付协议", agreed=20000,
               instalments="2026-08-01 10000 已付; 2026-09-01 10000 已付 2026-09-03")


# ---------------------------------------------------------------- what a row becomes
def test_a_settled_row_becomes_its_incident_dispute_parties_agreement_and_ledger_entry(world):
    # when
    summary = ledger_import(actor=world.officer, fileobj=xlsx([full_row(world)]))

    # then
    assert (summary["imported"], summary["created"], summary["incidents"], summary["agreements"], summary["already"],
            summary["error_count"]) == (True, 1, 1, 1, 0, 0)
    dispute = Dispute.objects.get()
    incident = Incident.objects.get()
    assert summary["disputes"] == [dispute.number]
    assert (incident.source, incident.kind, incident.park, incident.enterprise, incident.people_involved,
            incident.description, incident.reported_by, incident.holder, incident.status, incident.result) == (
        "phone", "labour_dispute", world.park, world.enterprise, 13, "12名外包工人在厂区门口聚集讨薪", world.officer,
        world.officer, "closed", "dispute")
    assert (incident.reported_at, incident.accepted_at, incident.on_scene_at, incident.closed_at,
            incident.held_since) == (T(7, 6, 9, 10), T(7, 6, 9, 35), T(7, 6, 9, 35), T(7, 6, 9, 35), T(7, 6, 9, 10))
    assert list(IncidentTransition.objects.order_by("at", "id").values_list(
        "kind", "from_status", "to_status", "at", "actor", "holder", "recorded_at", "entered_late", "late_reason")) == [
        ("dispatch", "", "reported", T(7, 6, 9, 10), world.officer.pk, world.officer.pk, NOW, True, LATE),
        ("status", "reported", "accepted", T(7, 6, 9, 35), world.officer.pk, world.officer.pk, NOW, True, LATE),
        ("status", "accepted", "on_scene", T(7, 6, 9, 35), world.officer.pk, world.officer.pk, NOW, True, LATE),
        ("status", "on_scene", "closed", T(7, 6, 9, 35), world.officer.pk, world.officer.pk, NOW, True, LATE)]

    assert (dispute.incident, dispute.park, dispute.enterprise, dispute.category, dispute.title,
            dispute.amount_in_dispute, dispute.people_involved, dispute.opened_by, dispute.handler) == (
        incident, world.park, world.enterprise, "labour_wage", "外包工人讨薪", Decimal("80000.00"), 13,
        world.officer, world.officer)
    # 07-06 09:10 → 07-07 10:00 inside the enterprise (24 h 50 min), then the park until 07-10 16:30 (3 d 6 h 30 min)
    assert (dispute.began_at, dispute.level, dispute.status, dispute.settled_at, dispute.settled_level,
            dispute.level_since, dispute.seconds_enterprise, dispute.seconds_park, dispute.seconds_beyond,
            dispute.reopen_count, dispute.version) == (
        T(7, 6, 9, 10), "park", "settled", T(7, 10, 16, 30), "park", T(7, 10, 16, 30), 89400, 282600, 0, 0, 1)
    assert list(dispute.transitions.order_by("at", "id").values_list(
        "kind", "from_value", "to_value", "at", "actor", "recorded_at", "entered_late", "late_reason", "note")) == [
        ("status", "", "open", T(7, 6, 9, 35), world.officer.pk, NOW, True, LATE,
         "Opened at level “Inside the enterprise”"),
        ("level", "enterprise", "park", T(7, 7, 10), world.officer.pk, NOW, True, LATE,
         "Level changed, as the ledger records"),
        ("status", "open", "settled", T(7, 10, 16, 30), world.officer.pk, NOW, True, LATE, "调解成功，达成分期支付协议")]
    assert list(dispute.parties.order_by("id").values_list(
        "side", "kind", "name", "enterprise", "headcount", "representatives")) == [
        ("respondent", "enterprise", "株洲新马机械有限公司", world.enterprise.pk, 1, ""),
        ("claimant", "workers", "外包工人", None, 12, "张三、王五"),
        ("claimant", "person", "李四", None, 1, "")]

    agreement = Agreement.objects.get()
    assert (agreement.dispute, agreement.terms, agreement.total_amount, agreement.signed_on, agreement.status,
            agreement.recorded_by, agreement.parties.count()) == (
        dispute, "调解成功，达成分期支付协议", Decimal("20000.00"), date(2026, 7, 10), "fulfilled", world.officer, 3)
    assert list(Obligation.objects.order_by("sequence").values_list(
        "sequence", "due_on", "amount", "paid_amount", "paid_on", "status")) == [
        (1, date(2026, 8, 1), Decimal("10000.00"), Decimal("10000.00"), date(2026, 8, 1), "paid"),
        (2, date(2026, 9, 1), Decimal("10000.00"), Decimal("10000.00"), date(2026, 9, 3), "paid_late")]
    assert list(Payment.objects.order_by("paid_on").values_list("obligation__sequence", "paid_on", "amount",
                                                                 "recorded_by")) == [
        (1, date(2026, 8, 1), Decimal("10000.00"), world.officer.pk),
        (2, date(2026, 9, 3), Decimal("10000.00"), world.officer.pk)]
    entry = LedgerEntry.objects.get()
    assert (entry.station, entry.number, entry.dispute, entry.incident, entry.file_name, entry.row,
            entry.imported_by, entry.imported_at) == (
        world.station, "2026-Q3-001", dispute, incident, FILE, 2, world.officer, NOW)
    # history: nobody is told
    assert Notification.objects.count() == 0


def test_each_created_record_is_audited_as_imported_and_the_import_once_more(world):
    summary = ledger_import(actor=world.officer, fileobj=xlsx([full_row(world)]))

    events = list(AuditEvent.objects.order_by("id").values_list("verb", "object_type", "actor_username"))
    # incident, dispute, 3 parties, agreement, 2 instalments, 2 payments, the ledger entry; then the import
    assert [(verb, kind) for verb, kind, _user in events] == [
        ("import", "incidents.Incident"), ("import", "disputes.Dispute"), ("import", "disputes.DisputeParty"),
        ("import", "disputes.DisputeParty"), ("import", "disputes.DisputeParty"), ("import", "disputes.Agreement"),
        ("import", "disputes.Obligation"), ("import", "disputes.Payment"), ("import", "disputes.Obligation"),
        ("import", "disputes.Payment"), ("import", "disputes.LedgerEntry"), ("import", "disputes.LedgerEntry")]
    assert {user for _verb, _kind, user in events} == {"t_officer"}
    last = AuditEvent.objects.order_by("id").last()
    assert (last.object_repr, last.note) == (
        "1 ledger rows imported", f"file={FILE} created=1 incidents=1 agreements=1 already=0 errors=0")
    assert summary["created"] == 1
    assert verify_chain()[1] is None


def test_an_open_row_without_arrival_has_no_incident_and_its_tier_clock_runs(world):
    # given: at the park since it was reported, beyond the park from 09-25 09:00, not settled
    rows = [row("Q3-7", level="园区外", reported_at="2026-09-20 10:00", beyond_at="2026-09-25 09:00",
                enterprise="", park="XINMA", category="other", title="")]

    summary = ledger_import(actor=world.officer, fileobj=xlsx(rows))

    assert (summary["created"], summary["incidents"]) == (1, 0)
    dispute = Dispute.objects.get()
    assert (dispute.park, dispute.enterprise, dispute.incident, dispute.category, dispute.title, dispute.status,
            dispute.level, dispute.level_since, dispute.settled_at, dispute.settled_level) == (
        world.park, None, None, "other", "12名外包工人在厂区门口聚集讨薪", "open", "beyond", T(9, 25, 9), None, "")
    # 09-20 10:00 → 09-25 09:00 at the park: 4 d 23 h; beyond still running
    assert (dispute.seconds_enterprise, dispute.seconds_park, dispute.seconds_beyond) == (0, 428400, 0)
    assert dispute.seconds_at("beyond", now=T(10, 1)) == 5 * 86400 + 15 * 3600
    assert list(dispute.transitions.order_by("at", "id").values_list("kind", "from_value", "to_value", "at")) == [
        ("status", "", "open", T(9, 20, 10)), ("level", "park", "beyond", T(9, 25, 9))]
    assert Incident.objects.count() == 0


def test_steps_within_the_back_entry_window_are_not_marked_late(world):
    # given: reported 40 days ago (late), on scene then, settled 20 days ago (within the 30-day window)
    ledger_import(actor=world.officer, fileobj=xlsx([row("Q4-1", reported_at="2026-10-26 09:00",
                                                         on_scene_at="2026-10-26 09:20", settled_at="2026-11-15 10:00")]))

    assert list(DisputeTransition.objects.order_by("at", "id").values_list("to_value", "entered_late",
                                                                             "late_reason")) == [
        ("open", True, LATE), ("settled", False, "")]
    assert set(IncidentTransition.objects.values_list("entered_late", "late_reason")) == {(True, LATE)}


def test_an_unsettled_agreement_is_refused_and_unpaid_instalments_stay_due(world):
    # given: one row agreed but not settled; one settled with an instalment still to pay
    rows = [row("Q3-1", agreed=5000),
            row("Q3-2", settled_at="2026-07-08 15:00", outcome="达成协议", instalments="2026-08-01 3000 已付; "
                "2027-01-10 2000 未付")]

    refused = ledger_import(actor=world.officer, fileobj=xlsx(rows))
    summary = ledger_import(actor=world.officer, fileobj=xlsx(rows), import_good_rows=True)

    assert refused["errors"] == summary["errors"] == [(2, "化解时间", "An agreement was reached: give when (化解时间).")]
    assert (summary["imported"], summary["created"]) == (True, 1)
    agreement = Agreement.objects.get()
    assert (agreement.status, agreement.total_amount, agreement.dispute.status) == (
        "performing", Decimal("5000.00"), "settled")
    assert list(Obligation.objects.order_by("sequence").values_list("status", "paid_amount", "paid_on")) == [
        ("paid", Decimal("3000.00"), date(2026, 8, 1)), ("pending", Decimal("0.00"), None)]
    assert Payment.objects.count() == 1


# ---------------------------------------------------------------- bad rows
def bad_file(world):
    return xlsx([
        row("Q3-002", category="打架斗殴"),  # 2
        row("Q3-003", enterprise="群丰食品有限公司"),  # 3: the other station's
        row("Q3-004", on_scene_at="2026-07-06 09:00"),  # 4: on scene before it was reported
        row("Q3-005", settled_at="2026-07-05 18:00"),  # 5: settled before it was reported
        row("Q3-006", reported_at="2027-01-01 09:00"),  # 6: in the future
        row("Q3-007", settled_at="2026-07-08 12:00", instalments="2026-08-01 一万 已付"),  # 7
        row("Q3-002"),  # 8: the number of row 2 again
        row("Q3-009", settled_at="2026-07-06 18:00"),  # 9: good
    ])


BAD_ROWS = [
    (2, "纠纷类别", "Unknown value “打架斗殴”; see the 说明 sheet."),
    (3, "企业(统一社会信用代码或名称)", "No such enterprise exists in the parks you may import into."),
    (4, "到场时间", "The time cannot lie before 接报时间 (2026-07-06 09:10)."),
    (5, "化解时间", "The time cannot lie before 接报时间 (2026-07-06 09:10)."),
    (6, "接报时间", "The time cannot lie in the future."),
    (7, "分期", "Instalment 1 “2026-08-01 一万 已付”: write it as 2026-08-01 10000 已付 (or 未付), optionally followed "
               "by the date it was paid."),
    (8, "台账编号", "The same ledger number as row 2."),
]


def test_every_bad_row_is_listed_with_its_row_and_column_and_nothing_is_imported(world):
    summary = ledger_import(actor=world.officer, fileobj=bad_file(world))

    assert summary["errors"] == BAD_ROWS
    assert (summary["imported"], summary["created"], summary["error_count"]) == (False, 0, 7)
    assert counts() == NOTHING
    [event] = AuditEvent.objects.all()
    assert (event.verb, event.outcome, event.object_repr, event.note) == (
        "import", "failure", "Ledger import refused", f"file={FILE} errors=7")


def test_the_good_rows_are_imported_when_chosen(world):
    summary = ledger_import(actor=world.officer, fileobj=bad_file(world), import_good_rows=True)

    assert summary["errors"] == BAD_ROWS
    assert (summary["imported"], summary["created"], summary["error_count"]) == (True, 1, 7)
    assert list(LedgerEntry.objects.values_list("number", "row")) == [("Q3-009", 9)]
    assert Dispute.objects.get().settled_at == T(7, 6, 18)


@pytest.mark.parametrize("values, column, message", [
    ({"level": "街道"}, "化解层级", "Unknown value “街道”; see the 说明 sheet."),
    ({"level": "企业内部", "park_at": "2026-07-07 10:00"}, "升级至园区时间",
     "The level reached is “企业内部”: leave this empty."),
    ({"level": "园区外", "park_at": "2026-07-07 10:00"}, "升级至园区外时间", "Give when the dispute went beyond the park."),
    ({"reported_at": "2026-07-06"}, "接报时间", "Give the time of day too, such as 2026-08-01 09:30."),
    ({"reported_at": "昨天上午"}, "接报时间", "Enter a date and time such as 2026-08-01 09:30."),
    ({"park_at": "2026-07-06 08:00", "level": "园区"}, "升级至园区时间",
     "The time cannot lie before 接报时间 (2026-07-06 09:10)."),
    ({"enterprise": "", "park": ""}, "园区编码", "Give the enterprise or the park code."),
    ({"enterprise": "", "park": "qunfeng"}, "园区编码", "No park with code “qunfeng” that you may import into."),
    ({"park": "liyu"}, "园区编码", "No park with code “liyu” that you may import into."),  # officer2's
    ({"parties": "公司:甲"}, "当事方", "Party 1 “公司:甲”: write it as 类型:名称, e.g. 企业:株洲某某有限公司 or "
                                     "群体:外包工人12人,代表张三 (类型: 企业, 承包方, 群体, 个人)."),
    ({"people": 0}, "涉及人数", "Must lie between 1 and 1000000."),
    ({"amount": "-5"}, "争议金额(元)", "Must lie between 0 and 999999999999.99."),
    ({"settled_at": "2026-07-08 12:00", "agreed": 3000, "instalments": "2026-08-01 1000 已付"}, "分期",
     "The instalments add up to 1000, not the total of 3000.00."),
    ({"settled_at": "2026-07-08 12:00", "instalments": "2026-07-01 1000 未付"}, "分期",
     "Instalment 1 is due before the agreement was signed."),
    ({"settled_at": "2026-07-08 12:00", "instalments": "2027-01-01 1000 已付"}, "分期",
     "Instalment 1: a payment cannot be dated in the future; give the date it was paid."),
    ({"reported_at": "0001-01-01 09:00"}, "接报时间", "The time cannot lie before 1 January 2000."),
    ({"reported_at": datetime(9999, 12, 31, 23, 59)}, "接报时间", "The time cannot lie in the future."),
    ({"settled_at": "2026-07-08 12:00", "instalments": "2026-08-01 1000.005 已付"}, "分期",
     "Instalment 1 “2026-08-01 1000.005 已付”: write it as 2026-08-01 10000 已付 (or 未付), optionally followed by "
     "the date it was paid."),
    ({"parties": "群体:外包工人" + "9" * 5000 + "人"}, "当事方",
     "Party 1: the name has at most 100 characters, the representatives 200, the number of people lies between 1 "
     "and 1000000."),
    ({"number": ""}, "台账编号", "Enter the ledger number."),
    ({"summary": ""}, "简要情况", "Describe what happened."),
])
def test_a_bad_cell_is_named_by_its_column_and_nothing_is_imported(world, values, column, message):
    summary = ledger_import(actor=world.officer, fileobj=xlsx([row(**{"number": "Q3-1", **values})]))

    assert summary["errors"] == [(2, column, message)]
    assert counts() == NOTHING


def test_a_leader_imports_into_every_park_of_the_station_but_park_and_enterprise_must_agree(world):
    rows = [row("Q3-1", park="liyu"), row("Q3-2", enterprise="栗雨新材料有限公司"), row("Q3-3", park="新马工业园")]

    refused = ledger_import(actor=world.leader, fileobj=xlsx(rows))
    summary = ledger_import(actor=world.leader, fileobj=xlsx(rows), import_good_rows=True)

    assert refused["errors"] == summary["errors"] == [(2, "园区编码", "The enterprise is not in this park.")]
    assert sorted(Dispute.objects.values_list("park__code", "enterprise__name")) == [
        ("liyu", "栗雨新材料有限公司"), ("xinma", "株洲新马机械有限公司")]


def test_a_file_that_is_not_a_ledger_is_refused_whole(world):
    not_xlsx = io.BytesIO(b"<html>hello</html>")
    not_xlsx.name = "台账.xlsx"
    missing = xlsx([row("Q3-1")], header=TITLES[:3])

    assert ledger_import(actor=world.officer, fileobj=not_xlsx)["errors"] == [
        (None, "", "This file is not an Excel .xlsx workbook.")]
    assert ledger_import(actor=world.officer, fileobj=missing)["errors"] == [
        (1, "简要情况", "Missing column."), (1, "化解层级", "Missing column."), (1, "接报时间", "Missing column.")]
    assert counts() == NOTHING


# ---------------------------------------------------------------- re-imports
def two_rows(world, **changed):
    return xlsx([row("Q3-001", settled_at="2026-07-07 11:00"),
                 row("Q3-002", category="economic_contract", **changed)])


def test_a_reimport_of_the_same_file_adds_nothing_and_says_so_per_row(world):
    first = ledger_import(actor=world.officer, fileobj=two_rows(world))
    before = (counts(), AuditEvent.objects.count())

    again = ledger_import(actor=world.officer, fileobj=two_rows(world))

    numbers = dict(LedgerEntry.objects.values_list("number", "dispute"))
    d1, d2 = Dispute.objects.get(pk=numbers["Q3-001"]), Dispute.objects.get(pk=numbers["Q3-002"])
    assert first["disputes"] == [d1.number, d2.number]
    assert (again["imported"], again["created"], again["already"], again["errors"]) == (True, 0, 2, [])
    assert again["notices"] == [(2, "台账编号", f"Already imported as {d1.number}."),
                                (3, "台账编号", f"Already imported as {d2.number}.")]
    assert counts() == before[0]
    assert AuditEvent.objects.count() == before[1] + 1  # the import itself, which created nothing
    assert AuditEvent.objects.order_by("id").last().note == (
        f"file={FILE} created=0 incidents=0 agreements=0 already=2 errors=0")


def test_a_reimport_with_a_changed_row_reports_it_and_overwrites_nothing(world):
    ledger_import(actor=world.officer, fileobj=two_rows(world))
    before = counts()
    d2 = LedgerEntry.objects.get(number="Q3-002").dispute

    changed = ledger_import(actor=world.officer, fileobj=two_rows(world, summary="改过的情况"))

    assert changed["errors"] == [(3, "台账编号", f"Ledger number Q3-002 was imported as {d2.number} with different "
                                               "content; it is not overwritten. Correct the row, or give it a new "
                                               "number.")]
    assert (changed["imported"], changed["created"], changed["already"]) == (False, 0, 1)
    assert counts() == before
    d2.refresh_from_db()
    assert d2.summary == "12名外包工人在厂区门口聚集讨薪"


def test_the_same_ledger_number_in_another_station_is_another_row(world):
    ledger_import(actor=world.officer, fileobj=xlsx([row("Q3-001")]))

    other = ledger_import(actor=world.other_officer, fileobj=xlsx([row("Q3-001", enterprise="群丰食品有限公司")]))

    assert (other["created"], other["errors"]) == (1, [])
    assert sorted(LedgerEntry.objects.values_list("station__name", "number")) == [
        ("群丰派出所", "Q3-001"), ("马家河派出所", "Q3-001")]


# ---------------------------------------------------------------- the template
def test_the_template_round_trips_download_fill_import(world, page_as):
    # given: the template as downloaded from the page, filled below its example row
    response = page_as(world.officer).get("/disputes/ledger/import/template/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="dispute_ledger_template.xlsx"')
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == [LEDGER_SHEET, "说明"]
    ws = wb[LEDGER_SHEET]
    assert [c.value for c in ws[1]] == TITLES
    assert ws["A2"].value == EXAMPLE_NUMBER
    help_rows = [tuple(r) for r in wb["说明"].iter_rows(values_only=True)]
    assert ("xinma", "新马工业园") in help_rows and ("qunfeng", "群丰园区") not in help_rows
    assert ("labour_wage", "劳资纠纷／欠薪") in help_rows and ("park", "园区") in help_rows
    ws.append(full_row(world))
    ws.append(row("2026-Q3-002", category="劳资纠纷／其他", level="企业内部", reported_at=datetime(2026, 8, 3, 9),
                  settled_at=datetime(2026, 8, 5, 9)))  # Excel date cells, naive: Asia/Shanghai
    filled = io.BytesIO()
    wb.save(filled)
    filled.seek(0)
    filled.name = FILE

    # when
    summary = ledger_import(actor=world.officer, fileobj=filled)

    # then
    assert (summary["imported"], summary["created"], summary["skipped"], summary["errors"]) == (True, 2, 1, [])
    second = LedgerEntry.objects.get(number="2026-Q3-002").dispute
    assert (second.category, second.began_at, second.settled_at, second.seconds_enterprise) == (
        "labour_other", T(8, 3, 9), T(8, 5, 9), 172800)


def test_cells_escaped_on_export_import_back_unchanged(world):
    ledger_import(actor=world.officer, fileobj=xlsx([row("Q3-1", title="'=以为是公式", summary="'-10人讨薪")]))

    dispute = Dispute.objects.get()
    assert (dispute.title, dispute.summary) == ("=以为是公式", "-10人讨薪")


# ---------------------------------------------------------------- the figures after import
def test_the_quarter_figures_after_import_equal_hand_computed_values(world):
    # given: settled inside the enterprise after 2 days; settled at the park after 5 days (1 day inside the
    # enterprise first, police on scene after 30 min); one open at the park since 09-20 10:00
    ledger_import(actor=world.officer, fileobj=xlsx([
        row("F-1", category="劳资纠纷／欠薪", level="企业内部", reported_at="2026-08-03 09:00",
            settled_at="2026-08-05 09:00"),
        row("F-2", category="经济／合同纠纷", level="园区", reported_at="2026-08-10 08:00", on_scene_at="2026-08-10 08:30",
            park_at="2026-08-11 08:00", settled_at="2026-08-15 08:00"),
        row("F-3", category="劳资纠纷／其他", level="园区", reported_at="2026-09-20 10:00"),
    ]))

    figures = dispute_figures(user=world.officer, start=date(2026, 7, 1), end=date(2026, 9, 30), now=T(10, 1))

    assert figures["opened"] == {"total": 3, "by_category": {
        "labour_wage": 1, "labour_other": 1, "economic_contract": 1, "work_injury": 0, "neighbour": 0, "other": 0},
        "by_level": {"enterprise": 1, "park": 2, "beyond": 0}}
    assert figures["settled"] == {"total": 2, "by_level": {"enterprise": 1, "park": 1, "beyond": 0},
                                  "share": {"enterprise": 0.5, "park": 0.5, "beyond": 0.0}}
    assert figures["to_on_scene"] == {"count": 1, "median_seconds": 1800.0, "p90_seconds": 1800.0}
    # 172800 and 432000 s: median 302400; p90 = 172800 + 0.9 × 259200 = 406080
    assert figures["to_settlement"] == {"count": 2, "median_seconds": 302400.0, "p90_seconds": 406080.0}
    # enterprise: 172800 + 86400; park: 345600 + the open one's 10 d 14 h to 10-01 00:00 (914400)
    assert figures["tiers"] == {
        "enterprise": {"total_seconds": 259200, "disputes": 2, "median_seconds": 129600.0},
        "park": {"total_seconds": 1260000, "disputes": 2, "median_seconds": 630000.0},
        "beyond": {"total_seconds": 0, "disputes": 0, "median_seconds": None}}
    assert figures["agreed"] == {"count": 0, "amount": Decimal("0")}


# ---------------------------------------------------------------- the command
def test_the_command_imports_as_the_user_and_reports_rows(world, tmp_path, capsys):
    path = tmp_path / FILE
    path.write_bytes(xlsx([full_row(world)]).getvalue())

    call_command("import_ledger", str(path), "--as", "t_officer")
    call_command("import_ledger", str(path), "--as", "t_officer")

    out = capsys.readouterr().out
    number = Dispute.objects.get().number
    assert "Imported: created=1 incidents=1 agreements=1 already=0 errors=0" in out
    assert f"row 2 [台账编号]: Already imported as {number}." in out
    assert "Imported: created=0 incidents=0 agreements=0 already=1 errors=0" in out


def test_the_command_refuses_a_file_with_errors_unless_good_rows_are_asked_for(world, tmp_path, capsys):
    path = tmp_path / FILE
    path.write_bytes(bad_file(world).getvalue())

    with pytest.raises(CommandError, match="Nothing was imported: created=0 incidents=0 agreements=0 already=0 "
                                           "errors=7"):
        call_command("import_ledger", str(path), "--as", "t_officer")
    assert counts() == NOTHING
    assert "row 3 [企业(统一社会信用代码或名称)]: No such enterprise exists in the parks you may import into." in (
        capsys.readouterr().err)

    call_command("import_ledger", str(path), "--as", "t_officer", "--import-good-rows")

    assert list(LedgerEntry.objects.values_list("number", flat=True)) == ["Q3-009"]


def test_the_command_names_an_unknown_user_or_file(world, tmp_path):
    with pytest.raises(CommandError, match="No user named 'nobody_here'"):
        call_command("import_ledger", str(tmp_path / FILE), "--as", "nobody_here")
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_ledger", str(tmp_path / "missing.xlsx"), "--as", "t_officer")
    assert counts() == NOTHING
