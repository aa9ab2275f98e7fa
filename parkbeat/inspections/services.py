"""Every write to inspections: checklists and their versions, planning, recording the walk, photos.

Invariants kept here: a checklist version that an inspection used is never edited (a change makes a new version);
an inspection's results name only items of its own checklist version, each once; the coverage is full exactly
when every item of every required area has a result; only a full inspection of an enterprise that was key on the
day (Asia/Shanghai) counts for the quarterly rule. Every change leaves an audit event in its transaction.
"""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from parkbeat.audit.services import record, snapshot
from parkbeat.core.bounds import plausible
from parkbeat.core.events import event_time
from parkbeat.core.permissions import AGENCY, LEADER, OFFICER, POLICE, can, require
from parkbeat.core.scoping import is_visible
from parkbeat.core.services import ConflictError, claim_next_version, lock_for_update, model_create, model_update
from parkbeat.enterprises.models import Enterprise, KeyDesignation
from parkbeat.inspections.models import (AreaKind, Campaign, ChecklistArea, ChecklistItem, ChecklistTemplate,
                                         ChecklistVersion, Inspection, InspectionResult, KeyDate)
from parkbeat.inspections.quarters import SHANGHAI

MAX_AREAS, MAX_ITEMS = 30, 60
TEMPLATE_FIELDS = ("name", "industry", "risk_category", "description", "is_active")
PLAN_FIELDS = ("planned_on", "led_by", "note", "campaign")
KEY_DATE_FIELDS = ("name", "day", "window_days", "note")
CAMPAIGN_FIELDS = ("theme", "starts_on", "ends_on", "note")


# ---------------------------------------------------------------- checklists
def _clean_areas(areas):
    """[{kind, name, required, items: [text, …]}, …] checked: at least one area, each with at least one item."""
    if not isinstance(areas, (list, tuple)) or not areas:
        raise ValidationError({"areas": _("Give at least one area with its items.")})
    if len(areas) > MAX_AREAS:
        raise ValidationError({"areas": _("At most %(n)s areas.") % {"n": MAX_AREAS}})
    cleaned = []
    for number, area in enumerate(areas, 1):
        kind, name = area.get("kind"), (area.get("name") or "").strip()
        items = [str(text).strip() for text in area.get("items") or () if str(text).strip()]
        if kind not in AreaKind.values:
            raise ValidationError({"areas": _("Area %(n)s: choose its kind.") % {"n": number}})
        if not name or len(name) > 100:
            raise ValidationError({"areas": _("Area %(n)s: give it a name of at most 100 characters.") % {
                "n": number}})
        if not items or len(items) > MAX_ITEMS or any(len(text) > 200 for text in items):
            raise ValidationError({"areas": _("Area %(n)s: give 1 to %(max)s items of at most 200 characters.") % {
                "n": number, "max": MAX_ITEMS}})
        cleaned.append({"kind": kind, "name": name, "required": bool(area.get("required", True)), "items": items})
    if not any(area["required"] for area in cleaned):
        raise ValidationError({"areas": _("Mark at least one area as required.")})
    return cleaned


def _write_areas(version, areas):
    for order, area in enumerate(areas, 1):
        row = ChecklistArea.objects.create(version=version, order=order, kind=area["kind"], name=area["name"],
                                           required=area["required"])
        ChecklistItem.objects.bulk_create(ChecklistItem(area=row, order=n, text=text)
                                          for n, text in enumerate(area["items"], 1))


def _areas_note(areas):
    return _("%(areas)s areas, %(items)s items") % {"areas": len(areas),
                                                    "items": sum(len(a["items"]) for a in areas)}


def checklist_create(*, actor, name, areas, industry="", risk_category="", description=""):
    """A new checklist with its first version."""
    require(actor, "checklist.manage")
    areas = _clean_areas(areas)
    template = ChecklistTemplate(name=(name or "").strip(), industry=industry or "", risk_category=risk_category or "",
                                 description=description or "")
    with transaction.atomic():
        model_create(actor=actor, obj=template)
        version = ChecklistVersion(template=template, number=1, created_by=actor)
        version.full_clean()
        version.save()
        _write_areas(version, areas)
    return template


