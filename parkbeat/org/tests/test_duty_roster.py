"""The duty roster as a week × park grid: navigation, bad weeks, print page, PDF, Excel, who may see and edit."""
import io
from datetime import timedelta
from urllib.parse import unquote

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from parkbeat.audit.models import AuditEvent
from parkbeat.core.tests.pdftext import pdf_text
from parkbeat.org.models import DutyShift, Role

COVERS = ("org:duty_list", "org:duty_print", "org:duty_pdf", "org:duty_export", "org:duty_delete")


def local(hour, days=0):
    now = timezone.localtime()
    return now.replace(hour=hour, minute=0, second=0, microsecond=0) + timedelta(days=days)


def monday():
    today = timezone.localdate()
    return today - timedelta(days=today.weekday())


@pytest.fixture
def shifts(world):
    cache.clear()
    mine = DutyShift.objects.create(park=world.park, user=world.officer, starts_at=local(8), ends_at=local(17),
                                    note="园区值守")
    aux = DutyShift.objects.create(park=world.park, user=world.auxiliary, role=Role.AUXILIARY,
                                   starts_at=local(18), ends_at=local(22), note="夜间巡防")
    other = DutyShift.objects.create(park=world.other_park, user=world.other_officer, starts_at=local(8),
                                     ends_at=local(17), note="外所值守")
    return mine, aux, other


def test_the_grid_has_a_row_per_park_and_a_column_per_day(world, page_as, shifts):
    body = page_as(world.leader).get(reverse("org:duty_list")).content.decode()

    assert "新马工业园" in body and "栗雨工业园" in body and "群丰园区" not in body
    for k in range(7):
        assert f"{monday() + timedelta(days=k):%m-%d}" in body
    assert world.officer.display_name in body and world.auxiliary.display_name in body
    assert "外所值守" not in body and world.other_officer.display_name not in body
    assert body.count('class="duty-entry') == 2
    add = f"{reverse('org:duty_create')}?park={world.park.pk}&amp;date={timezone.localdate():%Y-%m-%d}"
    assert add in body
    assert f'type="date" name="week" value="{monday():%Y-%m-%d}"' in body


def test_a_week_out_of_range_is_an_error_not_a_500(world, page_as, shifts):
    response = page_as(world.officer).get(reverse("org:duty_list"), {"week": "9999-12-31"})

    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="week-errors"' in body and "2000-01-01" in body and "2099-12-31" in body
    assert body.count('class="duty-entry') == 2  # this week instead


def test_the_print_page_shows_this_week_beside_the_error_on_a_bad_week(world, page_as, shifts):
    assert page_as(world.officer).get(reverse("org:duty_print"), {"week": "9999-12-31"}).status_code == 200


@pytest.mark.parametrize("name", ["org:duty_pdf", "org:duty_export"])
def test_a_download_with_a_bad_week_is_refused_back_to_the_roster_and_not_logged(world, page_as, shifts, name):
    from parkbeat.audit.models import AuditEvent

    client = page_as(world.officer)
    response = client.get(reverse(name), {"week": "9999-12-31"}, follow=True)

    assert response.redirect_chain and response.redirect_chain[-1][0].startswith(reverse("org:duty_list"))
    assert "2099-12-31" in response.content.decode()
    assert not AuditEvent.objects.filter(verb__in=("export", "download")).exists()


def test_the_first_and_last_weeks_offer_no_step_beyond(world, page_as):
    last = page_as(world.officer).get(reverse("org:duty_list"), {"week": "2099-12-31"}).content.decode()

    assert 'id="next-week"' not in last and 'id="prev-week"' in last and 'id="week-errors"' not in last


def test_the_grid_adds_and_removes_only_where_the_user_plans(world, page_as, shifts):
    mine, _aux, _other = shifts
    auxiliary = page_as(world.auxiliary).get(reverse("org:duty_list")).content.decode()

    assert reverse("org:duty_delete", args=[mine.pk]) not in auxiliary and "duty-add" not in auxiliary
    assert "btn-outline-danger" not in page_as(world.officer).get(reverse("org:duty_list")).content.decode()


