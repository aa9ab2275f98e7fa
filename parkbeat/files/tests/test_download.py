"""E4/B3: attachments are served only through a parent the user may see, as a download that is never sniffed or cached."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from parkbeat.testing import DemandFactory, VisitFactory
from parkbeat.files.services import attachment_create
from parkbeat.files.tests.test_uploads import png_bytes

# The routes whose permission tests live here (SECURITY B1's URL walk).
COVERS = {"files:attachment_download", "attachment-download"}


@pytest.fixture
def attached(world):
    visit = VisitFactory(enterprise=world.enterprise, visitor=world.officer)
    attachment = attachment_create(actor=world.officer, obj=visit,
                                   upload=SimpleUploadedFile("门岗 “夜班” 记录.png", png_bytes()))
    return visit, attachment


def page_url(parent_type, parent_pk, pk):
    return reverse("files:attachment_download", args=[parent_type, parent_pk, pk])


def api_url(parent_type, parent_pk, pk):
    return f"/api/v1/attachments/{parent_type}/{parent_pk}/{pk}/"


def test_download_page_serves_the_file_as_an_attachment_with_safe_headers(world, attached, page_as):
    visit, attachment = attached

    response = page_as(world.officer).get(attachment.get_absolute_url())

    assert response.status_code == 200
    assert response.content == attachment.path.read_bytes()
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == (
        "attachment; filename=\"__ ____ __.png\"; "
        "filename*=UTF-8''%E9%97%A8%E5%B2%97%20%E2%80%9C%E5%A4%9C%E7%8F%AD%E2%80%9D%20%E8%AE%B0%E5%BD%95.png")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "no-store"
    assert attachment.get_absolute_url() == f"/files/enterprises.visit/{visit.pk}/{attachment.pk}/"


def test_download_api_serves_the_same_file_and_headers(world, attached, api_as):
    visit, attachment = attached

    response = api_as(world.leader).get(api_url("enterprises.visit", visit.pk, attachment.pk))

    assert response.status_code == 200
    assert (response.content, response["Content-Type"], response["X-Content-Type-Options"],
            response["Cache-Control"]) == (attachment.path.read_bytes(), "image/png", "nosniff", "no-store")
    assert response["Content-Disposition"].startswith("attachment; ")


@pytest.mark.parametrize("who", ["other_officer", "officer2", "liaison", "volunteer", "sysadmin", "secadmin",
                                 "auditor", "nobody"])
def test_user_outside_the_parents_scope_gets_404_on_page_and_api(world, attached, page_as, api_as, who):
    visit, attachment = attached
    user = getattr(world, who)

    assert page_as(user).get(page_url("enterprises.visit", visit.pk, attachment.pk)).status_code == 404
    assert api_as(user).get(api_url("enterprises.visit", visit.pk, attachment.pk)).status_code == 404


@pytest.mark.parametrize("who", ["leader", "officer", "auxiliary"])
def test_users_who_see_the_parent_may_download(world, attached, page_as, api_as, who):
    visit, attachment = attached
    user = getattr(world, who)

    assert page_as(user).get(page_url("enterprises.visit", visit.pk, attachment.pk)).status_code == 200
    assert api_as(user).get(api_url("enterprises.visit", visit.pk, attachment.pk)).status_code == 200


def test_attachment_through_the_url_of_another_visible_parent_is_404(world, attached, page_as, api_as):
    visit, attachment = attached
    other_visit = VisitFactory(enterprise=world.enterprise, visitor=world.officer)  # the officer sees both
    demand = DemandFactory(pk=visit.pk, enterprise=world.enterprise, raised_by=world.officer)  # same id, other type

    for parent_type, parent_pk in [("enterprises.visit", other_visit.pk), ("enterprises.demand", demand.pk),
                                   ("enterprises.enterprise", world.enterprise.pk)]:
        assert page_as(world.officer).get(page_url(parent_type, parent_pk, attachment.pk)).status_code == 404
        assert api_as(world.officer).get(api_url(parent_type, parent_pk, attachment.pk)).status_code == 404


@pytest.mark.parametrize("parent_type", ["org.user", "audit.auditevent", "files.attachment", "nope.nothing",
                                         "a.b.c", "enterprises", "auth.group"])
def test_unscoped_or_unknown_parent_types_are_404(world, attached, page_as, api_as, parent_type):
    _visit, attachment = attached

    assert page_as(world.leader).get(page_url(parent_type, 1, attachment.pk)).status_code == 404
    assert api_as(world.leader).get(api_url(parent_type, 1, attachment.pk)).status_code == 404


def test_huge_ids_are_404_not_errors(world, attached, page_as, api_as):
    visit, _attachment = attached
    huge = 10 ** 30
    assert page_as(world.officer).get(page_url("enterprises.visit", huge, 1)).status_code == 404
    assert api_as(world.officer).get(api_url("enterprises.visit", visit.pk, huge)).status_code == 404


def test_anonymous_gets_302_on_the_page_and_401_on_the_api(world, attached, client, api_as):
    visit, attachment = attached

    page = client.get(page_url("enterprises.visit", visit.pk, attachment.pk))
    api = api_as(None).get(api_url("enterprises.visit", visit.pk, attachment.pk))

    assert (page.status_code, page["Location"].split("?")[0]) == (302, reverse("login"))
    assert api.status_code == 401


def test_download_is_get_only(world, attached, page_as):
    visit, attachment = attached
    assert page_as(world.officer).post(page_url("enterprises.visit", visit.pk, attachment.pk)).status_code == 405


def test_attachment_download_is_in_the_api_schema(world, api_as):
    schema = api_as(world.leader).get("/api/schema/", HTTP_ACCEPT="application/json").json()
    assert "/api/v1/attachments/{parent_type}/{parent_pk}/{id}/" in schema["paths"]


def test_every_download_is_on_the_audit_trail_with_who_and_what_and_a_refused_one_leaves_nothing(
        world, attached, page_as, api_as):
    from parkbeat.audit.models import AuditEvent

    visit, attachment = attached
    page_as(world.officer).get(attachment.get_absolute_url())
    api_as(world.leader).get(api_url("enterprises.visit", visit.pk, attachment.pk))
    refused = api_as(world.other_officer).get(api_url("enterprises.visit", visit.pk, attachment.pk))

    assert refused.status_code == 404
    assert list(AuditEvent.objects.filter(verb="download").order_by("id").values_list(
        "actor_username", "object_type", "object_id", "note")) == [
        (user.username, "files.Attachment", str(attachment.pk),
         f"enterprises.visit {visit.pk}: {attachment.original_name}") for user in (world.officer, world.leader)]