def checklist_update(*, actor, template, data, expected_version=None):
    """Name, industry, risk category, description, in use: the checklist's own fields (never its content)."""
    require(actor, "checklist.manage")
    data = {k: v for k, v in data.items() if k in TEMPLATE_FIELDS}
    obj, _changed = model_update(actor=actor, obj=template, data=data, expected_version=expected_version)
    return obj


def checklist_version_create(*, actor, template, areas, note=""):
    """A new version of the checklist's content; inspections planned from now on use it."""
    require(actor, "checklist.manage")
    areas = _clean_areas(areas)
    with transaction.atomic():
        lock_for_update(template)  # two new versions at once get consecutive numbers
        latest = template.latest_version()
        version = ChecklistVersion(template=template, number=(latest.number if latest else 0) + 1,
                                   note=(note or "").strip()[:200], created_by=actor)
        version.full_clean()
        version.save()
        _write_areas(version, areas)
        record(actor=actor, verb="create", obj=version, after=snapshot(version, ["template", "number", "note"]),
               note=_areas_note(areas))
    return version


def checklist_version_update(*, actor, version, areas, note=None, expected_version=None):
    """Replace the areas and items of a version no inspection has used; a used one is refused (make a new one).
    `expected_version` is the checklist's version the editor loaded: of two editors of the same content, the
    second gets a conflict instead of silently replacing the first's work."""
    require(actor, "checklist.manage")
    areas = _clean_areas(areas)
    with transaction.atomic():
        template = ChecklistTemplate.objects.select_for_update().get(pk=version.template_id)
        if expected_version is not None:
            claim_next_version(template, expected_version, touch=True)
        if version.inspections.exists():
            raise ValidationError(_("This checklist version has been used by an inspection and cannot be changed; "
                                    "save the change as a new version."), code="used")
        before = {"areas": _areas_note([{"items": list(a.items.values_list("text", flat=True))}
                                        for a in version.areas.all()])}
        version.areas.all().delete()
        _write_areas(version, areas)
        if note is not None:
            version.note = note.strip()[:200]
            version.save(update_fields=["note"])
        record(actor=actor, verb="update", obj=version, before=before, after={"areas": _areas_note(areas)})
    return version


def checklist_for(enterprise):
    """The latest version of the checklist that fits the enterprise best: its risk category, else its industry,
    else a general one (neither set); None when there is none."""
    active = ChecklistTemplate.objects.filter(is_active=True, versions__isnull=False).distinct()
    for match in (Q(risk_category=enterprise.risk_category) & ~Q(risk_category=""),
                  Q(industry=enterprise.industry, risk_category=""), Q(industry="", risk_category="")):
        template = active.filter(match).order_by("name", "id").first()
        if template is not None:
            return template.latest_version()
    return None


# ---------------------------------------------------------------- planning
def _check_people(enterprise, led_by, agencies, staff):
    if not can(led_by, "inspection.conduct", enterprise):
        raise ValidationError({"led_by": _("%(user)s is not police of this enterprise's park.") % {"user": led_by}})
    for agency in agencies:
        if not agency.parks.filter(pk=enterprise.park_id).exists():
            raise ValidationError({"agencies": _("%(agency)s does not serve this park.") % {"agency": agency}})
    agency_ids = {agency.pk for agency in agencies}
    for person in staff:
        if not person.is_active or not person.role_assignments.filter(role=AGENCY, agency_id__in=agency_ids).exists():
            raise ValidationError({"agency_staff": _(
                "%(user)s is not staff of a participating agency.") % {"user": person}})


def _check_campaign(actor, campaign, enterprise, planned_on):
    if campaign is None:
        return
    if not campaign_list_for(actor).filter(pk=campaign.pk).exists():
        raise ValidationError({"campaign": _("Choose a campaign of your station.")})
    if not campaign.enterprises.filter(pk=enterprise.pk).exists():
        raise ValidationError({"campaign": _("%(enterprise)s is not one of this campaign's enterprises.") % {
            "enterprise": enterprise}})
    if not campaign.starts_on <= planned_on <= campaign.ends_on:
        raise ValidationError({"campaign": _("The campaign runs from %(start)s to %(end)s; plan the inspection "
                                             "within it.") % {"start": campaign.starts_on, "end": campaign.ends_on}})


