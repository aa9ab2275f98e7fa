"""The file store full during an upload (SECURITY.md part F): a clear error, no partial file, nothing changed.

A real size-limited file system (tmpfs of 1 MB mounted for the test) under PARKBEAT_PRIVATE_MEDIA_ROOT;
mounting needs root, so the test is a `faults` test run by .ci/run in its own step.
"""
import os
import subprocess
import tempfile
from pathlib import Path

import pytest
from PIL import Image

from parkbeat.core.tests.services import must_have
from parkbeat.files.models import Attachment
from parkbeat.incidents.tests.helpers import report

pytestmark = [pytest.mark.faults, pytest.mark.django_db]


@pytest.fixture
def full_store(settings):
    must_have(os.geteuid() == 0, "mounting a size-limited file system needs root")
    mount = Path(tempfile.mkdtemp(prefix="parkbeat-store-"))
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m,mode=0700", "tmpfs", str(mount)], check=True)
    try:
        (mount / "filler").write_bytes(b"\0" * (1024 * 1024 - 64 * 1024))  # leave 64 KB
        settings.PRIVATE_MEDIA_ROOT = mount
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=True)
        mount.rmdir()


def noisy_png(size=400):
    """A PNG that does not compress: larger than the room left once stored."""
    image = Image.frombytes("RGB", (size, size), os.urandom(size * size * 3))
    path = Path(tempfile.mkdtemp()) / "现场.png"
    image.save(path, "PNG")
    return path


def test_an_upload_into_a_full_store_is_refused_clearly_and_leaves_nothing(world, api_as, full_store):
    incident = report(world)
    version = incident.version
    client = api_as(world.officer)
    client.raise_request_exception = False

    with open(noisy_png(), "rb") as fh:
        response = client.post(f"/api/v1/incidents/{incident.pk}/photos/", {"photo": fh}, format="multipart")

    assert response.status_code == 400, response.content
    assert "store" in str(response.json()) or "存储" in str(response.json())
    assert not Attachment.objects.exists()
    assert sorted(p.name for p in full_store.rglob("*") if p.is_file()) == ["filler"]  # no partial file
    incident.refresh_from_db()
    assert incident.version == version
