"""Parks, accounts and role assignments export exactly what their pages show; administrators' files hold
account fields only, a mobile masked as on the page."""
import pytest
from django.urls import reverse

from parkbeat.audit.models import AuditEvent
from parkbeat.enterprises.tests.test_list_exports import shown_and_exported, sheet
from parkbeat.org.models import User


@pytest.mark.parametrize("role, expected", [("officer", {"新马工业园"}), ("leader", {"新马工业园", "栗雨工业园"})])
def test_park_export_is_the_scoped_list(world, page_as, role, expected):
    count, (header, rows) = shown_and_exported(page_as(getattr(world, role)), reverse("org:park_list"), {})

    assert count == len(rows) == len(expected)
    assert {row[1] for row in rows} == expected  # 群丰园区 of the other station is absent
    assert header[:2] == ("派出所", "园区")
    assert AuditEvent.objects.filter(verb="export", object_type="org.Park").count() == 1


def test_park_export_follows_the_search_and_sort(world, page_as):
    client = page_as(world.leader)

    count, (header, rows) = shown_and_exported(client, reverse("org:park_list"), {"q": "栗雨", "sort": "-code"})

    assert count == len(rows) == 1 and rows[0][1] == "栗雨工业园"


def test_account_export_is_the_list_with_the_mobile_masked(world, page_as):
    User.objects.filter(pk=world.officer.pk).update(mobile="13812345678")
    client = page_as(world.sysadmin)

    count, (header, rows) = shown_and_exported(client, reverse("org:user_list"), {"q": "t_officer"})

    assert count == len(rows) == 2
    cells = [str(cell) for row in rows for cell in row]
    assert "138****5678" in cells and "13812345678" not in cells
    assert "操作" not in header  # the page's buttons are not exported
    assert not any("园区" in str(h) or "角色" in str(h) for h in header)  # no case data, no roles (三员分立)
    event = AuditEvent.objects.filter(verb="export", object_type="org.User").latest("id")
    assert event.actor_id == world.sysadmin.pk


def test_role_export_is_the_list(world, page_as):
    client = page_as(world.secadmin)

    count, (header, rows) = shown_and_exported(client, reverse("org:role_list"), {"role": "park_officer"})

    assert count == len(rows) == 3  # t_officer, t_officer2, t_other_officer
    assert {row[2] for row in rows} == {"园区民警"}
    assert AuditEvent.objects.filter(verb="export", object_type="org.RoleAssignment").count() == 1


@pytest.mark.parametrize("url_name, allowed", [("org:user_list", "sysadmin"), ("org:role_list", "secadmin")])
def test_the_administrators_exports_are_theirs_alone(world, page_as, url_name, allowed):
    for name in ("leader", "officer", "sysadmin", "secadmin", "auditor"):
        response = page_as(getattr(world, name)).get(reverse(url_name), {"export": "xlsx"})
        if name == allowed:
            sheet(response)
        else:
            assert response.status_code == 403, (url_name, name)
    assert AuditEvent.objects.filter(verb="export").count() == 1


def test_account_actions_still_post_with_their_token(world, page_as):
    html = page_as(world.sysadmin).get(reverse("org:user_list"), {"q": "t_officer"}).content.decode()

    assert f'action="{reverse("org:user_toggle", args=[world.officer.pk])}"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert reverse("org:user_toggle", args=[world.sysadmin.pk]) not in html  # not on oneself