def campaign_list_for(actor):
    return Campaign.objects.visible_to(actor, roles=(LEADER, OFFICER))


def inspection_plan(*, actor, enterprise, planned_on, led_by=None, agencies=(), agency_staff=(), checklist=None,
                    note="", campaign=None):
    """Plan an inspection of `enterprise` for a day, led by a police officer of its park, with the partner
    agencies and their staff taking part; the checklist defaults to the one that fits the enterprise."""
    require(actor, "inspection.plan", enterprise)
    led_by = led_by or actor
    agencies, agency_staff = list(agencies), list(agency_staff)
    if enterprise.status == Enterprise.Status.CLOSED:
        raise ValidationError({"enterprise": _("A closed enterprise is not inspected.")})
    _check_people(enterprise, led_by, agencies, agency_staff)
    _check_campaign(actor, campaign, enterprise, planned_on)
    checklist = checklist or checklist_for(enterprise)
    if checklist is None:
        raise ValidationError({"checklist": _("No checklist fits this enterprise; add one first.")})
    inspection = Inspection(enterprise=enterprise, park_id=enterprise.park_id, checklist=checklist,
                            planned_on=planned_on, led_by=led_by, note=(note or "").strip(), campaign=campaign)
    with transaction.atomic():
        model_create(actor=actor, obj=inspection)
        inspection.agencies.set(agencies)
        inspection.agency_staff.set(agency_staff)
    return inspection


def inspection_update(*, actor, inspection, data, agencies=None, agency_staff=None, expected_version=None):
    """Change a planned inspection: its day, who leads it, the note, the agencies and their staff."""
    require(actor, "inspection.plan", inspection)
    with transaction.atomic():
        lock_for_update(inspection, expected_version)
        if inspection.status != Inspection.Status.PLANNED:
            raise ValidationError(_("Only a planned inspection can be changed."))
        agencies = list(inspection.agencies.all()) if agencies is None else list(agencies)
        staff = list(inspection.agency_staff.all()) if agency_staff is None else list(agency_staff)
        data = {k: v for k, v in data.items() if k in PLAN_FIELDS}
        _check_people(inspection.enterprise, data.get("led_by", inspection.led_by), agencies, staff)
        if "campaign" in data or "planned_on" in data:
            _check_campaign(actor, data.get("campaign", inspection.campaign), inspection.enterprise,
                            data.get("planned_on", inspection.planned_on))
        before = {"agencies": sorted(a.pk for a in inspection.agencies.all()),
                  "agency_staff": sorted(u.pk for u in inspection.agency_staff.all())}
        after = {"agencies": sorted(a.pk for a in agencies), "agency_staff": sorted(u.pk for u in staff)}
        obj, changed = model_update(actor=actor, obj=inspection, data=data)
        if before != after:
            inspection.agencies.set(agencies)
            inspection.agency_staff.set(staff)
            if not changed:
                claim_next_version(inspection, touch=True)
            record(actor=actor, verb="update", obj=inspection, before=before, after=after,
                   note=_("Participants changed"))
    return obj


def inspection_cancel(*, actor, inspection, reason, expected_version=None):
    require(actor, "inspection.plan", inspection)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the inspection is cancelled.")})
    with transaction.atomic():
        lock_for_update(inspection, expected_version)
        if inspection.status != Inspection.Status.PLANNED:
            raise ValidationError(_("Only a planned inspection can be cancelled."))
        model_update(actor=actor, obj=inspection, data={"status": Inspection.Status.CANCELLED,
                                                        "note": reason[:200]}, verb="transition", note=reason)
    return inspection


# ---------------------------------------------------------------- the walk
def was_key_on(enterprise, day):
    """Whether the enterprise was a key enterprise on `day`, by its designation history (an enterprise without
    any designation row: by its current flag)."""
    designations = KeyDesignation.objects.filter(enterprise=enterprise)
    if not designations.exists():
        return enterprise.is_key
    return designations.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=day), starts_on__lte=day).exists()


