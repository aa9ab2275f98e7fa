"""The inbox's own share of the demo: what holds whatever filled it, as a last touch.

The incidents and disputes modules write their notifications themselves; this one runs after them.
"""
from parkbeat.notifications.models import Notification

REQUIRES = ("org", "incidents", "disputes")  # after every module that fills the inbox


def seed(ctx):
    """The leader has not opened the newest notification yet: the first visit finds the bell lit."""
    newest = (Notification.objects.filter(recipient=ctx.shared["accounts"]["leader"])
              .order_by("-created_at", "id").first())
    if newest:
        Notification.objects.filter(pk=newest.pk).update(read_at=None)
    return {}
