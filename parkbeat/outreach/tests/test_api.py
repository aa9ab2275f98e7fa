"""The API end to end: a lecture refused inside production hours (400 naming starts_at, with the free slots), one
taken from the slots, the agreement as multipart, held and its attendance, stale writes 409, bodies refused naming
the field, the free-slots endpoint, campaigns and adoptions."""
from datetime import timedelta

from django.utils import timezone

from parkbeat.outreach.models import Lecture
from parkbeat.outreach.tests import helpers as h


def test_refused_inside_production_hours_then_a_suggested_slot_then_held_and_counted(world, api_as):
    h.with_hours(world.enterprise)
    client = api_as(world.officer)
    starts_at, ends_at = h.inside()
    body = {"enterprise": world.enterprise.pk, "topic": "防范电信网络诈骗", "theme": "anti_fraud",
            "starts_at": starts_at.isoformat(), "ends_at": ends_at.isoformat()}
    refused = client.post("/api/v1/outreach/lectures/", body, format="json")
    assert refused.status_code == 400
    answer = refused.json()
    assert set(answer) == {"detail", "starts_at", "free_slots"} and answer["detail"] == answer["starts_at"][0]
    assert len(answer["free_slots"]) == 5 and answer["free_slots"][0]["starts_at"].endswith("12:00:00+08:00")
    slot = answer["free_slots"][1]
    created = client.post("/api/v1/outreach/lectures/", {**body, **slot}, format="json")
    assert created.status_code == 201, created.json()
    lecture = created.json()
    assert (lecture["status"], lecture["by_agreement"], lecture["version"]) == ("planned", False, 1)
    again = client.post("/api/v1/outreach/lectures/", {**body, **slot}, format="json")  # a double submit
    assert again.status_code == 400 and "starts_at" in again.json()
    assert Lecture.objects.count() == 1
    early = client.post(f"/api/v1/outreach/lectures/{lecture['id']}/transition/", {"version": 1, "to": "held"},
                        format="json")
    assert early.status_code == 400 and "to" in early.json()
    start = timezone.now() - timedelta(hours=3)
    Lecture.objects.filter(pk=lecture["id"]).update(starts_at=start, ends_at=start + timedelta(hours=1))
    held = client.post(f"/api/v1/outreach/lectures/{lecture['id']}/transition/", {"version": 1, "to": "held"},
                       format="json")
    assert held.status_code == 200 and held.json()["status"] == "held"
    counted = client.post(f"/api/v1/outreach/lectures/{lecture['id']}/attendance/", {"version": 2,
                                                                                      "attendance": 48},
                          format="json")
    assert counted.status_code == 200 and counted.json()["attendance"] == 48
    stale = client.post(f"/api/v1/outreach/lectures/{lecture['id']}/attendance/", {"version": 2, "attendance": 50},
                        format="json")
    assert stale.status_code == 409 and Lecture.objects.get(pk=lecture["id"]).attendance == 48
    events = client.get(f"/api/v1/outreach/lectures/{lecture['id']}/events/").json()
    # (in the order recorded: the test moved the lecture into the past after scheduling it)
    assert [e["kind"] for e in sorted(events, key=lambda e: e["id"])] == ["scheduled", "held", "attendance"]
    coverage = client.get(f"/api/v1/outreach/coverage/?park={world.park.pk}").json()["results"]
    row = next(r for r in coverage if r["enterprise"] == world.enterprise.pk)
    assert (row["reached"], row["headcount"], row["percent"], row["band"]) == (48, 100, 48, "under_half")


def test_the_written_agreement_as_multipart(world, api_as):
    h.with_hours(world.enterprise)
    starts_at, ends_at = h.inside()
    created = api_as(world.officer).post("/api/v1/outreach/lectures/", {
        "enterprise": world.enterprise.pk, "topic": "消防演练", "starts_at": starts_at.isoformat(),
        "ends_at": ends_at.isoformat(), "agreement": h.png()}, format="multipart")
    assert created.status_code == 201, created.json()
    assert created.json()["by_agreement"] is True


def test_the_free_slots_endpoint(world, api_as):
    h.with_hours(world.enterprise)
    starts_at, _ends = h.inside()
    client = api_as(world.officer)
    slots = client.get(f"/api/v1/outreach/lectures/free-slots/?enterprise={world.enterprise.pk}&minutes=90"
                       f"&starts_at={starts_at.isoformat().replace('+', '%2B')}").json()
    assert [s["starts_at"][11:16] for s in slots] == ["17:30", "19:00", "17:30", "19:00", "17:30"]
    assert client.get(f"/api/v1/outreach/lectures/free-slots/?enterprise={world.enterprise.pk}&minutes=5"
                      ).status_code == 400
    assert client.get("/api/v1/outreach/lectures/free-slots/?minutes=60").status_code == 400
    assert api_as(world.liaison).get(f"/api/v1/outreach/lectures/free-slots/?enterprise={world.enterprise.pk}"
                                     "&minutes=60").status_code == 403