def coverage_of(checklist, item_ids):
    """Full when every item of every required area has a result, else partial."""
    required = set(ChecklistItem.objects.filter(area__version=checklist, area__required=True)
                   .values_list("id", flat=True))
    return Inspection.Coverage.FULL if required <= set(item_ids) else Inspection.Coverage.PARTIAL


def _clean_results(inspection, results):
    items = {item.pk: item for item in ChecklistItem.objects.filter(area__version=inspection.checklist_id)}
    cleaned, seen = [], set()
    for number, result in enumerate(results, 1):
        item = result.get("item")
        pk = getattr(item, "pk", item)
        if pk not in items:
            raise ValidationError({"results": _("Result %(n)s: the item is not on this inspection's checklist.") % {
                "n": number}})
        if pk in seen:
            raise ValidationError({"results": _("Result %(n)s: this item already has a result.") % {"n": number}})
        outcome = result.get("outcome")
        if outcome not in InspectionResult.Outcome.values:
            raise ValidationError({"results": _("Result %(n)s: choose ok, hazard or not applicable.") % {"n": number}})
        note = (result.get("note") or "").strip()
        if len(note) > 500:
            raise ValidationError({"results": _("Result %(n)s: the note has at most 500 characters.") % {"n": number}})
        if outcome == InspectionResult.Outcome.HAZARD and not note:
            raise ValidationError({"results": _("Result %(n)s: describe the hazard found.") % {"n": number}})
        seen.add(pk)
        cleaned.append(InspectionResult(inspection=inspection, item=items[pk], outcome=outcome, note=note))
    if not cleaned:
        raise ValidationError({"results": _("Record at least one item's result.")})
    return cleaned


def inspection_record(*, actor, inspection, happened_at, results, duration_minutes=None, summary="",
                      late_reason="", photos=None, expected_version=None):
    """Record the walk of a planned inspection: when it happened (checked by core.events: never in the future;
    long ago only with a reason), each item's result, the coverage and whether it counts for the quarterly rule.
    `photos` maps item ids to uploads, stored on those items' results in the same transaction (a refused photo
    refuses the whole record, naming the item)."""
    if not can(actor, "inspection.conduct", inspection):
        raise PermissionDenied(_("You are not allowed to do this here."))
    if duration_minutes is not None and not 1 <= duration_minutes <= 24 * 60:
        raise ValidationError({"duration_minutes": _("Give the duration in minutes (1 to 1440).")})
    event = event_time(happened_at, actor=actor, field="happened_at", reason=late_reason)
    try:
        plausible(event.at)
    except ValidationError as exc:
        raise ValidationError({"happened_at": exc.messages}) from None
    with transaction.atomic():
        lock_for_update(inspection, expected_version)
        if inspection.status != Inspection.Status.PLANNED:
            raise ConflictError(_("This inspection has already been recorded or was cancelled."))
        rows = _clean_results(inspection, results)
        coverage = coverage_of(inspection.checklist_id, [row.item_id for row in rows])
        day = event.at.astimezone(SHANGHAI).date()
        counts = coverage == Inspection.Coverage.FULL and was_key_on(inspection.enterprise, day)
        InspectionResult.objects.bulk_create(rows)
        by_item = {row.item_id: row for row in rows}
        for item_id, uploads in (photos or {}).items():
            if uploads and item_id not in by_item:
                raise ValidationError({"photos": _("A photo belongs to an item with a result.")})
            for upload in uploads:
                try:
                    _store_photo(actor, by_item[item_id], upload)
                except ValidationError as exc:
                    raise ValidationError({"photos": _("%(item)s: %(why)s") % {
                        "item": by_item[item_id].item.text, "why": " ".join(exc.messages)}}) from None
        model_update(actor=actor, obj=inspection, verb="transition", note=_("%(n)s results recorded") % {
            "n": len(rows)}, data={
            "status": Inspection.Status.DONE, "happened_at": event.at, "recorded_at": event.recorded_at,
            "recorded_by": actor, "entered_late": event.late, "late_reason": event.reason[:200] if event.late else "",
            "duration_minutes": duration_minutes, "summary": (summary or "").strip(), "coverage": coverage,
            "counts_for_rule": counts})
    return inspection


