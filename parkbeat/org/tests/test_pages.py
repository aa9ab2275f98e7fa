"""Organisation pages: who may open them, what they show, and the forms' refusals (checked in the page language)."""
import json
import re
from datetime import timedelta

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext

from parkbeat.audit.models import AuditEvent
from parkbeat.testing import EnterpriseFactory, ParkFactory, UserFactory, assign
from parkbeat.org.models import DutyShift, Role, RoleAssignment, User

GOOD_PASSWORD = "Pale-Harbour-Lantern-42"
ROLE_NAMES = ("leader", "officer", "auxiliary", "mediator", "agency_staff", "liaison", "volunteer", "sysadmin",
              "secadmin", "auditor", "nobody")


def zh(msgid, **params):
    """The text the page shows for `msgid` (the interface language is zh-hans), HTML-escaped."""
    with translation.override("zh-hans"):
        text = gettext(msgid)
        text = text % {k: str(v) for k, v in params.items()} if params else text
    return escape(text)


def html(response):
    return response.content.decode()


def rows(response, table_id):
    """The body rows of the table `table_id`, or [] when the page shows its empty state instead."""
    match = re.search(rf'<table[^>]*id="{table_id}".*?<tbody>(.*?)</tbody>', html(response), re.S)
    return re.findall(r"<tr\b.*?</tr>", match.group(1), re.S) if match else []


def events(object_type, verb=None):
    """Audit events of the object type (logins, which force_login also records, left out)."""
    qs = AuditEvent.objects.filter(object_type=object_type).exclude(verb__in=["login", "logout"]).order_by("id")
    return list(qs.filter(verb=verb) if verb else qs)


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def local(hour, days=0):
    """Today (Asia/Shanghai) at `hour`, shifted by `days`."""
    now = timezone.localtime()
    return now.replace(hour=hour, minute=0, second=0, microsecond=0) + timedelta(days=days)


def this_monday():
    today = timezone.localdate()
    return today - timedelta(days=today.weekday())


# ------------------------------------------------------------------ who may open what
PAGES = {
    "org:park_list": {"leader", "officer", "auxiliary", "mediator", "agency_staff"},
    "org:duty_list": {"leader", "officer", "auxiliary"},
    "org:duty_create": {"leader", "officer"},
    "org:user_list": {"sysadmin"},
    "org:user_create": {"sysadmin"},
    "org:role_list": {"secadmin"},
    "org:role_create": {"secadmin"},
}


@pytest.mark.parametrize("name", ROLE_NAMES)
@pytest.mark.parametrize("url_name", list(PAGES))
def test_each_page_opens_for_its_roles_only(world, page_as, url_name, name):
    response = page_as(getattr(world, name)).get(reverse(url_name))

    assert response.status_code == (200 if name in PAGES[url_name] else 403)


