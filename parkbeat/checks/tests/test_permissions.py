"""Who reaches background checks, through every door: pages, API, export, figures, the enterprise page. Auxiliaries,
mediators, agency staff and volunteers get 403; another enterprise's liaison and another park's officer 404 or
nothing; the liaison sees the outcome and advice only; answering needs the second factor; every read is audited."""
import io
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from openpyxl import load_workbook
from rest_framework.test import APIClient

from parkbeat.audit.models import AuditEvent
from parkbeat.checks.models import BackgroundCheck
from parkbeat.checks.tests import helpers as h
from parkbeat.files.models import Attachment
from parkbeat.org.models import Role
from parkbeat.security.services import second_factor_required
from parkbeat.testing import UserFactory, assign

COVERS = {
    "checks:check_list", "checks:check_request", "checks:check_figures", "checks:read_log", "checks:check_detail",
    "checks:check_answer",
    "background-check-list", "background-check-detail", "background-check-answer", "background-check-figures",
    "background-check-export",
}
OUTSIDERS = ["auxiliary", "mediator", "agency_staff", "volunteer", "sysadmin", "auditor"]


@pytest.fixture
def page(page_as, client):
    """A page client as `user`: the roles that must use the second factor pass it through the real forms."""
    def make(user):
        if second_factor_required(user):
            return h.verified_client(client, user)
        logged_in = page_as(user)
        logged_in.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return logged_in
    return make


@pytest.fixture
def other_liaison(world):
    """The liaison of the other enterprise of the same park."""
    return assign(UserFactory(username="t_liaison2"), Role.LIAISON, enterprise=world.enterprise2)


@pytest.fixture
def answered(world):
    return h.answer(world, h.request(world))


def views_of(check):
    return AuditEvent.objects.filter(verb="view", object_type="checks.BackgroundCheck", object_id=str(check.pk))


# ---------------------------------------------------------------- outsiders: 403 everywhere, nothing read
@pytest.mark.parametrize("who", OUTSIDERS)
def test_roles_outside_the_checks_cannot_read_them_anywhere(world, answered, page, api_as, who):
    user = getattr(world, who)
    pages = [page(user).get(url).status_code for url in (
        "/checks/", f"/checks/{answered.pk}/", "/checks/?export=xlsx", "/checks/figures/", "/checks/new/")]
    api = api_as(user)
    calls = [api.get("/api/v1/background-checks/").status_code,
             api.get(f"/api/v1/background-checks/{answered.pk}/").status_code,
             api.get("/api/v1/background-checks/export/").status_code,
             api.get("/api/v1/background-checks/figures/").status_code,
             api.post(f"/api/v1/background-checks/{answered.pk}/answer/", {"outcome": "suitable", "version": 2},
                      format="json").status_code]

    assert pages == [403] * 5 and calls == [403] * 5
    assert not views_of(answered).exists()
    assert not AuditEvent.objects.filter(verb="export", actor=user).exists()


def test_the_enterprise_page_shows_no_check_panel_to_an_auxiliary(world, answered, page):
    response = page(world.auxiliary).get(f"/enterprises/{world.enterprise.pk}/")

    assert response.status_code == 200 and 'id="file-checks"' not in response.content.decode()


