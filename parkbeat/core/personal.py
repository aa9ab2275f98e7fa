"""Personal data in one place: validation, masking, field encryption (SM4-GCM with key ids, AES-256-GCM for
older values and where OpenSSL lacks SM4) and blind indexes."""
import base64
import hashlib
import hmac
import os
import re
import secrets
from functools import lru_cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django import forms
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


class NoEchoInput(forms.TextInput):
    """A text input that never sends a value back to the browser (D2): the placeholder shows it masked."""

    def format_value(self, value):
        return None


def keep_masked_on_edit(form, field, current):
    """On a form, show the stored mobile `current` only masked; the form's clean_<field> keeps it when left empty."""
    widget = form.fields[field].widget
    form.fields[field].widget = NoEchoInput(attrs={**widget.attrs, "placeholder": mask_mobile(current)})
    if current:
        form.fields[field].required = False
        form.fields[field].help_text = _("Leave empty to keep the current number.")


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


SM4 = "sm4"  # the cipher tag of SM4-GCM values: "<key id>:sm4:<base64(nonce‖ciphertext‖tag)>"
GCM_TAG = 16


@lru_cache(maxsize=1)
def sm4_available():
    """Whether this platform's OpenSSL does SM4 in GCM mode (GB/T 39786 commercial cryptography).

    Without it new values fall back to AES-256-GCM (docs/security.md D3); the system check says so at start.
    """
    try:
        probe = Cipher(algorithms.SM4(bytes(16)), modes.GCM(bytes(12))).encryptor()
        probe.update(b"probe")
        probe.finalize()
    except Exception:  # UnsupportedAlgorithm, or an OpenSSL built without SM4
        return False
    return True


def _sm4_key(kid):
    """SM4 takes 128-bit keys: derived from the configured 256-bit key by HKDF over SM3, per key id."""
    return HKDF(algorithm=hashes.SM3(), length=16, salt=None,
                info=b"parkbeat field encryption sm4:" + kid.encode()).derive(field_keys()[kid])


