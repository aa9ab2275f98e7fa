"""Excel import and export of the enterprise roster: the one service used by the pages, the API and the commands.

The file format is Chinese whatever the interface language: the column titles and the Chinese choice
labels below belong to the format; codes are accepted wherever a label is. Files are read streaming
(openpyxl read-only) and rows are kept as small dicts, so a 100,000-row roster fits in memory. The
reading itself (file checks, header, row errors, cell text) is core.imports', shared with the other imports.
"""
import io
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from itertools import islice

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from stdnum.cn import uscc

from parkbeat.audit.models import AuditEvent
from parkbeat.audit.services import record, snapshot
from parkbeat.core.permissions import PERMISSIONS, require
from parkbeat.core.exports import Export
from parkbeat.core.imports import NO, YES, ParseResult, RowChecker, RowError, cell_text, scan, title_lookup
from parkbeat.core.services import ConflictError
from parkbeat.enterprises.models import Enterprise, Industry, RiskCategory, validate_credit_code
from parkbeat.org.models import Park

ROSTER_SHEET = "企业名册"
HELP_SHEET = "说明"

# (model field, column title): the order of the template and of every export.
COLUMNS = (
    ("name", "企业名称"),
    ("credit_code", "统一社会信用代码"),
    ("park", "所属园区(园区编码)"),
    ("address", "地址"),
    ("lon", "经度"),
    ("lat", "纬度"),
    ("industry", "行业"),
    ("headcount", "从业人数"),
    ("is_key", "重点企业(是/否)"),
    ("key_reason", "重点原因"),
    ("risk_category", "风险类别"),
    ("status", "状态"),
)
TITLES = dict(COLUMNS)
IMPORT_FIELDS = tuple(name for name, _title in COLUMNS)
# Written through enterprise_designate / enterprise_undesignate (with their history), not with the row.
DESIGNATION_FIELDS = ("is_key", "key_reason", "risk_category")
ROW_FIELDS = tuple(name for name in IMPORT_FIELDS if name not in DESIGNATION_FIELDS)
# What a create event records, as services.model_create does.
AUDIT_FIELDS = [f.name for f in Enterprise._meta.concrete_fields if f.name not in ("id", "created_at", "updated_at")]

INDUSTRY_ZH = {
    Industry.MACHINERY: "机械装备", Industry.RAIL: "轨道交通装备", Industry.AUTO: "汽车零部件",
    Industry.ELECTRONICS: "电子信息", Industry.CHEMICAL: "化工", Industry.MATERIALS: "新材料",
    Industry.MEDICAL: "医药及医疗器械", Industry.FOOD: "食品加工", Industry.TEXTILE: "纺织服装",
    Industry.LOGISTICS: "物流仓储", Industry.CONSTRUCTION: "建筑施工", Industry.SERVICES: "服务业",
    Industry.OTHER: "其他",
}
RISK_ZH = {
    RiskCategory.NONE: "无", RiskCategory.FIRE: "消防", RiskCategory.HAZMAT: "危险化学品",
    RiskCategory.DUST: "可燃粉尘", RiskCategory.MACHINERY: "大型机械", RiskCategory.CROWD: "人员密集",
    RiskCategory.LABOUR: "劳资纠纷", RiskCategory.WAREHOUSE: "大型仓储", RiskCategory.OTHER: "其他",
}
STATUS_ZH = {Enterprise.Status.ACTIVE: "正常", Enterprise.Status.MOVED: "已迁出", Enterprise.Status.CLOSED: "已关闭"}
_BOOLEANS = {"是": True, "否": False, "y": True, "n": False, "yes": True, "no": False, "true": True,
             "false": False, "1": True, "0": False, "": False}

MAX_HEADCOUNT = 1_000_000
BATCH = 1000

# The template's example row carries this code; an import skips that row instead of creating it.
EXAMPLE_CREDIT_CODE = "91430211MA4L00000" + uscc.calc_check_digit("91430211MA4L00000")


class RosterParse(ParseResult):
    """The outcome of reading a roster: rows are (row_number, {field: value}), "park" holding a Park."""


# ---------------------------------------------------------------- shared helpers
def importable_parks(user):
    """The parks `user` may import into: those where `can(user, "enterprise.import", park)` holds."""
    return Park.objects.visible_to(user, roles=PERMISSIONS["enterprise.import"]).order_by("code")


