"""SECURITY D3: `manage.py rotate_field_keys` re-encrypts every stored value under the current key."""
from io import StringIO

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection

from parkbeat.audit.models import AuditEvent
from parkbeat.core.personal import blind_index, field_keys
from parkbeat.testing import VolunteerFactory, VolunteerTeamFactory
from parkbeat.volunteers.models import Volunteer

K1 = "k1:" + "11" * 32
K2 = "k2:" + "22" * 32
IDS = ["430211199003071236", "11010519491231002X", "430203198512310018"]


@pytest.fixture
def keys(settings):
    """use_keys("k2:...,k1:...") switches the field keys for the rest of the test."""

    def use(value):
        settings.FIELD_ENCRYPTION_KEYS = value
        field_keys.cache_clear()

    yield use
    field_keys.cache_clear()


def raw_values():
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, resident_id FROM volunteers_volunteer ORDER BY id")
        return dict(cursor.fetchall())


def rotate(batch=500):
    out = StringIO()
    call_command("rotate_field_keys", batch=batch, stdout=out)
    return out.getvalue()


def volunteers_under_k1(world, keys):
    keys(K1)
    teams = [world.team, VolunteerTeamFactory(park=world.park, name="第二队"), VolunteerTeamFactory(park=world.park)]
    return [VolunteerFactory(team=team, resident_id=rid) for team, rid in zip(teams, IDS)]


def test_rotation_re_encrypts_every_value_under_the_new_key(world, keys):
    # given
    people = volunteers_under_k1(world, keys)
    assert all(v.startswith("k1:") for v in raw_values().values())
    versions = dict(Volunteer.objects.values_list("id", "version"))
    # when
    keys(f"{K2},{K1}")
    output = rotate(batch=2)
    # then
    assert all(v.startswith("k2:") for v in raw_values().values())
    assert [Volunteer.objects.get(pk=p.pk).resident_id for p in people] == IDS
    assert dict(Volunteer.objects.values_list("id", "version")) == versions  # not a business change
    assert "volunteers.Volunteer.resident_id: 3 re-encrypted, 0 already under k2" in output
    assert output.endswith("done: 3 values re-encrypted under key k2\n")


def test_after_rotation_the_old_key_can_be_dropped(world, keys):
    people = volunteers_under_k1(world, keys)
    keys(f"{K2},{K1}")
    rotate()
    # when
    keys(K2)
    # then
    assert [Volunteer.objects.get(pk=p.pk).resident_id for p in people] == IDS
    assert list(Volunteer.objects.filter(resident_id_index=blind_index(IDS[1]))) == [people[1]]


def test_without_rotation_dropping_the_old_key_breaks_reads(world, keys):
    """The reason to rotate before dropping a key: the value cannot be read otherwise."""
    people = volunteers_under_k1(world, keys)
    keys(K2)

    with pytest.raises(ImproperlyConfigured) as exc:
        Volunteer.objects.get(pk=people[0].pk)
    assert str(exc.value) == ("field key 'k1' is not in PARKBEAT_FIELD_KEYS: keep it listed until "
                              "`manage.py rotate_field_keys` has run")


def test_rotation_is_idempotent(world, keys):
    volunteers_under_k1(world, keys)
    keys(f"{K2},{K1}")
    rotate()
    first = raw_values()
    # when
    output = rotate()
    # then: nothing rewritten the second time
    assert raw_values() == first
    assert "volunteers.Volunteer.resident_id: 0 re-encrypted, 3 already under k2" in output


def test_rotation_leaves_one_audit_event_without_values(world, keys):
    volunteers_under_k1(world, keys)
    keys(f"{K2},{K1}")
    before = AuditEvent.objects.count()

    rotate()

    [event] = AuditEvent.objects.order_by("id")[before:]
    assert (event.verb, event.object_type, event.note) == (
        "update", "core.FieldKeys", "rotate_field_keys: 3 values re-encrypted under k2")
    assert not any(rid in str(event.changes) + event.note for rid in IDS)
