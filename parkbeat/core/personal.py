"""Personal data in one place: validation, masking, field encryption (AES-GCM with key ids) and blind indexes."""
import base64
import hashlib
import hmac
import os
import re
import secrets
from functools import lru_cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from stdnum.cn import ric

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")


def validate_resident_id(value):
    """GB 11643 check digit and birth date, via python-stdnum."""
    try:
        ric.validate(value)
    except Exception:
        raise ValidationError(_("Not a valid resident ID number."), code="invalid_ric") from None


def validate_mobile(value):
    if not MOBILE_RE.match(value or ""):
        raise ValidationError(_("Enter a mainland mobile number: 11 digits starting with 13–19."), code="invalid_mobile")


def mask_resident_id(value):
    """430***********123X: the first 3 and last 4 characters stay visible."""
    if not value:
        return ""
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_mobile(value):
    """138****5678."""
    if not value:
        return ""
    return value[:3] + "****" + value[-4:]


# ------------------------------------------------------------------ keys
@lru_cache(maxsize=1)
def field_keys():
    """{key_id: key bytes}, current key first. From PARKBEAT_FIELD_KEYS ("kid:hex,..."), else var/field_keys."""
    raw = settings.FIELD_ENCRYPTION_KEYS
    if not raw:
        path = settings.FIELD_ENCRYPTION_KEY_FILE
        if not path.exists():
            path.write_text(f"k1:{secrets.token_hex(32)}\n")
            os.chmod(path, 0o600)
        raw = ",".join(line.strip() for line in path.read_text().splitlines() if line.strip())
    keys = {}
    for part in raw.split(","):
        kid, _sep, hexkey = part.strip().partition(":")
        try:
            key = bytes.fromhex(hexkey)
        except ValueError:
            key = b""
        if not kid or len(key) != 32:
            raise ImproperlyConfigured("PARKBEAT_FIELD_KEYS must be 'keyid:<64 hex chars>[,...]'")
        keys[kid] = key
    return keys


def current_key_id():
    return next(iter(field_keys()))


def encrypt(plaintext):
    kid = current_key_id()
    nonce = secrets.token_bytes(12)
    ct = AESGCM(field_keys()[kid]).encrypt(nonce, plaintext.encode(), kid.encode())
    return f"{kid}:{base64.b64encode(nonce + ct).decode()}"


def decrypt(token):
    kid, _sep, payload = token.partition(":")
    blob = base64.b64decode(payload)
    return AESGCM(field_keys()[kid]).decrypt(blob[:12], blob[12:], kid.encode()).decode()


@lru_cache(maxsize=1)
def blind_index_key():
    """A separate key that never rotates with the encryption keys (rotating it means re-indexing)."""
    if settings.BLIND_INDEX_KEY:
        return bytes.fromhex(settings.BLIND_INDEX_KEY)
    path = settings.FIELD_ENCRYPTION_KEY_FILE.with_name("blind_index_key")
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        os.chmod(path, 0o600)
    return bytes.fromhex(path.read_text().strip())


def blind_index(value):
    """HMAC of the normalised value, so an exact search needs no decryption."""
    return hmac.new(blind_index_key(), value.strip().upper().encode(), hashlib.sha256).hexdigest()


class EncryptedTextField(models.TextField):
    """Stores AES-GCM ciphertext tagged with its key id; Python code sees the plain value."""

    def from_db_value(self, value, expression, connection):
        if value in (None, ""):
            return value
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        return encrypt(value)


# ------------------------------------------------------------------ register of personal-data fields
# model label -> field -> (kind, purpose). Everything here is masked in lists, the API, exports and logs.
PERSONAL_FIELDS = {
    "org.User": {"mobile": ("mobile", _("Contacting staff about their duties"))},
    "enterprises.Liaison": {"mobile": ("mobile", _("Reaching the enterprise's security and administration heads"))},
    "volunteers.Volunteer": {
        "resident_id": ("resident_id", _("Vetting volunteers before they serve")),
        "mobile": ("mobile", _("Calling volunteers to shifts and patrols")),
    },
}
MASKERS = {"mobile": mask_mobile, "resident_id": mask_resident_id}


def mask_for_log(model_label, field_name, value):
    kind = PERSONAL_FIELDS.get(model_label, {}).get(field_name)
    if kind and isinstance(value, str):
        return MASKERS[kind[0]](value)
    return value
