"""A station's dispute ledger (矛盾纠纷台账) imported: past incidents and disputes, one service (`ledger_import`)
for the page, the API and the command.

A station that starts using ParkBeat brings its last quarter's ledger. Every row is checked first, exactly
like the roster import (core.imports: file checks, streaming read, row limit, `RowError`s listed); while
any row has an error nothing is written, unless the good rows are asked for. A good row then becomes,
written in its final state — it is history: no notification, no dispatch, no job —
- a Dispute that began at 接报时间, at the level it reached (化解层级), with tier clocks from the tier-change
  times (each span closed at the next change; the last closed at 化解时间 when settled, else running):
  settled at 化解时间 at the level reached when that time is given, open otherwise;
- its parties (当事方);
- with 到场时间, the Incident it came from: a phone call (a ledger row with an arrival time is a call the
  police went out to), reported at 接报时间, accepted and on scene at 到场时间 (the ledger knows no earlier
  acceptance), closed there with the result "dispute case opened": the dispute is opened on scene, at
  到场时间 (at 接报时间 without an incident);
- with 协议金额 / 分期, the Agreement signed on 化解时间's date, its instalments, paid ones with their
  Payment. An unpaid instalment past due stays due: the daily obligations sweep treats it like any other
  (missed, case reopened, people told) — that is the present, not history;
- a LedgerEntry holding the ledger number once per station, with a fingerprint of the checked row: a
  re-import adds nothing ("already imported as JF…"), a changed row is an error, never an overwrite.
Every status, level and incident step is a transition row with `at` = when it happened, `recorded_at` =
now and, past settings.PARKBEAT_BACK_ENTRY_DAYS, `entered_late` with the reason "台账导入 <file>" (the
checks of core.events.event_time: not in the future, in order). Every record created gets its own
"import" audit event, and the import as a whole one more.
The file format is Chinese whatever the interface language; codes are accepted wherever a label is.
"""
import hashlib
import io
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from stdnum.cn import uscc

from parkbeat.audit.models import AuditEvent
from parkbeat.audit.services import record, snapshot
from parkbeat.core.events import event_time
from parkbeat.core.imports import ParseResult, RowChecker, RowError, cell_text, file_name, scan, title_lookup
from parkbeat.core.permissions import PERMISSIONS, require
from parkbeat.core.services import ConflictError
from parkbeat.disputes.models import (Agreement, Dispute, DisputeParty, DisputeTransition, Obligation, Payment)
from parkbeat.disputes.models_ledger import LedgerEntry
from parkbeat.enterprises.models import Enterprise
from parkbeat.incidents.models import Incident, IncidentTransition
from parkbeat.incidents.services import accept_minutes
from parkbeat.org.models import Park

LEDGER_SHEET = "矛盾纠纷台账"
HELP_SHEET = "说明"
SHANGHAI = ZoneInfo("Asia/Shanghai")  # the ledger's times, whatever the server's zone
EXAMPLE_NUMBER = "示例-0001"  # the template's example row: skipped on import
MAX_ROWS = 5000  # a quarter's ledger is hundreds of rows; each becomes a dozen records
BATCH = 500
MAX_PEOPLE = 1_000_000
MAX_MONEY = Decimal("999999999999.99")  # disputes.models.MONEY: 14 digits, 2 decimals
LATEST_DUE = date(2100, 12, 31)
LATE_REASON = "台账导入 {file}"

# (field, column title): the order of the template.
COLUMNS = (
    ("number", "台账编号"),
    ("category", "纠纷类别"),
    ("title", "标题"),
    ("summary", "简要情况"),
    ("parties", "当事方"),
    ("enterprise", "企业(统一社会信用代码或名称)"),
    ("park", "园区编码"),
    ("people", "涉及人数"),
    ("amount", "争议金额(元)"),
    ("level", "化解层级"),
    ("reported_at", "接报时间"),
    ("on_scene_at", "到场时间"),
    ("park_at", "升级至园区时间"),
    ("beyond_at", "升级至园区外时间"),
    ("settled_at", "化解时间"),
    ("outcome", "结果"),
    ("agreed", "协议金额(元)"),
    ("instalments", "分期"),
)
TITLES = dict(COLUMNS)
REQUIRED_COLUMNS = ("number", "category", "summary", "level", "reported_at")
OPTIONAL_COLUMNS = tuple(name for name, _title in COLUMNS if name not in REQUIRED_COLUMNS)
TIME_COLUMNS = ("reported_at", "on_scene_at", "park_at", "beyond_at", "settled_at")
_TITLE_LOOKUP = title_lookup(COLUMNS)
COLUMN_WIDTHS = (14, 16, 28, 40, 44, 30, 12, 10, 14, 10, 17, 17, 17, 17, 17, 28, 14, 44)

L, DS, K, SIDE = Dispute.Level, Dispute.Status, DisputeParty.Kind, DisputeParty.Side
LEVEL_ZH = {L.ENTERPRISE: "企业内部", L.PARK: "园区", L.BEYOND: "园区外"}
KIND_ZH = {K.ENTERPRISE: "企业", K.CONTRACTOR: "承包方", K.WORKERS: "群体", K.PERSON: "个人"}
SIDE_ZH = {SIDE.CLAIMANT: "申请方", SIDE.RESPONDENT: "被申请方"}
DEFAULT_SIDE = {K.ENTERPRISE: SIDE.RESPONDENT, K.CONTRACTOR: SIDE.RESPONDENT, K.WORKERS: SIDE.CLAIMANT,
                K.PERSON: SIDE.CLAIMANT}
