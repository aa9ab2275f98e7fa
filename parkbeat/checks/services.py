"""Every write to background checks: the liaison's request, the officer's answer, the audited reads, the erasure.

Invariants kept here:
- no consent, no request: the row and its consent document (an image or a PDF) are stored together or not at all;
- only a leader or officer of the park answers, once, and only from a session (or API token) that passed the
  second factor when settings.PARKBEAT_REQUIRE_2FA is on (SECURITY A5: whoever handles background checks). The
  caller states it (`second_factor_passed(request)`), so the service itself refuses an unverified answer;
- the audit trail of this model never holds more than masked values: the candidate's name and resident ID masked,
  the advice only by its length, the consent file under a neutral name. The trail is append-only and hash-chained
  (SECURITY C2; on PostgreSQL a trigger refuses any UPDATE), so instead of rewriting old entries at erasure time,
  nothing the erasure would have to remove is ever written to it;
- every read of a request (page, API, export) leaves a "view" event, so the auditor can list who read which one;
- after CHECK_RETENTION_DAYS from the answer the candidate's data is erased from the row and the consent file from
  the disk, leaving a "delete" event without personal data and the anonymous facts the figures count.
"""
from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from parkbeat.audit.models import AuditEvent
from parkbeat.audit.services import record
from parkbeat.checks.models import BackgroundCheck, PostKind, mask_name
from parkbeat.core.permissions import require
from parkbeat.core.personal import mask_resident_id, validate_resident_id
from parkbeat.core.services import ConflictError, lock_for_update
from parkbeat.enterprises.models import Enterprise
from parkbeat.files.models import Attachment

CONSENT_KINDS = ("image", "pdf")
NAME_MIN, NAME_MAX, POST_MAX, ADVICE_MAX = 2, 50, 100, 1000


class SecondFactorRequired(PermissionDenied):
    """Answering a check needs a session or token that passed the second factor (answered 403)."""


