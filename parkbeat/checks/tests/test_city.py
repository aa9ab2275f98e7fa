"""Background checks in the city-scale build (parkbeat.checks.city): requests in proportion to each park's
enterprises (not at the demo station), the resident ID encrypted as the model stores it (it reads back valid, its
blind index matching), every one still holding personal data with its consent file on disk, the ones past the
retention erased as check_erase leaves them; rows that pass full_clean."""
from io import StringIO

import pytest
from django.core.management import call_command

from parkbeat.checks.models import BackgroundCheck
from parkbeat.core.personal import blind_index, validate_resident_id
from parkbeat.files.models import Attachment
from parkbeat.org import demo as org_demo

pytestmark = pytest.mark.django_db(transaction=True)
SIZES = ("--stations", "2", "--enterprises", "300", "--incidents", "800", "--disputes", "80",
         "--track-points", "1000")


@pytest.fixture
def city(settings):
    settings.DEMO_MODE = True
    settings.DEMO_PASSWORD = "demo-Passw0rd"
    call_command("seed_demo", *SIZES, stdout=StringIO())


def test_the_city_has_checks_with_encrypted_ids_consents_and_erasures(city):
    rows = list(BackgroundCheck.objects.exclude(park__station=org_demo.demo_station()).select_related("enterprise"))
    assert len(rows) >= 5
    assert {r.status for r in rows} == {"requested", "answered"} or len(rows) < 10
    for row in rows:
        row.full_clean()
        assert row.park_id == row.enterprise.park_id
        files = Attachment.objects.filter(content_type__model="backgroundcheck", object_id=row.pk)
        if row.is_erased:
            assert (row.candidate_name, row.resident_id, row.advice, files.count()) == ("", "", "", 0)
        else:
            validate_resident_id(row.resident_id)
            assert row.resident_id_index == blind_index(row.resident_id)
            assert files.count() == 1 and files.get().path.exists()
        if row.status == "answered":
            assert row.outcome and row.answered_at > row.created_at
