"""Shared by the incident tests: a quick way to report one, and real image bytes."""
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from parkbeat.incidents import services
from parkbeat.incidents.models import Incident


def png_bytes(color="red"):
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), color).save(buffer, "PNG")
    return buffer.getvalue()


def png(name="现场.png"):
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def report(world, actor=None, **kwargs):
    """An incident in park A reported by the officer (or `actor`), dispatched as the service does."""
    actor = actor or world.officer
    data = {"source": Incident.Source.PHONE, "kind": Incident.Kind.LABOUR_DISPUTE, "park": world.park,
            "description": "工人聚集讨薪"}
    data.update(kwargs)
    return services.incident_report(actor=actor, **data)


def reload(incident):
    return Incident.objects.get(pk=incident.pk)