def second_factor_passed(request):
    """Whether this request comes from someone who passed the second factor.

    A session: django-otp's `is_verified()` (set when the code was accepted). A bearer token: `org.auth.token_issue`
    demands the one-time code from anyone with a confirmed device, so a token issued after the user's device was
    set up was issued after both factors; an older token (or a user without a device) was not."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    verified = getattr(user, "is_verified", None)
    if callable(verified) and verified():
        return True
    token = getattr(request, "auth", None)
    created = getattr(token, "created_at", None)
    if created is None or not user_has_device(user, confirmed=True):
        return False
    return TOTPDevice.objects.filter(user=user, confirmed=True, created_at__lte=created).exists()


def _masked(check):
    """What the audit trail may keep of a check: never a full name, ID or advice."""
    return {"candidate_name": mask_name(check.candidate_name), "resident_id": mask_resident_id(check.resident_id),
            "post": check.post, "post_kind": check.post_kind, "enterprise": check.enterprise_id}


class _Renamed:
    """The consent upload under a neutral name (a file name often carries the candidate's name)."""

    def __init__(self, upload, name):
        self._upload, self.name, self.size = upload, name, getattr(upload, "size", None)

    def seek(self, *args):
        return self._upload.seek(*args)

    def read(self, *args):
        return self._upload.read(*args)


def _consent_name(upload):
    ext = str(getattr(upload, "name", "") or "").rpartition(".")[2].lower()
    return f"consent.{ext}" if ext and len(ext) <= 5 else "consent"


# ---------------------------------------------------------------- the request
def check_request(*, actor, enterprise, candidate_name, resident_id, post, post_kind, consent):
    """The liaison asks for a check of one candidate for one post of their enterprise, with the candidate's signed
    consent (an image or a PDF, required). Returns the new check."""
    require(actor, "check.request", enterprise)
    errors = {}
    name = " ".join(str(candidate_name or "").split())
    if not NAME_MIN <= len(name) <= NAME_MAX:
        errors["candidate_name"] = _("Give the candidate's name (%(min)s to %(max)s characters).") % {
            "min": NAME_MIN, "max": NAME_MAX}
    rid = str(resident_id or "").strip().upper()
    try:
        validate_resident_id(rid)
    except ValidationError as exc:
        errors["resident_id"] = exc.messages
    post = " ".join(str(post or "").split())
    if not 1 <= len(post) <= POST_MAX:
        errors["post"] = _("Name the post (at most %(max)s characters).") % {"max": POST_MAX}
    if post_kind not in PostKind.values:
        errors["post_kind"] = _("Choose the type of post.")
    if not consent:
        errors["consent"] = _("Attach the candidate's signed consent (an image or a PDF): no consent, no check.")
    if enterprise.status == Enterprise.Status.CLOSED:
        errors["enterprise"] = _("A closed enterprise does not ask for checks.")
    if errors:
        raise ValidationError(errors)
    check = BackgroundCheck(enterprise=enterprise, park_id=enterprise.park_id, candidate_name=name, resident_id=rid,
                            post=post, post_kind=post_kind, requested_by=actor)
    check.full_clean()
    with transaction.atomic():
        check.save()
        record(actor=actor, verb=AuditEvent.Verb.CREATE, obj=check, after=_masked(check))
        from parkbeat.files.services import attachment_create

        try:
            attachment_create(actor=actor, obj=check, upload=_Renamed(consent, _consent_name(consent)),
                              kinds=CONSENT_KINDS, perm="check.request")
        except ValidationError as exc:
            raise ValidationError({"consent": exc.messages}) from None
    return check


def consent_of(check):
    """The consent document(s) of a check (erased ones have none)."""
    return Attachment.objects.filter(content_type=ContentType.objects.get_for_model(BackgroundCheck),
                                     object_id=check.pk)


# ---------------------------------------------------------------- the answer
def check_answer(*, actor, check, outcome, advice="", second_factor=False, expected_version=None):
    """A leader or officer of the park answers: the outcome, the job-fit advice (required unless the candidate is
    plainly suitable) and the time. `second_factor`: whether the actor's request passed it (second_factor_passed)."""
    require(actor, "check.handle", check)
    if settings.PARKBEAT_REQUIRE_2FA and not second_factor:
        raise SecondFactorRequired(_("Answering a background check needs the second factor: enter your one-time "
                                     "code first."))
    advice = str(advice or "").strip()
    if outcome not in BackgroundCheck.Outcome.values:
        raise ValidationError({"outcome": _("Choose the outcome.")})
    if len(advice) > ADVICE_MAX:
        raise ValidationError({"advice": _("The advice has at most %(max)s characters.") % {"max": ADVICE_MAX}})
    if outcome != BackgroundCheck.Outcome.SUITABLE and not advice:
        raise ValidationError({"advice": _("Give the job-fit advice the enterprise will read.")})
    with transaction.atomic():
        lock_for_update(check, expected_version)
        if check.status != BackgroundCheck.Status.REQUESTED or check.is_erased:
            raise ConflictError(_("This check has already been answered."))
        now = timezone.now()
        check.status, check.outcome, check.advice = BackgroundCheck.Status.ANSWERED, outcome, advice
        check.answered_at, check.answered_by = now, actor
        check.version += 1
        check.full_clean()
        check.save(update_fields=["status", "outcome", "advice", "answered_at", "answered_by", "version",
                                  "updated_at"])
        record(actor=actor, verb=AuditEvent.Verb.TRANSITION, obj=check,
               before={"status": BackgroundCheck.Status.REQUESTED, "outcome": ""},
               after={"status": check.status, "outcome": outcome, "advice": _("%(n)s characters") % {
                   "n": len(advice)}})
    return check


# ---------------------------------------------------------------- audited reads
def checks_read(*, actor, checks, via):
    """One "view" event per check read (`via`: page, api, export…): who read which request, never what it says."""
    with transaction.atomic():
        for check in checks:
            record(actor=actor, verb=AuditEvent.Verb.VIEW, obj=check, note=via)


def check_read_log(*, check=None):
    """The "view" events of checks (of one check), newest first: for the auditor."""
    events = AuditEvent.objects.filter(object_type=BackgroundCheck._meta.label, verb=AuditEvent.Verb.VIEW)
    if check is not None:
        events = events.filter(object_id=str(check.pk))
    return events.order_by("-id")


# ---------------------------------------------------------------- retention (SECURITY D4)
def expired(now=None):
    """Answered checks whose retention (CHECK_RETENTION_DAYS after the answer) has run out, not yet erased."""
    now = now or timezone.now()
    return BackgroundCheck.objects.filter(status=BackgroundCheck.Status.ANSWERED, erased_at__isnull=True,
                                          answered_at__lt=now - timedelta(days=settings.CHECK_RETENTION_DAYS))


def check_erase(*, check, actor=None):
    """Erase the candidate's personal data from the row (name, resident ID and its index, advice) and the consent
    file from the store; the outcome, post type and times stay for the figures. One "delete" event without
    personal data; the file goes once the transaction commits."""
    with transaction.atomic():
        lock_for_update(check)
        if check.is_erased:
            return False
        files = list(consent_of(check))
        for attachment in files:
            record(actor=actor, verb=AuditEvent.Verb.DELETE, obj=attachment, note=str(check))
            path = attachment.path
            transaction.on_commit(lambda path=path: path.unlink(missing_ok=True))
        Attachment.objects.filter(pk__in=[a.pk for a in files]).delete()
        check.candidate_name, check.resident_id, check.advice = "", "", ""
        check.erased_at = timezone.now()
        check.version += 1
        check.save(update_fields=["candidate_name", "resident_id", "resident_id_index", "advice", "erased_at",
                                  "version", "updated_at"])
        record(actor=actor, verb=AuditEvent.Verb.DELETE, obj=check,
               note=_("Personal data erased after %(days)s days of retention (%(files)s files)") % {
                   "days": settings.CHECK_RETENTION_DAYS, "files": len(files)})
    return True


def erase_expired(*, now=None, actor=None):
    """Erase every check past retention; returns how many. Safe to run twice (the second finds none)."""
    erased = 0
    for pk in list(expired(now).values_list("pk", flat=True)):
        erased += check_erase(check=BackgroundCheck.objects.get(pk=pk), actor=actor)
    return erased