def test_bodies_refuse_unknown_and_read_only_fields_naming_them(world, api_as):
    h.with_hours(world.enterprise)
    starts_at, ends_at = h.outside()
    client = api_as(world.officer)
    base = {"enterprise": world.enterprise.pk, "topic": "x", "starts_at": starts_at.isoformat(),
            "ends_at": ends_at.isoformat()}
    for extra in ({"status": "held"}, {"attendance": 5}, {"by_agreement": True}):
        response = client.post("/api/v1/outreach/lectures/", {**base, **extra}, format="json")
        assert response.status_code == 400 and next(iter(extra)) in response.json()
    response = client.post("/api/v1/outreach/lectures/", {**base, "ends_at": starts_at.isoformat()}, format="json")
    assert response.status_code == 400 and "ends_at" in response.json()
    assert client.get("/api/v1/outreach/lectures/figures/?start=2026-02-01&end=2026-01-01").status_code == 400
    assert client.get("/api/v1/outreach/coverage/?bogus=1").status_code == 400
    assert not Lecture.objects.exists()


def test_a_stale_lecture_edit_answers_409(world, api_as):
    lecture = h.planned(world)
    client = api_as(world.officer)
    first = client.patch(f"/api/v1/outreach/lectures/{lecture.pk}/", {"version": 1, "topic": "识破刷单诈骗"},
                         format="json")
    assert first.status_code == 200 and first.json()["version"] == 2
    second = client.patch(f"/api/v1/outreach/lectures/{lecture.pk}/", {"version": 1, "topic": "养老诈骗"},
                          format="json")
    assert second.status_code == 409 and Lecture.objects.get(pk=lecture.pk).topic == "识破刷单诈骗"
    starts_at, ends_at = h.inside()
    moved = client.patch(f"/api/v1/outreach/lectures/{lecture.pk}/", {
        "version": 2, "starts_at": starts_at.isoformat(), "ends_at": ends_at.isoformat()}, format="json")
    assert moved.status_code == 400 and "free_slots" in moved.json()


def test_campaigns_and_adoptions_over_the_api(world, api_as):
    today = timezone.localdate()
    client = api_as(world.officer)
    created = client.post("/api/v1/outreach/campaigns/", {
        "theme": "anti_fraud", "title": "反诈春季行动", "starts_on": today.isoformat(),
        "ends_on": (today + timedelta(days=20)).isoformat(), "parks": [world.park.pk]}, format="json")
    assert created.status_code == 201, created.json()
    campaign = created.json()
    assert (campaign["status"], campaign["parks"]) == ("running", [world.park.pk])
    beyond = client.post("/api/v1/outreach/campaigns/", {
        "theme": "fire", "title": "x", "starts_on": today.isoformat(), "ends_on": today.isoformat(),
        "parks": [world.other_park.pk]}, format="json")
    assert beyond.status_code == 400 and "parks" in beyond.json()
    edited = client.patch(f"/api/v1/outreach/campaigns/{campaign['id']}/", {"version": 1, "title": "反诈宣传月"},
                          format="json")
    assert edited.status_code == 200 and edited.json()["title"] == "反诈宣传月"
    stale = client.patch(f"/api/v1/outreach/campaigns/{campaign['id']}/", {"version": 1, "title": "x"},
                         format="json")
    assert stale.status_code == 409
    uploaded = client.post(f"/api/v1/outreach/campaigns/{campaign['id']}/materials/", {"files": [h.pdf()]},
                           format="multipart")
    assert uploaded.status_code == 201 and len(uploaded.json()["materials"]) == 1
    rule = client.post("/api/v1/outreach/rules/", {"text": "未戴头盔不得入厂", "theme": "helmet"}, format="json")
    assert rule.status_code == 201
    adoption = client.post("/api/v1/outreach/adoptions/", {"rule": rule.json()["id"], "enterprise": world.enterprise.pk,
                                                           "since": today.isoformat()}, format="json")
    assert adoption.status_code == 201
    ended = client.post(f"/api/v1/outreach/adoptions/{adoption.json()['id']}/end/", {
        "version": 1, "ended_on": today.isoformat()}, format="json")
    assert ended.status_code == 200 and ended.json()["ended_on"] == today.isoformat()
    again = client.post(f"/api/v1/outreach/adoptions/{adoption.json()['id']}/end/", {
        "version": 1, "ended_on": today.isoformat()}, format="json")
    assert again.status_code == 409