PAID_ZH, UNPAID_ZH = "已付", "未付"
INCIDENT_SOURCE = Incident.Source.PHONE  # see the module docstring
INCIDENT_KIND = {
    Dispute.Category.LABOUR_WAGE: Incident.Kind.LABOUR_DISPUTE,
    Dispute.Category.LABOUR_OTHER: Incident.Kind.LABOUR_DISPUTE,
    Dispute.Category.WORK_INJURY: Incident.Kind.LABOUR_DISPUTE,
    Dispute.Category.ECONOMIC_CONTRACT: Incident.Kind.ECONOMIC_DISPUTE,
    Dispute.Category.NEIGHBOUR: Incident.Kind.OTHER,
    Dispute.Category.OTHER: Incident.Kind.OTHER,
}
_SPLIT = re.compile(r"[;；\n]+")
_DATE = r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})"
_INSTALMENT = re.compile(rf"^{_DATE}\s+([\d,，]+(?:\.\d+)?)\s*元?\s*(已付|未付|paid|unpaid)\s*(?:{_DATE})?$", re.I)
_HEADCOUNT = re.compile(r"^(.*?)(\d{1,7})\s*[人名]$")  # "外包工人12人"
_MOMENT = re.compile(rf"^{_DATE}(?:[ T]+(\d{{1,2}})[:：](\d{{2}})(?:[:：](\d{{2}}))?)?$")


def category_labels():
    """code -> the Chinese label of Dispute.Category (the interface's own, so file and pages agree)."""
    with translation.override("zh-hans"):
        return {code: str(label) for code, label in Dispute.Category.choices}


def _key(text):
    return str(text).replace("／", "/").replace(" ", "").replace("\u3000", "").strip().lower()


def _lookup(choices, zh):
    """Accepted spellings -> code: the code, the format's Chinese label and the interface labels."""
    lookup = {}
    for code, label in choices.choices:
        for language in ("en", "zh-hans"):
            with translation.override(language):
                lookup[_key(label)] = code
        lookup[_key(zh[code])] = code
        lookup[_key(code)] = code
    return lookup


def importable_parks(user):
    """The parks `user` may import a ledger into: where `can(user, "dispute.import", park)` holds."""
    return Park.objects.visible_to(user, roles=PERMISSIONS["dispute.import"]).order_by("code")


# ---------------------------------------------------------------- template
def ledger_template(*, user=None):
    """An .xlsx template: the header, one example row (skipped on import) and a 说明 sheet."""
    parks = list(importable_parks(user)) if user is not None else []
    categories = category_labels()
    wb = Workbook()
    ws = wb.active
    ws.title = LEDGER_SHEET
    ws.append([title for _name, title in COLUMNS])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.append([
        EXAMPLE_NUMBER, categories[Dispute.Category.LABOUR_WAGE], "外包工人讨要工资（示例，导入时忽略此行）",
        "12名外包工人在厂区门口聚集，讨要两个月工资约8万元", "企业:株洲某某有限公司; 群体:外包工人12人,代表张三; 个人:李四",
        "株洲某某有限公司", parks[0].code if parks else "park-code", 13, 80000, LEVEL_ZH[L.PARK],
        "2026-07-06 09:10", "2026-07-06 09:35", "2026-07-07 10:00", "", "2026-07-10 16:30", "调解成功，达成分期支付协议",
        20000, "2026-08-01 10000 已付; 2026-09-01 10000 未付",
    ])
    for position, width in enumerate(COLUMN_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(position)].width = width
    for row in range(2, 1002):  # ledger numbers and times as text, so Excel keeps them as written
        for column in (1, 11, 12, 13, 14, 15):
            ws.cell(row=row, column=column).number_format = "@"
    ws.freeze_panes = "B2"
    for letter, values in (("B", categories.values()), ("J", LEVEL_ZH.values())):
        dv = DataValidation(type="list", formula1='"' + ",".join(values) + '"', allow_blank=True,
                            showErrorMessage=False)
        dv.add(f"{letter}2:{letter}{MAX_ROWS + 2}")
        ws.add_data_validation(dv)

    help_ws = wb.create_sheet(HELP_SHEET)
    help_ws.column_dimensions["A"].width = 26
    help_ws.column_dimensions["B"].width = 96
    lines = [
        ("矛盾纠纷台账导入说明", ""),
        ("第2行为示例", "导入时自动忽略示例行（台账编号为“示例-0001”）；请从第3行起或覆盖示例行填写"),
        ("时间", "北京时间，写成 2026-07-06 09:10（也可 2026/7/6 9:10）；须有时分；不得晚于现在，"
                "且依次不早于：接报时间 ≤ 到场时间 ≤ 升级至园区时间 ≤ 升级至园区外时间 ≤ 化解时间"),
        ("重复导入", "按台账编号（每个派出所内唯一）识别：同一行再次导入不会重复创建，会提示“已导入为 JF…”；"
                 "编号相同而内容不同的行报错，不会覆盖已导入的记录"),
        ("出错时", "所有行先逐行检查；只要有一行有错，整份文件都不导入，除非选择“只导入无误的行”"),
        ("", ""),
        ("列", "含义与取值"),
        (TITLES["number"], "必填；本所台账中的编号，最多50字；同一文件内不得重复"),
        (TITLES["category"], "必填；见下方“纠纷类别”"),
        (TITLES["title"], "可空，最多120字；留空时取简要情况的前40字"),
        (TITLES["summary"], "必填；纠纷的简要情况"),
        (TITLES["parties"], "可空；多个当事方用分号隔开，每个写成 类型:名称[,人数][,代表姓名]，例如："
                            "企业:株洲某某有限公司; 群体:外包工人12人,代表张三; 个人:李四。"
                            "类型：企业、承包方、群体、个人；企业、承包方默认为被申请方，群体、个人默认为申请方，"
                            "可写成 企业/申请方: 或 个人/被申请方: 指明"),
        (TITLES["enterprise"], "可空；统一社会信用代码，或与企业名册完全一致的名称；须是您可导入的园区内的企业"),
        (TITLES["park"], "企业已填时可空（取企业所在园区），否则必填；见下方“园区编码”"),
        (TITLES["people"], f"可空（默认1）；1～{MAX_PEOPLE} 的整数"),
        (TITLES["amount"], "可空；元，最多两位小数"),
        (TITLES["level"], "必填；纠纷化解（或目前所在）的层级：企业内部 / 园区 / 园区外"),
        (TITLES["reported_at"], "必填；接到报警或纠纷登记的时间，即纠纷开始的时间"),
        (TITLES["on_scene_at"], "可空；民警到场时间。填写时同时生成一条已结束的警情（来源：电话报警，"
                                "接报时间报警，到场时间接警、到场并以“已开立矛盾纠纷案件”结束）"),
        (TITLES["park_at"], "可空；纠纷由企业内部升级到园区的时间；填写表示纠纷从企业内部开始"),
        (TITLES["beyond_at"], "可空；纠纷升级到园区外（派出所、仲裁、法院）的时间。化解层级为“园区外”且"
                              "填写了升级至园区时间时必填；都不填表示纠纷一开始就在该层级"),
        (TITLES["settled_at"], "可空；化解的时间。填写表示已化解（在化解层级化解）；留空表示尚未化解。"
                               "有协议金额或分期时必填（协议于当日签订）"),
        (TITLES["outcome"], "可空；化解结果，记入纠纷的处理记录，有协议时作为协议内容"),
        (TITLES["agreed"], "可空；调解协议金额（元）；有分期时须等于各期之和，可留空"),
        (TITLES["instalments"], "可空；多期用分号隔开，每期写成 到期日 金额 已付/未付[ 实付日期]，例如："
                                "2026-08-01 10000 已付; 2026-09-01 10000 未付。已付而未写实付日期的，按到期日付清；"
                                "到期日不得早于化解日期"),
        ("", ""),
        ("纠纷类别", "取值（也可填代码）"),
    ]
    lines += [(code, label) for code, label in categories.items()]
    lines += [("", ""), ("化解层级", "取值（也可填代码）")]
    lines += [(code, label) for code, label in LEVEL_ZH.items()]
    lines += [("", ""), ("园区编码", "园区名称")]
    lines += [(park.code, park.name) for park in parks] or [("（无可导入的园区）", "")]
    for line in lines:
        help_ws.append(list(line))
    for row in help_ws.iter_rows(min_row=1, max_col=2):
        row[1].alignment = Alignment(wrap_text=True, vertical="top")
    help_ws["A1"].font = Font(bold=True)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------- one row