# ---------------------------------------------------------------- another enterprise, another park: 404 / nothing
def test_another_enterprises_liaison_sees_nothing(world, answered, other_liaison, page, api_as):
    client, api = page(other_liaison), api_as(other_liaison)

    listed = client.get("/checks/")
    detail = client.get(f"/checks/{answered.pk}/")
    exported = client.get("/checks/?export=xlsx")
    api_list = api.get("/api/v1/background-checks/").json()
    api_detail = api.get(f"/api/v1/background-checks/{answered.pk}/")
    api_export = api.get("/api/v1/background-checks/export/")
    figures = api.get("/api/v1/background-checks/figures/")
    filtered = api.get(f"/api/v1/background-checks/?enterprise={world.enterprise.pk}")
    panel = client.get(f"/enterprises/{world.enterprise2.pk}/").content.decode()

    assert listed.status_code == 200 and h.ADVICE not in listed.content.decode()
    assert "No background check matches these filters." in listed.content.decode()
    assert (detail.status_code, api_detail.status_code, figures.status_code) == (404, 404, 403)
    assert api_list["results"] == [] and filtered.status_code == 400
    assert load_workbook(io.BytesIO(exported.content)).active.max_row == 1  # the header only
    assert load_workbook(io.BytesIO(api_export.content)).active.max_row == 1
    assert "王**" not in panel and h.ADVICE not in panel
    assert not views_of(answered).exists()


def test_another_parks_officer_gets_404(world, answered, page, api_as):
    assert page(world.other_officer).get(f"/checks/{answered.pk}/").status_code == 404
    assert page(world.officer2).get(f"/checks/{answered.pk}/").status_code == 404
    api = api_as(world.other_officer)
    assert api.get(f"/api/v1/background-checks/{answered.pk}/").status_code == 404
    assert api.get("/api/v1/background-checks/figures/").json()["requests"] == 0
    assert not views_of(answered).exists()


def test_the_consent_file_is_the_checks_own(world, answered, page):
    [consent] = answered_consent = list(Attachment.objects.filter(object_id=answered.pk,
                                                                   content_type__model="backgroundcheck"))
    url = consent.get_absolute_url()

    assert page(world.auxiliary).get(url).status_code == 404
    assert page(world.officer).get(url).status_code == 200
    assert answered_consent


# ---------------------------------------------------------------- the liaison: their request, outcome and advice
def test_the_liaison_sees_the_outcome_and_advice_never_who_answered(world, answered, page, api_as):
    response = page(world.liaison).get(f"/checks/{answered.pk}/")
    api = api_as(world.liaison).get(f"/api/v1/background-checks/{answered.pk}/").json()

    html = response.content.decode()
    assert response.status_code == 200
    assert h.ADVICE in html and "Suitable with advice" in html
    assert world.officer.full_name not in html and h.RID not in html and "110***********002X" in html
    assert (api["outcome"], api["advice"], api["answered_by"], api["resident_id"]) == (
        "advice", h.ADVICE, None, "110***********002X")
    assert [e.actor_username for e in views_of(answered)] == ["t_liaison", "t_liaison"]
    assert set(views_of(answered).values_list("note", flat=True)) == {"page", "api"}


def test_the_liaisons_list_and_the_enterprise_panel_show_the_conclusion(world, answered, page):
    listed = page(world.liaison).get("/checks/").content.decode()
    panel = page(world.liaison).get(f"/enterprises/{world.enterprise.pk}/").content.decode()

    assert "王**" in listed and h.NAME not in listed and "110***********002X" in listed
    assert 'id="file-checks"' in panel and "Suitable with advice" in panel
    assert h.NAME not in panel and "王**" not in panel and h.ADVICE not in panel


def test_the_liaison_cannot_answer(world, page, api_as):
    check = h.request(world)

    assert page(world.liaison).post(f"/checks/{check.pk}/answer/", {"outcome": "suitable", "version": 1}
                                    ).status_code == 403
    assert api_as(world.liaison).post(f"/api/v1/background-checks/{check.pk}/answer/",
                                      {"outcome": "suitable", "version": 1}, format="json").status_code == 403
    assert BackgroundCheck.objects.get(pk=check.pk).status == "requested"


