"""The inbox exports the user's own notifications as shown (filters, every page), audited."""
import pytest
from django.urls import reverse
from django.utils import timezone

from parkbeat.audit.models import AuditEvent
from parkbeat.enterprises.tests.test_list_exports import shown_and_exported
from parkbeat.notifications.models import Notification
from parkbeat.notifications.services import notify


@pytest.mark.parametrize("role, own", [("officer", 30), ("leader", 2)])
def test_inbox_export_is_the_users_own_notifications(world, page_as, role, own):
    user = getattr(world, role)
    for n in range(own):
        notify(recipients=[user], kind=Notification.Kind.OTHER, title=f"给{role}的第{n}条")
    notify(recipients=[world.other_officer], kind=Notification.Kind.OTHER, title="别人的通知")

    count, (header, rows) = shown_and_exported(page_as(user), reverse("notifications:notification_list"), {})

    assert count == len(rows) == own  # all pages, not the first 25
    assert not any("别人的通知" in str(row) for row in rows)
    assert header[:3] == ("通知", "类型", "时间")
    assert AuditEvent.objects.filter(verb="export", object_type="notifications.Notification",
                                     actor_id=user.pk).count() == 1


def test_inbox_export_follows_the_unread_filter(world, page_as):
    [read] = notify(recipients=[world.officer], kind=Notification.Kind.OTHER, title="已读的")
    notify(recipients=[world.officer], kind=Notification.Kind.OTHER, title="未读的")
    Notification.objects.filter(pk=read.pk).update(read_at=timezone.now())

    count, (header, rows) = shown_and_exported(page_as(world.officer), reverse("notifications:notification_list"),
                                               {"unread": "true"})

    assert count == len(rows) == 1 and rows[0][0] == "未读的"
