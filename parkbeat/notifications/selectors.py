"""Reads of the inbox: always the user's own notifications."""
from django.db.models import BooleanField, ExpressionWrapper, Q

from parkbeat.notifications.models import Notification


def notification_list(*, user):
    """The user's notifications, unread first, newest first within each."""
    return (Notification.objects.visible_to(user)
            .annotate(is_read=ExpressionWrapper(Q(read_at__isnull=False), output_field=BooleanField()))
            .order_by("is_read", "-created_at", "-id"))


def unread_count(user):
    """One indexed count (recipient, read_at); 0 for anonymous callers without a query."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).count()
