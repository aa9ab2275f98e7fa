"""Shared test helpers: a key enterprise, an inspection planned on the general checklist, results."""
from datetime import date, datetime
from zoneinfo import ZoneInfo

from parkbeat.enterprises import services as enterprise_services
from parkbeat.enterprises.models import Enterprise
from parkbeat.inspections import services
from parkbeat.inspections.models import ChecklistItem, ChecklistTemplate

SHANGHAI = ZoneInfo("Asia/Shanghai")


def shanghai(*args):
    return datetime(*args, tzinfo=SHANGHAI)


def make_key(w, enterprise=None, starts_on=date(2024, 1, 1), category="hazmat", actor=None):
    enterprise = Enterprise.objects.get(pk=(enterprise or w.enterprise).pk)
    enterprise_services.enterprise_designate(actor=actor or w.leader, enterprise=enterprise, risk_category=category,
                                             reason="储存危化品", starts_on=starts_on,
                                             expected_version=enterprise.version)
    return Enterprise.objects.get(pk=enterprise.pk)


def general():
    """The shipped general checklist (laid again where a transactional test's flush removed the migration's)."""
    from parkbeat.inspections.demo import ensure_default_checklists

    ensure_default_checklists()
    return ChecklistTemplate.objects.get(name="通用安全检查表").latest_version()


def plan(w, enterprise=None, **kw):
    kw.setdefault("checklist", general())
    return services.inspection_plan(actor=w.officer, enterprise=enterprise or w.enterprise,
                                    planned_on=kw.pop("planned_on", date(2026, 3, 31)), **kw)


def all_results(inspection, outcome="ok", skip_area=None):
    """A result for every item, leaving out the items of the area named `skip_area`."""
    items = ChecklistItem.objects.filter(area__version=inspection.checklist).exclude(area__name=skip_area or "")
    return [{"item": item.pk, "outcome": outcome, "note": "发现隐患" if outcome == "hazard" else ""}
            for item in items.order_by("area__order", "order")]


def record(w, inspection, at, **kw):
    results = kw.pop("results", None) or all_results(inspection, skip_area=kw.pop("skip_area", None))
    return services.inspection_record(actor=kw.pop("actor", w.officer), inspection=inspection, happened_at=at,
                                      results=results, late_reason=kw.pop("late_reason", "补录：纸质记录"),
                                      expected_version=inspection.version, **kw)
