"""Key date and campaign pages and API: who reaches what (another station 404, the wrong role 403), the
confirmation before removing, stale versions, strict bodies, the campaign chosen when planning."""
from datetime import date, timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from parkbeat.inspections import services
from parkbeat.inspections.models import Campaign, Inspection, KeyDate
from parkbeat.inspections.tests import helpers as h

COVERS = {
    "inspections:keydate_list", "inspections:keydate_create", "inspections:keydate_detail",
    "inspections:keydate_update", "inspections:keydate_delete",
    "inspections:campaign_list", "inspections:campaign_create", "inspections:campaign_detail",
    "inspections:campaign_update",
    "inspections:calendar",
    "key-date-list", "key-date-detail", "key-date-remove", "campaign-list", "campaign-detail",
}
SOON = timezone.localdate() + timedelta(days=60)
NEAR = timezone.localdate() + timedelta(days=10)  # its 14-day window is open


@pytest.fixture
def page(page_as):
    def make(user):
        client = page_as(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client
    return make


@pytest.fixture
def plan(world):
    """A key date of every park of the station, one of park 2, and a campaign of park 1's enterprises."""
    h.make_key(world)
    station_wide = services.keydate_create(actor=world.leader, station=world.station, name="春节", day=NEAR)
    park2 = services.keydate_create(actor=world.officer2, station=world.station, park=world.park2, name="开放日",
                                    day=SOON)
    campaign = services.campaign_create(actor=world.officer, theme="夏季消防专项", starts_on=timezone.localdate(),
                                        ends_on=SOON, enterprises=[world.enterprise, world.enterprise2])
    return station_wide, park2, campaign


def test_pages_of_the_police(world, plan, page):
    station_wide, park2, campaign = plan
    listed = page(world.officer).get("/inspections/key-dates/").content.decode()
    detail = page(world.auxiliary).get(f"/inspections/key-dates/{station_wide.pk}/").content.decode()
    campaigns = page(world.leader).get("/inspections/campaigns/").content.decode()
    progress = page(world.officer).get(f"/inspections/campaigns/{campaign.pk}/").content.decode()

    assert "春节" in listed and "开放日" not in listed  # park 2's is not park 1's officer's
    assert world.enterprise.name in detail and 'data-state="due"' in detail and "Edit" not in detail
    assert "夏季消防专项" in campaigns
    assert world.enterprise2.name in progress and f"campaign={campaign.pk}" in progress
    assert page(world.officer).get(f"/inspections/key-dates/{park2.pk}/").status_code == 404


def test_another_station_gets_404(world, plan, page, api_as):
    station_wide, _park2, campaign = plan
    client = page(world.other_officer)
    for url in (f"/inspections/key-dates/{station_wide.pk}/", f"/inspections/key-dates/{station_wide.pk}/edit/",
                f"/inspections/key-dates/{station_wide.pk}/remove/", f"/inspections/campaigns/{campaign.pk}/",
                f"/inspections/campaigns/{campaign.pk}/edit/"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/inspections/key-dates/{station_wide.pk}/remove/", {"version": 1}).status_code == 404
    api = api_as(world.other_officer)
    assert api.get(f"/api/v1/key-dates/{station_wide.pk}/").status_code == 404
    assert api.post(f"/api/v1/key-dates/{station_wide.pk}/remove/", {"version": 1}, format="json").status_code == 404
    assert api.patch(f"/api/v1/campaigns/{campaign.pk}/", {"version": 1, "note": "x"},
                     format="json").status_code == 404
    assert api.get("/api/v1/key-dates/").json()["results"] == []
    assert api.get("/api/v1/campaigns/").json()["results"] == []
    assert KeyDate.objects.count() == 2 and Campaign.objects.get().note == ""


@pytest.mark.parametrize("who", ["liaison", "volunteer", "mediator", "agency_staff", "sysadmin", "auditor"])
def test_roles_without_the_calendar_get_403(world, plan, page, api_as, who):
    station_wide, _park2, campaign = plan
    user = getattr(world, who)
    for url in ("/inspections/key-dates/", "/inspections/key-dates/new/", f"/inspections/key-dates/{station_wide.pk}/",
                "/inspections/campaigns/", "/inspections/campaigns/new/", f"/inspections/campaigns/{campaign.pk}/"):
        assert page(user).get(url).status_code == 403, url
    assert api_as(user).get("/api/v1/key-dates/").status_code == 403
    assert api_as(user).get(f"/api/v1/campaigns/{campaign.pk}/").status_code == 403


def test_the_auxiliary_reads_but_does_not_keep(world, plan, page, api_as):
    station_wide, _park2, campaign = plan
    client = page(world.auxiliary)
    assert client.get("/inspections/key-dates/new/").status_code == 403
    assert client.get(f"/inspections/key-dates/{station_wide.pk}/edit/").status_code == 403
    assert client.post(f"/inspections/key-dates/{station_wide.pk}/remove/", {"version": 1}).status_code == 403
    assert client.get(f"/inspections/campaigns/{campaign.pk}/edit/").status_code == 403
    api = api_as(world.auxiliary)
    assert api.post("/api/v1/key-dates/", {"name": "x", "day": str(SOON), "park": world.park.pk},
                    format="json").status_code == 403
    assert api.post("/api/v1/campaigns/", {"theme": "x", "starts_on": str(SOON), "ends_on": str(SOON),
                                           "enterprises": [world.enterprise.pk]}, format="json").status_code == 403
    # a park's officer does not change a key date of every park of the station
    assert page(world.officer).get(f"/inspections/key-dates/{station_wide.pk}/edit/").status_code == 403
    assert KeyDate.objects.filter(pk=station_wide.pk, version=1).exists()


def test_add_edit_and_remove_a_key_date_through_the_pages(world, page):
    client = page(world.officer)
    form = client.get("/inspections/key-dates/new/").content.decode()
    assert f'value="park:{world.park.pk}"' in form and "station:" not in form  # an officer: his park only

    created = client.post("/inspections/key-dates/new/", {"name": "国庆", "day": str(SOON), "window_days": 10,
                                                          "scope": f"park:{world.park.pk}"})
    refused = client.post("/inspections/key-dates/new/", {"name": "国庆", "day": str(SOON), "window_days": 10,
                                                          "scope": f"park:{world.park2.pk}"})
    k = KeyDate.objects.get()
    assert created.status_code == 302 and refused.status_code == 200 and (k.park, k.window_days) == (world.park, 10)

    saved = client.post(f"/inspections/key-dates/{k.pk}/edit/", {"version": 1, "name": "国庆节", "day": str(SOON),
                                                                  "window_days": 12})
    stale = client.post(f"/inspections/key-dates/{k.pk}/edit/", {"version": 1, "name": "迟到者", "day": str(SOON),
                                                                  "window_days": 12})
    assert saved.status_code == 302 and stale.status_code == 200
    assert "changed by someone else" in stale.content.decode() and KeyDate.objects.get().name == "国庆节"

    confirm = client.get(f"/inspections/key-dates/{k.pk}/remove/").content.decode()
    assert 'id="confirm-remove"' in confirm and KeyDate.objects.exists()
    assert client.post(f"/inspections/key-dates/{k.pk}/remove/", {"version": 1}).status_code == 302
    assert KeyDate.objects.exists()  # the stale removal was refused
    assert client.post(f"/inspections/key-dates/{k.pk}/remove/", {"version": 2}).status_code == 302
    assert not KeyDate.objects.exists()


def test_a_past_key_date_is_kept_on_the_page(world, page):
    k = services.keydate_create(actor=world.leader, station=world.station, name="元旦", day=date(2026, 1, 1))
    client = page(world.leader)
    assert "confirm-remove" not in client.get(f"/inspections/key-dates/{k.pk}/remove/").content.decode()
    assert client.post(f"/inspections/key-dates/{k.pk}/remove/", {"version": 1}).status_code == 302
    assert KeyDate.objects.filter(pk=k.pk).exists()


def test_campaign_pages_and_planning_for_it(world, plan, page):
    _station_wide, _park2, campaign = plan
    client = page(world.officer)
    created = client.post("/inspections/campaigns/new/", {
        "theme": "消防专项", "starts_on": str(timezone.localdate()), "ends_on": str(SOON),
        "parks": [world.park.pk]})
    bad = client.post("/inspections/campaigns/new/", {
        "theme": "消防专项", "starts_on": str(SOON), "ends_on": str(timezone.localdate()),
        "enterprises": [world.enterprise.pk]})
    assert created.status_code == 302 and bad.status_code == 200 and Campaign.objects.count() == 2

    edited = client.post(f"/inspections/campaigns/{campaign.pk}/edit/", {
        "version": 1, "theme": "夏季消防专项", "starts_on": str(campaign.starts_on), "ends_on": str(SOON),
        "enterprises": [world.enterprise.pk], "note": "第二轮"})
    stale = client.post(f"/inspections/campaigns/{campaign.pk}/edit/", {
        "version": 1, "theme": "迟到者", "starts_on": str(campaign.starts_on), "ends_on": str(SOON),
        "enterprises": [world.enterprise.pk]})
    campaign.refresh_from_db()
    assert edited.status_code == 302 and stale.status_code == 200
    assert (campaign.theme, campaign.note, list(campaign.enterprises.all())) == ("夏季消防专项", "第二轮",
                                                                                 [world.enterprise])

    form = client.get("/inspections/new/", {"campaign": campaign.pk}).content.decode()
    planned = client.post("/inspections/new/", {"enterprise": world.enterprise.pk, "planned_on": str(SOON),
                                                "campaign": campaign.pk})
    refused = client.post("/inspections/new/", {"enterprise": world.enterprise2.pk, "planned_on": str(SOON),
                                                "campaign": campaign.pk})
    assert "夏季消防专项" in form and planned.status_code == 302 and refused.status_code == 200
    assert list(Inspection.objects.values_list("enterprise", "campaign")) == [(world.enterprise.pk, campaign.pk)]


def test_the_api(world, plan, api_as):
    station_wide, park2, campaign = plan
    officer, leader = api_as(world.officer), api_as(world.leader)

    listed = officer.get("/api/v1/key-dates/").json()["results"]
    detail = officer.get(f"/api/v1/key-dates/{station_wide.pk}/").json()
    created = officer.post("/api/v1/key-dates/", {"name": "国庆", "day": str(SOON), "park": world.park.pk,
                                                  "window_days": 7}, format="json")
    station = officer.post("/api/v1/key-dates/", {"name": "国庆", "day": str(SOON), "station": world.station.pk},
                           format="json")
    extra = officer.post("/api/v1/key-dates/", {"name": "国庆", "day": str(SOON), "park": world.park.pk,
                                                "version": 3}, format="json")
    bad_day = officer.post("/api/v1/key-dates/", {"name": "国庆", "day": "2026-02-30", "park": world.park.pk},
                           format="json")
    stale = leader.patch(f"/api/v1/key-dates/{station_wide.pk}/", {"version": 7, "name": "x"}, format="json")
    changed = leader.patch(f"/api/v1/key-dates/{station_wide.pk}/", {"version": 1, "window_days": 20},
                           format="json")
    removed = leader.post(f"/api/v1/key-dates/{park2.pk}/remove/", {"version": 1}, format="json")

    assert [row["id"] for row in listed] == [station_wide.pk]
    assert [(row["enterprise"], row["state"]) for row in detail["progress"]] == [(world.enterprise.pk, "due")]
    assert created.status_code == 201 and created.json()["window_start"] == str(SOON - timedelta(days=7))
    assert station.status_code == 403
    assert (extra.status_code, extra.json()["detail"]) == (400, "These fields are not accepted here: version.")
    assert bad_day.status_code == 400 and "day" in bad_day.json()
    assert stale.status_code == 409 and changed.json()["window_days"] == 20
    assert removed.status_code == 204 and not KeyDate.objects.filter(pk=park2.pk).exists()

    made = officer.post("/api/v1/campaigns/", {"theme": "危化品专项", "starts_on": str(timezone.localdate()),
                                               "ends_on": str(SOON), "parks": [world.park.pk],
                                               "risk_categories": ["hazmat"]}, format="json")
    foreign = officer.post("/api/v1/campaigns/", {"theme": "x", "starts_on": str(SOON), "ends_on": str(SOON),
                                                  "enterprises": [world.other_enterprise.pk]}, format="json")
    progress = officer.get(f"/api/v1/campaigns/{campaign.pk}/").json()["progress"]
    patched = officer.patch(f"/api/v1/campaigns/{campaign.pk}/", {"version": 1, "enterprises": [world.enterprise.pk]},
                            format="json")
    planned = officer.post("/api/v1/inspections/", {"enterprise": world.enterprise.pk, "planned_on": str(SOON),
                                                    "campaign": campaign.pk}, format="json")

    assert made.status_code == 201 and made.json()["enterprises"] == [world.enterprise.pk]
    assert foreign.status_code == 400 and "enterprises" in foreign.json()
    assert {row["state"] for row in progress} == {"due"} and len(progress) == 2
    assert patched.status_code == 200 and patched.json()["enterprises"] == [world.enterprise.pk]
    assert planned.status_code == 201 and planned.json()["campaign"] == campaign.pk


def test_the_calendar(world, plan, page):
    station_wide, park2, campaign = plan
    today = timezone.localdate()
    planned = h.plan(world, planned_on=today + timedelta(days=1))
    done = h.record(world, h.plan(world, enterprise=world.enterprise2), timezone.now() - timedelta(hours=1))
    month = f"{today:%Y-%m}"
    body = page(world.officer).get("/inspections/calendar/", {"month": month}).content.decode()
    park2_view = page(world.leader).get("/inspections/calendar/", {"month": month, "park": world.park2.pk})
    later = page(world.leader).get("/inspections/calendar/", {"month": f"{NEAR:%Y-%m}"}).content.decode()

    assert f'data-day="{planned.planned_on:%Y-%m-%d}"' in body and planned.get_absolute_url() in body
    assert done.get_absolute_url() in body and campaign.get_absolute_url() in body
    assert "开放日" not in body  # park 2's key date is not park 1's officer's
    assert planned.get_absolute_url() not in park2_view.content.decode()
    assert station_wide.get_absolute_url() in later
    assert page(world.officer).get("/inspections/calendar/", {"month": "2026-13"}).status_code == 200
    assert page(world.other_officer).get("/inspections/calendar/", {"month": month}).content.decode().count(
        planned.get_absolute_url()) == 0
    for who in (world.liaison, world.agency_staff, world.volunteer):
        assert page(who).get("/inspections/calendar/").status_code == 403


def test_a_campaign_beyond_the_officers_parks_offers_him_no_edit_and_refuses_the_form(world, plan, page):
    """The leader's campaign across two parks: officer1 sees its progress but no 编辑, and the edit page is
    refused before he fills it in (it used to load and then refuse the save, losing his input)."""
    campaign = services.campaign_create(actor=world.leader, theme="全所消防专项", starts_on=timezone.localdate(),
                                        ends_on=SOON, enterprises=[world.enterprise, world.park2_enterprise])
    edit = f"/inspections/campaigns/{campaign.pk}/edit/"
    officer = page(world.officer)
    detail = officer.get(f"/inspections/campaigns/{campaign.pk}/")
    assert detail.status_code == 200 and edit not in detail.content.decode()
    refused = officer.get(edit)
    assert refused.status_code == 403 and "station&#x27;s leader" in refused.content.decode()
    assert officer.post(edit, {"version": campaign.version, "theme": "改"}).status_code == 403
    leader = page(world.leader)
    assert edit in leader.get(f"/inspections/campaigns/{campaign.pk}/").content.decode()
    assert leader.get(edit).status_code == 200
    # the officer's own campaign of his park stays his to change
    _station_wide, _park2, own = plan
    assert f"/inspections/campaigns/{own.pk}/edit/" in officer.get(f"/inspections/campaigns/{own.pk}/").content.decode()