def _choice_lookup(choices, zh):
    """Accepted spellings -> code: the code, the Chinese format label, and the interface labels."""
    lookup = {}
    for code, label in choices.choices:
        for language in ("en", "zh-hans"):
            with translation.override(language):
                lookup[str(label).strip().lower()] = code
        lookup[zh[code].lower()] = code
        lookup[code.lower()] = code
    return lookup


# Each column is recognised by its full title or by the title without the bracketed hint.
_TITLE_LOOKUP = title_lookup(COLUMNS)


# ---------------------------------------------------------------- template
COLUMN_WIDTHS = (36, 22, 18, 30, 12, 12, 16, 10, 14, 20, 14, 10)


def _set_widths(ws):
    for position, width in enumerate(COLUMN_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(position)].width = width


def import_template(*, user=None):
    """An .xlsx template: the header, one example row (skipped on import) and a 说明 sheet of allowed values."""
    parks = list(importable_parks(user)) if user is not None else []
    wb = Workbook()
    ws = wb.active
    ws.title = ROSTER_SHEET
    ws.append([title for _name, title in COLUMNS])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.append([
        "示例：株洲某某机械有限公司（导入时忽略此行）", EXAMPLE_CREDIT_CODE, parks[0].code if parks else "park-code",
        "株洲市天元区某某路1号", 113.1, 27.83, INDUSTRY_ZH[Industry.MACHINERY], 120, YES, "涉危化品仓储",
        RISK_ZH[RiskCategory.FIRE], STATUS_ZH[Enterprise.Status.ACTIVE],
    ])
    _set_widths(ws)
    # Credit codes as text, so Excel neither rounds nor reformats them.
    for row in range(2, 1002):
        ws.cell(row=row, column=2).number_format = "@"
    ws.freeze_panes = "A2"
    for letter, values in (("G", INDUSTRY_ZH.values()), ("I", (YES, NO)), ("K", RISK_ZH.values()),
                           ("L", STATUS_ZH.values())):
        dv = DataValidation(type="list", formula1='"' + ",".join(values) + '"', allow_blank=True,
                            showErrorMessage=False)
        dv.add(f"{letter}2:{letter}100000")
        ws.add_data_validation(dv)

    help_ws = wb.create_sheet(HELP_SHEET)
    help_ws.column_dimensions["A"].width = 24
    help_ws.column_dimensions["B"].width = 40
    lines = [
        ("企业名册导入说明", ""),
        ("第2行为示例", "导入时自动忽略示例行；请从第3行起或覆盖示例行填写"),
        ("按统一社会信用代码更新", "已有企业按信用代码更新，不会重复创建；内容未变的行不改动"),
        ("取值", "以下各项可填中文名称，也可填代码"),
        ("重点企业", "是 / 否；填“是”时必须填写重点原因"),
        ("经度/纬度", "WGS-84，经度 -180～180，纬度 -90～90；两项同时填写或同时留空"),
        ("从业人数", f"0～{MAX_HEADCOUNT} 的整数"),
        ("", ""),
        ("所属园区(园区编码)", "园区名称"),
    ]
    lines += [(park.code, park.name) for park in parks] or [("（无可导入的园区）", "")]
    lines += [("", ""), ("行业代码", "行业")]
    lines += [(code, label) for code, label in INDUSTRY_ZH.items()]
    lines += [("", ""), ("风险类别代码", "风险类别")]
    lines += [(code or "（留空）", label) for code, label in RISK_ZH.items()]
    lines += [("", ""), ("状态代码", "状态")]
    lines += [(code, label) for code, label in STATUS_ZH.items()]
    for line in lines:
        help_ws.append(list(line))
    help_ws["A1"].font = Font(bold=True)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------- reading
@dataclass
class _Context:
    """What each row is checked against, computed once per file."""

    parks: dict  # code (lower) -> Park the user may import into
    park_names: dict  # name -> Park, for names that are unambiguous
    industry: dict
    risk: dict
    status: dict

    @classmethod
    def for_user(cls, user):
        parks = list(importable_parks(user))
        names = {}
        for park in parks:
            names[park.name] = None if park.name in names else park
        return cls(parks={p.code.lower(): p for p in parks},
                   park_names={k: v for k, v in names.items() if v is not None},
                   industry=_choice_lookup(Industry, INDUSTRY_ZH), risk=_choice_lookup(RiskCategory, RISK_ZH),
                   status=_choice_lookup(Enterprise.Status, STATUS_ZH))


