"""Key-enterprise designation (重点企业): a record with history; the enterprise's key fields mirror the current one
and change only through enterprise_designate / enterprise_undesignate."""
import io
from datetime import date, timedelta
from importlib import import_module

import pytest
from django.apps import apps
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation
from openpyxl import Workbook

from parkbeat.audit.models import AuditEvent
from parkbeat.core.services import ConflictError
from parkbeat.enterprises import services
from parkbeat.enterprises.models import Enterprise, KeyDesignation
from parkbeat.enterprises.spreadsheets import COLUMNS, import_roster

COVERS = {"enterprises:enterprise_designate", "enterprises:enterprise_undesignate", "enterprise-designate",
          "enterprise-undesignate", "enterprise-designations"}
carry_over = import_module("parkbeat.enterprises.migrations.0005_key_designations").carry_over_key_flags


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def designate(world, enterprise=None, actor=None, **kw):
    enterprise = Enterprise.objects.get(pk=(enterprise or world.enterprise).pk)
    data = {"risk_category": "hazmat", "reason": "储存液氨", **kw}
    return services.enterprise_designate(actor=actor or world.officer, enterprise=enterprise,
                                         expected_version=enterprise.version, **data)


def state(enterprise):
    e = Enterprise.objects.get(pk=enterprise.pk)
    return e.is_key, e.key_reason, e.risk_category


# ---------------------------------------------------------------- services
def test_designating_records_who_when_why_and_mirrors_it_on_the_enterprise(world):
    review = timezone.localdate() + timedelta(days=365)

    designation = designate(world, review_on=review)

    assert (designation.created_by, designation.starts_on, designation.review_on, designation.ended_on) == (
        world.officer, timezone.localdate(), review, None)
    assert state(world.enterprise) == (True, "储存液氨", "hazmat")
    verbs = list(AuditEvent.objects.order_by("-id").values_list("verb", "object_type")[:2])
    assert verbs == [("update", "enterprises.Enterprise"), ("create", "enterprises.KeyDesignation")]


def test_a_change_ends_the_current_designation_and_keeps_it_in_the_history(world):
    first = designate(world, starts_on=timezone.localdate() - timedelta(days=90))

    second = designate(world, actor=world.leader, risk_category="warehouse", reason="大型仓储")

    first.refresh_from_db()
    assert (first.ended_on, first.ended_by, first.ended_reason) == (
        timezone.localdate(), world.leader, "Replaced by a new designation")
    assert second.is_current and not first.is_current
    assert state(world.enterprise) == (True, "大型仓储", "warehouse")
    assert list(world.enterprise.designations.values_list("pk", flat=True)) == [second.pk, first.pk]


def test_ending_a_designation_says_why_and_clears_the_key_flag(world):
    designation = designate(world)
    enterprise = Enterprise.objects.get(pk=world.enterprise.pk)

    services.enterprise_undesignate(actor=world.officer, enterprise=enterprise, reason="已搬迁危化品仓库",
                                    expected_version=enterprise.version)

    designation.refresh_from_db()
    assert (designation.ended_on, designation.ended_reason, designation.ended_by) == (
        timezone.localdate(), "已搬迁危化品仓库", world.officer)
    assert state(world.enterprise) == (False, "", "")


@pytest.mark.parametrize("kw, field, message", [
    ({"reason": "  "}, "reason", "This field cannot be blank."),
    ({"risk_category": ""}, "risk_category", "This field cannot be blank."),
    ({"risk_category": "magic"}, "risk_category", "Value 'magic' is not a valid choice."),
    ({"starts_on": date(1999, 12, 31)}, "starts_on", "Choose a date from 2000-01-01 on."),
    ({"review_on": date(2020, 1, 1)}, "review_on", "The review date must lie in the future."),
])
def test_bad_designations_are_refused_naming_the_field_and_change_nothing(world, kw, field, message):
    events = AuditEvent.objects.count()

    with pytest.raises(ValidationError) as exc:
        designate(world, **kw)

    assert exc.value.message_dict[field] == [message]
    assert state(world.enterprise) == (False, "", "")
    assert (KeyDesignation.objects.count(), AuditEvent.objects.count()) == (0, events)


def test_a_designation_cannot_start_in_the_future_or_before_the_current_one(world):
    designate(world, starts_on=timezone.localdate() - timedelta(days=10))

    with pytest.raises(ValidationError) as future:
        designate(world, starts_on=timezone.localdate() + timedelta(days=1))
    with pytest.raises(ValidationError) as earlier:
        designate(world, starts_on=timezone.localdate() - timedelta(days=11))

    assert future.value.message_dict == {"starts_on": ["This has already happened: it cannot lie in the future."]}
    assert list(earlier.value.message_dict) == ["starts_on"]
    assert KeyDesignation.objects.count() == 1


