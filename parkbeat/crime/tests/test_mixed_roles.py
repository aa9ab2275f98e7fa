"""A user with roles in several parks sees each case at the level of the role in that case's park: an officer of
park A who is an auxiliary in park B and the liaison of an enterprise in another station reads A's cases whole,
B's as a summary and the enterprise's as status and recovered value — in the list API, the page, the export, the
detail (page and API) and the figures."""
from io import BytesIO

import pytest
from django.conf import settings
from openpyxl import load_workbook

from parkbeat.crime.tests import helpers as h
from parkbeat.org.models import Role
from parkbeat.testing import UserFactory, assign


@pytest.fixture
def mixed(world):
    user = assign(UserFactory(username="t_mixed"), Role.PARK_OFFICER, park=world.park)
    assign(user, Role.AUXILIARY, park=world.park2)
    assign(user, Role.LIAISON, enterprise=world.other_enterprise)
    full = h.case(world, title="新马模板被盗")
    summary = h.case(world, actor=world.officer2, enterprise=world.park2_enterprise, title="栗雨材料被盗",
                     loss_items="铜材 2 吨", description="栗雨仓库夜间被盗")
    status = h.case(world, actor=world.other_officer, enterprise=world.other_enterprise, title="群丰食品仓库被盗",
                    loss_items="冻品 30 箱", description="群丰冷库被撬")
    return user, full, summary, status


@pytest.fixture
def page(page_as):
    def make(user):
        client = page_as(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client
    return make


def test_the_list_api_writes_each_row_at_its_parks_level(world, mixed, api_as):
    user, full, summary, status = mixed
    rows = {row["id"]: row for row in api_as(user).get("/api/v1/crime/cases/").json()["results"]}
    assert set(rows) == {full.pk, summary.pk, status.pk}
    assert "description" in rows[full.pk] and rows[full.pk]["loss_items"] == full.loss_items
    assert "description" not in rows[summary.pk] and "loss_items" not in rows[summary.pk]
    assert "loss_yuan" in rows[summary.pk]
    assert set(rows[status.pk]) == {"id", "kind", "enterprise", "reported_at", "status", "recovered_yuan"}


def test_the_detail_api_and_page_follow_the_cases_park(world, mixed, api_as, page):
    user, full, summary, status = mixed
    api = api_as(user)
    assert "description" in api.get(f"/api/v1/crime/cases/{full.pk}/").json()
    assert "description" not in api.get(f"/api/v1/crime/cases/{summary.pk}/").json()
    assert set(api.get(f"/api/v1/crime/cases/{status.pk}/").json()) == {
        "id", "kind", "enterprise", "reported_at", "status", "recovered_yuan"}
    body = page(user).get(f"/crime/cases/{status.pk}/").content.decode()
    assert "群丰食品仓库被盗" not in body and "冻品 30 箱" not in body and "群丰冷库被撬" not in body
    body = page(user).get(f"/crime/cases/{summary.pk}/").content.decode()
    assert "栗雨材料被盗" in body and "铜材 2 吨" not in body and "栗雨仓库夜间被盗" not in body
    body = page(user).get(f"/crime/cases/{full.pk}/").content.decode()
    assert full.loss_items in body


def test_the_page_and_the_export_hide_what_a_rows_level_does_not_allow(world, mixed, page):
    user, full, summary, status = mixed
    body = page(user).get("/crime/cases/").content.decode()
    assert "新马模板被盗" in body and "栗雨材料被盗" in body and "群丰食品仓库被盗" not in body
    answer = page(user).get("/crime/cases/?export=xlsx")
    assert answer.status_code == 200
    sheet = load_workbook(BytesIO(b"".join(answer.streaming_content) if answer.streaming else answer.content)).active
    cells = [[str(c.value) if c.value is not None else "" for c in row] for row in sheet.iter_rows()]
    text = "\n".join("|".join(row) for row in cells)
    assert "新马模板被盗" in text and "群丰食品仓库被盗" not in text
    status_row = next(row for row in cells if "Theft" in row and "群丰食品有限公司" in row)
    assert "86000" not in "|".join(status_row)


def test_the_figures_leave_out_the_status_rows(world, mixed, api_as):
    user, full, summary, status = mixed
    figures = api_as(user).get("/api/v1/crime/cases/figures/").json()
    assert figures["cases"] == 2 and float(figures["loss_yuan"]) == float(full.loss_yuan + summary.loss_yuan)


def test_one_level_users_are_unchanged(world, mixed, api_as):
    _user, full, summary, status = mixed
    rows = api_as(world.liaison).get("/api/v1/crime/cases/").json()["results"]
    assert [set(r) for r in rows] == [{"id", "kind", "enterprise", "reported_at", "status", "recovered_yuan"}]
    rows = {r["id"]: r for r in api_as(world.officer).get("/api/v1/crime/cases/").json()["results"]}
    assert set(rows) == {full.pk} and "description" in rows[full.pk]
