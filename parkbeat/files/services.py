"""The one upload path every feature uses: checked by content and name, images re-encoded, stored privately.

A refused upload leaves nothing behind: every check runs on the bytes in memory before anything is
written, and the file is removed again if the database insert or its audit event fails.
"""
import errno
import hashlib
import io
import logging
import os
import secrets
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

import filetype
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from parkbeat.audit.services import record, snapshot
from parkbeat.core.permissions import require
from parkbeat.core.scoping import is_visible
from parkbeat.files.models import Attachment

log = logging.getLogger(__name__)

# Extension -> (kind, the MIME type its content must have). Nothing else is accepted: no SVG, HTML, scripts.
ALLOWED = {
    "jpg": ("image", "image/jpeg"),
    "jpeg": ("image", "image/jpeg"),
    "png": ("image", "image/png"),
    "webp": ("image", "image/webp"),
    "gif": ("image", "image/gif"),
    "pdf": ("pdf", "application/pdf"),
    "xlsx": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}
NAME_MAX = 120
_FORBIDDEN_IN_NAMES = set('<>:"/\\|?*')


@dataclass(frozen=True)
class Checked:
    """An upload that passed every check: the bytes to store and how to describe them."""

    content: bytes
    kind: str
    mime_type: str
    extension: str
    display_name: str


def clean_name(name):
    """A file name safe to show and to put in Content-Disposition: no directories, control or reserved characters."""
    name = unicodedata.normalize("NFC", str(name or ""))
    name = name.replace("\\", "/").rsplit("/", 1)[-1]  # the last path part only: "../../etc/passwd" -> "passwd"
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C" and c not in _FORBIDDEN_IN_NAMES)
    name = name.strip().lstrip(".").strip()
    if len(name) > NAME_MAX:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: NAME_MAX - len(ext) - 1] + "." + ext) if dot and len(ext) <= 10 else name[:NAME_MAX]
    return name or "file"


def _read_capped(upload):
    """At most UPLOAD_MAX_BYTES from the upload (a Django UploadedFile or any binary file); refuse anything larger."""
    limit = settings.UPLOAD_MAX_BYTES
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise _too_large(limit)
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise _too_large(limit)
    if not data:
        raise ValidationError(_("The file is empty."), code="empty")
    return data


def _too_large(limit):
    return ValidationError(_("The file is larger than %(mb)s MB.") % {"mb": round(limit / 1024 / 1024, 1)},
                           code="too_large")


def _reencode_image(data, display_name):
    """Decode within the pixel budget, apply the EXIF orientation, and save fresh pixels without any metadata."""
    try:
        with Image.open(io.BytesIO(data)) as img:
            width, height = img.size  # read from the header, nothing decoded yet
            if width * height > settings.IMAGE_MAX_PIXELS:
                raise ValidationError(_("The image is too large (%(w)s × %(h)s pixels).") % {"w": width, "h": height},
                                      code="too_many_pixels")
            img.load()
            keep_png = img.format != "JPEG"  # photos stay JPEG; the rest become PNG (lossless, keeps transparency)
            img = ImageOps.exif_transpose(img)
            if img.mode not in ("RGB", "RGBA", "L", "LA"):
                img = img.convert("RGBA" if "transparency" in img.info or img.mode in ("P", "PA") else "RGB")
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(_("The image is too large to open safely."), code="too_many_pixels") from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise ValidationError(_("The image is damaged and cannot be read."), code="broken_image") from None
    clean = Image.new(img.mode, img.size)
    clean.paste(img)  # only the pixels: no EXIF, GPS, ICC or text chunks come along
    out = io.BytesIO()
    if keep_png or clean.mode in ("RGBA", "LA"):
        clean.save(out, "PNG", optimize=True)
        extension, mime = "png", "image/png"
    else:
        clean.save(out, "JPEG", quality=90)
        extension, mime = "jpg", "image/jpeg"
    stem = display_name.rpartition(".")[0] or display_name
    return out.getvalue(), mime, extension, f"{stem}.{extension}"