def test_removal_confirms_then_removes(world, page_as, shifts):
    mine, _aux, _other = shifts
    client = page_as(world.officer)
    url = reverse("org:duty_delete", args=[mine.pk])

    page = client.get(url, {"park": world.park.pk})
    assert page.status_code == 200 and "园区值守" in page.content.decode()
    assert DutyShift.objects.filter(pk=mine.pk).exists()
    response = client.post(url, {"park": world.park.pk})

    assert response.status_code == 302 and f"park={world.park.pk}" in response["Location"]
    assert not DutyShift.objects.filter(pk=mine.pk).exists()


@pytest.mark.parametrize("who,status", [("auxiliary", 403), ("officer2", 404), ("other_officer", 404),
                                        ("mediator", 403), ("liaison", 403)])
def test_the_removal_page_is_for_the_parks_planners_only(world, page_as, shifts, who, status):
    mine, _aux, _other = shifts
    client = page_as(getattr(world, who))

    assert client.get(reverse("org:duty_delete", args=[mine.pk])).status_code == status
    assert client.post(reverse("org:duty_delete", args=[mine.pk])).status_code == status
    assert DutyShift.objects.filter(pk=mine.pk).exists()


def test_the_print_page_shows_the_week(world, page_as, shifts):
    response = page_as(world.officer).get(reverse("org:duty_print"), {"week": monday().isoformat()})

    assert response.status_code == 200
    body = response.content.decode()
    assert "值班表" in body and world.station.name in body and world.officer.display_name in body
    assert "外所值守" not in body and "pb-landscape" in body
    assert f"{reverse('org:duty_pdf')}?week={monday():%Y-%m-%d}" in body


def test_the_pdf_holds_the_grid_and_is_audited(world, page_as, shifts):
    response = page_as(world.officer).get(reverse("org:duty_pdf"))

    assert response.status_code == 200
    assert f"值班表_{monday():%Y%m%d}_" in unquote(response["Content-Disposition"])
    text = pdf_text(response)
    assert "值班表" in text and "新马工业园" in text and world.officer.display_name in text
    assert world.other_officer.display_name not in text and "打印时间" in text
    [event] = AuditEvent.objects.filter(verb="download")
    assert (event.actor_username, event.object_type) == ("t_officer", "org.DutyShift")


def test_the_excel_export_has_exactly_the_shown_shifts(world, page_as, shifts):
    response = page_as(world.leader).get(reverse("org:duty_export"), {"park": world.park.pk})

    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("日期", "星期", "园区", "值班人员", "角色")
    assert sorted(r[3] for r in rows[1:]) == sorted([world.officer.display_name, world.auxiliary.display_name])
    assert {r[7] for r in rows[1:]} == {"园区值守", "夜间巡防"}
    [event] = AuditEvent.objects.filter(verb="export", object_type="org.DutyShift")
    assert event.actor_username == "t_leader"


def test_another_parks_officer_exports_none_of_park_a(world, page_as, shifts):
    response = page_as(world.officer2).get(reverse("org:duty_export"))

    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[1:] == []


@pytest.mark.parametrize("who", ["mediator", "agency_staff", "liaison", "volunteer", "sysadmin", "auditor"])
@pytest.mark.parametrize("name", ["org:duty_list", "org:duty_print", "org:duty_pdf", "org:duty_export"])
def test_roles_without_the_roster_get_403(world, page_as, shifts, who, name):
    assert page_as(getattr(world, who)).get(reverse(name)).status_code == 403
    assert not AuditEvent.objects.filter(verb__in=["download", "export"]).exists()


def test_another_stations_roster_is_invisible(world, page_as, shifts):
    client = page_as(world.other_officer)

    body = client.get(reverse("org:duty_list"), {"park": world.park.pk}).content.decode()

    assert world.officer.display_name not in body and "园区值守" not in body
    assert "外所值守" in client.get(reverse("org:duty_list")).content.decode()