# ---------------------------------------------------------------- the request
def test_the_liaison_requests_a_check_on_the_page(world, page):
    client = page(world.liaison)
    form = client.get("/checks/new/")
    response = client.post("/checks/new/", {"enterprise": world.enterprise.pk, "candidate_name": h.NAME,
                                            "resident_id": h.RID.lower(), "post": "出纳", "post_kind": "finance",
                                            "consent": h.pdf()})

    check = BackgroundCheck.objects.get()
    assert form.status_code == 200 and 'enctype="multipart/form-data"' in form.content.decode()
    assert (response.status_code, response["Location"]) == (302, f"/checks/{check.pk}/")
    assert (check.enterprise, check.resident_id, check.post_kind, check.requested_by) == (
        world.enterprise, h.RID, "finance", world.liaison)


def test_the_page_refuses_a_request_without_consent(world, page):
    response = page(world.liaison).post("/checks/new/", {
        "enterprise": world.enterprise.pk, "candidate_name": h.NAME, "resident_id": h.RID, "post": "出纳",
        "post_kind": "finance"})

    html = response.content.decode()
    assert response.status_code == 200 and "This field is required." in html
    assert h.RID not in html  # the ID is never sent back (D2)
    assert not BackgroundCheck.objects.exists()


def test_the_page_refuses_a_fake_pdf(world, page):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = page(world.liaison).post("/checks/new/", {
        "enterprise": world.enterprise.pk, "candidate_name": h.NAME, "resident_id": h.RID, "post": "出纳",
        "post_kind": "finance", "consent": SimpleUploadedFile("a.pdf", b"<html>x</html>")})

    assert response.status_code == 200 and "does not match its name" in response.content.decode()
    assert not BackgroundCheck.objects.exists() and not Attachment.objects.exists()


def test_the_page_refuses_another_enterprise(world, page):
    response = page(world.liaison).post("/checks/new/", {
        "enterprise": world.enterprise2.pk, "candidate_name": h.NAME, "resident_id": h.RID, "post": "出纳",
        "post_kind": "finance", "consent": h.pdf()})

    assert response.status_code == 200 and not BackgroundCheck.objects.exists()


def test_the_api_request_needs_the_consent_and_refuses_unknown_fields(world, api_as):
    api = api_as(world.liaison)
    body = {"enterprise": world.enterprise.pk, "candidate_name": h.NAME, "resident_id": h.RID, "post": "出纳",
            "post_kind": "finance"}

    missing = api.post("/api/v1/background-checks/", body, format="multipart")
    unknown = api.post("/api/v1/background-checks/", {**body, "consent": h.pdf(), "status": "answered"},
                       format="multipart")
    other = api.post("/api/v1/background-checks/", {**body, "enterprise": world.other_enterprise.pk,
                                                    "consent": h.pdf()}, format="multipart")
    bad_id = api.post("/api/v1/background-checks/", {**body, "resident_id": "110105194912310021",
                                                     "consent": h.pdf()}, format="multipart")
    made = api.post("/api/v1/background-checks/", {**body, "consent": h.pdf()}, format="multipart")

    assert missing.status_code == 400 and missing.json()["detail"].startswith("consent")
    assert unknown.status_code == 400 and "status" in unknown.json()
    assert other.status_code == 400 and "enterprise" in other.json()
    assert bad_id.status_code == 400 and "resident_id" in bad_id.json()
    assert made.status_code == 201 and made.json()["resident_id"] == "110***********002X"
    assert made.json()["candidate_name"] == h.NAME and made.json()["status"] == "requested"
    assert BackgroundCheck.objects.count() == 1


def test_officers_do_not_request(world, api_as, page):
    assert page(world.officer).get("/checks/new/").status_code == 403
    response = api_as(world.officer).post("/api/v1/background-checks/", {
        "enterprise": world.enterprise.pk, "candidate_name": h.NAME, "resident_id": h.RID, "post": "出纳",
        "post_kind": "finance", "consent": h.pdf()}, format="multipart")
    assert response.status_code == 403 and not BackgroundCheck.objects.exists()