def _decimal(raw, low, high, errors, column):
    if raw is None or raw == "":
        return None
    try:
        value = Decimal(str(raw).strip()) if not isinstance(raw, Decimal) else raw
    except (InvalidOperation, ValueError):
        errors.append((column, _("Enter a number.")))
        return None
    if not value.is_finite() or not low <= value <= high:
        errors.append((column, _("Must lie between %(low)s and %(high)s.") % {"low": low, "high": high}))
        return None
    return value.quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)


def _convert(values, index, ctx):
    """One data row -> (model field dict, [(column, message)]). Mirrors the model's validation."""
    def cell(name):
        position = index[name]
        return values[position] if position < len(values) else None

    errors = []
    data = {}
    name = cell_text(cell("name"))
    if not name:
        errors.append(("name", _("Enter the enterprise name.")))
    elif len(name) > 100:
        errors.append(("name", _("At most 100 characters.")))
    data["name"] = name

    raw_code = cell("credit_code")
    code = cell_text(raw_code).upper().replace(" ", "")
    if not code:
        errors.append(("credit_code", _("Enter the unified social credit code.")))
    else:
        try:
            validate_credit_code(code)
        except ValidationError as exc:
            message = exc.messages[0]
            if isinstance(raw_code, (int, float)):
                message += " " + _("The cell holds a number; format the column as text.")
            errors.append(("credit_code", message))
    data["credit_code"] = code

    park_text = cell_text(cell("park"))
    park = ctx.parks.get(park_text.lower()) or ctx.park_names.get(park_text)
    if not park_text:
        errors.append(("park", _("Enter the park code.")))
    elif park is None:
        # One message for unknown parks and parks of others: it reveals nothing beyond the user's own.
        errors.append(("park", _("No park with code “%(code)s” that you may import into.")
                       % {"code": park_text[:30]}))
    data["park"] = park

    address = cell_text(cell("address"))
    if len(address) > 200:
        errors.append(("address", _("At most 200 characters.")))
    data["address"] = address

    lon = _decimal(cell("lon"), -180, 180, errors, "lon")
    lat = _decimal(cell("lat"), -90, 90, errors, "lat")
    if (lon is None) != (lat is None) and not any(c in ("lon", "lat") for c, _m in errors):
        errors.append(("lat" if lat is None else "lon",
                       _("Give both longitude (−180…180) and latitude (−90…90), or neither.")))
    data["lon"], data["lat"] = lon, lat

    for column, lookup, default in (("industry", ctx.industry, Industry.OTHER),
                                    ("risk_category", ctx.risk, RiskCategory.NONE),
                                    ("status", ctx.status, Enterprise.Status.ACTIVE)):
        text = cell_text(cell(column))
        value = lookup.get(text.lower()) if text else default
        if value is None:
            errors.append((column, _("Unknown value “%(value)s”; see the 说明 sheet.") % {"value": text[:30]}))
        data[column] = value if value is not None else default

    raw = cell("headcount")
    headcount = 0
    if raw is not None and raw != "":
        try:
            number = Decimal(str(raw).strip().replace(",", ""))
            if not number.is_finite() or number != number.to_integral_value():
                raise InvalidOperation
            if 0 <= number <= MAX_HEADCOUNT:  # checked before int(): "1e99999999" must not become a huge int
                headcount = int(number)
            else:
                errors.append(("headcount", _("Must lie between 0 and %(max)s.") % {"max": MAX_HEADCOUNT}))
        except (InvalidOperation, ValueError):
            errors.append(("headcount", _("Enter a whole number.")))
    data["headcount"] = headcount

    key_text = cell_text(cell("is_key")).lower()
    is_key = _BOOLEANS.get(key_text)
    if is_key is None:
        errors.append(("is_key", _("Enter 是 or 否.")))
    data["is_key"] = bool(is_key)
    reason = cell_text(cell("key_reason"))
    if len(reason) > 200:
        errors.append(("key_reason", _("At most 200 characters.")))
    elif is_key and not reason:
        errors.append(("key_reason", _("A key enterprise needs a reason.")))
    elif not is_key and reason:
        errors.append(("key_reason", _("Only a key enterprise (是) has a reason for key status.")))
    data["key_reason"] = reason
    if is_key and data["risk_category"] == RiskCategory.NONE:
        data["risk_category"] = RiskCategory.OTHER  # as the key flags carried over into designations
    elif not is_key and data["risk_category"] != RiskCategory.NONE:
        errors.append(("risk_category", _("Only a key enterprise (是) has a risk category.")))

    return data, errors