def _check_xlsx(data):
    """A real workbook: a zip holding xl/workbook.xml, with no macros."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile:
        names = set()
    if "xl/workbook.xml" not in names:
        raise ValidationError(_("The spreadsheet is damaged and cannot be read."), code="broken_xlsx")
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        raise ValidationError(_("Spreadsheets with macros are not accepted."), code="macros")


def check_upload(upload, kinds=("image", "pdf", "xlsx")):
    """Return the bytes to store, or raise ValidationError saying plainly why the file is refused."""
    data = _read_capped(upload)
    display_name = clean_name(getattr(upload, "name", ""))
    extension = PurePosixPath(display_name).suffix.lower().lstrip(".")
    expected = ALLOWED.get(extension)
    accepted = ", ".join(sorted(ext for ext, (kind, _mime) in ALLOWED.items() if kind in kinds))
    if expected is None or expected[0] not in kinds:
        raise ValidationError(_("Only these file types are accepted: %(types)s.") % {"types": accepted},
                              code="extension")
    guessed = filetype.guess(data)
    if guessed is None or guessed.mime != expected[1]:
        raise ValidationError(_("The content of the file does not match its name (.%(ext)s).") % {"ext": extension},
                              code="content")
    kind, mime = expected
    if kind == "image":
        data, mime, extension, display_name = _reencode_image(data, display_name)
    elif kind == "xlsx":
        _check_xlsx(data)
    return Checked(content=data, kind=kind, mime_type=mime, extension=extension, display_name=display_name)


def _require_parent(actor, obj, perm):
    if perm is not None:
        require(actor, perm, obj)
    elif not is_visible(actor, obj):
        raise PermissionDenied(_("You are not allowed to do this here."))


def attachment_create(*, actor, obj, upload, kinds=("image", "pdf", "xlsx"), perm=None):
    """Attach `upload` to `obj` (which the actor must see, or reach through `perm`), with one audit event."""
    _require_parent(actor, obj, perm)
    checked = check_upload(upload, kinds)
    stored_name = f"{secrets.token_hex(1)}/{secrets.token_hex(16)}.{checked.extension}"
    path = settings.PRIVATE_MEDIA_ROOT / stored_name
    attachment = Attachment(parent=obj, original_name=checked.display_name, stored_name=stored_name,
                            kind=checked.kind, mime_type=checked.mime_type, size=len(checked.content),
                            sha256=hashlib.sha256(checked.content).hexdigest(), uploaded_by=actor)
    created = False
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        with open(path, "xb") as fh:  # "x": a name collision fails instead of overwriting
            created = True
            fh.write(checked.content)
            fh.flush()
            os.fsync(fh.fileno())  # a full disk shows here, not later, so no half-written file is kept
        path.chmod(0o600)
    except OSError as exc:
        if created:
            path.unlink(missing_ok=True)
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            log.error("attachment not stored, the file store is full: %s", settings.PRIVATE_MEDIA_ROOT)
            raise ValidationError(_("The file store is full, so the file was not saved and nothing was changed. "
                                    "Tell the system administrator."), code="store_full") from None
        raise
    try:
        with transaction.atomic():
            attachment.save()
            record(actor=actor, verb="create", obj=attachment, note=f"{obj._meta.label}:{obj.pk}",
                   after=snapshot(attachment, ["original_name", "kind", "mime_type", "size", "sha256"]))
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return attachment


def attachment_download(*, actor, attachment):
    """The stored file for `actor`, who was allowed to see it (files.selectors.attachment_get): every download
    of evidence, photos and consent files is on the audit trail with who and what, then handed over."""
    data = attachment_open(attachment)
    with transaction.atomic():
        record(actor=actor, verb="download", obj=attachment,
               note=f"{attachment.parent_type} {attachment.object_id}: {attachment.original_name}"[:500])
    return data


def attachment_open(attachment):
    """The stored file for reading, after checking it still has the checksum recorded at upload."""
    data = attachment.path.read_bytes()
    if hashlib.sha256(data).hexdigest() != attachment.sha256:
        raise ValidationError(_("The stored file is damaged."), code="damaged")
    return io.BytesIO(data)
