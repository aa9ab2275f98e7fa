"""GB/T 39786: personal data is encrypted with SM4-GCM; AES-256-GCM values stay readable and rotate to SM4;
without SM4 in OpenSSL the start-up check says so and new values use the documented AES-GCM fallback."""
import base64
from io import StringIO

import pytest
from cryptography.exceptions import InvalidTag
from django.core.management import call_command
from django.db import connection

from parkbeat.core import checks, personal
from parkbeat.core.personal import decrypt, encrypt, field_keys, sm4_available
from parkbeat.testing import VolunteerFactory
from parkbeat.volunteers.models import Volunteer

KEYS = "k1:" + "11" * 32
RID = "430211199003071236"


@pytest.fixture(autouse=True)
def _keys(settings):
    settings.FIELD_ENCRYPTION_KEYS = KEYS
    field_keys.cache_clear()
    yield
    field_keys.cache_clear()
    sm4_available.cache_clear()


@pytest.fixture
def without_sm4(monkeypatch):
    """As on a platform whose OpenSSL was built without SM4."""
    monkeypatch.setattr(personal, "sm4_available", lambda: False)


def aes_value(plaintext):
    """A value as written before SM4: "<kid>:<base64(nonce‖AES-GCM ciphertext)>"."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce = b"\x01" * 12
    ct = AESGCM(bytes.fromhex("11" * 32)).encrypt(nonce, plaintext.encode(), b"k1")
    return f"k1:{base64.b64encode(nonce + ct).decode()}"


def stored(volunteer):
    with connection.cursor() as cursor:
        cursor.execute("SELECT resident_id FROM volunteers_volunteer WHERE id = %s", [volunteer.pk])
        return cursor.fetchone()[0]


def test_new_values_are_sm4_gcm_under_the_key_id_and_read_back():
    assert sm4_available()  # the installed cryptography/OpenSSL do SM4-GCM here

    token = encrypt(RID)

    assert token.startswith("k1:sm4:") and RID not in token
    assert decrypt(token) == RID
    assert encrypt(RID) != token  # a fresh nonce every time


def test_a_tampered_sm4_value_does_not_authenticate():
    kid, cipher, body = encrypt(RID).split(":")
    blob = bytearray(base64.b64decode(body))
    blob[14] ^= 1

    with pytest.raises(InvalidTag):
        decrypt(f"{kid}:{cipher}:{base64.b64encode(bytes(blob)).decode()}")


def test_aes_gcm_values_stay_readable_and_rotation_moves_them_to_sm4(world):
    volunteer = VolunteerFactory(team=world.team, resident_id=RID)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE volunteers_volunteer SET resident_id = %s WHERE id = %s", [aes_value(RID), volunteer.pk])
    assert Volunteer.objects.get(pk=volunteer.pk).resident_id == RID

    out = StringIO()
    call_command("rotate_field_keys", stdout=out)
    call_command("rotate_field_keys", stdout=StringIO())  # again: nothing left to move

    assert stored(volunteer).startswith("k1:sm4:")
    assert Volunteer.objects.get(pk=volunteer.pk).resident_id == RID
    assert "volunteers.Volunteer.resident_id: 1 re-encrypted" in out.getvalue()


def test_without_sm4_the_check_warns_and_new_values_use_the_aes_fallback(world, without_sm4):
    [warning] = checks.field_cipher(None)
    assert warning.id == "parkbeat.W001" and "AES-256-GCM" in warning.msg

    volunteer = VolunteerFactory(team=world.team, resident_id=RID)

    raw = stored(volunteer)
    assert raw.startswith("k1:") and not raw.startswith("k1:sm4:")
    assert Volunteer.objects.get(pk=volunteer.pk).resident_id == RID


def test_with_sm4_the_check_is_silent():
    assert checks.field_cipher(None) == []
