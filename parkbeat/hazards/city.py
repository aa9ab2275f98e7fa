"""Hazards' share of a city-scale build (`seed_demo --stations N`, `parkbeat.org.city`).

Found by `org.city.area_modules` after the inspections (`parkbeat.inspections.city`, whose results it reads back)
and written through org's `Writer` (executemany on SQLite, COPY on PostgreSQL, never the ORM for writing), from its
own generator (`{seed}:city:hazards`):
- most of the inspection results found as a hazard and not registered yet become a hazard at the inspected
  enterprise, in its park, found when the inspection happened and recorded with it by the officer who led it, from
  that result (one hazard per result), general or now and then major;
- about a third fixed on the spot (with evidence: struck off, or, found lately, now and then still awaiting the
  officer's review), the others under a deadline (one to four weeks after the day found) with the person
  responsible at the enterprise; those then rectified in turn as `hazards.services` moves them: evidence
  uploaded (by the enterprise's liaison where it has an account, else the officer) -> awaiting review -> struck
  off (after a follow-up visit now and then) or rejected back to rectifying with the reason (and evidence again,
  then struck off). Old hazards are mostly struck off; recent ones are in every state; some deadlines passed
  with the hazard still being rectified (overdue); a few under a deadline are referred to the fire agency
  serving the park;
- every step is a HazardEvent row (found, disposition, evidence, referral, follow-up, rejected, accepted) at the
  time it happened, never ahead of now, recorded then by its actor; every evidence row has one image file
  (files.Attachment, stored under a random name in PRIVATE_MEDIA_ROOT as `files.services` stores it), so a
  struck-off hazard has its evidence on record as `hazard_review` requires.
Reminder tiers are left to the reminders task (`hazards.tasks`), which sends each once. Audit events as the
services write them. The same rows for the same options (the stored file names aside, random as the app's).
"""
import hashlib
import io
import random
import secrets
from datetime import datetime, timedelta

from django.apps import apps
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

from parkbeat.core.demo import person_name
from parkbeat.org.city import commit, random_mobile

REGISTERED = 0.9  # of the hazard results, the share registered as hazards
ON_SPOT = 0.3
MAJOR = 0.2
REFERRED = 0.15  # of those under a deadline, where the park has a fire agency
OLD_DAYS = 45  # found longer ago than this: mostly struck off
PLACES = {"workshop": "一号车间", "warehouse": "成品仓库", "fire": "东侧安全出口", "electrical": "配电房",
          "hazmat": "危化品库", "dormitory": "员工宿舍三楼", "security": "门卫室"}
DAY = 86400


def seed(city, writer, trail, sizes, seed, log):
    from parkbeat.files.models import Attachment
    from parkbeat.hazards.models import Hazard, HazardEvent, HazardEvidence

    w = writer
    for model in (Hazard, HazardEvent, HazardEvidence, Attachment):
        w.table(model)
    with translation.override(settings.LANGUAGE_CODE):
        made = seed_hazards(city, w, trail, random.Random(f"{seed}:city:hazards"))
    commit(w)
    log(f"hazards: {made}, {w.counts['hazards_hazardevent']} events, {w.counts['hazards_hazardevidence']} "
        f"evidence rows")


def _png():
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (96, 160, 96)).save(buffer, "PNG")
    return buffer.getvalue()


def _plan(rng, age_days):
    """What becomes of a hazard under a deadline: the states it passes through, by how long ago it was found."""
    r = rng.random()
    if age_days > OLD_DAYS:
        return ("struck" if r < 0.8 else "rejected_struck" if r < 0.87 else "open" if r < 0.92
                else "submitted" if r < 0.97 else "rejected")
    return ("open" if r < 0.35 else "submitted" if r < 0.55 else "rejected" if r < 0.65 else
            "struck" if r < 0.95 else "rejected_struck")