def parse_roster(fileobj, *, user):
    """Read and check every row of a roster file; nothing is written. Returns a `RosterParse`."""
    result = RosterParse()
    return scan(fileobj, result, _RowChecker(_Context.for_user(user), result), what="Roster import")


class _RowChecker(RowChecker):
    """Checks the rows one at a time, keeping only compact dicts of the good ones."""

    columns, titles, lookup = COLUMNS, TITLES, _TITLE_LOOKUP
    key_column, example_key, batch_size = "credit_code", EXAMPLE_CREDIT_CODE, BATCH

    def convert(self, number, values):
        data, errors = _convert(values, self.index, self.ctx)
        return (number, data), data["credit_code"], errors

    def repeated_key(self, first_row):
        return _("The same credit code as row %(row)s.") % {"row": first_row}

    def check_batch(self, items):
        _check_existing(items, self.ctx, self.result)


def _check_existing(batch, ctx, result):
    """Keep rows whose credit code is new or belongs to an enterprise in a park the user may import into."""
    if not batch:
        return
    allowed = {park.pk for park in ctx.parks.values()}
    found = dict(Enterprise.objects.filter(credit_code__in=[d["credit_code"] for _n, d in batch])
                 .values_list("credit_code", "park_id"))
    for number, data in batch:
        park_id = found.get(data["credit_code"])
        if park_id is not None and park_id not in allowed:
            result.add_error(number, TITLES["credit_code"],
                             _("This credit code belongs to an enterprise you may not change."))
        else:
            result.rows.append((number, data))


# ---------------------------------------------------------------- writing
class _Abort(Exception):
    pass


def _batches(items, size):
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def import_roster(*, user, fileobj, import_good_rows=False):
    """Create or update enterprises by credit code from a roster file, all in one transaction.

    Nothing is written while any row has an error, unless `import_good_rows`. Every created or updated
    enterprise gets its own audit event, and the import one summary event.
    """
    require(user, "enterprise.import")
    parsed = parse_roster(fileobj, user=user)
    summary = {"created": 0, "updated": 0, "unchanged": 0, "skipped": parsed.skipped,
               "errors": list(parsed.errors), "error_count": parsed.error_count, "imported": False}
    name = str(getattr(fileobj, "name", "") or "")[-100:]
    if parsed.error_count and not (import_good_rows and parsed.rows):
        record(actor=user, verb=AuditEvent.Verb.IMPORT, object_type="enterprises.Enterprise",
               object_repr=_("Roster import refused"), outcome=AuditEvent.Outcome.FAILURE,
               note=f"file={name} errors={parsed.error_count}")
        return summary
    allowed = set(importable_parks(user).values_list("id", flat=True))
    late = []
    try:
        with transaction.atomic():
            for batch in _batches(parsed.rows, BATCH):
                _write_batch(user, batch, allowed, summary, late)
            if late and not import_good_rows:
                raise _Abort
            record(actor=user, verb=AuditEvent.Verb.IMPORT, object_type="enterprises.Enterprise",
                   object_repr=_("%(count)s enterprises imported") % {"count": summary["created"] + summary["updated"]},
                   note=(f"file={name} created={summary['created']} updated={summary['updated']} "
                         f"unchanged={summary['unchanged']} errors={parsed.error_count + len(late)}"))
    except _Abort:
        summary.update(created=0, updated=0, unchanged=0)
    except IntegrityError:
        raise ConflictError(_("The roster changed while importing; nothing was imported. Try again.")) from None
    summary["errors"] = sorted([*summary["errors"], *late], key=lambda e: e.row or 0)
    summary["error_count"] += len(late)
    summary["imported"] = not (late and not import_good_rows)
    if not summary["imported"]:
        record(actor=user, verb=AuditEvent.Verb.IMPORT, object_type="enterprises.Enterprise",
               object_repr=_("Roster import refused"), outcome=AuditEvent.Outcome.FAILURE,
               note=f"file={name} errors={summary['error_count']}")
    return summary