@dataclass
class PartyRow:
    side: str
    kind: str
    name: str
    headcount: int = 1
    representatives: str = ""
    enterprise: Enterprise | None = None


@dataclass
class InstalmentRow:
    due_on: date
    amount: Decimal
    paid_on: date | None  # None: not paid


@dataclass
class LedgerRow:
    """One checked ledger row; `events` holds the checked times (core.events.EventTime) by column."""

    row: int
    number: str
    category: str
    title: str
    summary: str
    parties: list
    enterprise_text: str
    park_text: str
    people: int
    amount: Decimal | None
    level: str
    moments: dict  # column -> the aware datetime as written, or None
    outcome: str
    agreed: Decimal | None
    instalments: list
    events: dict = field(default_factory=dict)
    park: Park | None = None
    enterprise: Enterprise | None = None
    fingerprint: str = ""

    @property
    def settled(self):
        return self.events.get("settled_at")

    @property
    def has_agreement(self):
        return self.agreed is not None or bool(self.instalments)


@dataclass
class _Context:
    """What each row is checked against, computed once per file."""

    user: object
    now: datetime
    reason: str
    parks: dict  # code (lower) -> Park the user may import into
    park_names: dict  # name -> Park, for names that are unambiguous
    category: dict
    level: dict
    kind: dict
    side: dict

    @classmethod
    def for_user(cls, user, now, reason):
        parks = list(importable_parks(user))
        names = {}
        for park in parks:
            names[park.name] = None if park.name in names else park
        kinds = _lookup(K, KIND_ZH)
        kinds.update({"承包商": K.CONTRACTOR, "施工方": K.CONTRACTOR, "劳务公司": K.CONTRACTOR, "工人": K.WORKERS,
                      "工人群体": K.WORKERS, "群众": K.PERSON})
        return cls(user=user, now=now, reason=reason, parks={p.code.lower(): p for p in parks},
                   park_names={k: v for k, v in names.items() if v is not None},
                   category=_lookup(Dispute.Category, category_labels()), level=_lookup(L, LEVEL_ZH),
                   kind=kinds, side=_lookup(SIDE, SIDE_ZH))


def _too_long(text, limit, column, errors):
    if len(text) > limit:
        errors.append((column, _("At most %(max)s characters.") % {"max": limit}))
        return True
    return False


def _money(raw, column, errors):
    """A yuan amount (0 … MAX_MONEY, at most two decimals), or None for an empty cell."""
    text = cell_text(raw).replace(",", "").replace("，", "").removesuffix("元").strip()
    if not text:
        return None
    try:
        value = Decimal(text)
    except (InvalidOperation, ValueError):
        errors.append((column, _("Enter a number.")))
        return None
    if not value.is_finite() or not Decimal(0) <= value <= MAX_MONEY:
        errors.append((column, _("Must lie between %(low)s and %(high)s.") % {"low": 0, "high": MAX_MONEY}))
        return None
    if value != value.quantize(Decimal("0.01")):
        errors.append((column, _("At most two decimal places.")))
        return None
    return value.quantize(Decimal("0.01"))