@pytest.mark.parametrize("url_name", [*PAGES, "audit:event_list"])
def test_anonymous_visitors_are_sent_to_log_in(client, db, url_name):
    response = client.get(reverse(url_name))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_admin_pages_refuse_posts_from_other_roles_and_change_nothing(world, page_as):
    client = page_as(world.officer)
    target = world.auxiliary

    assert client.post(reverse("org:user_toggle", args=[target.pk]), {"active": ""}).status_code == 403
    assert client.post(reverse("org:user_create"), {"username": "x_new", "password1": GOOD_PASSWORD,
                                                    "password2": GOOD_PASSWORD}).status_code == 403
    assert client.post(reverse("org:role_delete", args=[target.role_assignments.get().pk])).status_code == 403
    client = page_as(world.sysadmin)
    assert client.post(reverse("org:role_create"), {"username": "t_nobody", "role": "auxiliary",
                                                    "park": world.park.pk}).status_code == 403
    client = page_as(world.secadmin)
    assert client.post(reverse("org:user_password", args=[target.pk]),
                       {"password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD}).status_code == 403

    target.refresh_from_db()
    assert target.is_active is True
    assert target.check_password("Correct-Horse-9")
    assert not User.objects.filter(username="x_new").exists()
    assert list(RoleAssignment.objects.filter(user=world.nobody)) == []
    assert target.role_assignments.count() == 1
    assert events("org.User") == events("org.RoleAssignment") == []


# ------------------------------------------------------------------ parks
def test_park_list_shows_the_leaders_parks_with_figures_and_team(world, page_as):
    EnterpriseFactory(park=world.park, is_key=True, key_reason="危化品仓储")

    response = page_as(world.leader).get(reverse("org:park_list"))

    body = rows(response, "park-results")
    assert len(body) == 2
    xinma = next(r for r in body if "新马工业园" in r)
    assert re.search(r'data-col="enterprises">3<', xinma)
    assert re.search(r'data-col="key"><span class="badge badge-key">1</span>', xinma)
    assert f'data-col="officers">{world.officer.full_name}<' in xinma
    assert f'data-col="auxiliaries">{world.auxiliary.full_name}<' in xinma
    assert "马家河派出所" in xinma and "xinma" in xinma
    assert "群丰园区" not in html(response)


def test_park_list_of_an_officer_shows_only_their_park(world, page_as):
    response = page_as(world.officer).get(reverse("org:park_list"))

    assert len(rows(response, "park-results")) == 1
    assert "新马工业园" in html(response)
    assert "栗雨工业园" not in html(response) and "群丰园区" not in html(response)


def test_park_list_search(world, page_as):
    response = page_as(world.leader).get(reverse("org:park_list"), {"q": "栗雨"})

    [row] = rows(response, "park-results")
    assert "栗雨工业园" in row


def test_park_list_queries_do_not_grow_with_rows(world, page_as):
    client = page_as(world.leader)
    url = reverse("org:park_list")
    few = count_queries(client, url)
    for n in range(6):
        park = ParkFactory(station=world.station, name=f"扩展园区{n}", code=f"extra-{n}")
        EnterpriseFactory(park=park, is_key=True, key_reason="重点")
        assign(UserFactory(username=f"t_extra_officer{n}"), Role.PARK_OFFICER, park=park)
        assign(UserFactory(username=f"t_extra_aux{n}"), Role.AUXILIARY, park=park)

    many = count_queries(client, url)

    assert len(rows(client.get(url), "park-results")) == 8
    assert many == few


@pytest.mark.parametrize("name", ["leader", "officer", "auxiliary", "mediator", "agency_staff"])
def test_park_detail_opens_in_scope(world, page_as, name):
    response = page_as(getattr(world, name)).get(world.park.get_absolute_url())

    assert response.status_code == 200
    assert "新马工业园" in html(response)


@pytest.mark.parametrize("name,park", [("officer", "park2"), ("officer", "other_park"), ("officer2", "park"),
                                       ("leader", "other_park"), ("mediator", "park2"),
                                       ("agency_staff", "park2"), ("other_officer", "park")])
def test_park_detail_outside_scope_is_404(world, page_as, name, park):
    response = page_as(getattr(world, name)).get(getattr(world, park).get_absolute_url())

    assert response.status_code == 404


@pytest.mark.parametrize("name", ["liaison", "volunteer", "sysadmin", "secadmin", "auditor"])
def test_park_detail_is_refused_to_roles_without_parks(world, page_as, name):
    response = page_as(getattr(world, name)).get(world.park.get_absolute_url())

    assert response.status_code == 403


def test_park_detail_shows_the_team_and_who_is_on_duty(world, page_as):
    deputy = assign(UserFactory(username="t_deputy", full_name="值班民警李"), Role.PARK_OFFICER, park=world.park)
    DutyShift.objects.create(park=world.park, user=deputy, starts_at=timezone.now() - timedelta(hours=1),
                             ends_at=timezone.now() + timedelta(hours=3))

    response = page_as(world.officer).get(world.park.get_absolute_url())

    on_duty = re.search(r'id="on-duty">(.*?)</div></div></div>', html(response), re.S).group(1)
    assert "<strong>值班民警李</strong>" in on_duty
    assert f"<strong>{world.officer.full_name}</strong>" not in on_duty
    assert f"</span>\n      {world.auxiliary.full_name}</div>" in on_duty  # no auxiliary shift: the assigned one
    team = re.search(r'id="park-team">(.*?)</ul>', html(response), re.S).group(1)
    for text in (world.officer.full_name, "值班民警李", world.auxiliary.full_name, world.mediator.full_name,
                 "新马园区调解中心", "天元区消防救援大队", "新马机械义警队"):
        assert text in team


def test_park_detail_map_data_has_the_outline_and_visible_enterprises(world, page_as, settings):
    settings.MAP_TILE_URL = ""
    outline = {"type": "Polygon", "coordinates": [[[113.1, 27.8], [113.2, 27.8], [113.2, 27.9], [113.1, 27.8]]]}
    world.park.boundary = outline
    world.park.save()
    key = EnterpriseFactory(park=world.park, name="重点<b>化工</b>", lon="113.150000", lat="27.850000", is_key=True,
                            key_reason="危化品")
    EnterpriseFactory(park=world.other_park, name="外所企业", lon="113.160000", lat="27.860000")

    response = page_as(world.officer).get(world.park.get_absolute_url())

    raw = re.search(r'<script id="park-map-data" type="application/json">(.*?)</script>', html(response), re.S)
    data = json.loads(raw.group(1))
    assert data["boundary"] == outline
    assert data["enterprises"] == [{"id": key.pk, "name": "重点<b>化工</b>", "lat": 27.85, "lon": 113.15, "key": True}]
    assert "<b>化工" not in raw.group(1)  # json_script escapes markup
    assert 'src="/static/parkbeat/park_map.js"' in html(response)
    assert 'data-tile-url=""' in html(response)


def test_park_detail_adds_the_tile_url_when_configured(world, page_as, settings):
    settings.MAP_TILE_URL = "https://tiles.intranet/{z}/{x}/{y}.png"

    response = page_as(world.officer).get(world.park.get_absolute_url())

    assert 'data-tile-url="https://tiles.intranet/{z}/{x}/{y}.png"' in html(response)


# ------------------------------------------------------------------ duty roster
def test_duty_list_shows_this_weeks_shifts_in_scope(world, page_as):
    DutyShift.objects.create(park=world.park, user=world.officer, starts_at=local(8), ends_at=local(20), note="白班")
    DutyShift.objects.create(park=world.park, user=world.officer, starts_at=local(8, days=7), ends_at=local(20, days=7),
                             note="下周")
    DutyShift.objects.create(park=world.other_park, user=world.other_officer, starts_at=local(8), ends_at=local(20),
                             note="外所")

    response = page_as(world.officer).get(reverse("org:duty_list"))

    [row] = rows(response, "duty-results")
    assert "白班" in row and "新马工业园" in row and world.officer.full_name in row
    assert "下周" not in html(response) and "外所" not in html(response)
    monday = this_monday()
    assert f"{monday:%Y-%m-%d} – {monday + timedelta(days=6):%Y-%m-%d}" in html(response)
    next_url = f"{reverse('org:duty_list')}?week={monday + timedelta(days=7):%Y-%m-%d}"
    assert f'href="{next_url}" id="next-week"' in html(response)


def test_duty_list_moves_by_week_and_filters_by_park(world, page_as):
    DutyShift.objects.create(park=world.park, user=world.officer, starts_at=local(8, days=7), ends_at=local(20, days=7),
                             note="下周新马")
    DutyShift.objects.create(park=world.park2, user=world.officer2, starts_at=local(8, days=7),
                             ends_at=local(20, days=7), note="下周栗雨")
    next_week = (this_monday() + timedelta(days=9)).isoformat()  # any day of that week

    client = page_as(world.leader)
    both = client.get(reverse("org:duty_list"), {"week": next_week})
    one = client.get(reverse("org:duty_list"), {"week": next_week, "park": world.park2.pk})

    assert len(rows(both, "duty-results")) == 2
    [row] = rows(one, "duty-results")
    assert "下周栗雨" in row
    prev_url = f"{reverse('org:duty_list')}?park={world.park2.pk}&amp;week={this_monday():%Y-%m-%d}"
    assert f'href="{prev_url}" id="prev-week"' in html(one)


def test_duty_list_with_a_bad_week_shows_this_week(world, page_as):
    DutyShift.objects.create(park=world.park, user=world.officer, starts_at=local(8), ends_at=local(20), note="本周")
    DutyShift.objects.create(park=world.park, user=world.officer, starts_at=local(8, days=-14),
                             ends_at=local(20, days=-14), note="两周前")

    response = page_as(world.officer).get(reverse("org:duty_list"), {"week": "not-a-date"})

    [row] = rows(response, "duty-results")
    assert "本周" in row


def test_duty_list_offers_removal_only_where_the_user_plans_shifts(world, page_as):
    shift = DutyShift.objects.create(park=world.park, user=world.auxiliary, role=Role.AUXILIARY, starts_at=local(8),
                                     ends_at=local(20))
    delete_url = reverse("org:duty_delete", args=[shift.pk])

    assert delete_url in html(page_as(world.officer).get(reverse("org:duty_list")))
    response = page_as(world.auxiliary).get(reverse("org:duty_list"))
    assert len(rows(response, "duty-results")) == 1
    assert delete_url not in html(response)
    assert reverse("org:duty_create") not in html(response)


def test_duty_list_queries_do_not_grow_with_rows(world, page_as):
    client = page_as(world.leader)
    url = reverse("org:duty_list")
    DutyShift.objects.create(park=world.park, user=world.officer, starts_at=local(0), ends_at=local(1))
    few = count_queries(client, url)
    for n in range(1, 12):
        user = assign(UserFactory(username=f"t_roster{n}"), Role.PARK_OFFICER, park=world.park2)
        DutyShift.objects.create(park=world.park2, user=user, starts_at=local(1), ends_at=local(2))

    many = count_queries(client, url)

    assert client.get(url).content.decode().count('class="duty-entry') == 12  # in the week × park grid
    assert many == few


def shift_form(world, **overrides):
    start = local(8, days=1)
    data = {"park": world.park.pk, "user": world.auxiliary.pk, "role": "auxiliary",
            "starts_at": f"{start:%Y-%m-%dT%H:%M}", "ends_at": f"{start + timedelta(hours=12):%Y-%m-%dT%H:%M}",
            "note": "夜巡"}
    return {**data, **overrides}


def test_an_officer_adds_a_shift(world, page_as):
    response = page_as(world.officer).post(reverse("org:duty_create"), shift_form(world))

    shift = DutyShift.objects.get()
    assert (shift.park, shift.user, shift.role, shift.note) == (world.park, world.auxiliary, "auxiliary", "夜巡")
    assert timezone.localtime(shift.starts_at) == local(8, days=1)
    assert response.status_code == 302
    assert response["Location"] == (f"{reverse('org:duty_list')}?park={world.park.pk}"
                                    f"&week={timezone.localdate(shift.starts_at):%Y-%m-%d}")
    [event] = events("org.DutyShift")
    assert (event.verb, event.actor_username, event.object_id) == ("create", "t_officer", str(shift.pk))


def test_an_overlapping_shift_is_refused_on_the_form(world, page_as):
    client = page_as(world.officer)
    client.post(reverse("org:duty_create"), shift_form(world))
    start = local(14, days=1)

    response = client.post(reverse("org:duty_create"), shift_form(
        world, starts_at=f"{start:%Y-%m-%dT%H:%M}", ends_at=f"{start + timedelta(hours=4):%Y-%m-%dT%H:%M}"))

    assert response.status_code == 200
    assert zh("%(user)s already has a shift in that period.", user=world.auxiliary) in html(response)
    assert DutyShift.objects.count() == 1
    assert len(events("org.DutyShift")) == 1


def test_a_shift_ending_before_it_starts_is_refused_on_the_form(world, page_as):
    start = local(20, days=1)

    response = page_as(world.officer).post(reverse("org:duty_create"), shift_form(
        world, starts_at=f"{start:%Y-%m-%dT%H:%M}", ends_at=f"{start - timedelta(hours=2):%Y-%m-%dT%H:%M}"))

    assert response.status_code == 200
    assert zh("A shift must end after it starts.") in html(response)
    assert DutyShift.objects.count() == 0
    assert events("org.DutyShift") == []


def test_a_shift_in_a_park_outside_the_officers_scope_is_refused(world, page_as):
    response = page_as(world.officer).post(reverse("org:duty_create"),
                                           shift_form(world, park=world.park2.pk, user=world.officer2.pk,
                                                      role="park_officer"))

    assert response.status_code == 200
    assert 'name="park"' in html(response) and "invalid-feedback" in html(response)
    assert DutyShift.objects.count() == 0


def test_a_shift_for_someone_without_that_role_is_refused_on_the_form(world, page_as):
    response = page_as(world.officer).post(reverse("org:duty_create"), shift_form(world, user=world.officer.pk))

    assert response.status_code == 200
    assert zh("This person does not hold that role in this park.") in html(response)
    assert DutyShift.objects.count() == 0


def test_removing_a_shift(world, page_as):
    shift = DutyShift.objects.create(park=world.park, user=world.officer, starts_at=local(8), ends_at=local(20))

    response = page_as(world.officer).post(reverse("org:duty_delete", args=[shift.pk]))

    assert response.status_code == 302
    assert not DutyShift.objects.exists()
    [event] = events("org.DutyShift", "delete")
    assert (event.actor_username, event.object_id) == ("t_officer", str(shift.pk))


def test_an_auxiliary_cannot_remove_a_shift(world, page_as):
    shift = DutyShift.objects.create(park=world.park, user=world.auxiliary, role=Role.AUXILIARY, starts_at=local(8),
                                     ends_at=local(20))

    response = page_as(world.auxiliary).post(reverse("org:duty_delete", args=[shift.pk]))

    assert response.status_code == 403
    assert DutyShift.objects.filter(pk=shift.pk).exists()
    assert events("org.DutyShift") == []


def test_another_parks_officer_gets_404_removing_a_shift(world, page_as):
    shift = DutyShift.objects.create(park=world.park, user=world.officer, starts_at=local(8), ends_at=local(20))

    response = page_as(world.officer2).post(reverse("org:duty_delete", args=[shift.pk]))

    assert response.status_code == 404
    assert DutyShift.objects.filter(pk=shift.pk).exists()


def test_removing_a_shift_asks_for_confirmation_first(world, page_as):
    shift = DutyShift.objects.create(park=world.park, user=world.officer, starts_at=local(8), ends_at=local(20))

    response = page_as(world.officer).get(reverse("org:duty_delete", args=[shift.pk]))

    assert response.status_code == 200
    assert 'id="confirm-remove"' in html(response) and 'method="post"' in html(response)
    assert DutyShift.objects.filter(pk=shift.pk).exists()


# ------------------------------------------------------------------ accounts
def test_account_list_shows_account_fields_with_masked_mobile(world, page_as):
    User.objects.filter(pk=world.officer.pk).update(mobile="13812345678")

    response = page_as(world.sysadmin).get(reverse("org:user_list"), {"q": "t_officer"})

    body = rows(response, "account-results")
    assert len(body) == 2  # t_officer, t_officer2
    assert "138****5678" in body[0]
    assert "13812345678" not in html(response)
    for case_word in ("新马工业园", "株洲新马机械有限公司", "park_officer"):
        assert case_word not in html(response)


def test_account_list_filters_by_name_and_active(world, page_as):
    User.objects.filter(pk=world.volunteer.pk).update(is_active=False, full_name="停用义警")
    client = page_as(world.sysadmin)

    inactive = rows(client.get(reverse("org:user_list"), {"is_active": "false"}), "account-results")
    by_name = rows(client.get(reverse("org:user_list"), {"q": "停用"}), "account-results")
    active = rows(client.get(reverse("org:user_list"), {"is_active": "true", "page_size": 100}), "account-results")

    assert len(inactive) == 1 and "t_volunteer" in inactive[0]
    assert len(by_name) == 1 and "t_volunteer" in by_name[0]
    assert len(active) == User.objects.filter(is_active=True).count() == 12


def test_creating_an_account(world, page_as):
    response = page_as(world.sysadmin).post(reverse("org:user_create"), {
        "username": "zhang_wei", "full_name": "张伟", "mobile": "13812345678",
        "password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('org:user_list')}?q=zhang_wei"
    user = User.objects.get(username="zhang_wei")
    assert (user.full_name, user.mobile, user.is_active) == ("张伟", "13812345678", True)
    assert user.check_password(GOOD_PASSWORD)
    assert list(user.role_assignments.all()) == []
    [event] = events("org.User", "create")
    assert (event.actor_username, event.object_id) == ("t_sysadmin", str(user.pk))


def test_a_weak_password_is_refused_with_the_validators_message(world, page_as):
    before = User.objects.count()
    with translation.override("zh-hans"):
        try:
            validate_password("Zhangwei-2026", User(username="zhangwei"))
        except ValidationError as exc:
            expected = exc.messages
        your_username = gettext("your username")

    response = page_as(world.sysadmin).post(reverse("org:user_create"), {
        "username": "zhangwei", "password1": "Zhangwei-2026", "password2": "Zhangwei-2026"})

    assert response.status_code == 200
    assert expected == [zh("The password must not contain %(what)s.", what=your_username)]
    for message in expected:
        assert escape(message) in html(response)
    assert User.objects.count() == before
    assert events("org.User") == []


def test_two_different_passwords_are_refused(world, page_as):
    response = page_as(world.sysadmin).post(reverse("org:user_create"), {
        "username": "zhang_wei", "password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD + "x"})

    assert response.status_code == 200
    assert zh("The two passwords differ.") in html(response)
    assert not User.objects.filter(username="zhang_wei").exists()


def test_a_username_differing_only_in_case_is_refused(world, page_as):
    response = page_as(world.sysadmin).post(reverse("org:user_create"), {
        "username": "T_OFFICER", "password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD})

    assert response.status_code == 200
    assert zh("A user with that username already exists.") in html(response)
    assert User.objects.filter(username__iexact="t_officer").count() == 1
    assert events("org.User") == []


def test_a_bad_mobile_is_refused(world, page_as):
    response = page_as(world.sysadmin).post(reverse("org:user_create"), {
        "username": "zhang_wei", "mobile": "12345", "password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD})

    assert response.status_code == 200
    assert zh("Enter a mainland mobile number: 11 digits starting with 13–19.") in html(response)
    assert not User.objects.filter(username="zhang_wei").exists()


def test_disabling_and_enabling_an_account(world, page_as):
    client = page_as(world.sysadmin)

    response = client.post(reverse("org:user_toggle", args=[world.officer.pk]), {"active": ""})

    world.officer.refresh_from_db()
    assert response.status_code == 302
    assert world.officer.is_active is False
    [event] = events("org.User", "update")
    assert event.changes == {"is_active": [True, False]}

    client.post(reverse("org:user_toggle", args=[world.officer.pk]), {"active": "on"})

    world.officer.refresh_from_db()
    assert world.officer.is_active is True
    assert [e.changes for e in events("org.User", "update")] == [{"is_active": [True, False]},
                                                                  {"is_active": [False, True]}]


def test_the_system_admin_cannot_disable_themself(world, page_as):
    client = page_as(world.sysadmin)

    response = client.post(reverse("org:user_toggle", args=[world.sysadmin.pk]), {"active": ""}, follow=True)

    world.sysadmin.refresh_from_db()
    assert world.sysadmin.is_active is True
    assert zh("You cannot disable your own account.") in html(response)
    assert events("org.User") == []
    assert reverse("org:user_toggle", args=[world.sysadmin.pk]) not in html(client.get(reverse("org:user_list")))


def test_a_disabled_account_cannot_open_pages(world, page_as):
    client = page_as(world.officer)
    User.objects.filter(pk=world.officer.pk).update(is_active=False)

    response = client.get(reverse("org:park_list"))

    assert response.status_code == 302


def test_resetting_a_password(world, page_as):
    client = page_as(world.sysadmin)
    url = reverse("org:user_password", args=[world.officer.pk])
    assert client.get(url).status_code == 200

    response = client.post(url, {"password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD})

    assert response.status_code == 302
    world.officer.refresh_from_db()
    assert world.officer.check_password(GOOD_PASSWORD)
    [event] = events("org.User", "update")
    assert event.object_id == str(world.officer.pk)


def test_resetting_to_a_weak_password_is_refused(world, page_as):
    response = page_as(world.sysadmin).post(reverse("org:user_password", args=[world.officer.pk]),
                                            {"password1": "password", "password2": "password"})

    assert response.status_code == 200
    assert zh("This password is too common.") in html(response)
    world.officer.refresh_from_db()
    assert world.officer.check_password("Correct-Horse-9")
    assert events("org.User") == []


def test_an_unknown_account_is_404(world, page_as):
    assert page_as(world.sysadmin).get(reverse("org:user_password", args=[999999])).status_code == 404


# ------------------------------------------------------------------ 三员分立: administrators see no case data
def test_the_system_admin_sees_no_enterprise(world, page_as):
    from parkbeat.enterprises.selectors import enterprise_list

    response = page_as(world.sysadmin).get(reverse("enterprises:enterprise_list"))

    assert enterprise_list(user=world.sysadmin).count() == 0
    assert response.status_code == 403  # the 403 page, not an empty list that looks like a filter problem
    assert "株洲新马机械有限公司" not in html(response)


@pytest.mark.parametrize("name", ["sysadmin", "secadmin", "auditor"])
def test_administrators_get_404_on_an_enterprise_or_demand(world, page_as, name):
    from parkbeat.testing import DemandFactory

    demand = DemandFactory(enterprise=world.enterprise, raised_by=world.liaison)
    client = page_as(getattr(world, name))

    assert client.get(reverse("enterprises:enterprise_detail", args=[world.enterprise.pk])).status_code == 404
    assert client.get(reverse("enterprises:demand_detail", args=[demand.pk])).status_code == 404


# ------------------------------------------------------------------ role assignments
def test_role_list_shows_and_filters_assignments(world, page_as):
    client = page_as(world.secadmin)

    everything = rows(client.get(reverse("org:role_list")), "role-results")
    auxiliaries = rows(client.get(reverse("org:role_list"), {"role": "auxiliary"}), "role-results")
    by_user = rows(client.get(reverse("org:role_list"), {"q": "t_liaison"}), "role-results")

    assert len(everything) == RoleAssignment.objects.count() == 12
    assert len(auxiliaries) == 1 and "t_auxiliary" in auxiliaries[0] and "新马工业园" in auxiliaries[0]
    assert len(by_user) == 1 and "株洲新马机械有限公司" in by_user[0]


def test_assigning_a_role(world, page_as):
    response = page_as(world.secadmin).post(reverse("org:role_create"), {
        "username": "T_NOBODY", "role": "auxiliary", "park": world.park2.pk})

    assert response.status_code == 302
    assignment = world.nobody.role_assignments.get()
    assert (assignment.role, assignment.park) == ("auxiliary", world.park2)
    [event] = events("org.RoleAssignment", "create")
    assert (event.actor_username, event.object_id) == ("t_secadmin", str(assignment.pk))


def test_assigning_a_liaison_by_credit_code(world, page_as):
    response = page_as(world.secadmin).post(reverse("org:role_create"), {
        "username": "t_nobody", "role": "liaison", "enterprise": world.enterprise2.credit_code.lower()})

    assert response.status_code == 302
    assert world.nobody.role_assignments.get().enterprise == world.enterprise2


def test_a_role_with_the_wrong_place_is_refused(world, page_as):
    with translation.override("zh-hans"):
        park, unit = (str(RoleAssignment._meta.get_field(c).verbose_name) for c in ("park", "unit"))

    response = page_as(world.secadmin).post(reverse("org:role_create"), {
        "username": "t_nobody", "role": "park_officer", "unit": world.station.pk})

    assert response.status_code == 200
    assert zh("This role needs a %(place)s.", place=park) in html(response)
    assert zh("This role does not take a %(place)s.", place=unit) in html(response)
    assert list(world.nobody.role_assignments.all()) == []
    assert events("org.RoleAssignment") == []


def test_an_admin_role_with_a_place_is_refused(world, page_as):
    with translation.override("zh-hans"):
        park = str(RoleAssignment._meta.get_field("park").verbose_name)

    response = page_as(world.secadmin).post(reverse("org:role_create"), {
        "username": "t_nobody", "role": "auditor", "park": world.park.pk})

    assert response.status_code == 200
    assert zh("This role does not take a %(place)s.", place=park) in html(response)
    assert list(world.nobody.role_assignments.all()) == []


@pytest.mark.parametrize("username,data,message", [
    ("t_officer", {"role": "auditor"}, "An administrator role cannot be combined with any other role."),
    ("t_sysadmin", {"role": "security_admin"}, "An administrator role cannot be combined with any other role."),
    ("t_auditor", {"role": "volunteer", "team": "TEAM"},
     "This person is an administrator and cannot take another role."),
])
def test_admin_roles_are_held_alone(world, page_as, username, data, message):
    data = {k: (world.team.pk if v == "TEAM" else v) for k, v in data.items()}
    before = list(RoleAssignment.objects.values_list("pk", flat=True))

    response = page_as(world.secadmin).post(reverse("org:role_create"), {"username": username, **data})

    assert response.status_code == 200
    assert zh(message) in html(response)
    assert list(RoleAssignment.objects.values_list("pk", flat=True)) == before
    assert events("org.RoleAssignment") == []


def test_the_security_admin_cannot_give_themself_a_role(world, page_as):
    response = page_as(world.secadmin).post(reverse("org:role_create"), {
        "username": "t_secadmin", "role": "security_admin"})

    assert response.status_code == 200
    assert zh("You cannot change your own roles.") in html(response)
    assert world.secadmin.role_assignments.count() == 1


def test_an_unknown_username_or_credit_code_is_refused(world, page_as):
    client = page_as(world.secadmin)

    nobody = client.post(reverse("org:role_create"), {"username": "no_such", "role": "auxiliary",
                                                       "park": world.park.pk})
    no_enterprise = client.post(reverse("org:role_create"), {"username": "t_nobody", "role": "liaison",
                                                             "enterprise": "91430211MA0000000X"})

    assert zh("No account has this username.") in html(nobody)
    assert zh("No enterprise has this credit code.") in html(no_enterprise)
    assert list(world.nobody.role_assignments.all()) == []


def test_removing_a_role(world, page_as):
    assignment = world.auxiliary.role_assignments.get()

    response = page_as(world.secadmin).post(reverse("org:role_delete", args=[assignment.pk]))

    assert response.status_code == 302
    assert world.auxiliary.role_assignments.count() == 0
    [event] = events("org.RoleAssignment", "delete")
    assert (event.actor_username, event.object_id) == ("t_secadmin", str(assignment.pk))


def test_the_security_admin_cannot_remove_their_own_role(world, page_as):
    own = world.secadmin.role_assignments.get()
    client = page_as(world.secadmin)

    response = client.post(reverse("org:role_delete", args=[own.pk]), follow=True)

    assert zh("You cannot change your own roles.") in html(response)
    assert RoleAssignment.objects.filter(pk=own.pk).exists()
    assert events("org.RoleAssignment") == []
    assert reverse("org:role_delete", args=[own.pk]) not in html(client.get(reverse("org:role_list")))
