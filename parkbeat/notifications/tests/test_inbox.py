"""The inbox, page and API: every user has one (administrators too), sees only their own notifications,
and another user's notification is a 404 that leaves it unread."""
import pytest
import yaml
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from parkbeat.testing import DemandFactory
from parkbeat.notifications.models import Notification
from parkbeat.notifications.services import notify

COVERS = {
    "notifications:notification_list", "notifications:notification_open", "notifications:notification_read_all",
    "notification-list", "notification-detail", "notification-read", "notification-read-all",
    "notification-unread-count",
}
EVERYONE = ("leader", "officer", "auxiliary", "mediator", "agency_staff", "liaison", "volunteer",
            "sysadmin", "secadmin", "auditor", "nobody")
INBOX = "/inbox/"
API = "/api/v1/notifications/"


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def tell(user, title="t", kind=Notification.Kind.OTHER, **kwargs):
    [n] = notify(recipients=[user], kind=kind, title=title, **kwargs)
    return n


def unread(user):
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


# ------------------------------------------------------------------ anonymous
@pytest.mark.parametrize("method,path", [("get", INBOX), ("get", "/inbox/1/"), ("post", "/inbox/read-all/")])
def test_anonymous_pages_go_to_login(world, client, method, path):
    n = tell(world.officer)
    response = getattr(client, method)(path.replace("/1/", f"/{n.pk}/"))

    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert unread(world.officer) == 1


@pytest.mark.parametrize("method,path", [("get", API), ("get", API + "{pk}/"), ("post", API + "{pk}/read/"),
                                         ("post", API + "read-all/"), ("get", API + "unread-count/")])
def test_anonymous_api_gets_401(world, api_as, method, path):
    n = tell(world.officer)

    response = getattr(api_as(None), method)(path.format(pk=n.pk))

    assert response.status_code == 401
    assert unread(world.officer) == 1


# ------------------------------------------------------------------ pages
@pytest.mark.parametrize("name", EVERYONE)
def test_every_user_has_an_inbox_with_the_bell(world, page_as, name):
    user = getattr(world, name)
    tell(user, title=f"给{name}的通知")
    tell(world.leader if name != "leader" else world.officer, title="别人的通知")

    response = page_as(user).get(INBOX)

    assert response.status_code == 200
    assert [n.title for n in response.context["object_list"]] == [f"给{name}的通知"]
    html = response.content.decode()
    assert "别人的通知" not in html
    assert 'id="inbox-bell"' in html and '<span class="position-absolute top-0 end-0 translate-middle-y badge ' \
        'rounded-pill text-bg-danger" id="inbox-unread-count">1</span>' in html


def test_bell_shows_no_count_when_all_is_read_and_99_plus_beyond(world, page_as):
    client = page_as(world.officer)
    assert 'id="inbox-unread-count"' not in client.get(reverse("home")).content.decode()

    Notification.objects.bulk_create(Notification(recipient=world.officer, kind="other", title=str(i))
                                     for i in range(120))

    assert 'id="inbox-unread-count">99+</span>' in client.get(reverse("home")).content.decode()


def test_bell_count_is_one_query(world, page_as, django_assert_max_num_queries):
    from parkbeat.notifications.selectors import unread_count

    tell(world.officer)
    with django_assert_max_num_queries(1):
        assert unread_count(world.officer) == 1


def test_unread_come_first_and_bold_then_newest(world, page_as):
    old_unread = tell(world.officer, title="old unread")
    read = tell(world.officer, title="read newest")
    new_unread = tell(world.officer, title="new unread")
    Notification.objects.filter(pk=old_unread.pk).update(created_at=timezone.now() - timezone.timedelta(days=2))
    Notification.objects.filter(pk=read.pk).update(read_at=timezone.now(), created_at=timezone.now()
                                                   + timezone.timedelta(minutes=1))

    response = page_as(world.officer).get(INBOX)

    assert [n.pk for n in response.context["object_list"]] == [new_unread.pk, old_unread.pk, read.pk]
    html = response.content.decode()
    open_new = reverse("notifications:notification_open", args=[new_unread.pk])
    open_read = reverse("notifications:notification_open", args=[read.pk])
    assert (f'<a class="fw-bold" href="{open_new}"><i class="bi bi-circle-fill text-primary small" '
            'aria-label="Unread"></i> new unread</a>') in html
    assert f'<a class="text-muted" href="{open_read}">read newest</a>' in html


