"""The review's findings, each with the test that failed before its fix: speakers chosen only among those the user
may choose (no name of another user read by id), a fresh written agreement for a new time inside production
hours, stored "24:00" timetables and unreadable ones, absurd dates on the coverage pages, campaigns beyond an
officer's parks (and auxiliaries) refused, the late reason on the page's "held", up to 1,000 characters, only
volunteers credited with lecture hours, the export permission, the command's CSV escaped, and the lecture edit
and adoption end pages."""
import io
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.utils import timezone
from openpyxl import load_workbook

from parkbeat.enterprises.models import Enterprise
from parkbeat.outreach import services, timetable
from parkbeat.outreach.models import Lecture, LectureEvent, RuleAdoption
from parkbeat.outreach.tests import helpers as h
from parkbeat.testing import UserFactory, VolunteerFactory

LECTURES = "/api/v1/outreach/lectures/"
COVERS = {"outreach:lecture_update", "outreach:adoption_end"}  # test_who_may_not_edit_a_lecture_cannot, and the
# adoption test: another station 404, a liaison or volunteer 403


@pytest.fixture
def page(page_as):
    def make(user):
        client = page_as(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client
    return make


def body(world, **extra):
    starts_at, ends_at = h.outside()
    h.with_hours(world.enterprise)
    return {"enterprise": world.enterprise.pk, "topic": "反诈", "starts_at": starts_at.isoformat(),
            "ends_at": ends_at.isoformat(), **extra}


# ---------------------------------------------------------------- 2. speakers by id
def test_a_speaker_beyond_your_choices_is_refused_without_their_name(world, api_as):
    resident = UserFactory(username="t_resident", full_name="王秘密")
    api = api_as(world.officer)
    for stranger in (world.other_officer, resident):
        response = api.post(LECTURES, body(world, speakers=[stranger.pk]), format="json")
        text = response.content.decode()
        assert response.status_code == 400 and "speakers" in response.json(), text
        assert stranger.display_name not in text and "among the speakers you can choose" in text
    lecture = h.planned(world)
    response = api.patch(f"{LECTURES}{lecture.pk}/", {"version": lecture.version, "speakers": [resident.pk]},
                         format="json")
    assert response.status_code == 400 and resident.display_name not in response.content.decode()
    evening = h.next_weekday(3, 18)
    ok = api.post(LECTURES, body(world, speakers=[world.auxiliary.pk], starts_at=evening.isoformat(),
                                 ends_at=(evening + timedelta(hours=1)).isoformat()), format="json")
    assert ok.status_code == 201 and [s["user"] for s in ok.json()["speakers"]] == [world.auxiliary.pk]


# ---------------------------------------------------------------- 3. a fresh agreement for a new time
def test_a_new_time_inside_production_hours_needs_a_fresh_agreement(world, api_as):
    lecture = h.planned(world, when=h.inside(), agreement=h.png())
    assert lecture.by_agreement
    wednesday = h.next_weekday(2, 9)
    with pytest.raises(services.ProductionHoursConflict):
        services.lecture_update(actor=world.officer, lecture=lecture, data={
            "starts_at": wednesday, "ends_at": wednesday + timedelta(hours=1)}, expected_version=lecture.version)
    api = api_as(world.officer)
    refused = api.patch(f"{LECTURES}{lecture.pk}/", {"version": lecture.version, "starts_at": wednesday.isoformat(),
                                                      "ends_at": (wednesday + timedelta(hours=1)).isoformat()},
                        format="json")
    assert refused.status_code == 400 and refused.json()["free_slots"]
    moved = api.patch(f"{LECTURES}{lecture.pk}/", {"version": lecture.version, "starts_at": wednesday.isoformat(),
                                                    "ends_at": (wednesday + timedelta(hours=1)).isoformat(),
                                                    "agreement": h.png("新的书面同意.png")}, format="multipart")
    assert moved.status_code == 200, moved.content
    lecture.refresh_from_db()
    assert (lecture.starts_at, lecture.by_agreement) == (wednesday, True)
    assert len(services.lecture_files(lecture)) == 2
    evening = h.next_weekday(2, 18)
    services.lecture_update(actor=world.officer, lecture=lecture, data={
        "starts_at": evening, "ends_at": evening + timedelta(hours=1)}, expected_version=lecture.version)
    lecture.refresh_from_db()
    assert lecture.by_agreement is False


# ---------------------------------------------------------------- 4. "24:00" and unreadable timetables
def test_a_stored_24_00_end_is_the_end_of_the_day(world, api_as):
    assert timetable.minutes("24:00") == 1440
    monday = {"mon": [["08:00", "24:00"]]}
    assert timetable.in_production(monday, h.next_weekday(0, 22), h.next_weekday(0, 23))
    assert not timetable.in_production(monday, h.next_weekday(1, 0), h.next_weekday(1, 1))
    enterprise = h.with_hours(world.enterprise, monday)
    response = api_as(world.officer).get(f"{LECTURES}free-slots/?enterprise={enterprise.pk}&minutes=60&starts_at="
                                         f"{h.next_weekday(0, 7).isoformat()}".replace("+", "%2B"))
    assert response.status_code == 200 and response.json()
    assert all(timezone.localtime(timezone.datetime.fromisoformat(s["starts_at"])).weekday() != 0
               for s in response.json())


@pytest.mark.parametrize("hours", [{"mon": [["8:00", "12:00"]]}, {"mon": [["08:00", "25:00"]]},
                                   {"mon": [["08:00"]]}, {"mon": "08:00-12:00"}])
def test_an_unreadable_timetable_is_a_refusal_naming_the_production_hours(world, api_as, page, hours):
    Enterprise.objects.filter(pk=world.enterprise.pk).update(production_hours=hours)
    api = api_as(world.officer)
    slots = api.get(f"{LECTURES}free-slots/?enterprise={world.enterprise.pk}&minutes=60")
    assert slots.status_code == 400 and "production hours" in slots.json()["detail"]
    starts_at, ends_at = h.outside()
    scheduled = api.post(LECTURES, {"enterprise": world.enterprise.pk, "topic": "反诈",
                                    "starts_at": starts_at.isoformat(), "ends_at": ends_at.isoformat()},
                         format="json")
    assert scheduled.status_code == 400 and "production hours" in scheduled.json()["starts_at"][0]
    form = page(world.officer).post("/outreach/new/", {
        "enterprise": world.enterprise.pk, "topic": "反诈", "starts_at": starts_at.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": ends_at.strftime("%Y-%m-%dT%H:%M")})
    assert form.status_code == 200 and "cannot be read" in form.content.decode()
    assert not Lecture.objects.exists()


# ---------------------------------------------------------------- 5. absurd dates
@pytest.mark.parametrize("query", ["end=9999-12-31", "start=0001-01-01", "start=0001-01-01&end=9999-12-31"])
def test_absurd_dates_on_the_coverage_pages_are_form_errors(world, page, query):
    client = page(world.officer)
    for url in ("/outreach/coverage/", "/outreach/coverage/map/", "/outreach/"):
        response = client.get(f"{url}?{query}")
        assert response.status_code == 200, url
    listed = client.get(f"/outreach/coverage/?{query}").content.decode()
    assert "Choose a date from" in listed or "Enter a date no later than" in listed


# ---------------------------------------------------------------- 6. campaigns beyond an officer's parks
def test_a_station_wide_campaign_is_the_leaders_to_change(world, page, api_as):
    today = timezone.localdate()
    wide = services.campaign_create(actor=world.leader, theme="fire", title="全所消防宣传", starts_on=today,
                                    ends_on=today + timedelta(days=30), parks=[world.park, world.park2])
    own = services.campaign_create(actor=world.officer, theme="helmet", title="新马头盔", starts_on=today,
                                   ends_on=today, parks=[world.park])
    officer = page(world.officer)
    detail = officer.get(f"/outreach/campaigns/{wide.pk}/").content.decode()
    assert "campaign-edit" not in detail
    refused = officer.get(f"/outreach/campaigns/{wide.pk}/edit/")
    assert refused.status_code == 403 and "beyond yours" in refused.content.decode()
    assert api_as(world.officer).patch(f"/api/v1/outreach/campaigns/{wide.pk}/", {
        "version": wide.version, "title": "改了"}, format="json").status_code == 403
    with pytest.raises(PermissionDenied):
        services.campaign_update(actor=world.officer, campaign=wide, data={"title": "改了"},
                                 expected_version=wide.version)
    assert "campaign-edit" in officer.get(f"/outreach/campaigns/{own.pk}/").content.decode()
    assert officer.get(f"/outreach/campaigns/{own.pk}/edit/").status_code == 200
    leader = page(world.leader)
    assert leader.get(f"/outreach/campaigns/{wide.pk}/edit/").status_code == 200
    assert api_as(world.leader).patch(f"/api/v1/outreach/campaigns/{wide.pk}/", {
        "version": wide.version, "title": "全所消防宣传月"}, format="json").status_code == 200


def test_an_auxiliary_assists_at_lectures_but_plans_no_campaign(world, page, api_as):
    today = timezone.localdate()
    campaign = services.campaign_create(actor=world.officer, theme="helmet", title="新马头盔", starts_on=today,
                                        ends_on=today, parks=[world.park])
    aux = page(world.auxiliary)
    assert "campaign-add" not in aux.get("/outreach/campaigns/").content.decode()
    assert "campaign-edit" not in aux.get(f"/outreach/campaigns/{campaign.pk}/").content.decode()
    assert aux.get("/outreach/campaigns/new/").status_code == 403
    assert aux.get(f"/outreach/campaigns/{campaign.pk}/edit/").status_code == 403
    api = api_as(world.auxiliary)
    assert api.post("/api/v1/outreach/campaigns/", {"theme": "fire", "title": "x", "starts_on": today.isoformat(),
                                                    "ends_on": today.isoformat()}, format="json").status_code == 403
    assert api.patch(f"/api/v1/outreach/campaigns/{campaign.pk}/", {"version": campaign.version, "title": "y"},
                     format="json").status_code == 403
    with pytest.raises(PermissionDenied):
        services.campaign_create(actor=world.auxiliary, theme="fire", title="x", starts_on=today, ends_on=today)
    assert api.post(LECTURES, body(world, campaign=campaign.pk), format="json").status_code == 201


# ---------------------------------------------------------------- 8, 9. the late reason on the page
def test_a_lecture_long_past_is_marked_held_on_the_page_with_the_reason(world, page):
    lecture = h.past(world, days=settings.PARKBEAT_BACK_ENTRY_DAYS + 3)
    client = page(world.officer)
    assert 'name="late_reason"' in client.get(f"/outreach/{lecture.pk}/").content.decode()
    client.post(f"/outreach/{lecture.pk}/transition/", {"version": lecture.version, "to": "held"})
    assert Lecture.objects.get(pk=lecture.pk).status == "planned"
    reason = "纸质台账补录：" + "当月宣讲记录随后整理。" * 90
    assert 900 < len(reason) <= 1000
    response = client.post(f"/outreach/{lecture.pk}/transition/", {"version": lecture.version, "to": "held",
                                                                   "late_reason": reason})
    assert response.status_code == 302 and Lecture.objects.get(pk=lecture.pk).status == "held"
    event = LectureEvent.objects.get(lecture=lecture, kind="held")
    assert (event.entered_late, event.late_reason) == (True, reason)


# ---------------------------------------------------------------- 10. hours: volunteers only
def test_only_the_volunteers_speaking_are_credited_with_lecture_hours(world):
    from parkbeat.volunteers.hours import _outreach_rows

    VolunteerFactory(team=world.team, user=world.volunteer, status="active")
    h.held(world, speakers=[world.officer, world.volunteer])
    assert sorted(_outreach_rows().values_list("hour_user", flat=True)) == [world.volunteer.pk]


# ---------------------------------------------------------------- 11. export
def test_a_volunteer_cannot_export_the_lectures_they_speak_at(world, page):
    VolunteerFactory(team=world.team, user=world.volunteer, status="active")
    h.planned(world, speakers=[world.volunteer])
    client = page(world.volunteer)
    listed = client.get("/outreach/")
    assert listed.status_code == 200 and "export=xlsx" not in listed.content.decode()
    assert client.get("/outreach/?export=xlsx").status_code == 403
    assert client.get("/outreach/?export=csv").status_code == 403
    police = page(world.officer).get("/outreach/?export=xlsx")
    assert police.status_code == 200 and load_workbook(io.BytesIO(police.content)).active.max_row == 2


# ---------------------------------------------------------------- 12. the command's CSV
def test_the_coverage_commands_csv_is_formula_escaped(world):
    Enterprise.objects.filter(pk=world.enterprise.pk).update(name="=HYPERLINK(\"http://x\")")
    out = io.StringIO()
    call_command("outreach_coverage", stdout=out)
    text = out.getvalue()
    assert "'=HYPERLINK" in text and ",=HYPERLINK" not in text


# ---------------------------------------------------------------- 15. the lecture edit page
def _local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_a_planned_lecture_is_edited_on_its_page(world, page):
    lecture = h.planned(world, speakers=[world.officer])
    client = page(world.officer)
    detail = client.get(f"/outreach/{lecture.pk}/").content.decode()
    assert f'href="/outreach/{lecture.pk}/edit/"' in detail
    assert client.get(f"/outreach/{lecture.pk}/edit/").status_code == 200
    starts_at, ends_at = h.inside()
    form = {"version": lecture.version, "theme": "fire", "topic": "消防安全进车间", "starts_at": _local(starts_at),
            "ends_at": _local(ends_at), "speakers": [world.officer.pk]}
    refused = client.post(f"/outreach/{lecture.pk}/edit/", form)
    text = refused.content.decode()
    assert refused.status_code == 200 and 'id="slot-0"' in text and "production hours" in text
    starts_at, ends_at = h.outside(hour=19)
    done = client.post(f"/outreach/{lecture.pk}/edit/", {**form, "starts_at": _local(starts_at),
                                                         "ends_at": _local(ends_at)})
    assert done.status_code == 302
    lecture.refresh_from_db()
    assert (lecture.topic, lecture.theme, lecture.starts_at) == ("消防安全进车间", "fire", starts_at)
    stale = client.post(f"/outreach/{lecture.pk}/edit/", {**form, "topic": "又改", "starts_at": _local(starts_at),
                                                          "ends_at": _local(ends_at)})
    assert stale.status_code == 200 and Lecture.objects.get(pk=lecture.pk).topic == "消防安全进车间"


def test_an_agreed_lecture_moved_on_the_page_needs_a_fresh_agreement(world, page):
    lecture = h.planned(world, when=h.inside(), agreement=h.png())
    wednesday = h.next_weekday(2, 9)
    form = {"version": lecture.version, "theme": lecture.theme, "topic": lecture.topic,
            "starts_at": _local(wednesday), "ends_at": _local(wednesday + timedelta(hours=1))}
    client = page(world.officer)
    assert 'id="slot-0"' in client.post(f"/outreach/{lecture.pk}/edit/", form).content.decode()
    done = client.post(f"/outreach/{lecture.pk}/edit/", {**form, "agreement": h.png("新同意.png")})
    assert done.status_code == 302
    assert Lecture.objects.get(pk=lecture.pk).starts_at == wednesday


def test_who_may_not_edit_a_lecture_cannot(world, page):
    lecture = h.planned(world)
    assert page(world.other_officer).get(f"/outreach/{lecture.pk}/edit/").status_code == 404
    for user in (world.liaison, world.volunteer, world.mediator):
        assert page(user).get(f"/outreach/{lecture.pk}/edit/").status_code == 403
        assert page(user).post(f"/outreach/{lecture.pk}/edit/", {"version": lecture.version, "topic": "x",
                                                                 "theme": "fire"}).status_code == 403
    assert "lecture-edit" not in page(world.liaison).get(f"/outreach/{lecture.pk}/").content.decode()
    services.lecture_transition(actor=world.officer, lecture=lecture, to="cancelled")
    assert page(world.officer).get(f"/outreach/{lecture.pk}/edit/").status_code == 302
    assert Lecture.objects.get(pk=lecture.pk).topic == "防范电信网络诈骗"


# ---------------------------------------------------------------- 15. ending an adoption on the page
def test_an_adoption_is_ended_on_the_page_after_a_confirmation(world, page):
    rule = services.rule_create(actor=world.officer, text="未戴头盔不得入厂", theme="helmet")
    today = timezone.localdate()
    adoption = services.adoption_record(actor=world.officer, rule=rule, enterprise=world.enterprise,
                                        since=today - timedelta(days=30))
    client = page(world.officer)
    assert f'id="adoption-end-{adoption.pk}"' in client.get("/outreach/rules/").content.decode()
    form = client.get(f"/outreach/rules/adoptions/{adoption.pk}/end/").content.decode()
    assert 'data-confirm="' in form and "adoption-end-save" in form
    for user in (world.liaison, world.volunteer):
        assert page(user).post(f"/outreach/rules/adoptions/{adoption.pk}/end/", {
            "version": adoption.version, "ended_on": today.isoformat()}).status_code == 403
    assert page(world.other_officer).get(f"/outreach/rules/adoptions/{adoption.pk}/end/").status_code == 404
    assert f'id="adoption-end-{adoption.pk}"' not in page(world.liaison).get("/outreach/rules/").content.decode()
    client = page(world.officer)
    late = client.post(f"/outreach/rules/adoptions/{adoption.pk}/end/", {
        "version": adoption.version, "ended_on": (today + timedelta(days=3)).isoformat()})
    assert late.status_code == 200 and RuleAdoption.objects.get(pk=adoption.pk).ended_on is None
    done = client.post(f"/outreach/rules/adoptions/{adoption.pk}/end/", {
        "version": adoption.version, "ended_on": today.isoformat(), "note": "企业改制"})
    assert done.status_code == 302
    assert RuleAdoption.objects.get(pk=adoption.pk).ended_on == today
    assert client.get(f"/outreach/rules/adoptions/{adoption.pk}/end/").status_code == 302
