"""The volunteers' pages end to end: forms write through the services, refusals land on the form, nothing is
half-saved, and the resident ID is never sent back to the browser."""
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from parkbeat.files.models import Attachment
from parkbeat.volunteers.models import SupportRecord, Training, Volunteer, VolunteerTeam
from parkbeat.volunteers.tests.factories import CANDIDATE_ID, Cast

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def cast(world):
    return Cast(world)


def nomination(**extra):
    return {"name": "赵六", "resident_id": CANDIDATE_ID, "mobile": "13912345678", "post": "操作工",
            "duties": ["patrol", "guarding"], "consent_date": timezone.localdate().isoformat(), "consent_confirmed": "on",
            **extra}


def test_the_nomination_page_stores_the_candidate_and_the_consent_file(world, cast, client):
    client.force_login(world.liaison)
    upload = SimpleUploadedFile("consent.pdf", PDF, content_type="application/pdf")

    response = client.post(reverse("volunteers:nominate", args=[cast.team.pk]), nomination(consent_file=upload))

    volunteer = Volunteer.objects.get(name="赵六")
    assert response.status_code == 302 and response["Location"] == volunteer.get_absolute_url()
    assert (volunteer.duties, volunteer.consent_confirmed) == (["patrol", "guarding"], True)
    assert Attachment.objects.for_object(volunteer).get().original_name == "consent.pdf"
    page = client.get(volunteer.get_absolute_url()).content.decode()
    assert "110***********0038" in page and "consent.pdf" in page


def test_a_duplicate_or_unconfirmed_nomination_comes_back_with_errors_and_no_echo(world, cast, client):
    client.force_login(world.liaison)
    client.post(reverse("volunteers:nominate", args=[cast.team.pk]), nomination())

    duplicate = client.post(reverse("volunteers:nominate", args=[cast.team.pk]), nomination(name="赵六二"))
    unconfirmed = client.post(reverse("volunteers:nominate", args=[cast.team.pk]),
                              nomination(consent_confirmed="", resident_id="110101199003071153"))

    assert duplicate.status_code == 200 and duplicate.context["form"].errors["resident_id"]
    assert CANDIDATE_ID not in duplicate.content.decode()  # typed again, never sent back (the scanner agrees)
    assert unconfirmed.status_code == 200 and "consent_confirmed" in unconfirmed.context["form"].errors
    assert Volunteer.objects.filter(name__startswith="赵六").count() == 1


def test_the_officer_rejects_on_the_page_with_a_reason_entered_after_the_fact(world, cast, client):
    client.force_login(world.officer)
    url = reverse("volunteers:volunteer_vet", args=[cast.nominee.pk])
    yesterday = timezone.localtime() - timedelta(days=1)

    no_reason = client.post(url, {"decision": "reject", "version": cast.nominee.version})
    done = client.post(url, {"decision": "reject", "version": cast.nominee.version, "note": "政审未通过",
                             "at": yesterday.strftime("%Y-%m-%dT%H:%M")})

    assert no_reason.status_code == 200 and "note" in no_reason.context["form"].errors
    assert done.status_code == 302
    row = Volunteer.objects.get(pk=cast.nominee.pk).transitions.get(to_status="rejected")
    assert timezone.localtime(row.at).strftime("%Y-%m-%d %H:%M") == yesterday.strftime("%Y-%m-%d %H:%M")
    assert row.note == "政审未通过"


def test_a_stale_vet_form_is_refused_and_the_first_decision_stands(world, cast, client):
    client.force_login(world.officer)
    url = reverse("volunteers:volunteer_vet", args=[cast.nominee.pk])
    loaded = cast.nominee.version
    client.post(url, {"decision": "approve", "version": loaded})

    stale = client.post(url, {"decision": "reject", "version": loaded, "note": "迟到"})

    assert stale.status_code == 200 and stale.context["form"].non_field_errors()
    assert Volunteer.objects.get(pk=cast.nominee.pk).status == "active"