def test_filters_unread_and_kind(world, page_as):
    a = tell(world.officer, title="a", kind=Notification.Kind.DEMAND_OVERDUE)
    b = tell(world.officer, title="b", kind=Notification.Kind.OTHER)
    c = tell(world.officer, title="c", kind=Notification.Kind.DEMAND_OVERDUE)
    Notification.objects.filter(pk=c.pk).update(read_at=timezone.now())
    client = page_as(world.officer)

    def titles(**query):
        return sorted(n.title for n in client.get(INBOX, query).context["object_list"])

    assert titles() == ["a", "b", "c"]
    assert titles(unread="true") == ["a", "b"]
    assert titles(kind="demand_overdue") == ["a", "c"]
    assert titles(unread="true", kind="demand_overdue") == ["a"]
    assert titles(kind="no-such-kind") == ["a", "b", "c"]  # an invalid filter is ignored (strict = False)
    assert a and b


def test_pagination(world, page_as):
    Notification.objects.bulk_create(Notification(recipient=world.officer, kind="other", title=f"n{i}")
                                     for i in range(45))
    client = page_as(world.officer)

    first, second = client.get(INBOX), client.get(INBOX, {"page": 2})

    assert (len(first.context["object_list"]), len(second.context["object_list"])) == (25, 20)
    assert "Showing 26–45 of 45" in second.content.decode()


def test_empty_inbox_says_so(world, page_as):
    html = page_as(world.auditor).get(INBOX).content.decode()
    filtered = page_as(world.auditor).get(INBOX, {"unread": "true"}).content.decode()

    assert "Your inbox is empty." in html and "Mark all read" not in html
    assert "No notifications match." in filtered


def test_opening_reads_it_and_follows_its_local_link(world, page_as):
    demand = DemandFactory(enterprise=world.enterprise, raised_by=world.liaison)
    n = tell(world.officer, obj=demand)

    response = page_as(world.officer).get(f"/inbox/{n.pk}/")

    assert (response.status_code, response["Location"]) == (302, f"/enterprises/demands/{demand.pk}/")
    assert Notification.objects.get(pk=n.pk).read_at is not None


@pytest.mark.parametrize("url", ["https://evil.example/x", "//evil.example/x", "/\\evil.example", "javascript:alert(1)",
                                 ""])
def test_opening_never_redirects_off_site(world, page_as, url):
    n = tell(world.officer, url=url)

    response = page_as(world.officer).get(f"/inbox/{n.pk}/")

    assert (response.status_code, response["Location"]) == (302, INBOX)
    assert Notification.objects.get(pk=n.pk).read_at is not None


@pytest.mark.parametrize("name", ["leader", "sysadmin", "liaison", "nobody"])
def test_opening_another_users_notification_is_404_and_leaves_it_unread(world, page_as, name):
    n = tell(world.officer)

    response = page_as(getattr(world, name)).get(f"/inbox/{n.pk}/")

    assert response.status_code == 404
    assert Notification.objects.get(pk=n.pk).read_at is None


def test_mark_all_read_reads_only_ones_own(world, page_as):
    tell(world.officer)
    tell(world.officer)
    tell(world.leader)

    response = page_as(world.officer).post("/inbox/read-all/", follow=True)

    assert response.redirect_chain == [(INBOX, 302)]
    assert "2 notifications marked read." in response.content.decode()
    assert (unread(world.officer), unread(world.leader)) == (0, 1)


def test_mark_all_read_is_post_only(world, page_as):
    tell(world.officer)

    assert page_as(world.officer).get("/inbox/read-all/").status_code == 405
    assert unread(world.officer) == 1


# ------------------------------------------------------------------ API
@pytest.mark.parametrize("name", EVERYONE)
def test_api_lists_only_ones_own(world, api_as, name):
    user = getattr(world, name)
    mine = tell(user, title="mine")
    tell(world.officer if name != "officer" else world.leader, title="theirs")

    response = api_as(user).get(API)

    assert response.status_code == 200
    assert [r["id"] for r in response.json()["results"]] == [mine.pk]


