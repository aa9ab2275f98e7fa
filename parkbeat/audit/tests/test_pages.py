"""The audit trail pages: the auditor alone reads them; filters, paging, local times, compact changes."""
import re
from datetime import datetime, timedelta, timezone as dt_timezone

import pytest
import time_machine
from django.urls import reverse

from parkbeat.audit.models import AuditEvent
from parkbeat.audit.services import record, verify_chain
from parkbeat.org import services
from parkbeat.org.models import User

ROLE_NAMES = ("leader", "officer", "auxiliary", "mediator", "agency_staff", "liaison", "volunteer", "sysadmin",
              "secadmin", "nobody")


def rows(response):
    match = re.search(r'<table[^>]*id="audit-results".*?<tbody>(.*?)</tbody>', response.content.decode(), re.S)
    return re.findall(r"<tr\b.*?</tr>", match.group(1), re.S) if match else []


def event_at(when, **fields):
    """An event written through `record` at a fixed time (the clock is moved, the chain stays whole)."""
    with time_machine.travel(when, tick=False):
        return record(actor=None, verb=fields.pop("verb", "update"), object_type=fields.pop("object_type", "org.Park"),
                      object_repr=fields.pop("object_repr", "新马工业园"), **fields)


def test_the_auditor_reads_the_trail(world, page_as):
    response = page_as(world.auditor).get(reverse("audit:event_list"))

    assert response.status_code == 200
    # The auditor's own login (force_login) is the newest event.
    first = rows(response)[0]
    assert f'title="t_auditor">{world.auditor.full_name}</span>' in first


@pytest.mark.parametrize("name", ROLE_NAMES)
def test_nobody_else_opens_the_trail(world, page_as, name):
    client = page_as(getattr(world, name))
    event = AuditEvent.objects.order_by("id").first()

    assert client.get(reverse("audit:event_list")).status_code == 403
    assert client.get(reverse("audit:event_detail", args=[event.pk])).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client, db):
    response = client.get(reverse("audit:event_detail", args=[1]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_write_shows_with_user_roles_type_outcome_object_and_changes(world, page_as):
    services.user_set_active(actor=world.sysadmin, user=world.officer, active=False)

    response = page_as(world.auditor).get(reverse("audit:event_list"), {"user": "T_SYSADMIN", "verb": "update"})

    [row] = rows(response)
    active = User._meta.get_field("is_active").verbose_name
    assert world.sysadmin.full_name in row
    assert "badge text-bg-success" in row
    assert f"{User._meta.verbose_name}</span><br>{world.officer.full_name}" in row
    assert f"{active}：</span>是 → 否" in row


def test_times_are_shown_in_asia_shanghai(world, page_as):
    event_at(datetime(2025, 3, 31, 17, 30, 5, tzinfo=dt_timezone.utc), note="跨日事件")

    response = page_as(world.auditor).get(reverse("audit:event_list"), {"object_type": "org.Park"})

    [row] = rows(response)
    assert "2025-04-01 01:30:05" in row
    assert "跨日事件" in row


def test_failures_show_a_red_badge(world, page_as):
    record(actor=None, verb="login_failed", outcome="failure", object_type="org.User", object_repr="ghost")

    response = page_as(world.auditor).get(reverse("audit:event_list"), {"verb": "login_failed"})

    [row] = rows(response)
    assert "badge text-bg-danger" in row and "ghost" in row


def test_filters_by_object_and_date_range(world, page_as):
    park = world.park
    event_at(datetime(2025, 5, 1, 2, 0, tzinfo=dt_timezone.utc), object_id=str(park.pk), note="五月")
    event_at(datetime(2025, 6, 1, 2, 0, tzinfo=dt_timezone.utc), object_id=str(park.pk), note="六月")
    event_at(datetime(2025, 6, 1, 2, 0, tzinfo=dt_timezone.utc), object_id="999", note="别的园区")
    client = page_as(world.auditor)

    by_object = rows(client.get(reverse("audit:event_list"), {"object_type": "org.Park", "object_id": str(park.pk)}))
    june = rows(client.get(reverse("audit:event_list"), {"object_type": "org.Park", "date_from": "2025-06-01",
                                                          "date_to": "2025-06-30"}))

    assert [("六月" in r, "五月" in r) for r in by_object] == [(True, False), (False, True)]
    assert len(june) == 2 and all("五月" not in r for r in june)


def test_pages_of_fifty_newest_first(world, page_as):
    base = datetime(2025, 1, 1, tzinfo=dt_timezone.utc)
    for n in range(60):
        event_at(base + timedelta(minutes=n), object_id=str(n), note=f"第{n}条")
    client = page_as(world.auditor)

    first = rows(client.get(reverse("audit:event_list"), {"object_type": "org.Park"}))
    second = rows(client.get(reverse("audit:event_list"), {"object_type": "org.Park", "page": 2}))

    assert len(first) == 50 and len(second) == 10
    assert "第59条" in first[0] and "第10条" in first[-1]
    assert "第9条" in second[0] and "第0条" in second[-1]


def test_long_changes_are_shortened_in_the_list_and_whole_in_the_detail(world, page_as):
    long_note = "长" * 100
    event = record(actor=world.officer, verb="update", obj=world.park, before={"description": ""},
                   after={"description": long_note})
    client = page_as(world.auditor)

    [row] = rows(client.get(reverse("audit:event_list"), {"object_type": "org.Park"}))
    detail = client.get(reverse("audit:event_detail", args=[event.pk]))

    assert "长" * 39 + "…" in row and "长" * 40 not in row
    assert detail.status_code == 200
    assert long_note in detail.content.decode()
    assert event.hash in detail.content.decode()


def test_reading_the_trail_changes_nothing(world, page_as):
    client = page_as(world.auditor)
    before = AuditEvent.objects.count()

    client.get(reverse("audit:event_list"))
    client.get(reverse("audit:event_detail", args=[AuditEvent.objects.first().pk]))

    assert AuditEvent.objects.count() == before
    assert verify_chain() == (before, None)


def test_password_hashes_are_never_shown(world, page_as):
    user = services.user_create(actor=world.sysadmin, username="zhang_wei", password="Pale-Harbour-Lantern-42")
    event = AuditEvent.objects.get(object_type="org.User", verb="create")
    client = page_as(world.auditor)

    listing = client.get(reverse("audit:event_list"), {"verb": "create"}).content.decode()
    detail = client.get(reverse("audit:event_detail", args=[event.pk])).content.decode()

    salted_hash = user.password.split("$")[-1]
    assert salted_hash not in listing and salted_hash not in detail
    assert "<td>password</td>" not in detail  # never recorded in the first place