def _store_photo(actor, result, upload):
    from parkbeat.files.services import attachment_create

    return attachment_create(actor=actor, obj=result, upload=upload, kinds=("image",), perm="inspection.conduct")


def inspection_photo_add(*, actor, result, upload):
    """A photo of one item's result added afterwards (images only, checked and re-encoded by files.services)."""
    if not is_visible(actor, result, roles=POLICE):
        raise PermissionDenied(_("You are not allowed to do this here."))
    return _store_photo(actor, result, upload)


# ---------------------------------------------------------------- key dates (重要节点)
def _today():
    from django.utils import timezone

    return timezone.now().astimezone(SHANGHAI).date()


def _check_reach(actor, station, park):
    """A key date of one park: the leader or an officer of that park; of every park of a station: its leader."""
    from parkbeat.core.scoping import access_for
    from parkbeat.org.models import Park

    require(actor, "inspection.plan")
    access = access_for(actor)
    if park is not None:
        if park.station_id != station.pk:
            raise ValidationError({"park": _("The park is not one of the station's.")})
        if park.pk not in access.park_ids({LEADER, OFFICER}):
            raise PermissionDenied(_("You are not allowed to do this here."))
        return
    led = access.park_ids({LEADER})
    if not Park.objects.filter(station=station, pk__in=sorted(led)).exists():
        raise PermissionDenied(_("Only the station's leader keeps a key date of all its parks; choose your park."))


def keydate_may_change(actor, key_date):
    try:
        _check_reach(actor, key_date.station, key_date.park)
    except (PermissionDenied, ValidationError):
        return False
    return True


def keydate_create(*, actor, station, name, day, park=None, window_days=14, note=""):
    _check_reach(actor, station, park)
    key_date = KeyDate(station=station, park=park, name=(name or "").strip(), day=day,
                       window_days=window_days if window_days is not None else 14, note=(note or "").strip())
    return model_create(actor=actor, obj=key_date)


def keydate_update(*, actor, key_date, data, expected_version=None):
    """Name, date, window and note (the scope stays: a key date of another scope is a new one)."""
    _check_reach(actor, key_date.station, key_date.park)
    data = {k: v for k, v in data.items() if k in KEY_DATE_FIELDS}
    if "name" in data:
        data["name"] = (data["name"] or "").strip()
    with transaction.atomic():
        lock_for_update(key_date, expected_version)
        obj, _changed = model_update(actor=actor, obj=key_date, data=data)
    return obj


def keydate_delete(*, actor, key_date, expected_version=None):
    """Remove a key date entered by mistake; one whose day has passed is kept (the record of what was due)."""
    _check_reach(actor, key_date.station, key_date.park)
    with transaction.atomic():
        try:
            lock_for_update(key_date, expected_version)
        except KeyDate.DoesNotExist:  # removed meanwhile (a double submit)
            return None
        if key_date.day < _today():
            raise ValidationError(_("A key date that has passed is kept; it cannot be removed."), code="past")
        record(actor=actor, verb="delete", obj=key_date,
               before=snapshot(key_date, ["station", "park", *KEY_DATE_FIELDS]))
        key_date.delete()
    return None


# ---------------------------------------------------------------- special campaigns (专项治理)
def _campaign_members(*, actor, enterprises=(), parks=(), risk_categories=()):
    """The campaign's set: the enterprises chosen, plus the open ones of the parks chosen (of those risk
    categories, when given); only enterprises the actor plans for."""
    chosen = {e.pk for e in enterprises}
    reach = Enterprise.objects.visible_to(actor, roles=(LEADER, OFFICER)).exclude(status=Enterprise.Status.CLOSED)
    if parks:
        by_park = reach.filter(park__in=list(parks))
        if risk_categories:
            by_park = by_park.filter(risk_category__in=list(risk_categories))
        chosen |= set(by_park.values_list("pk", flat=True))
    elif risk_categories:
        raise ValidationError({"parks": _("Choose the parks whose enterprises of these risk categories join.")})
    found = list(reach.filter(pk__in=chosen).only("id", "park_id", "name"))
    if len(found) != len(chosen):
        raise ValidationError({"enterprises": _("Choose enterprises of the parks you plan inspections for.")})
    if not found:
        raise ValidationError({"enterprises": _("Choose at least one enterprise, or a park.")})
    return found