# ---------------------------------------------------------------- the answer and the second factor
def test_an_officer_without_the_second_factor_is_sent_to_set_it_up(world, page):
    check = h.request(world)
    client = page(world.officer)

    detail = client.get(f"/checks/{check.pk}/")
    posted = client.post(f"/checks/{check.pk}/answer/", {"outcome": "suitable", "version": 1})

    assert detail.status_code == 200 and "needs your one-time code" in detail.content.decode()
    assert 'name="outcome"' not in detail.content.decode()
    assert posted.status_code == 302 and posted["Location"].startswith("/security/")
    assert BackgroundCheck.objects.get(pk=check.pk).status == "requested"


def test_an_officer_who_passed_the_second_factor_answers(world, client):
    check = h.request(world)
    client = h.verified_client(client, world.officer)

    detail = client.get(f"/checks/{check.pk}/")
    posted = client.post(f"/checks/{check.pk}/answer/", {"outcome": "not_recommended", "advice": "不建议从事出纳岗位。",
                                                         "version": 1})
    again = client.post(f"/checks/{check.pk}/answer/", {"outcome": "suitable", "version": 1}, follow=True)

    check.refresh_from_db()
    assert detail.status_code == 200 and 'name="outcome"' in detail.content.decode()
    assert h.NAME in detail.content.decode()  # the officer reads the full name to do the check
    assert (posted.status_code, posted["Location"]) == (302, f"/checks/{check.pk}/")
    assert (check.status, check.outcome, check.answered_by) == ("answered", "not_recommended", world.officer)
    assert "changed by someone else" in again.content.decode()
    assert BackgroundCheck.objects.get(pk=check.pk).outcome == "not_recommended"


def test_the_api_answer_needs_the_second_factor(world, api_as):
    check = h.request(world)
    url = f"/api/v1/background-checks/{check.pk}/answer/"

    plain = api_as(world.officer).post(url, {"outcome": "suitable", "version": 1}, format="json")
    old_token = h.token_client(world.officer)  # issued before any device: not after both factors
    older = old_token.post(url, {"outcome": "suitable", "version": 1}, format="json")
    h.enrol(world.officer)
    api = h.token_client(world.officer)
    unknown = api.post(url, {"outcome": "suitable", "version": 1, "answered_by": 3}, format="json")
    stale = api.post(url, {"outcome": "suitable", "version": 7}, format="json")
    done = api.post(url, {"outcome": "advice", "advice": h.ADVICE, "version": 1}, format="json")
    twice = api.post(url, {"outcome": "suitable", "version": 2}, format="json")

    assert plain.status_code == 403 and "second factor" in plain.json()["detail"]
    assert older.status_code == 403
    assert unknown.status_code == 400 and "answered_by" in unknown.json()
    assert stale.status_code == 409
    assert done.status_code == 200 and (done.json()["status"], done.json()["answered_by"]) == (
        "answered", world.officer.pk)
    assert twice.status_code == 409
    assert BackgroundCheck.objects.get(pk=check.pk).outcome == "advice"


def test_the_auxiliary_cannot_answer_even_verified(world, client):
    check = h.request(world)
    client = h.verified_client(client, world.auxiliary)

    assert client.get(f"/checks/{check.pk}/").status_code == 403
    assert client.post(f"/checks/{check.pk}/answer/", {"outcome": "suitable", "version": 1}).status_code == 403
    assert BackgroundCheck.objects.get(pk=check.pk).status == "requested"


# ---------------------------------------------------------------- export: masked and audited per row
def test_the_officers_export_is_masked_and_each_row_is_a_read(world, answered, page):
    second = h.request(world, rid=h.RID2, name="李春梅", post_kind="driver")
    other = h.request(world, liaison=assign(UserFactory(username="t_l3"), Role.LIAISON,
                                            enterprise=world.other_enterprise), enterprise=world.other_enterprise)

    response = page(world.officer).get("/checks/?export=xlsx")

    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    text = repr(rows)
    assert response.status_code == 200 and len(rows) == 3
    assert h.NAME not in text and h.RID not in text and h.RID2 not in text and "李春梅" not in text
    assert "王**" in text and "李**" in text and "110***********002X" in text
    assert views_of(answered).get().note == "export" and views_of(second).get().actor == world.officer
    assert not views_of(other).exists()
    assert AuditEvent.objects.filter(verb="export", actor=world.officer, object_type="checks.BackgroundCheck").count() == 1