def test_ending_needs_a_reason_and_a_current_designation(world):
    enterprise = Enterprise.objects.get(pk=world.enterprise.pk)
    with pytest.raises(ValidationError) as none:
        services.enterprise_undesignate(actor=world.officer, enterprise=enterprise, reason="不再重点")
    designate(world)
    with pytest.raises(ValidationError) as blank:
        services.enterprise_undesignate(actor=world.officer, enterprise=enterprise, reason=" ")

    assert none.value.messages == ["This enterprise is not a key enterprise."]
    assert blank.value.message_dict == {"reason": ["Say why the designation ends."]}
    assert state(world.enterprise) == (True, "储存液氨", "hazmat")


def test_a_stale_version_is_a_conflict_and_changes_nothing(world):
    enterprise = Enterprise.objects.get(pk=world.enterprise.pk)
    services.enterprise_update(actor=world.leader, enterprise=Enterprise.objects.get(pk=enterprise.pk),
                               data={"headcount": 555}, expected_version=1)

    with pytest.raises(ConflictError):
        services.enterprise_designate(actor=world.officer, enterprise=enterprise, risk_category="fire",
                                      reason="仓储", expected_version=1)

    assert state(world.enterprise) == (False, "", "") and KeyDesignation.objects.count() == 0


@pytest.mark.parametrize("who", ["auxiliary", "mediator", "agency_staff", "liaison", "officer2", "other_officer"])
def test_only_the_leader_and_the_officer_of_the_park_designate(world, who):
    with pytest.raises(PermissionDenied):
        designate(world, actor=getattr(world, who))

    assert KeyDesignation.objects.count() == 0


def test_a_closed_enterprise_is_not_designated(world):
    Enterprise.objects.filter(pk=world.enterprise.pk).update(status="closed")

    with pytest.raises(ValidationError) as exc:
        designate(world)

    assert exc.value.messages == ["A closed enterprise cannot be designated."]


# ---------------------------------------------------------------- the data migration
def test_the_migration_carries_each_key_flag_over_into_one_current_designation(world):
    Enterprise.objects.filter(pk=world.enterprise.pk).update(is_key=True, key_reason="危化品仓储",
                                                             risk_category="hazmat")
    Enterprise.objects.filter(pk=world.enterprise2.pk).update(is_key=True, key_reason="人员密集")  # no category

    carry_over(apps, None)

    rows = {d.enterprise_id: d for d in KeyDesignation.objects.all()}
    assert set(rows) == {world.enterprise.pk, world.enterprise2.pk}
    assert [(rows[e.pk].risk_category, rows[e.pk].reason, rows[e.pk].created_by, rows[e.pk].ended_on)
            for e in (world.enterprise, world.enterprise2)] == [("hazmat", "危化品仓储", None, None),
                                                                  ("other", "人员密集", None, None)]
    assert rows[world.enterprise.pk].starts_on == timezone.localtime(world.enterprise.created_at).date()
    assert state(world.enterprise2) == (True, "人员密集", "other")


# ---------------------------------------------------------------- the roster import
def roster(world, rows):
    wb = Workbook()
    ws = wb.active
    ws.append([title for _name, title in COLUMNS])
    for values in rows:
        ws.append(values)
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    return buffer


def line(enterprise, key="否", reason="", risk=""):
    return [enterprise.name, enterprise.credit_code, "xinma", "", None, None, "其他", 100, key, reason, risk, "正常"]


def test_the_import_designates_and_ends_designations_through_the_services(world):
    designate(world, enterprise=world.enterprise2)

    summary = import_roster(user=world.officer, fileobj=roster(world, [
        line(world.enterprise, "是", "危化品仓储", "危险化学品"), line(world.enterprise2, "否")]))

    assert summary["imported"] and (summary["updated"], summary["error_count"]) == (2, 0)
    assert state(world.enterprise) == (True, "危化品仓储", "hazmat")
    assert state(world.enterprise2) == (False, "", "")
    current = KeyDesignation.objects.get(ended_on__isnull=True)
    ended = KeyDesignation.objects.get(ended_on__isnull=False)
    assert (current.enterprise_id, current.created_by) == (world.enterprise.pk, world.officer)
    assert (ended.enterprise_id, ended.ended_reason) == (world.enterprise2.pk, "Not key in the imported roster")


def test_the_import_refuses_key_fields_on_a_non_key_row(world):
    summary = import_roster(user=world.officer, fileobj=roster(world, [line(world.enterprise, "否", "", "消防")]))

    assert not summary["imported"]
    assert [(e.column, e.message) for e in summary["errors"]] == [
        ("风险类别", "Only a key enterprise (是) has a risk category.")]
    assert KeyDesignation.objects.count() == 0