def seed_hazards(city, w, trail, rng):
    """Hazards, their events, evidence rows and files (see the module's note). Returns how many hazards."""
    from parkbeat.core.roles import Role
    from parkbeat.hazards.models import Hazard, HazardEvidence
    from parkbeat.inspections.quarters import SHANGHAI

    InspectionResult, Agency = apps.get_model("inspections", "InspectionResult"), apps.get_model("org", "Agency")
    RoleAssignment = apps.get_model("org", "RoleAssignment")
    t_hazard, t_event, t_evidence, t_file = ("hazards_hazard", "hazards_hazardevent", "hazards_hazardevidence",
                                             "files_attachment")
    evidence_type = apps.get_model("contenttypes", "ContentType").objects.get_for_model(HazardEvidence).pk
    picture = _png()
    digest = hashlib.sha256(picture).hexdigest()
    store = settings.PRIVATE_MEDIA_ROOT
    fire = {}
    for park_id, agency_id, agency_name in Agency.parks.through.objects.filter(
            agency__kind=Agency.Kind.FIRE).order_by("agency_id").values_list("park_id", "agency_id", "agency__name"):
        fire.setdefault(park_id, (agency_id, agency_name))
    liaisons = {}
    for enterprise_id, user_id in RoleAssignment.objects.filter(
            role=Role.LIAISON, enterprise__isnull=False, user__is_active=True).order_by("id").values_list(
            "enterprise_id", "user_id"):
        liaisons.setdefault(enterprise_id, user_id)
    results = list(InspectionResult.objects.filter(
        outcome=InspectionResult.Outcome.HAZARD, inspection__status="done", hazards__isnull=True).order_by(
        "inspection__happened_at", "id").values_list(
        "id", "note", "inspection_id", "inspection__enterprise_id", "inspection__enterprise__name",
        "inspection__park_id", "inspection__happened_at", "inspection__recorded_at", "inspection__led_by_id",
        "item__area__kind", "item__area__name"))
    now = city.now_t
    limit = now - 60
    labels = {value: str(label) for value, label in Hazard.Severity.choices}
    on_spot_note = gettext("Fixed on the spot")
    struck_note, submitted_note = gettext("Struck off"), gettext("Evidence submitted")

    def secs(moment):
        return int(moment.timestamp())

    made = 0
    for (result_id, note, inspection_id, enterprise_id, enterprise_name, park_id, happened, recorded, officer,
         area_kind, area_name) in results:
        if rng.random() >= REGISTERED:
            continue
        t0, r0 = secs(happened), secs(recorded)
        found_day = happened.astimezone(SHANGHAI).date()
        severity = "major" if rng.random() < MAJOR else "general"
        on_spot = rng.random() < ON_SPOT
        liaison = liaisons.get(enterprise_id, officer)
        pk = w.new_id(t_hazard)
        events = []  # (kind, at, actor, note)
        evidence = []  # (at, actor, note)
        version = 1
        row = {"id": pk, "created_at": w.ts(r0), "enterprise_id": enterprise_id, "park_id": park_id,
               "severity": severity, "description": note, "location": PLACES.get(area_kind, area_name),
               "source": "inspection", "inspection_id": inspection_id, "result_id": result_id,
               "found_at": w.ts(t0), "recorded_at": w.ts(r0), "recorded_by_id": officer, "entered_late": False,
               "late_reason": "", "responsible_name": "", "responsible_mobile": "", "referral_note": ""}
        label = f"{enterprise_name} · {note[:30]}"
        events.append(("found", t0, r0, officer, labels[severity]))
        state, last = "rectifying", r0
        if on_spot:
            row.update(disposition="on_spot", deadline=None)
            events.append(("disposed", t0, r0, officer, on_spot_note))
            events.append(("evidence", t0, r0, officer, "检查时已当场整改"))
            evidence.append((r0, officer, "检查时已当场整改"))
            state = "submitted"
            accept = r0 + rng.randint(3600, 4 * DAY)
            waiting = (now - t0) / DAY < OLD_DAYS and rng.random() < 0.3  # not reviewed yet
            if accept < limit and not waiting:
                events.append(("accepted", accept, accept, officer, ""))
                row.update(struck_off_at=w.ts(accept), struck_off_by_id=officer)
                trail.event(accept, officer, "transition", "hazards.Hazard", pk, label,
                            {"state": ["submitted", "struck_off"]}, note=struck_note)
                state, last, version = "struck_off", accept, version + 1
        else:
            deadline = found_day + timedelta(days=rng.randint(7, 28))
            responsible = person_name(rng)
            row.update(disposition="deadline", deadline=deadline, responsible_name=responsible,
                       responsible_mobile=random_mobile(rng))
            events.append(("disposed", t0, r0, officer, gettext("Deadline %(deadline)s; responsible: %(person)s") % {
                "deadline": deadline.isoformat(), "person": responsible}))
            if park_id in fire and rng.random() < REFERRED:
                agency_id, agency_name = fire[park_id]
                referred = r0 + rng.randint(600, 6 * 3600)
                if referred < limit:
                    why = "消防设施问题，移交消防救援站执法"
                    row.update(referred_to_id=agency_id, referral_note=why)
                    events.append(("referred", referred, referred, officer, f"{agency_name}: {why}"))
                    trail.event(referred, officer, "update", "hazards.Hazard", pk, label,
                                {"referred_to": [None, agency_id]})
                    last, version = referred, version + 1
            plan = _plan(rng, (now - t0) / DAY)
            due = secs(datetime(deadline.year, deadline.month, deadline.day, 18, tzinfo=SHANGHAI))
            steps = {"open": (), "submitted": ("evidence",), "rejected": ("evidence", "rejected"),
                     "struck": ("evidence", "follow_up", "accepted"),
                     "rejected_struck": ("evidence", "rejected", "evidence", "accepted")}[plan]
            for step in steps:
                if step == "evidence":
                    if not evidence:  # the first, mostly before the deadline
                        at = last + rng.randint(DAY // 2, max(DAY, due - last))
                    else:  # again, after a rejection
                        at = last + rng.randint(DAY // 2, 5 * DAY)
                    if at >= limit:
                        break
                    events.append(("evidence", at, at, liaison, "已按要求整改完毕"))
                    evidence.append((at, liaison, "已按要求整改完毕"))
                    trail.event(at, liaison, "transition", "hazards.Hazard", pk, label,
                                {"state": ["rectifying", "submitted"]}, note=submitted_note)
                    state, last, version = "submitted", at, version + 1
                elif step == "follow_up":
                    at = last + rng.randint(3600, 2 * DAY)
                    if at >= limit:
                        break
                    events.append(("follow_up", at, at, officer, "现场回访，整改到位"))
                    last = at
                elif step == "rejected":
                    at = last + rng.randint(3600, 3 * DAY)
                    if at >= limit:
                        break
                    events.append(("rejected", at, at, officer, "整改照片未显示全貌，请补充"))
                    trail.event(at, officer, "transition", "hazards.Hazard", pk, label,
                                {"state": ["submitted", "rectifying"]}, note="整改照片未显示全貌，请补充")
                    state, last, version = "rectifying", at, version + 1
                else:  # accepted
                    at = last + rng.randint(3600, 3 * DAY)
                    if at >= limit:
                        break
                    events.append(("accepted", at, at, officer, ""))
                    row.update(struck_off_at=w.ts(at), struck_off_by_id=officer)
                    trail.event(at, officer, "transition", "hazards.Hazard", pk, label,
                                {"state": ["submitted", "struck_off"]}, note=struck_note)
                    state, last, version = "struck_off", at, version + 1
        row.update(state=state, version=version, updated_at=w.ts(last))
        w.add(t_hazard, row)
        trail.event(r0, officer, "create", "hazards.Hazard", pk, label, {"state": [None, "submitted" if on_spot
                                                                                     else "rectifying"]})
        for kind, at, at_recorded, actor, text in events:
            w.add(t_event, {"hazard_id": pk, "kind": kind, "at": w.ts(at), "recorded_at": w.ts(at_recorded),
                            "recorded_by_id": actor, "entered_late": False, "late_reason": "", "note": text,
                            "tier": ""})
        for at, actor, text in evidence:
            evidence_id = w.add(t_evidence, {"hazard_id": pk, "note": text, "uploaded_by_id": actor,
                                             "uploaded_at": w.ts(at)})
            stored = f"{secrets.token_hex(1)}/{secrets.token_hex(16)}.png"
            path = store / stored
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            with open(path, "xb") as fh:
                fh.write(picture)
            path.chmod(0o600)
            w.add(t_file, {"content_type_id": evidence_type, "object_id": evidence_id,
                           "original_name": "整改后.png" if actor == liaison and at != r0 else "现场整改.png",
                           "stored_name": stored, "kind": "image", "mime_type": "image/png", "size": len(picture),
                           "sha256": digest, "uploaded_by_id": actor, "created_at": w.ts(at)})
        made += 1
        if w.queued(t_event) >= 20_000:
            w.flush()
    return made
