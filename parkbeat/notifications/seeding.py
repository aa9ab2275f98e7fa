"""Inbox rows for the demo modules of the apps that notify (incidents, disputes, the areas to come).

Apart from notifications/demo.py, which runs after them: this is imported by the modules that run before it.
"""
from django.contrib.contenttypes.models import ContentType

from parkbeat.core.demo import link
from parkbeat.notifications.models import Notification


class Inbox:
    """Inbox rows about one model's records, as the services would have sent them, for the demo modules of
    the apps that notify (incidents, disputes, the areas to come); `save()` writes them in one insert."""

    def __init__(self, now, model):
        self.now, self.about, self.rows = now, ContentType.objects.get_for_model(model), []

    def add(self, recipient, kind, title, body, obj, at, read_after=None, dedupe_key=""):
        """One message sent at `at`; read `read_after` later if that lies before now, else unread."""
        read_at = at + read_after if read_after is not None and at + read_after < self.now else None
        self.rows.append(Notification(recipient=recipient, kind=kind, title=title, body=body, url=link(obj),
                                      content_type=self.about, object_id=obj.pk, created_at=at, read_at=read_at,
                                      dedupe_key=dedupe_key))

    def save(self):
        return Notification.objects.bulk_create(self.rows)