def _day(year, month, day):
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def _moment(raw, column, errors):
    """An aware datetime (Asia/Shanghai unless the cell says otherwise), or None for an empty or bad cell.
    Years outside 2000…2100 are typing errors, refused before any time-zone arithmetic can overflow."""
    value = _parse_moment(raw, column, errors)
    if value is None:
        return None
    if value.year < 2000:
        errors.append((column, _("The time cannot lie before 1 January 2000.")))
        return None
    if value.year > 2100:
        errors.append((column, _("The time cannot lie in the future.")))
        return None
    return value


def _parse_moment(raw, column, errors):
    if raw is None or raw == "":
        return None
    if isinstance(raw, datetime):
        return raw if timezone.is_aware(raw) else raw.replace(tzinfo=SHANGHAI)
    if isinstance(raw, date):
        errors.append((column, _("Give the time of day too, such as 2026-08-01 09:30.")))
        return None
    text = cell_text(raw)
    if not text:
        return None
    match = _MOMENT.match(text)
    if match:
        year, month, day, hour, minute, second = match.groups()
        if hour is None:
            errors.append((column, _("Give the time of day too, such as 2026-08-01 09:30.")))
            return None
        try:
            return datetime(int(year), int(month), int(day), int(hour), int(minute), int(second or 0),
                            tzinfo=SHANGHAI)
        except ValueError:
            pass
    else:
        try:  # an ISO time with its offset, as an export writes it
            value = datetime.fromisoformat(text)
            if "T" in text or " " in text:
                return value if timezone.is_aware(value) else value.replace(tzinfo=SHANGHAI)
        except ValueError:
            pass
    errors.append((column, _("Enter a date and time such as 2026-08-01 09:30.")))
    return None


def _parties(text, ctx, errors):
    """当事方: "类型[/申请方|被申请方]:名称[,人数][,代表…]" separated by semicolons."""
    parties = []
    for position, part in enumerate((p.strip() for p in _SPLIT.split(text) if p.strip()), start=1):
        head, sep, rest = part.replace("：", ":").partition(":")
        kind_text, _slash, side_text = head.replace("／", "/").partition("/")
        kind = ctx.kind.get(_key(kind_text))
        side = ctx.side.get(_key(side_text)) if side_text else None
        pieces = [p.strip() for p in rest.replace("，", ",").split(",") if p.strip()]
        if not sep or kind is None or (side_text and side is None) or not pieces:
            errors.append(("parties", _("Party %(n)s “%(text)s”: write it as 类型:名称, e.g. 企业:株洲某某有限公司 or "
                                        "群体:外包工人12人,代表张三 (类型: 企业, 承包方, 群体, 个人).")
                           % {"n": position, "text": part[:40]}))
            continue
        name, headcount, representatives = pieces[0], None, []
        match = _HEADCOUNT.match(name) if kind == K.WORKERS else None
        if match and match.group(1).strip():
            name, headcount = match.group(1).strip(), int(match.group(2))
        for piece in pieces[1:]:
            count = re.fullmatch(r"(\d{1,7})\s*[人名]", piece)
            if count:
                headcount = int(count.group(1))
            else:
                representatives.append(re.sub(r"^代表\s*[:：]?\s*", "", piece))
        reps = "、".join(r for r in representatives if r)
        if len(name) > 100 or len(reps) > 200 or (headcount is not None and not 1 <= headcount <= MAX_PEOPLE):
            errors.append(("parties", _("Party %(n)s: the name has at most 100 characters, the representatives "
                                        "200, the number of people lies between 1 and %(max)s.")
                           % {"n": position, "max": MAX_PEOPLE}))
            continue
        parties.append(PartyRow(side=side or DEFAULT_SIDE[kind], kind=kind, name=name, headcount=headcount or 1,
                                representatives=reps))
    return parties


def _instalments(text, errors):
    """分期: "到期日 金额 已付/未付[ 实付日期]" separated by semicolons."""
    found = []
    for position, part in enumerate((p.strip() for p in _SPLIT.split(text) if p.strip()), start=1):
        match = _INSTALMENT.match(part)
        due = _day(*match.groups()[:3]) if match else None
        paid_on = _day(*match.groups()[5:8]) if match and match.group(6) else None
        try:
            amount = Decimal(match.group(4).replace(",", "").replace("，", "")) if match else None
        except InvalidOperation:
            amount = None
        if amount is not None and (amount > MAX_MONEY or amount != amount.quantize(Decimal("0.01"))):
            amount = None  # more than the money fields hold
        if due is None or amount is None or (match.group(6) and paid_on is None):
            errors.append(("instalments", _("Instalment %(n)s “%(text)s”: write it as 2026-08-01 10000 已付 "
                                            "(or 未付), optionally followed by the date it was paid.")
                           % {"n": position, "text": part[:40]}))
            continue
        paid = match.group(5).lower() in (PAID_ZH, "paid")
        if not paid and paid_on is not None:
            errors.append(("instalments", _("Instalment %(n)s is unpaid but has a payment date.") % {"n": position}))
            continue
        found.append(InstalmentRow(due_on=due, amount=amount, paid_on=(paid_on or due) if paid else None))
    return found


