"""The API's writes end to end: an on-spot hazard with its evidence (multipart), evidence and review, follow-up,
referral, the history; masked mobiles; the list's filters."""
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile

from parkbeat.hazards import services as s
from parkbeat.hazards.models import Hazard
from parkbeat.hazards.tests import helpers as h


def test_an_on_spot_hazard_with_its_evidence_then_struck_off(world, api_as):
    officer = api_as(world.officer)
    created = officer.post("/api/v1/hazards/", {"enterprise": world.enterprise.pk, "description": "配电箱未上锁",
                                                "disposition": "on_spot", "evidence": [h.png(), h.pdf()],
                                                "evidence_note": "已当场上锁"}, format="multipart")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["state"], body["disposition"], body["source"], body["version"]) == ("submitted", "on_spot", "other", 1)
    refused = officer.post("/api/v1/hazards/", {"enterprise": world.enterprise.pk, "description": "x",
                                                "disposition": "on_spot"}, format="json")
    assert refused.status_code == 400 and "evidence" in refused.json()
    reviewed = officer.post(f"/api/v1/hazards/{body['id']}/review/", {"version": 1, "decision": "accept"},
                            format="json")
    assert reviewed.status_code == 200 and reviewed.json()["state"] == "struck_off"
    events = officer.get(f"/api/v1/hazards/{body['id']}/events/").json()
    assert [e["kind"] for e in events] == ["found", "disposed", "evidence", "accepted"]


def test_evidence_follow_up_referral_and_masking(world, api_as):
    hazard = h.deadline_hazard(world)
    liaison = api_as(world.liaison)
    row = liaison.get(f"/api/v1/hazards/{hazard.pk}/").json()
    assert row["responsible_mobile"] == "139****1111" and row["is_overdue"] is False
    uploaded = liaison.post(f"/api/v1/hazards/{hazard.pk}/evidence/", {"files": [h.png()], "note": "已更换",
                                                                      "version": 1}, format="multipart")
    assert uploaded.status_code == 201 and len(uploaded.json()["files"]) == 1
    refused = liaison.post(f"/api/v1/hazards/{hazard.pk}/evidence/", {"files": [h.png()], "version": 1},
                           format="multipart")
    assert refused.status_code == 409  # stale: the first upload moved it on
    bad = liaison.post(f"/api/v1/hazards/{hazard.pk}/evidence/", {"files": [
        SimpleUploadedFile("a.svg", b"<svg onload=alert(1)>", content_type="image/svg+xml")]}, format="multipart")
    assert bad.status_code == 400 and "evidence" in bad.json()
    officer = api_as(world.officer)
    visit = officer.post(f"/api/v1/hazards/{hazard.pk}/follow-up/", {"note": "回访", "at": None}, format="json")
    assert visit.status_code == 201 and visit.json()["kind"] == "follow_up"
    late = officer.post(f"/api/v1/hazards/{hazard.pk}/follow-up/", {"note": "x", "at": "1999-01-01T10:00:00+08:00"},
                        format="json")
    assert late.status_code == 400 and "at" in late.json()
    current = Hazard.objects.get(pk=hazard.pk).version
    referred = officer.post(f"/api/v1/hazards/{hazard.pk}/refer/", {"version": current, "agency": world.agency.pk,
                                                                    "note": "消防执法"}, format="json")
    assert referred.status_code == 200 and referred.json()["referred_to"] == world.agency.pk


def test_the_list_filters(world, api_as):
    rectifying = h.deadline_hazard(world, days=1)
    waiting = h.on_spot_hazard(world, severity="major")
    other = h.deadline_hazard(world, enterprise=world.enterprise2)
    client = api_as(world.officer)

    def ids(query):
        return sorted(r["id"] for r in client.get(f"/api/v1/hazards/?{query}").json()["results"])

    assert ids("severity=major") == [waiting.pk]
    assert ids("disposition=deadline") == sorted([rectifying.pk, other.pk])
    assert ids("state=submitted") == [waiting.pk]
    assert ids(f"enterprise={world.enterprise2.pk}") == [other.pk]
    assert ids(f"park={world.park.pk}") == sorted([rectifying.pk, waiting.pk, other.pk])
    assert ids("overdue=true") == []
    Hazard.objects.filter(pk=rectifying.pk).update(deadline=s.today_in_shanghai() - timedelta(days=1))
    assert ids("overdue=true") == [rectifying.pk]
    assert ids("q=配电箱") == [waiting.pk]
    assert client.get(f"/api/v1/hazards/?enterprise={world.other_enterprise.pk}").status_code == 400
