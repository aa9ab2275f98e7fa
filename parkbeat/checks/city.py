"""Background checks' share of a city-scale build (`seed_demo --stations N`, `parkbeat.org.city`).

Found by `org.city.area_modules` and written through org's `Writer` (raw inserts, never the ORM for writing), from
its own generator (`{seed}:city:checks`), for every park but the demo station's (which has its own demo checks):
requests in proportion to the park's active enterprises (about one a year per `ENTERPRISES_PER_CHECK`), asked by
the enterprise's liaison where it has an account (else the park's officer), for a post of every type; most
answered by the park's officer days later with an outcome (and advice where suitable with advice); those answered
longer ago than CHECK_RETENTION_DAYS erased as `checks.services.check_erase` leaves them (no name, no resident ID,
no consent file, erased_at set). The resident ID is stored encrypted as the model stores it, with its blind index:
a handful of valid IDs are encrypted once and reused (encryption is the expensive part). Every request still
holding its personal data has its consent document (files.Attachment, one small PDF written once per row under a
random name in PRIVATE_MEDIA_ROOT). Audit events as the services write them."""
import hashlib
import random
import secrets

from django.apps import apps
from django.conf import settings

from parkbeat.core.demo import person_name
from parkbeat.core.personal import blind_index, encrypt
from parkbeat.org.city import commit

ENTERPRISES_PER_CHECK = 12
ANSWERED = 0.85
DAY = 86400
POSTS = (("warehouse", "仓库保管员"), ("finance", "出纳"), ("hazmat", "危化品仓管员"), ("security", "门卫保安"),
         ("driver", "货车司机"), ("other", "操作工"))
OUTCOMES = (("suitable", 70), ("advice", 22), ("not_recommended", 8))
ADVICE = "建议试用期内不安排单独值守，定期复核"
# valid GB 11643 IDs (check digits computed), encrypted once per build
IDS = ("11010519491231002X", "430204199003070012", "430211198512120035", "430203199207150026",
       "430202198811230011")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
DIGEST = hashlib.sha256(PDF).hexdigest()


def _ids():
    from parkbeat.core.personal import validate_resident_id

    found = []
    for value in IDS:
        try:
            validate_resident_id(value)
        except Exception:  # noqa: BLE001 — a bad constant is left out, never written
            continue
        found.append((encrypt(value), blind_index(value)))
    return found


def seed(city, writer, trail, sizes, seed, log):
    from parkbeat.checks.models import BackgroundCheck
    from parkbeat.files.models import Attachment

    w = writer
    t_check, t_file = w.table(BackgroundCheck), w.table(Attachment)
    made = seed_checks(city, w, trail, random.Random(f"{seed}:city:checks"), t_check, t_file)
    commit(w)
    log(f"background checks: {made}")


def seed_checks(city, w, trail, rng, t_check, t_file):
    from parkbeat.checks.models import BackgroundCheck
    from parkbeat.core.roles import Role

    RoleAssignment = apps.get_model("org", "RoleAssignment")
    check_type = apps.get_model("contenttypes", "ContentType").objects.get_for_model(BackgroundCheck).pk
    liaisons = {}
    for enterprise_id, user_id in RoleAssignment.objects.filter(
            role=Role.LIAISON, enterprise__isnull=False, user__is_active=True).order_by("id").values_list(
            "enterprise_id", "user_id"):
        liaisons.setdefault(enterprise_id, user_id)
    ids = _ids()
    store = settings.PRIVATE_MEDIA_ROOT
    retention = settings.CHECK_RETENTION_DAYS * DAY
    span = city.now_t - city.start_t
    outcomes, weights = zip(*OUTCOMES)
    made = 0
    for park in city.parks:
        if park.station == 0 or not park.enterprises:
            continue
        count = max(1, round(len(park.enterprises) * (span / (365 * DAY)) / ENTERPRISES_PER_CHECK))
        for _ in range(count):
            enterprise = park.enterprises[rng.randrange(len(park.enterprises))]
            requester = liaisons.get(enterprise[0], park.officer)
            asked = city.start_t + rng.randrange(max(1, span - DAY))
            answered = asked + rng.randint(1, 10) * DAY + rng.randint(0, 8) * 3600
            answered = answered if answered < city.now_t - 3600 and rng.random() < ANSWERED else None
            erased = answered + retention + 2 * 3600 if answered and answered + retention < city.now_t - 3 * 3600 \
                else None
            kind, post = POSTS[rng.randrange(len(POSTS))]
            outcome = rng.choices(outcomes, weights)[0] if answered else ""
            cipher, index = ids[rng.randrange(len(ids))]
            version = 1 + (answered is not None) + (erased is not None)
            pk = w.add(t_check, {
                "created_at": w.ts(asked), "updated_at": w.ts(erased or answered or asked), "version": version,
                "enterprise_id": enterprise[0], "park_id": park.pk,
                "candidate_name": "" if erased else person_name(rng), "resident_id": "" if erased else cipher,
                "resident_id_index": "" if erased else index, "post": post, "post_kind": kind,
                "status": "answered" if answered else "requested", "requested_by_id": requester,
                "outcome": outcome, "advice": ADVICE if outcome == "advice" and not erased else "",
                "answered_at": w.ts(answered) if answered else None,
                "answered_by_id": park.officer if answered else None,
                "erased_at": w.ts(erased) if erased else None})
            label = f"Background check #{pk}"
            trail.event(asked, requester, "create", "checks.BackgroundCheck", pk, label)
            if answered:
                trail.event(answered, park.officer, "update", "checks.BackgroundCheck", pk, label,
                            {"status": ["requested", "answered"]})
            if erased:
                trail.event(erased, None, "delete", "checks.BackgroundCheck", pk, label,
                            note=f"Personal data erased after {settings.CHECK_RETENTION_DAYS} days of retention")
            else:
                stored = f"{secrets.token_hex(1)}/{secrets.token_hex(16)}.pdf"
                path = store / stored
                path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
                with open(path, "xb") as fh:
                    fh.write(PDF)
                path.chmod(0o600)
                w.add(t_file, {"content_type_id": check_type, "object_id": pk, "original_name": "consent.pdf",
                               "stored_name": stored, "kind": "pdf", "mime_type": "application/pdf",
                               "size": len(PDF), "sha256": DIGEST,
                               "uploaded_by_id": requester, "created_at": w.ts(asked)})
            made += 1
    return made