def _convert(number, values, index, ctx):
    """One data row -> (LedgerRow, [(column, message)]). Mirrors what the models and services require."""
    def cell(name):
        position = index.get(name)
        return values[position] if position is not None and position < len(values) else None

    errors = []
    text = {name: cell_text(cell(name)) for name in ("number", "category", "title", "summary", "parties",
                                                     "enterprise", "park", "level", "outcome", "instalments")}
    if not text["number"]:
        errors.append(("number", _("Enter the ledger number.")))
    _too_long(text["number"], 50, "number", errors)

    category = ctx.category.get(_key(text["category"])) if text["category"] else None
    if not text["category"]:
        errors.append(("category", _("Choose the category; see the 说明 sheet.")))
    elif category is None:
        errors.append(("category", _("Unknown value “%(value)s”; see the 说明 sheet.")
                       % {"value": text["category"][:30]}))

    summary = text["summary"]
    if not summary:
        errors.append(("summary", _("Describe what happened.")))
    _too_long(summary, 5000, "summary", errors)
    title = text["title"] or (summary.splitlines()[0][:40] if summary else "")
    _too_long(title, 120, "title", errors)

    parties = _parties(text["parties"], ctx, errors) if text["parties"] else []
    if not text["enterprise"] and not text["park"]:
        errors.append(("park", _("Give the enterprise or the park code.")))
    _too_long(text["enterprise"], 100, "enterprise", errors)

    people = 1
    raw = cell("people")
    if raw is not None and cell_text(raw) != "":
        try:
            value = Decimal(cell_text(raw).replace(",", "").removesuffix("人"))
            if not value.is_finite() or value != value.to_integral_value():
                raise InvalidOperation
            if 1 <= value <= MAX_PEOPLE:  # checked before int(): "1e99999999" must not become a huge int
                people = int(value)
            else:
                errors.append(("people", _("Must lie between %(low)s and %(high)s.") % {"low": 1, "high": MAX_PEOPLE}))
        except (InvalidOperation, ValueError):
            errors.append(("people", _("Enter a whole number.")))
    amount = _money(cell("amount"), "amount", errors)
    agreed = _money(cell("agreed"), "agreed", errors)

    level = ctx.level.get(_key(text["level"])) if text["level"] else None
    if not text["level"]:
        errors.append(("level", _("Choose the level reached: 企业内部, 园区 or 园区外.")))
    elif level is None:
        errors.append(("level", _("Unknown value “%(value)s”; see the 说明 sheet.") % {"value": text["level"][:30]}))

    moments = {name: _moment(cell(name), name, errors) for name in TIME_COLUMNS}
    if moments["reported_at"] is None and not any(c == "reported_at" for c, _m in errors):
        errors.append(("reported_at", _("Enter when it was reported (接报时间).")))
    outcome = text["outcome"]
    _too_long(outcome, 2000, "outcome", errors)
    instalments = _instalments(text["instalments"], errors) if text["instalments"] else []

    row = LedgerRow(row=number, number=text["number"], category=category, title=title, summary=summary,
                    parties=parties, enterprise_text=text["enterprise"], park_text=text["park"], people=people,
                    amount=amount, level=level, moments=moments, outcome=outcome, agreed=agreed,
                    instalments=instalments)
    if not any(column in TIME_COLUMNS for column, _m in errors):
        _check_times(row, ctx, errors)
    if not any(column in (*TIME_COLUMNS, "agreed", "instalments") for column, _m in errors):
        _check_agreement(row, ctx, errors)
    return row, errors


def _check_times(row, ctx, errors):
    """Each time through core.events.event_time (not in the future, after the ones before it), then the
    tier-change times against the level reached."""
    earlier = []
    for name in TIME_COLUMNS:
        moment = row.moments[name]
        if moment is None:
            continue
        try:
            row.events[name] = event_time(moment, actor=ctx.user, field=name, now=ctx.now, after=earlier,
                                          reason=ctx.reason)
        except ValidationError as exc:
            errors.append((name, exc.message_dict[name][0]))
            return
        earlier.append((row.events[name].at, TITLES[name]))
    if row.level is None:
        return
    label = LEVEL_ZH[row.level]
    if row.level == L.ENTERPRISE:
        for name in ("park_at", "beyond_at"):
            if row.moments[name]:
                errors.append((name, _("The level reached is “%(level)s”: leave this empty.") % {"level": label}))
    elif row.level == L.PARK and row.moments["beyond_at"]:
        errors.append(("beyond_at", _("The level reached is “%(level)s”: leave this empty.") % {"level": label}))
    elif row.level == L.BEYOND and row.moments["park_at"] and not row.moments["beyond_at"]:
        errors.append(("beyond_at", _("Give when the dispute went beyond the park.")))


def _check_agreement(row, ctx, errors):
    """An agreement was reached when the dispute was settled; its instalments follow from that day."""
    if not row.has_agreement:
        return
    if row.settled is None:
        errors.append(("settled_at", _("An agreement was reached: give when (化解时间).")))
        return
    signed_on = timezone.localtime(row.settled.at, SHANGHAI).date()
    today = timezone.localtime(ctx.now, SHANGHAI).date()
    total = sum((i.amount for i in row.instalments), Decimal("0"))
    if row.instalments and row.agreed is not None and total != row.agreed:
        errors.append(("instalments", _("The instalments add up to %(sum)s, not the total of %(total)s.")
                       % {"sum": total, "total": row.agreed}))
        return
    for n, instalment in enumerate(row.instalments, start=1):
        if instalment.amount <= 0:
            message = _("Instalment %(n)s needs an amount above zero.") % {"n": n}
        elif not signed_on <= instalment.due_on <= LATEST_DUE:
            message = (_("Instalment %(n)s is due before the agreement was signed.") % {"n": n}
                       if instalment.due_on < signed_on else
                       _("Instalment %(n)s: choose a due date between %(earliest)s and %(latest)s.")
                       % {"n": n, "earliest": signed_on.isoformat(), "latest": LATEST_DUE.isoformat()})
        elif instalment.paid_on is not None and instalment.paid_on > today:
            message = _("Instalment %(n)s: a payment cannot be dated in the future; give the date it was paid.") % {
                "n": n}
        elif instalment.paid_on is not None and instalment.paid_on < signed_on:
            message = _("Instalment %(n)s: a payment cannot be dated before the agreement was signed.") % {"n": n}
        else:
            continue
        errors.append(("instalments", message))
        return