def _sm4_encrypt(kid, nonce, data):
    encryptor = Cipher(algorithms.SM4(_sm4_key(kid)), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(kid.encode())
    return encryptor.update(data) + encryptor.finalize() + encryptor.tag


def _sm4_decrypt(kid, blob):
    nonce, ct, tag = blob[:12], blob[12:-GCM_TAG], blob[-GCM_TAG:]
    decryptor = Cipher(algorithms.SM4(_sm4_key(kid)), modes.GCM(nonce, tag)).decryptor()
    decryptor.authenticate_additional_data(kid.encode())
    return decryptor.update(ct) + decryptor.finalize()  # InvalidTag, as AES-GCM, when it does not authenticate


def current_prefix():
    """What every value written now starts with: the current key id and, with SM4, its cipher tag."""
    return f"{current_key_id()}:{SM4}:" if sm4_available() else f"{current_key_id()}:"


def encrypt(plaintext):
    """SM4-GCM under the current key (AES-256-GCM where OpenSSL lacks SM4), the key id as associated data."""
    kid = current_key_id()
    nonce = secrets.token_bytes(12)
    if sm4_available():
        return f"{kid}:{SM4}:{base64.b64encode(nonce + _sm4_encrypt(kid, nonce, plaintext.encode())).decode()}"
    ct = AESGCM(field_keys()[kid]).encrypt(nonce, plaintext.encode(), kid.encode())
    return f"{kid}:{base64.b64encode(nonce + ct).decode()}"


def decrypt(token):
    """Either form: "<kid>:sm4:<b64>" (SM4-GCM) or "<kid>:<b64>" (AES-256-GCM, written before SM4 or without it)."""
    kid, _sep, payload = token.partition(":")
    key = field_keys().get(kid)
    if key is None:
        raise ImproperlyConfigured(f"field key {kid!r} is not in PARKBEAT_FIELD_KEYS: keep it listed until "
                                   f"`manage.py rotate_field_keys` has run")
    cipher, _sep, body = payload.partition(":")
    if cipher == SM4 and body:
        if not sm4_available():
            raise ImproperlyConfigured("this value is SM4-encrypted but this platform's OpenSSL has no SM4-GCM")
        return _sm4_decrypt(kid, base64.b64decode(body)).decode()
    blob = base64.b64decode(payload)
    return AESGCM(key).decrypt(blob[:12], blob[12:], kid.encode()).decode()


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
    """Stores SM4-GCM (or older AES-GCM) ciphertext tagged with its key id; Python code sees the plain value."""

    def from_db_value(self, value, expression, connection):
        if value in (None, ""):
            return value
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        return encrypt(value)


# ------------------------------------------------------------------ register of personal-data fields (D1)
# model label -> field -> (kind, purpose): every field holding a person's data, with why we keep it
# (PIPL minimum necessary). Kinds "mobile" and "resident_id" are masked in lists, the API, exports, logs
# and the audit trail, and shown whole only through core.reveal; "name" and "email" are shown to whoever
# may see the record. core/tests/test_personal_register.py fails for a personal-looking field missing here.
PERSONAL_FIELDS = {
    "org.User": {
        "full_name": ("name", _("Identifying staff on records they create")),
        "mobile": ("mobile", _("Contacting staff about their duties")),
        "email": ("email", _("Reaching staff about their account")),
    },
    "enterprises.Liaison": {
        "name": ("name", _("Knowing whom to contact at the enterprise")),
        "mobile": ("mobile", _("Reaching the enterprise's security and administration heads")),
    },
    "volunteers.Volunteer": {
        "name": ("name", _("Knowing who serves in the team")),
        "resident_id": ("resident_id", _("Vetting volunteers before they serve")),
        "mobile": ("mobile", _("Calling volunteers to shifts and patrols")),
    },
    "incidents.Incident": {
        "caller_name": ("name", _("Calling back the person who reported an incident")),
        "caller_mobile": ("mobile", _("Calling back the person who reported an incident")),
    },
    "hazards.Hazard": {
        "responsible_name": ("name", _("Knowing who at the enterprise rectifies a hazard")),
        "responsible_mobile": ("mobile", _("Reaching the person who rectifies a hazard")),
    },
    "checks.BackgroundCheck": {
        "candidate_name": ("name", _("Checking a candidate for a sensitive post, with their consent")),
        "resident_id": ("resident_id", _("Checking a candidate for a sensitive post, with their consent")),
    },
    "crime.Suspect": {
        "name": ("name", _("Identifying a suspect in a criminal case")),
        "resident_id": ("resident_id", _("Identifying a suspect in a criminal case")),
    },
    "disputes.DisputeParty": {
        "representatives": ("name", _("Knowing whom to talk to for a group of workers")),
        "contact_mobile": ("mobile", _("Reaching a party to arrange mediation")),
    },
}
MASKERS = {"mobile": mask_mobile, "resident_id": mask_resident_id}


def masked_kind(model_label, field_name):
    """"mobile" or "resident_id" when the register says the field is masked by default, else None."""
    kind = PERSONAL_FIELDS.get(model_label, {}).get(field_name, (None,))[0]
    return kind if kind in MASKERS else None


def mask_for_log(model_label, field_name, value):
    kind = masked_kind(model_label, field_name)
    if kind and isinstance(value, str):
        return MASKERS[kind](value)
    return value


# ------------------------------------------------------------------ key rotation (D3)
def encrypted_fields():
    """[(model, field name)] of every EncryptedTextField in the project."""
    from django.apps import apps

    return [(model, field.name) for model in apps.get_models() for field in model._meta.concrete_fields
            if isinstance(field, EncryptedTextField)]


def rotate_field_keys(*, batch=500):
    """Re-encrypt every stored value under the current key; returns {"app.Model.field": (rotated, already)}.

    Reads the raw ciphertext (cast to plain text, so the field does not decrypt it), skips values already
    under the current key and cipher (SM4-GCM where available, so AES-GCM values move to SM4) and rewrites
    the rest with UPDATE (no save(): versions and timestamps stay).
    Batched by primary key, each batch in its own transaction; safe to rerun after an interruption.
    """
    from django.db import transaction
    from django.db.models import F
    from django.db.models.functions import Cast

    prefix = current_prefix()
    report = {}
    for model, name in encrypted_fields():
        rotated = already = 0
        rows = model._base_manager.exclude(**{name: ""}).exclude(**{f"{name}__isnull": True}).annotate(
            raw=Cast(F(name), output_field=models.TextField())).order_by("pk")
        last = None
        while True:
            page = rows if last is None else rows.filter(pk__gt=last)
            chunk = list(page.values_list("pk", "raw")[:batch])
            if not chunk:
                break
            with transaction.atomic():
                for pk, raw in chunk:
                    if raw.startswith(prefix) and (sm4_available() or not raw[len(prefix):].startswith(f"{SM4}:")):
                        already += 1
                        continue
                    model._base_manager.filter(pk=pk).update(**{name: decrypt(raw)})
                    rotated += 1
            last = chunk[-1][0]
        report[f"{model._meta.label}.{name}"] = (rotated, already)
    return report