def test_api_item_shape(world, api_as):
    demand = DemandFactory(enterprise=world.enterprise, raised_by=world.liaison)
    n = tell(world.officer, title="逾期", kind=Notification.Kind.DEMAND_OVERDUE, body="正文", obj=demand)

    body = api_as(world.officer).get(f"{API}{n.pk}/").json()

    assert body == {"id": n.pk, "kind": "demand_overdue", "kind_display": "Demand overdue", "title": "逾期",
                    "body": "正文", "url": f"/enterprises/demands/{demand.pk}/", "about": "enterprises.demand",
                    "object_id": demand.pk, "created_at": body["created_at"], "read_at": None, "is_read": False}


def test_api_filters_unread_and_kind(world, api_as):
    a = tell(world.officer, kind=Notification.Kind.DEMAND_OVERDUE)
    b = tell(world.officer)
    Notification.objects.filter(pk=a.pk).update(read_at=timezone.now())
    client = api_as(world.officer)

    def ids(**query):
        return sorted(r["id"] for r in client.get(API, query).json()["results"])

    assert (ids(unread="true"), ids(unread="false"), ids(kind="demand_overdue")) == ([b.pk], [a.pk], [a.pk])


def test_api_read_and_unread_count(world, api_as):
    n = tell(world.officer)
    tell(world.officer)
    client = api_as(world.officer)

    assert client.get(API + "unread-count/").json() == {"unread": 2}
    response = client.post(f"{API}{n.pk}/read/")
    assert response.status_code == 200 and response.json()["is_read"] is True
    assert client.post(f"{API}{n.pk}/read/").status_code == 200  # twice: still read, same time
    assert client.get(API + "unread-count/").json() == {"unread": 1}
    assert client.post(API + "read-all/").json() == {"marked": 1}
    assert client.get(API + "unread-count/").json() == {"unread": 0}


@pytest.mark.parametrize("name", ["leader", "auditor", "liaison", "nobody"])
def test_api_another_users_notification_is_404_and_stays_unread(world, api_as, name):
    n = tell(world.officer)
    client = api_as(getattr(world, name))

    assert client.get(f"{API}{n.pk}/").status_code == 404
    response = client.post(f"{API}{n.pk}/read/")
    assert (response.status_code, response.json()) == (404, {"detail": "Not found."})
    assert client.post(API + "read-all/").json() == {"marked": 0}
    assert client.get(API + "unread-count/").json() == {"unread": 0}
    assert unread(world.officer) == 1


def test_api_list_and_detail_are_read_only(world, api_as):
    n = tell(world.officer)
    client = api_as(world.officer)

    assert client.post(API, {"title": "x"}).status_code == 405
    assert client.patch(f"{API}{n.pk}/", {"title": "x"}).status_code == 405
    assert client.delete(f"{API}{n.pk}/").status_code == 405
    assert Notification.objects.get(pk=n.pk).title == "t"


def test_notification_routes_are_in_the_schema(world, tmp_path):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--file", str(target))
    schema = yaml.safe_load(target.read_text())
    paths = schema["paths"]

    assert {"/api/v1/notifications/", "/api/v1/notifications/{id}/", "/api/v1/notifications/{id}/read/",
            "/api/v1/notifications/read-all/", "/api/v1/notifications/unread-count/"} <= set(paths)
    assert set(paths["/api/v1/notifications/read-all/"]) == {"post"}
    params = {p["name"] for p in paths["/api/v1/notifications/"]["get"]["parameters"]}
    assert {"unread", "kind", "page"} <= params
    assert schema["components"]["schemas"]["NotificationKindEnum"]["enum"] == list(Notification.Kind.values)
    assert schema["components"]["schemas"]["UnreadCount"]["properties"] == {"unread": {"type": "integer"}}


def test_the_kind_badge_says_how_urgent_it_is(world, page_as):
    """Overdue and missed in red, due soon in amber, the rest grey: 隐患逾期 no longer looks like 隐患整改到期."""
    for kind in (Notification.Kind.HAZARD_OVERDUE, Notification.Kind.HAZARD_DUE, Notification.Kind.OTHER):
        tell(world.officer, title=kind, kind=kind)
    html = page_as(world.officer).get(INBOX).content.decode()
    assert 'class="badge text-bg-danger fw-normal" data-kind="hazard_overdue"' in html
    assert 'class="badge text-bg-warning fw-normal" data-kind="hazard_due"' in html
    assert 'class="badge text-bg-secondary fw-normal" data-kind="other"' in html