def _write_batch(user, batch, allowed, summary, late):
    """Insert the new and update the changed enterprises of one batch, with one audit event each."""
    codes = [data["credit_code"] for _n, data in batch]
    existing = {e.credit_code: e for e in Enterprise.objects.select_for_update().filter(credit_code__in=codes)}
    now = timezone.now()
    creates, updates, designations = [], [], []
    for number, data in batch:
        enterprise = existing.get(data["credit_code"])
        closed = data["status"] == Enterprise.Status.CLOSED
        if data["is_key"] and closed and (enterprise is None or (enterprise.is_key, enterprise.key_reason,
                                                                 enterprise.risk_category) != (
                True, data["key_reason"], data["risk_category"])):
            late.append(RowError(number, TITLES["is_key"], _("A closed enterprise cannot be designated.")))
            continue
        if enterprise is None:
            enterprise = Enterprise(**{name: value for name, value in data.items() if name not in DESIGNATION_FIELDS})
            creates.append(enterprise)
            if data["is_key"]:
                designations.append((enterprise, data))
            continue
        if enterprise.park_id not in allowed:  # appeared in a foreign park since the file was checked
            late.append(RowError(number, TITLES["credit_code"],
                                 _("This credit code belongs to an enterprise you may not change.")))
            continue
        changed = [name for name in ROW_FIELDS if _current(enterprise, name) != _incoming(data, name)]
        key_changed = any(getattr(enterprise, name) != data[name] for name in DESIGNATION_FIELDS)
        if key_changed:
            designations.append((enterprise, data))
        if not changed:
            summary["updated" if key_changed else "unchanged"] += 1
            continue
        before = snapshot(enterprise, changed)
        for name in changed:
            setattr(enterprise, name, data[name])
        enterprise.version += 1
        enterprise.updated_at = now
        updates.append((enterprise, changed, before))
    note = _("Imported from a spreadsheet")
    if creates:
        Enterprise.objects.bulk_create(creates, batch_size=BATCH)
        for enterprise in creates:
            record(actor=user, verb=AuditEvent.Verb.CREATE, obj=enterprise, after=snapshot(enterprise, AUDIT_FIELDS),
                   note=note)
        summary["created"] += len(creates)
    if updates:
        # One bulk_update per set of changed fields: its CASE WHEN cost grows with rows × fields.
        groups = {}
        for enterprise, changed, _before in updates:
            groups.setdefault(tuple(changed), []).append(enterprise)
        for changed, enterprises in groups.items():
            Enterprise.objects.bulk_update(enterprises, [*changed, "version", "updated_at"], batch_size=BATCH)
        for enterprise, changed, before in updates:
            record(actor=user, verb=AuditEvent.Verb.UPDATE, obj=enterprise, before=before,
                   after=snapshot(enterprise, changed), note=note)
        summary["updated"] += len(updates)
    _designate(user, designations)


def _designate(user, designations):
    """Key status as the file gives it, each change through the designation services (so with its history)."""
    from parkbeat.enterprises.services import enterprise_designate, enterprise_undesignate

    for enterprise, data in designations:
        if data["is_key"]:
            enterprise_designate(actor=user, enterprise=enterprise, risk_category=data["risk_category"],
                                 reason=data["key_reason"])
        else:
            enterprise_undesignate(actor=user, enterprise=enterprise, reason=_("Not key in the imported roster"))


def _current(enterprise, name):
    return enterprise.park_id if name == "park" else getattr(enterprise, name)


def _incoming(data, name):
    return data["park"].pk if name == "park" else data[name]


# ---------------------------------------------------------------- export
def _export_cells(row):
    (name, code, park, address, lon, lat, industry, headcount, is_key, reason, risk, status) = row
    return [name, code, park, address, lon, lat, INDUSTRY_ZH.get(industry, industry), headcount,
            YES if is_key else NO, reason if is_key else "", RISK_ZH.get(risk, risk) if risk and is_key else "",
            STATUS_ZH.get(status, status)]


# Same columns as the import template, so that an export imports back unchanged.
ROSTER_EXPORT = Export(
    object_type="enterprises.Enterprise", sheet=ROSTER_SHEET,
    columns=tuple(zip(("name", "credit_code", "park__code", "address", "lon", "lat", "industry", "headcount",
                       "is_key", "key_reason", "risk_category", "status"), TITLES.values())),
    convert=_export_cells, widths=COLUMN_WIDTHS, noun=gettext_lazy("%(count)s enterprises"),
    too_many=gettext_lazy("%(count)s enterprises match; at most %(max)s can be exported at once. "
                          "Narrow the filters."))


def export_roster(queryset, *, user, filters=None):
    """An .xlsx of exactly the given enterprises (re-narrowed to what `user` may export), logged on the audit
    trail; refused above EXPORT_MAX_ROWS rows or the hourly quota (see core.exports)."""
    require(user, "enterprise.export")
    return ROSTER_EXPORT.render(queryset.visible_to(user, roles=PERMISSIONS["enterprise.export"]), user=user,
                                filters=filters)