# ---------------------------------------------------------------- pages
@pytest.fixture
def english_page(page_as):
    def make(user):
        client = page_as(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client
    return make


def test_the_enterprise_page_shows_the_history_and_the_designate_link(world, english_page):
    designate(world, starts_on=date(2025, 3, 1))
    designate(world, actor=world.leader, risk_category="fire", reason="仓储可燃物多")

    body = english_page(world.officer).get(f"/enterprises/{world.enterprise.pk}/").content.decode()

    assert body.index("仓储可燃物多") < body.index("储存液氨")
    assert "Replaced by a new designation" in body and "2025-03-01" in body
    assert f"/enterprises/{world.enterprise.pk}/designate/" in body
    assert f"/enterprises/{world.enterprise.pk}/undesignate/" in body
    aux = english_page(world.auxiliary).get(f"/enterprises/{world.enterprise.pk}/").content.decode()
    assert "储存液氨" in aux and "/designate/" not in aux


def test_designating_through_the_page(world, english_page):
    client = english_page(world.officer)
    url = f"/enterprises/{world.enterprise.pk}/designate/"

    assert client.get(url).status_code == 200
    response = client.post(url, {"version": 1, "risk_category": "crowd", "reason": "员工宿舍人员密集"})

    assert response.status_code == 302
    assert state(world.enterprise) == (True, "员工宿舍人员密集", "crowd")
    stale = client.post(url, {"version": 1, "risk_category": "fire", "reason": "后到者"})
    assert stale.status_code == 200 and "changed by someone else" in stale.content.decode()
    ended = client.post(f"/enterprises/{world.enterprise.pk}/undesignate/", {"version": 2, "reason": "整改完毕"})
    assert ended.status_code == 302 and state(world.enterprise) == (False, "", "")


def test_the_page_forms_refuse_the_wrong_role_and_another_station(world, english_page):
    url = f"/enterprises/{world.enterprise.pk}/designate/"
    assert english_page(world.auxiliary).get(url).status_code == 403
    assert english_page(world.other_officer).get(url).status_code == 404
    assert english_page(world.other_officer).post(
        f"/enterprises/{world.enterprise.pk}/undesignate/", {"version": 1, "reason": "x"}).status_code == 404
    assert KeyDesignation.objects.count() == 0


def test_the_edit_form_no_longer_writes_key_status(world, english_page):
    client = english_page(world.officer)
    e = world.enterprise
    response = client.post(f"/enterprises/{e.pk}/edit/", {
        "name": e.name, "credit_code": e.credit_code, "park": e.park_id, "industry": "other", "headcount": 7,
        "status": "active", "is_key": "on", "key_reason": "绕过", "risk_category": "fire", "version": 1})

    assert response.status_code == 302
    assert state(e) == (False, "", "") and Enterprise.objects.get(pk=e.pk).headcount == 7


# ---------------------------------------------------------------- API
def test_designate_and_undesignate_through_the_api(world, api_as):
    client = api_as(world.officer)
    base = f"/api/v1/enterprises/{world.enterprise.pk}"

    made = client.post(f"{base}/designate/", {"version": 1, "risk_category": "dust", "reason": "粉尘涉爆"},
                       format="json")
    ended = client.post(f"{base}/undesignate/", {"version": 2, "reason": "停产"}, format="json")
    history = client.get(f"{base}/designations/")

    assert made.status_code == 200
    assert (made.json()["is_key"], made.json()["risk_category"], made.json()["version"]) == (True, "dust", 2)
    assert ended.status_code == 200 and ended.json()["is_key"] is False
    [row] = history.json()
    assert (row["risk_category"], row["reason"], row["ended_reason"], row["created_by"], row["ended_by"]) == (
        "dust", "粉尘涉爆", "停产", world.officer.display_name, world.officer.display_name)


def test_the_api_bodies_are_strict_and_key_fields_are_read_only(world, api_as):
    client = api_as(world.officer)
    base = f"/api/v1/enterprises/{world.enterprise.pk}"

    unknown = client.post(f"{base}/designate/", {"version": 1, "risk_category": "dust", "reason": "粉尘",
                                                 "ended_on": "2026-01-01"}, format="json")
    missing = client.post(f"{base}/designate/", {"version": 1, "reason": "粉尘"}, format="json")
    patched = client.patch(f"{base}/", {"version": 1, "is_key": True, "key_reason": "绕过"}, format="json")
    stale = client.post(f"{base}/designate/", {"version": 9, "risk_category": "dust", "reason": "粉尘"},
                        format="json")

    assert (unknown.status_code, unknown.json()["detail"]) == (400, "These fields are not accepted here: ended_on.")
    assert (missing.status_code, list(missing.json())) == (400, ["risk_category", "detail"])
    assert (patched.status_code, patched.json()["detail"]) == (
        400, "These fields are not accepted here: is_key, key_reason.")
    assert stale.status_code == 409
    assert state(world.enterprise) == (False, "", "")


def test_the_api_refuses_the_wrong_role_and_another_station(world, api_as):
    body = {"version": 1, "risk_category": "dust", "reason": "粉尘"}
    url = f"/api/v1/enterprises/{world.enterprise.pk}/designate/"

    assert api_as(world.auxiliary).post(url, body, format="json").status_code == 403
    assert api_as(world.agency_staff).post(url, body, format="json").status_code == 403
    assert api_as(world.other_officer).post(url, body, format="json").status_code == 404
    assert api_as(world.other_officer).get(
        f"/api/v1/enterprises/{world.enterprise.pk}/designations/").status_code == 404
    assert KeyDesignation.objects.count() == 0