def _fingerprint(row):
    """SHA-256 of the checked row's content: equal rows, however the cells were typed, give equal prints."""
    def moment(value):
        return value.astimezone(SHANGHAI).isoformat() if value else None

    content = {
        "number": row.number, "category": row.category, "title": row.title, "summary": row.summary,
        "parties": [[p.side, p.kind, p.name, p.headcount, p.representatives, p.enterprise.pk if p.enterprise else None]
                    for p in row.parties],
        "park": row.park.pk, "enterprise": row.enterprise.pk if row.enterprise else None, "people": row.people,
        "amount": str(row.amount) if row.amount is not None else None, "level": row.level,
        "times": {name: moment(row.moments[name]) for name in TIME_COLUMNS}, "outcome": row.outcome,
        "agreed": str(row.agreed) if row.agreed is not None else None,
        "instalments": [[i.due_on.isoformat(), str(i.amount), i.paid_on.isoformat() if i.paid_on else None]
                        for i in row.instalments],
    }
    return hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


# ---------------------------------------------------------------- the file
class LedgerParse(ParseResult):
    """The outcome of reading a ledger: rows are (row_number, LedgerRow), ready to write; `already` the rows
    imported before, unchanged (RowError-shaped notices, not errors)."""

    def __init__(self):
        super().__init__()
        self.already = []


def parse_ledger(fileobj, *, user, now=None):
    """Read and check every row of a ledger file; nothing is written. Returns a `LedgerParse`."""
    result = LedgerParse()
    now = now or timezone.now()
    ctx = _Context.for_user(user, now, LATE_REASON.format(file=file_name(fileobj)))
    return scan(fileobj, result, _RowChecker(ctx, result), what="Ledger import")


class _RowChecker(RowChecker):
    """Checks the rows one at a time; good rows are matched against enterprises and earlier imports in batches."""

    columns, titles, lookup, optional = COLUMNS, TITLES, _TITLE_LOOKUP, OPTIONAL_COLUMNS
    key_column, example_key, batch_size = "number", EXAMPLE_NUMBER, BATCH

    def __init__(self, ctx, result):
        super().__init__(ctx, result, limit=min(settings.IMPORT_MAX_ROWS, MAX_ROWS))

    def convert(self, number, values):
        row, errors = _convert(number, values, self.index, self.ctx)
        return row, row.number, errors

    def repeated_key(self, first_row):
        return _("The same ledger number as row %(row)s.") % {"row": first_row}

    def check_batch(self, items):
        _resolve(items, self.ctx, self.result)

    def finish(self):
        super().finish()
        self.result.already.sort(key=lambda e: e.row or 0)


def _resolve(batch, ctx, result):
    """Find each row's park and enterprise among those the user may import into, link enterprise parties by
    name, and set aside rows whose ledger number the station already has."""
    if not batch:
        return
    allowed = {park.pk: park for park in ctx.parks.values()}
    codes, names = set(), set()
    for row in batch:
        text = row.enterprise_text
        if _looks_like_code(text):
            codes.add(text.upper())
        elif text:
            names.add(text)
        names.update(p.name for p in row.parties if p.kind == K.ENTERPRISE)
    found = (Enterprise.objects.filter(park_id__in=allowed).filter(Q(credit_code__in=codes) | Q(name__in=names))
             .only("id", "name", "credit_code", "park_id", "address") if codes or names else [])
    by_code, by_name = {}, {}
    for enterprise in found:
        by_code[enterprise.credit_code] = enterprise
        by_name.setdefault(enterprise.name, []).append(enterprise)
    good = []
    for row in batch:
        problem = _place(row, ctx, by_code, by_name, allowed)
        if problem:
            result.add_error(row.row, TITLES[problem[0]], problem[1])
            continue
        for party in row.parties:
            if party.kind == K.ENTERPRISE:
                party.enterprise = next((e for e in by_name.get(party.name, ()) if e.park_id == row.park.pk), None)
        row.fingerprint = _fingerprint(row)
        good.append(row)
    stations = {row.park.station_id for row in good}
    existing = {(e.station_id, e.number): e for e in LedgerEntry.objects.filter(
        station_id__in=stations, number__in=[row.number for row in good]).select_related("dispute")}
    visible = set(LedgerEntry.objects.visible_to(ctx.user).filter(pk__in=[e.pk for e in existing.values()])
                  .values_list("pk", flat=True))
    for row in good:
        entry = existing.get((row.park.station_id, row.number))
        if entry is None:
            result.rows.append((row.row, row))
        elif entry.fingerprint == row.fingerprint and entry.pk in visible:
            result.already.append(RowError(row.row, TITLES["number"], _("Already imported as %(dispute)s.")
                                           % {"dispute": entry.dispute.number}))
        elif entry.pk in visible:
            result.add_error(row.row, TITLES["number"], _(
                "Ledger number %(number)s was imported as %(dispute)s with different content; it is not "
                "overwritten. Correct the row, or give it a new number.")
                % {"number": row.number, "dispute": entry.dispute.number})
        else:  # someone else's park in the station: which case it became is not this user's to see
            result.add_error(row.row, TITLES["number"], _(
                "Ledger number %(number)s was already imported for this station with other content; it is not "
                "overwritten.") % {"number": row.number})


def _looks_like_code(text):
    return len(text) == 18 and uscc.is_valid(text.upper())


