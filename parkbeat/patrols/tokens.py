"""The QR code posted at a checkpoint: a signed token nobody can guess, and a short code to type instead.

The token is `django.core.signing` with a salt of its own over {checkpoint id, code version, secret}: a
forged or altered one fails the signature, one older than PATROL_QR_MAX_AGE_DAYS has expired, and one whose
version or secret is not the checkpoint's current one was replaced (reissued) or belongs to a retired
checkpoint. The short code (8 characters, "K7QX-4MZP") is an HMAC of the same three values under the same
key: typed where the camera cannot read the code, checked only against the checkpoints of the run's route.
"""
import base64
import hashlib
import hmac

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

SALT = "parkbeat.patrols.checkpoint"
PREFIX = "PB1:"  # what a QR code of ParkBeat starts with, so a phone can tell it from any other code


def _refused(message, code):
    """A refusal keyed by the `code` field, with a machine-readable reason (forged, expired, foreign...)."""
    return ValidationError({"code": ValidationError(message, code=code)})


def max_age_days():
    return getattr(settings, "PATROL_QR_MAX_AGE_DAYS", 730)


def checkpoint_token(checkpoint):
    """The text of the checkpoint's QR code."""
    payload = {"c": checkpoint.pk, "v": checkpoint.token_version, "s": checkpoint.token_secret}
    return PREFIX + signing.dumps(payload, salt=SALT, compress=True)


def short_code(checkpoint):
    """Eight characters from an HMAC of the checkpoint's id, version and secret, as "XXXX-XXXX"."""
    message = f"{checkpoint.pk}:{checkpoint.token_version}:{checkpoint.token_secret}".encode()
    key = hashlib.sha256((SALT + settings.SECRET_KEY).encode()).digest()
    digest = hmac.new(key, message, hashlib.sha256).digest()
    code = base64.b32encode(digest)[:8].decode()
    return f"{code[:4]}-{code[4:]}"


def normalise_code(text):
    return "".join(ch for ch in (text or "").upper() if ch.isalnum())


def read_token(text):
    """(checkpoint id, version, secret) of a signed token, or ValidationError saying why it is refused."""
    text = (text or "").strip()
    if not text.startswith(PREFIX):
        raise _refused(_("This is not a ParkBeat checkpoint code."), "not_ours")
    try:
        payload = signing.loads(text[len(PREFIX):], salt=SALT, max_age=max_age_days() * 86400)
    except signing.SignatureExpired:
        raise _refused(_("This checkpoint code has expired: print a new sheet."), "expired") from None
    except signing.BadSignature:
        raise _refused(_("This checkpoint code is not valid (forged or damaged)."), "forged") from None
    try:
        return int(payload["c"]), int(payload["v"]), str(payload["s"])
    except (KeyError, TypeError, ValueError):
        raise _refused(_("This checkpoint code is not valid (forged or damaged)."), "forged") from None


def match_checkpoint(text, candidates):
    """The checkpoint among `candidates` (the run's route) that `text` — a scanned token or a typed short
    code — names, or ValidationError: forged, expired, another checkpoint's, replaced or retired."""
    candidates = list(candidates)
    text = (text or "").strip()
    if text.startswith(PREFIX):
        pk, version, secret = read_token(text)
        checkpoint = next((c for c in candidates if c.pk == pk), None)
        if checkpoint is None:
            raise _refused(_("This code belongs to a checkpoint that is not on this route."), "foreign")
        if not checkpoint.is_active:
            raise _refused(_("This checkpoint is retired: its code no longer counts."), "retired")
        if version != checkpoint.token_version or not hmac.compare_digest(secret, checkpoint.token_secret):
            raise _refused(_("This code was replaced by a newer one: print the new sheet."), "replaced")
        return checkpoint
    typed = normalise_code(text)
    if len(typed) != 8:
        raise _refused(_("Scan the QR code or type its 8-character code."), "invalid")
    for checkpoint in candidates:
        if hmac.compare_digest(typed, normalise_code(short_code(checkpoint))):
            if not checkpoint.is_active:
                raise _refused(_("This checkpoint is retired: its code no longer counts."), "retired")
            return checkpoint
    raise _refused(_("No checkpoint of this route has this code."), "unknown")