def test_the_api_export_is_masked_and_audited(world, answered, api_as):
    response = api_as(world.leader).get("/api/v1/background-checks/export/?status=answered")
    refused = api_as(world.leader).get(f"/api/v1/background-checks/export/?format=xlsx&park={world.other_park.pk}")

    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert response.status_code == 200 and len(rows) == 2
    assert h.NAME not in repr(rows) and h.RID not in repr(rows)
    assert views_of(answered).get().actor == world.leader
    assert (refused.status_code, refused["Content-Type"]) == (400, "application/json") and "park" in refused.json()


# ---------------------------------------------------------------- lists, filters, figures, the read log
def test_the_queue_filters_and_paginates(world, page, api_as):
    first = h.request(world)
    h.answer(world, h.request(world, rid=h.RID2, post_kind="driver"))

    queue = page(world.officer).get("/checks/?status=requested")
    drivers = api_as(world.officer).get("/api/v1/background-checks/?post_kind=driver").json()
    paged = page(world.officer).get("/checks/?page_size=10&page=3")
    bad = api_as(world.officer).get("/api/v1/background-checks/?status=lost")

    assert queue.status_code == 200 and f"/checks/{first.pk}/" in queue.content.decode()
    assert [r["post_kind"] for r in drivers["results"]] == ["driver"]
    assert drivers["results"][0]["candidate_name"] == "王**"
    assert paged.status_code == 200 and bad.status_code == 400


def test_figures_for_the_police_only(world, answered, page, api_as):
    officer = api_as(world.officer).get("/api/v1/background-checks/figures/").json()
    page_figures = page(world.leader).get("/checks/figures/")
    liaison = api_as(world.liaison).get("/api/v1/background-checks/figures/")
    bad = api_as(world.officer).get("/api/v1/background-checks/figures/?start=2026-05-01&end=2026-04-01")
    unknown = api_as(world.officer).get("/api/v1/background-checks/figures/?colour=red")

    assert (officer["requests"], officer["answered"], officer["outcomes"]["warehouse"]["advice"]) == (1, 1, 1)
    assert page_figures.status_code == 200 and 'id="fig-requests">1<' in page_figures.content.decode()
    assert liaison.status_code == 403 and page(world.liaison).get("/checks/figures/").status_code == 403
    assert bad.status_code == 400 and "end" in bad.json() and unknown.status_code == 400


def test_the_auditor_lists_who_read_which_request(world, answered, page, api_as):
    page(world.officer).get(f"/checks/{answered.pk}/")
    api_as(world.liaison).get(f"/api/v1/background-checks/{answered.pk}/")

    log = page(world.auditor).get(f"/checks/reads/?check={answered.pk}")

    html = log.content.decode()
    assert log.status_code == 200 and "t_officer" in html and "t_liaison" in html and "Park officer" in html
    assert h.NAME not in html
    assert page(world.officer).get("/checks/reads/").status_code == 403
    assert page(world.liaison).get("/checks/reads/").status_code == 403


def test_an_erased_check_shows_no_personal_data(world, answered, page):
    from parkbeat.checks import services

    BackgroundCheck.objects.filter(pk=answered.pk).update(answered_at=timezone.now() - timedelta(days=200))
    services.erase_expired()

    html = page(world.officer).get(f"/checks/{answered.pk}/").content.decode()
    assert "Personal data erased" in html and h.NAME not in html and h.ADVICE not in html


def test_anonymous_gets_401_on_the_api(world, answered):
    assert APIClient().get(f"/api/v1/background-checks/{answered.pk}/").status_code == 401
