"""Who reaches which lead and case, through pages, API and export: the police of the park; auxiliaries a case
summary (no description, items, suspects or timeline); the enterprise's liaison only its own cases' status and
recovered value (not another enterprise's: 404); agency staff only the leads their agency works; another station
404; the wrong role 403 and nothing changed."""
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from parkbeat.crime import services as s
from parkbeat.crime.models import Case, Lead
from parkbeat.crime.tests import helpers as h
from parkbeat.testing import UserFactory, assign
from parkbeat.org.models import Role

COVERS = {
    "crime:lead_list", "crime:lead_create", "crime:lead_detail", "crime:lead_observe", "crime:lead_close",
    "crime:case_list", "crime:case_create", "crime:case_detail", "crime:case_key_time", "crime:case_suspect",
    "crime:case_note", "crime:case_transition",
    "crime-lead-list", "crime-lead-detail", "crime-lead-observe", "crime-lead-close", "crime-lead-observations",
    "crime-case-list", "crime-case-detail", "crime-case-key-time", "crime-case-transition", "crime-case-suspect-add",
    "crime-case-suspects", "crime-case-events", "crime-case-figures",
}


@pytest.fixture
def page(page_as):
    def make(user):
        client = page_as(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client
    return make


@pytest.fixture
def cases(world):
    ours = h.case(world)
    s.suspect_add(actor=world.officer, case=ours, name="李小四", resident_id="11010519491231002X")
    neighbour = h.case(world, enterprise=world.enterprise2, title="电子元件被盗", loss_items="芯片 3 箱")
    theirs = h.case(world, actor=world.other_officer, enterprise=world.other_enterprise, title="食品仓库被盗")
    return ours, neighbour, theirs


def ids(client, url):
    return sorted(row["id"] for row in client.get(url).json()["results"])


def test_police_see_their_parks_cases_and_another_station_gets_404(world, cases, page, api_as):
    ours, neighbour, theirs = cases
    for user in (world.leader, world.officer, world.auxiliary):
        assert ids(api_as(user), "/api/v1/crime/cases/") == sorted([ours.pk, neighbour.pk])
    assert ids(api_as(world.other_officer), "/api/v1/crime/cases/") == [theirs.pk]
    for url in (f"/crime/cases/{ours.pk}/", f"/api/v1/crime/cases/{ours.pk}/",
                f"/api/v1/crime/cases/{ours.pk}/events/", f"/api/v1/crime/cases/{ours.pk}/suspects/"):
        assert page(world.other_officer).get(url).status_code == 404
    body = page(world.officer).get(f"/crime/cases/{ours.pk}/").content.decode()
    assert "数控模板 12 套" in body and "李**" in body and "11010519491231002X" not in body
    assert "case-timeline" in body
    listing = page(world.officer).get("/crime/cases/").content.decode()
    assert "数控模板被盗" in listing and "食品仓库被盗" not in listing and "case-figures" in listing
    for role in ("mediator", "volunteer", "agency_staff", "sysadmin", "auditor"):
        assert page(getattr(world, role)).get("/crime/cases/").status_code == 403
        assert api_as(getattr(world, role)).get("/api/v1/crime/cases/").status_code == 403


def test_the_auxiliary_sees_a_summary(world, cases, page, api_as):
    ours, _neighbour, _theirs = cases
    body = page(world.auxiliary).get(f"/crime/cases/{ours.pk}/").content.decode()
    assert "数控模板被盗" in body and "86,000.00" in body  # title and the loss total
    assert "数控模板 12 套" not in body and "车间内" not in body and "李**" not in body and "case-timeline" not in body
    data = api_as(world.auxiliary).get(f"/api/v1/crime/cases/{ours.pk}/").json()
    assert "description" not in data and "loss_items" not in data and data["loss_yuan"] == "86000.00"
    for url in ("events", "suspects"):
        assert api_as(world.auxiliary).get(f"/api/v1/crime/cases/{ours.pk}/{url}/").status_code == 403
    refused = api_as(world.auxiliary).post(f"/api/v1/crime/cases/{ours.pk}/transition/",
                                           {"version": ours.version, "status": "solved"}, format="json")
    assert refused.status_code == 403
    assert page(world.auxiliary).post(f"/crime/cases/{ours.pk}/status/",
                                      {"version": ours.version, "status": "solved"}).status_code == 403
    ours.refresh_from_db()
    assert ours.status == "open"
    export = page(world.auxiliary).get("/crime/cases/?export=xlsx")
    assert export.status_code == 200  # the summary columns


def test_the_liaison_sees_only_status_and_recovered_value_of_their_own(world, cases, page, api_as):
    ours, neighbour, _theirs = cases
    s.case_key_time(actor=world.officer, case=ours, kind="recovered", recovered_yuan="50000",
                    expected_version=ours.version)
    assert ids(api_as(world.liaison), "/api/v1/crime/cases/") == [ours.pk]
    data = api_as(world.liaison).get(f"/api/v1/crime/cases/{ours.pk}/").json()
    assert set(data) == {"id", "kind", "enterprise", "reported_at", "status", "recovered_yuan"}
    assert data["recovered_yuan"] == "50000.00"
    assert api_as(world.liaison).get(f"/api/v1/crime/cases/{neighbour.pk}/").status_code == 404
    assert page(world.liaison).get(f"/crime/cases/{neighbour.pk}/").status_code == 404
    body = page(world.liaison).get(f"/crime/cases/{ours.pk}/").content.decode()
    assert "50,000.00" in body and "86000" not in body and "86,000" not in body and "数控模板 12 套" not in body and "李**" not in body
    listing = page(world.liaison).get("/crime/cases/").content.decode()
    assert "86000" not in listing and "86,000" not in listing and "case-figures" not in listing
    assert page(world.liaison).get("/crime/cases/?export=xlsx").status_code == 403
    assert api_as(world.liaison).get("/api/v1/crime/cases/figures/").status_code == 403
    other = assign(UserFactory(username="t_liaison2"), Role.LIAISON, enterprise=world.enterprise2)
    assert ids(api_as(other), "/api/v1/crime/cases/") == [neighbour.pk]
    assert page(other).get(f"/crime/cases/{ours.pk}/").status_code == 404


def test_agency_staff_see_only_the_leads_their_agency_works(world, page, api_as):
    worked = h.lead(world, agency=world.agency)
    unworked = h.lead(world, description="夜间有人在园区外收购废旧电缆")
    assert ids(api_as(world.agency_staff), "/api/v1/crime/leads/") == [worked.pk]
    assert page(world.agency_staff).get(f"/crime/leads/{unworked.pk}/").status_code == 404
    assert api_as(world.agency_staff).get(f"/api/v1/crime/leads/{unworked.pk}/observations/").status_code == 404
    body = page(world.agency_staff).get(f"/crime/leads/{worked.pk}/").content.decode()
    assert "observe-form" in body and "lead-convert" not in body
    posted = api_as(world.agency_staff).post(f"/api/v1/crime/leads/{worked.pk}/observe/", {"note": "烟草局抽检"},
                                             format="json")
    assert posted.status_code == 201
    assert page(world.agency_staff).post(f"/crime/leads/{worked.pk}/close/",
                                         {"version": worked.version, "reason": "无"}).status_code == 403
    assert api_as(world.agency_staff).get("/api/v1/crime/cases/").status_code == 403
    assert ids(api_as(world.officer), "/api/v1/crime/leads/") == sorted([worked.pk, unworked.pk])
    assert api_as(world.other_officer).get(f"/api/v1/crime/leads/{worked.pk}/").status_code == 404
    assert page(world.other_officer).post(f"/crime/leads/{worked.pk}/observe/", {"note": "x"}).status_code == 404
    assert page(world.officer).get("/crime/leads/?export=xlsx").status_code == 200


def test_pages_write_through_services(world, page):
    officer = page(world.officer)
    now = timezone.localtime().replace(second=0, microsecond=0)
    fmt = "%Y-%m-%dT%H:%M"
    made = officer.post("/crime/leads/new/", {"park": world.park.pk, "source": "patrol", "area": "新马中学周边",
                                              "description": "向学生出售散装香烟", "agency": world.agency.pk,
                                              "received_at": (now - timedelta(days=2)).strftime(fmt)})
    assert made.status_code == 302, made.content.decode()[:2000]
    lead = Lead.objects.get()
    assert officer.post(f"/crime/leads/{lead.pk}/observe/", {"note": "蹲守", "at": now.strftime(fmt)}).status_code == 302
    assert officer.get(f"/crime/cases/new/?lead={lead.pk}").status_code == 200
    made = officer.post(f"/crime/cases/new/?lead={lead.pk}", {
        "kind": "illegal_business", "title": "非法经营卷烟", "description": "出售假烟", "park": world.park.pk,
        "occurred_at": (now - timedelta(days=3)).strftime(fmt), "reported_at": now.strftime(fmt),
        "loss_yuan": "0", "expected_version": lead.version})
    assert made.status_code == 302, made.content.decode()[:3000]
    case = Case.objects.get()
    lead.refresh_from_db()
    assert case.lead == lead and lead.status == "case"
    bad = officer.post("/crime/cases/new/", {
        "kind": "theft", "title": "x", "description": "x", "enterprise": world.enterprise.pk,
        "occurred_at": now.strftime(fmt), "reported_at": (now - timedelta(hours=1)).strftime(fmt)})
    assert bad.status_code == 200 and "occurred after it was reported" in bad.content.decode()
    assert officer.post(f"/crime/cases/{case.pk}/key-time/", {"version": case.version, "kind": "identified",
                                                              "at": now.strftime(fmt)}).status_code == 302
    stale = officer.post(f"/crime/cases/{case.pk}/status/", {"version": case.version, "status": "solved"},
                         follow=True)
    assert "changed by someone else" in stale.content.decode()
    case.refresh_from_db()
    assert case.suspect_identified_at is not None and case.status == "open"
    assert officer.post(f"/crime/cases/{case.pk}/note/", {"note": "调取监控", "at": now.strftime(fmt)}).status_code == 302
    assert officer.post(f"/crime/cases/{case.pk}/suspects/", {"name": "赵六"}).status_code == 302
    assert page(world.auxiliary).get("/crime/cases/new/").status_code == 403


def test_api_writes_and_refusals(world, api_as):
    officer = api_as(world.officer)
    now = timezone.now()
    created = officer.post("/api/v1/crime/cases/", {
        "kind": "theft", "title": "数控模板被盗", "description": "夜间被盗", "enterprise": world.enterprise.pk,
        "occurred_at": (now - timedelta(hours=8)).isoformat(), "reported_at": (now - timedelta(hours=2)).isoformat(),
        "loss_yuan": "86000"}, format="json")
    assert created.status_code == 201, created.json()
    case = created.json()
    bad = officer.post("/api/v1/crime/cases/", {"kind": "theft", "title": "x", "description": "x",
                                               "enterprise": world.enterprise.pk, "occurred_at": now.isoformat(),
                                               "reported_at": (now - timedelta(hours=1)).isoformat()}, format="json")
    assert bad.status_code == 400 and "occurred_at" in bad.json()
    unknown = officer.post("/api/v1/crime/cases/", {"kind": "theft", "title": "x", "description": "x",
                                                   "occurred_at": now.isoformat(), "colour": "red"}, format="json")
    assert unknown.status_code == 400 and "colour" in unknown.json()
    negative = officer.post("/api/v1/crime/cases/", {"kind": "theft", "title": "x", "description": "x",
                                                    "enterprise": world.enterprise.pk, "loss_yuan": "-1",
                                                    "occurred_at": (now - timedelta(hours=1)).isoformat()},
                            format="json")
    assert negative.status_code == 400 and "loss_yuan" in negative.json()
    too_much = officer.post(f"/api/v1/crime/cases/{case['id']}/key-time/", {
        "version": case["version"], "kind": "recovered", "recovered_yuan": "90000"}, format="json")
    assert too_much.status_code == 400 and "recovered_yuan" in too_much.json()
    ok = officer.post(f"/api/v1/crime/cases/{case['id']}/key-time/", {
        "version": case["version"], "kind": "identified"}, format="json")
    assert ok.status_code == 200 and ok.json()["suspect_identified_at"]
    stale = officer.post(f"/api/v1/crime/cases/{case['id']}/transition/", {
        "version": case["version"], "status": "solved"}, format="json")
    assert stale.status_code == 409 and "detail" in stale.json()
    added = officer.post(f"/api/v1/crime/cases/{case['id']}/suspects/add/", {
        "name": "李小四", "resident_id": "11010519491231002X"}, format="json")
    assert added.status_code == 201 and added.json()["name"] == "李**"
    assert "11010519491231002X" not in str(officer.get(f"/api/v1/crime/cases/{case['id']}/suspects/").json())
    events = officer.get(f"/api/v1/crime/cases/{case['id']}/events/").json()
    assert [e["kind"] for e in events] == ["reported", "identified"]
    figures = officer.get("/api/v1/crime/cases/figures/?kind=theft").json()
    assert figures["cases"] == 1 and figures["identified"] == 1
    lead = officer.post("/api/v1/crime/leads/", {"park": world.park.pk, "source": "agency",
                                                 "description": "烟草局通报", "agency": world.agency.pk},
                        format="json")
    assert lead.status_code == 201, lead.json()
    closed = officer.post(f"/api/v1/crime/leads/{lead.json()['id']}/close/", {"version": 1, "reason": "已查实无违法"},
                          format="json")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert officer.post(f"/api/v1/crime/leads/{lead.json()['id']}/close/", {"version": 1, "reason": "再次"},
                        format="json").status_code == 409
    assert api_as(world.agency_staff).post("/api/v1/crime/leads/", {
        "park": world.park.pk, "source": "agency", "description": "x"}, format="json").status_code == 403