def _place(row, ctx, by_code, by_name, allowed):
    """Set the row's park and enterprise; (column, message) when they cannot be found or disagree."""
    park = None
    if row.park_text:
        park = ctx.parks.get(row.park_text.lower()) or ctx.park_names.get(row.park_text)
        if park is None:
            return "park", _("No park with code “%(code)s” that you may import into.") % {"code": row.park_text[:30]}
    enterprise = None
    if row.enterprise_text:
        text = row.enterprise_text
        # One message whether the enterprise is unknown or another station's: nothing beyond the user's own.
        missing = ("enterprise", _("No such enterprise exists in the parks you may import into."))
        if _looks_like_code(text):
            enterprise = by_code.get(text.upper())
        else:
            named = by_name.get(text, [])  # all in parks the user may import into
            candidates = [e for e in named if park is None or e.park_id == park.pk]
            if len(candidates) > 1:
                return "enterprise", _("Several enterprises have this name; give the credit code or the park code.")
            enterprise = candidates[0] if candidates else (named[0] if named else None)
        if enterprise is None:
            return missing
        if park is not None and enterprise.park_id != park.pk:
            return "park", _("The enterprise is not in this park.")
        park = allowed[enterprise.park_id]
    row.park, row.enterprise = park, enterprise
    return None


# ---------------------------------------------------------------- writing
class _Abort(Exception):
    pass


def ledger_import(*, actor, fileobj, import_good_rows=False):
    """Import the disputes (and incidents) of a station's ledger file, all in one transaction.

    Nothing is written while any row has an error, unless `import_good_rows`. Rows already imported are
    passed over and listed in `notices`. Every created record gets its own audit event, the import one more.
    """
    require(actor, "dispute.import")
    now = timezone.now()
    parsed = parse_ledger(fileobj, user=actor, now=now)
    name = file_name(fileobj)
    summary = {"created": 0, "incidents": 0, "agreements": 0, "already": len(parsed.already),
               "skipped": parsed.skipped, "errors": list(parsed.errors), "error_count": parsed.error_count,
               "notices": list(parsed.already), "imported": False, "disputes": []}
    if parsed.error_count and not (import_good_rows and parsed.rows):
        _refused(actor, name, parsed.error_count)
        return summary
    late = []
    try:
        with transaction.atomic():
            for _number, row in parsed.rows:
                try:
                    with transaction.atomic():  # a row refused while writing leaves nothing behind
                        dispute, incident, agreement = _write_row(actor, row, name, now)
                except ValidationError as exc:
                    late.append(RowError(row.row, TITLES["number"], " ".join(exc.messages)))
                    continue
                summary["created"] += 1
                summary["incidents"] += incident is not None
                summary["agreements"] += agreement is not None
                summary["disputes"].append(dispute.number)
            if late and not import_good_rows:
                raise _Abort
            record(actor=actor, verb=AuditEvent.Verb.IMPORT, object_type="disputes.LedgerEntry",
                   object_repr=_("%(count)s ledger rows imported") % {"count": summary["created"]},
                   note=(f"file={name} created={summary['created']} incidents={summary['incidents']} "
                         f"agreements={summary['agreements']} already={summary['already']} "
                         f"errors={parsed.error_count + len(late)}"))
    except _Abort:
        summary.update(created=0, incidents=0, agreements=0, disputes=[])
    except IntegrityError:
        raise ConflictError(_("The ledger changed while importing; nothing was imported. Try again.")) from None
    summary["errors"] = sorted([*summary["errors"], *late], key=lambda e: e.row or 0)
    summary["error_count"] += len(late)
    summary["imported"] = not (late and not import_good_rows)
    if not summary["imported"]:
        _refused(actor, name, summary["error_count"])
    return summary


def _refused(actor, name, errors):
    record(actor=actor, verb=AuditEvent.Verb.IMPORT, object_type="disputes.LedgerEntry",
           object_repr=_("Ledger import refused"), outcome=AuditEvent.Outcome.FAILURE,
           note=f"file={name} errors={errors}")


def _created(actor, obj, note):
    """Validate and insert one record with its "import" audit event (what services.model_create does)."""
    obj.full_clean()
    obj.save()
    fields = [f.name for f in type(obj)._meta.concrete_fields if f.name not in ("id", "created_at", "updated_at")]
    record(actor=actor, verb=AuditEvent.Verb.IMPORT, obj=obj, after=snapshot(obj, fields), note=note)
    return obj


def _spans(row):
    """[(level, since)] in time order: where the dispute began and each tier it moved to."""
    t = {name: (row.events[name].at if name in row.events else None) for name in TIME_COLUMNS}
    began = t["reported_at"]
    if row.level == L.ENTERPRISE:
        return [(L.ENTERPRISE, began)]
    if row.level == L.PARK:
        return [(L.ENTERPRISE, began), (L.PARK, t["park_at"])] if t["park_at"] else [(L.PARK, began)]
    if t["park_at"]:
        return [(L.ENTERPRISE, began), (L.PARK, t["park_at"]), (L.BEYOND, t["beyond_at"])]
    if t["beyond_at"]:
        return [(L.PARK, began), (L.BEYOND, t["beyond_at"])]
    return [(L.BEYOND, began)]


def _tier_clock(row, spans):
    """(seconds by level, level_since): each closed span to its level; the last closed at settlement."""
    seconds = {level: 0 for level in Dispute.LEVEL_ORDER}
    for (level, since), (_next, until) in zip(spans, spans[1:]):
        seconds[level] += int((until - since).total_seconds())
    last, since = spans[-1]
    if row.settled is not None:
        seconds[last] += int((row.settled.at - since).total_seconds())
        return seconds, row.settled.at
    return seconds, since