def _campaign_station(enterprises):
    from parkbeat.org.models import Park

    stations = set(Park.objects.filter(pk__in={e.park_id for e in enterprises}).values_list("station_id", flat=True))
    if len(stations) != 1:
        raise ValidationError({"enterprises": _("A campaign's enterprises are all of one station.")})
    return stations.pop()


def _check_period(starts_on, ends_on):
    if starts_on and ends_on and ends_on < starts_on:
        raise ValidationError({"ends_on": _("The campaign ends on or after its start.")})


def campaign_create(*, actor, theme, starts_on, ends_on, enterprises=(), parks=(), risk_categories=(), note=""):
    require(actor, "inspection.plan")
    _check_period(starts_on, ends_on)
    members = _campaign_members(actor=actor, enterprises=enterprises, parks=parks,
                                   risk_categories=risk_categories)
    campaign = Campaign(theme=(theme or "").strip(), starts_on=starts_on, ends_on=ends_on,
                        station_id=_campaign_station(members), note=(note or "").strip())
    with transaction.atomic():
        model_create(actor=actor, obj=campaign, note=_("%(n)s enterprises") % {"n": len(members)})
        campaign.enterprises.set(members)
    return campaign


def campaign_changeable_by(actor, campaign):
    """A campaign reaching beyond the actor's parks is the station leader's (as a station-wide key date is):
    the edit page is offered, and the change taken, only when every park of its enterprises is the actor's."""
    from parkbeat.core.scoping import access_for

    return set(campaign.enterprises.values_list("park_id", flat=True)) <= access_for(actor).park_ids(
        {LEADER, OFFICER})


def campaign_update(*, actor, campaign, data, enterprises=None, parks=(), risk_categories=(),
                    expected_version=None):
    """Theme, period, note; with `enterprises` (and the open ones of `parks`, of `risk_categories` when given),
    the set (all of the campaign's station)."""

    require(actor, "inspection.plan")
    if not campaign_list_for(actor).filter(pk=campaign.pk).exists():
        raise PermissionDenied(_("You are not allowed to do this here."))
    data = {k: v for k, v in data.items() if k in CAMPAIGN_FIELDS}
    with transaction.atomic():
        lock_for_update(campaign, expected_version)
        if not campaign_changeable_by(actor, campaign):
            raise PermissionDenied(_("This campaign covers parks beyond yours; the station's leader changes it."))
        _check_period(data.get("starts_on", campaign.starts_on), data.get("ends_on", campaign.ends_on))
        obj, changed = model_update(actor=actor, obj=campaign, data=data)
        if enterprises is not None or parks:
            enterprises = list(enterprises or ())
            members = _campaign_members(actor=actor, enterprises=enterprises, parks=parks,
                                        risk_categories=risk_categories)
            # members closed since they joined cannot be chosen again, and are not dropped for that
            members += list(campaign.enterprises.filter(status=Enterprise.Status.CLOSED)
                            .exclude(pk__in=[e.pk for e in members]).only("id", "park_id", "name"))
            if _campaign_station(members) != campaign.station_id:
                raise ValidationError({"enterprises": _("A campaign's enterprises are all of one station.")})
            before = sorted(campaign.enterprises.values_list("pk", flat=True))
            after = sorted(e.pk for e in members)
            if before != after:
                campaign.enterprises.set(members)
                if not changed:
                    claim_next_version(campaign, touch=True)
                record(actor=actor, verb="update", obj=campaign, before={"enterprises": before},
                       after={"enterprises": after}, note=_("Enterprises changed"))
    return obj
