"""Test helpers: disputes opened through the service, so every row is consistent (same park)."""
import io
from datetime import timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from parkbeat.disputes import services
from parkbeat.disputes.models import Dispute


def open_dispute(world, actor=None, **kw):
    kw.setdefault("category", Dispute.Category.LABOUR_WAGE)
    kw.setdefault("title", "欠薪纠纷")
    kw.setdefault("summary", "二十名工人讨要三个月工资")
    kw.setdefault("park", world.park)
    kw.setdefault("enterprise", world.enterprise)
    kw.setdefault("began_at", timezone.now() - timedelta(days=10))
    return services.dispute_open(actor=actor or world.officer, **kw)


def routed_dispute(world, **kw):
    """A dispute routed to park A's centre, its mediator and agency A."""
    dispute = open_dispute(world, **kw)
    return services.dispute_route(actor=world.officer, dispute=dispute, mediation_centre=world.park.mediation_centre,
                                  mediator=world.mediator, agencies=[world.agency],
                                  expected_version=dispute.version)


def three_instalments(world, dispute, signed_on=None, first_due=None):
    today = timezone.localdate()
    signed_on = signed_on or today - timedelta(days=5)
    first_due = first_due or today + timedelta(days=10)
    return services.agreement_record(
        actor=world.officer, dispute=dispute, terms="分三期支付欠薪", total_amount=Decimal("30000"),
        signed_on=signed_on, instalments_declared=3,
        obligations=[{"due_on": first_due + timedelta(days=30 * i), "amount": Decimal("10000"),
                      "description": f"第{i + 1}期"} for i in range(3)])


def png(name="凭证.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "blue").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")
