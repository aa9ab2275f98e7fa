"""The bell in the top bar: the user's unread count, computed only when a page shows it (one indexed count)."""
from django.utils.functional import SimpleLazyObject

from parkbeat.notifications.selectors import unread_count


def bell(request):
    user = getattr(request, "user", None)
    return {"unread_notifications": SimpleLazyObject(lambda: unread_count(user))}