def _write_row(actor, row, file, now):
    """The row's incident, dispute, parties, agreement and ledger entry, in their final state."""
    note = f"台账 {row.number} · {file} 第{row.row}行"
    reported = row.events["reported_at"]
    on_scene = row.events.get("on_scene_at")
    opened = on_scene or reported  # opened on scene when the police went out
    incident = None
    if on_scene is not None:
        incident = _created(actor, Incident(
            source=INCIDENT_SOURCE, kind=INCIDENT_KIND[row.category], park=row.park, enterprise=row.enterprise,
            location=row.enterprise.address if row.enterprise else "", people_involved=row.people,
            description=row.summary, reported_by=actor, reported_at=reported.at, status=Incident.Status.CLOSED,
            holder=actor, held_since=reported.at, accept_due_at=reported.at + timedelta(minutes=accept_minutes()),
            accepted_at=on_scene.at, on_scene_at=on_scene.at, closed_at=on_scene.at, result=Incident.Result.DISPUTE,
            result_note=_("Dispute case opened from the ledger (number %(number)s)") % {"number": row.number}),
            note)
        S = Incident.Status
        steps = [(IncidentTransition.Kind.DISPATCH, reported, "", S.REPORTED, _("Phone call, from the ledger")),
                 (IncidentTransition.Kind.STATUS, on_scene, S.REPORTED, S.ACCEPTED, ""),
                 (IncidentTransition.Kind.STATUS, on_scene, S.ACCEPTED, S.ON_SCENE, ""),
                 (IncidentTransition.Kind.STATUS, on_scene, S.ON_SCENE, S.CLOSED, incident.result_note)]
        IncidentTransition.objects.bulk_create(
            IncidentTransition(incident=incident, kind=kind, actor=actor, from_status=old, to_status=new,
                               holder=actor, note=text, **event.row_fields())
            for kind, event, old, new, text in steps)

    spans = _spans(row)
    seconds, level_since = _tier_clock(row, spans)
    settled = row.settled
    dispute = _created(actor, Dispute(
        incident=incident, park=row.park, enterprise=row.enterprise, title=row.title, category=row.category,
        summary=row.summary, amount_in_dispute=row.amount, people_involved=row.people, began_at=reported.at,
        level=row.level, level_since=level_since, seconds_enterprise=seconds[L.ENTERPRISE],
        seconds_park=seconds[L.PARK], seconds_beyond=seconds[L.BEYOND],
        status=DS.SETTLED if settled else DS.OPEN, settled_at=settled.at if settled else None,
        settled_level=row.level if settled else "", opened_by=actor, handler=actor), note)
    transitions = [DisputeTransition(
        dispute=dispute, kind=DisputeTransition.Kind.STATUS, actor=actor, from_value="", to_value=DS.OPEN,
        note=_("Opened at level “%(level)s”") % {"level": L(spans[0][0]).label}, **opened.row_fields())]
    for (old, _since), (new, _at) in zip(spans, spans[1:]):
        event = row.events["park_at" if new == L.PARK else "beyond_at"]
        transitions.append(DisputeTransition(
            dispute=dispute, kind=DisputeTransition.Kind.LEVEL, actor=actor, from_value=old, to_value=new,
            note=_("Level changed, as the ledger records"), **event.row_fields()))
    if settled:
        transitions.append(DisputeTransition(
            dispute=dispute, kind=DisputeTransition.Kind.STATUS, actor=actor, from_value=DS.OPEN,
            to_value=DS.SETTLED, note=row.outcome or _("Settled, as the ledger records"), **settled.row_fields()))
    DisputeTransition.objects.bulk_create(transitions)

    parties = [_created(actor, DisputeParty(dispute=dispute, side=p.side, kind=p.kind, name=p.name,
                                            enterprise=p.enterprise, headcount=p.headcount,
                                            representatives=p.representatives), note) for p in row.parties]
    agreement = _write_agreement(actor, row, dispute, parties, note) if row.has_agreement else None
    _created(actor, LedgerEntry(station_id=row.park.station_id, number=row.number, dispute=dispute,
                                incident=incident, fingerprint=row.fingerprint, file_name=file, row=row.row,
                                imported_by=actor, imported_at=now), note)
    return dispute, incident, agreement


def _write_agreement(actor, row, dispute, parties, note):
    """The agreement signed on the day the dispute was settled; instalments paid or due as the ledger says."""
    total = row.agreed if row.agreed is not None else sum((i.amount for i in row.instalments), Decimal("0"))
    unpaid = any(i.paid_on is None for i in row.instalments)
    agreement = _created(actor, Agreement(
        dispute=dispute, terms=row.outcome or _("Agreement of %(amount)s yuan, as the ledger records.") % {
            "amount": total},
        total_amount=total, signed_on=timezone.localtime(row.settled.at, SHANGHAI).date(), recorded_by=actor,
        status=Agreement.Status.PERFORMING if unpaid else Agreement.Status.FULFILLED), note)
    agreement.parties.set(parties)
    for sequence, instalment in enumerate(row.instalments, start=1):
        paid = instalment.paid_on is not None
        obligation = _created(actor, Obligation(
            agreement=agreement, sequence=sequence, description=_("Instalment %(n)s") % {"n": sequence},
            due_on=instalment.due_on, amount=instalment.amount,
            paid_amount=instalment.amount if paid else Decimal("0"), paid_on=instalment.paid_on,
            status=(Obligation.Status.PENDING if not paid else Obligation.Status.PAID
                    if instalment.paid_on <= instalment.due_on else Obligation.Status.PAID_LATE)), note)
        if paid:
            _created(actor, Payment(obligation=obligation, paid_on=instalment.paid_on, amount=instalment.amount,
                                    note=_("As the ledger records"), recorded_by=actor), note)
    return agreement