def test_the_status_page_refuses_a_future_time_and_offers_only_allowed_moves(world, cast, client):
    client.force_login(world.officer)
    url = reverse("volunteers:volunteer_status", args=[cast.member.pk])
    future = (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")

    form = client.get(url).context["form"]
    refused = client.post(url, {"to": "suspended", "note": "缺勤", "at": future, "version": cast.member.version})
    done = client.post(url, {"to": "suspended", "note": "缺勤", "version": cast.member.version})

    assert [value for value, _label in form.fields["to"].choices] == ["suspended", "left"]
    assert refused.status_code == 200 and "at" in refused.context["form"].errors
    assert done.status_code == 302 and Volunteer.objects.get(pk=cast.member.pk).status == "suspended"


def test_trainings_and_support_pages_record_and_show(world, cast, client):
    client.force_login(world.officer)
    pk = cast.captain.pk

    client.post(reverse("volunteers:training_create", args=[pk]), {
        "trained_on": timezone.localdate().isoformat(), "topic": "反诈宣传要点", "hours": "2.5", "trainer": "派出所"})
    client.post(reverse("volunteers:support_create", args=[pk]), {
        "kind": "insurance", "provider": "人保意外险", "starts_on": timezone.localdate().isoformat(),
        "expires_on": (timezone.localdate() + timedelta(days=20)).isoformat()})
    page = client.get(reverse("volunteers:volunteer_detail", args=[pk])).content.decode()

    assert Training.objects.get(volunteer_id=pk).topic == "反诈宣传要点"
    assert SupportRecord.objects.get(volunteer_id=pk).provider == "人保意外险"
    assert "反诈宣传要点" in page and "人保意外险" in page and 'data-status="active"' in page


def test_team_pages_create_rename_and_set_the_captain(world, cast, client):
    client.force_login(world.officer)

    created = client.post(reverse("volunteers:team_create"), {"park": world.park.pk, "enterprise": world.enterprise2.pk,
                                                              "name": "电子义警队"})
    team = VolunteerTeam.objects.get(name="电子义警队")
    renamed = client.post(reverse("volunteers:team_update", args=[team.pk]), {"name": "电子护厂队", "version": 1})
    captain = client.post(reverse("volunteers:team_captain", args=[cast.team.pk]),
                          {"volunteer": cast.member.pk, "version": cast.team.version})
    not_active = client.post(reverse("volunteers:team_captain", args=[cast.team.pk]),
                             {"volunteer": cast.nominee.pk, "version": cast.team.version + 1})

    assert created.status_code == 302, created.context["form"].errors
    assert renamed.status_code == 302, renamed.context["form"].errors
    assert VolunteerTeam.objects.get(pk=team.pk).name == "电子护厂队"
    assert captain.status_code == 302 and not_active.status_code == 302
    assert list(Volunteer.objects.filter(team=cast.team, is_captain=True).values_list("name", flat=True)) == ["队员李"]


def test_the_list_filters_and_paginates(world, cast, client):
    client.force_login(world.officer)
    url = reverse("volunteers:volunteer_list")

    nominated = client.get(url, {"status": "nominated"})
    named = client.get(url, {"q": "队员"})
    foreign = client.get(url, {"team": cast.other_team.pk})
    small = client.get(url, {"page_size": 10})

    assert [r.record.name for r in nominated.context["table_rows"]] == ["候选王"]
    assert [r.record.name for r in named.context["table_rows"]] == ["队员李"]
    assert "team" in foreign.context["filter"].errors and not list(foreign.context["table_rows"])
    assert small.context["page_obj"].paginator.per_page == 10


def test_the_edit_page_saves_post_and_duties_and_keeps_the_mobile_masked(world, cast, client):
    client.force_login(world.liaison)
    url = reverse("volunteers:volunteer_update", args=[cast.member.pk])

    form_page = client.get(url).content.decode()
    saved = client.post(url, {"name": "队员李", "mobile": "", "post": "班组长", "duties": ["publicity"],
                              "version": cast.member.version})
    stale = client.post(url, {"name": "队员李", "mobile": "", "post": "旧表单", "duties": ["patrol"],
                              "version": cast.member.version})

    assert cast.member.mobile not in form_page and cast.member.mobile_masked in form_page
    assert saved.status_code == 302 and stale.status_code == 200
    fresh = Volunteer.objects.get(pk=cast.member.pk)
    assert (fresh.post, fresh.duties, fresh.mobile) == ("班组长", ["publicity"], cast.member.mobile)
