"""notify(): one inbox row per recipient, one outbox row per channel that reaches them, reminders sent once."""
import pytest
from django.contrib.contenttypes.models import ContentType
from django.http import Http404

from parkbeat.testing import DemandFactory, UserFactory
from parkbeat.notifications import services
from parkbeat.notifications.models import Notification, OutboxMessage

KIND = Notification.Kind.OTHER


def test_notify_writes_one_inbox_row_per_distinct_active_recipient(world):
    # given
    gone = UserFactory(username="t_gone", is_active=False)
    # when
    created = services.notify(recipients=[world.officer, world.leader, world.officer, None, gone], kind=KIND,
                              title="标题", body="正文")
    # then
    assert [n.recipient_id for n in created] == [world.officer.pk, world.leader.pk]
    assert sorted(Notification.objects.values_list("recipient_id", "kind", "title", "body", "url", "read_at")) == \
        sorted([(world.officer.pk, "other", "标题", "正文", "", None), (world.leader.pk, "other", "标题", "正文", "", None)])
    assert OutboxMessage.objects.count() == 0  # no channel configured: inbox only


def test_notify_links_the_record_and_its_page(world):
    demand = DemandFactory(enterprise=world.enterprise, raised_by=world.liaison)

    [n] = services.notify(recipients=[world.officer], kind=Notification.Kind.DEMAND_OVERDUE, title="t", obj=demand)

    n.refresh_from_db()
    assert (n.content_type, n.object_id, n.about, n.url) == (
        ContentType.objects.get_for_model(demand), demand.pk, demand, f"/enterprises/demands/{demand.pk}/")


def test_notify_with_an_explicit_url_keeps_it(world):
    demand = DemandFactory(enterprise=world.enterprise, raised_by=world.liaison)

    [n] = services.notify(recipients=[world.officer], kind=KIND, title="t", obj=demand, url="/inbox/")

    assert n.url == "/inbox/"


def test_notify_cuts_an_overlong_title(world):
    [n] = services.notify(recipients=[world.officer], kind=KIND, title="长" * 250)

    assert n.title == "长" * 200


def test_dedupe_key_sends_a_reminder_once_per_recipient(world):
    # given
    first = services.notify(recipients=[world.officer], kind=KIND, title="a", dedupe_key="k1")
    # when
    again = services.notify(recipients=[world.officer, world.leader], kind=KIND, title="b", dedupe_key="k1")
    other_key = services.notify(recipients=[world.officer], kind=KIND, title="c", dedupe_key="k2")
    no_key = services.notify(recipients=[world.officer], kind=KIND, title="d")
    # then
    assert (len(first), [n.recipient_id for n in again], len(other_key), len(no_key)) == (1, [world.leader.pk], 1, 1)
    assert list(Notification.objects.filter(recipient=world.officer).order_by("id").values_list("title", flat=True)) \
        == ["a", "c", "d"]


def test_outbox_rows_for_each_channel_that_reaches_the_recipient(world, channels, settings):
    # given: e-mail and SMS on; the officer has both addresses, the leader only an e-mail, the auxiliary none
    settings.PARKBEAT_SMS_URL = "http://127.0.0.1:9/sms"
    channels("email", "sms")
    world.officer.email, world.officer.mobile = "officer@example.cn", "13900000001"
    world.leader.email = "leader@example.cn"
    # when
    created = services.notify(recipients=[world.officer, world.leader, world.auxiliary], kind=KIND, title="t")
    # then
    rows = sorted(OutboxMessage.objects.values_list("notification__recipient_id", "channel", "status", "attempts"))
    assert rows == sorted([(world.officer.pk, "email", "pending", 0), (world.officer.pk, "sms", "pending", 0),
                           (world.leader.pk, "email", "pending", 0)])
    assert len(created) == 3  # the auxiliary still has it in the inbox


def test_delivery_is_enqueued_after_commit_only_when_there_is_something_to_send(world, channels, monkeypatch,
                                                                                django_capture_on_commit_callbacks):
    calls = []
    monkeypatch.setattr("parkbeat.notifications.tasks.deliver_outbox_task", lambda: calls.append(1))
    with django_capture_on_commit_callbacks(execute=True) as inbox_only:
        services.notify(recipients=[world.officer], kind=KIND, title="t")
    assert (inbox_only, calls) == ([], [])

    channels("email")
    world.officer.email = "officer@example.cn"
    with django_capture_on_commit_callbacks(execute=True) as with_email:
        services.notify(recipients=[world.officer], kind=KIND, title="t")
    assert (len(with_email), calls) == (1, [1])


def test_notification_read_marks_once_and_keeps_the_first_time(world):
    [n] = services.notify(recipients=[world.officer], kind=KIND, title="t")

    services.notification_read(user=world.officer, notification=n)
    first = Notification.objects.get(pk=n.pk).read_at
    services.notification_read(user=world.officer, notification=Notification.objects.get(pk=n.pk))

    assert first is not None and Notification.objects.get(pk=n.pk).read_at == first


def test_notification_read_refuses_another_users_notification(world):
    [n] = services.notify(recipients=[world.officer], kind=KIND, title="t")

    with pytest.raises(Http404):
        services.notification_read(user=world.leader, notification=n)

    assert Notification.objects.get(pk=n.pk).read_at is None


def test_notification_read_all_touches_only_the_users_unread(world):
    services.notify(recipients=[world.officer, world.leader], kind=KIND, title="t1")
    services.notify(recipients=[world.officer], kind=KIND, title="t2")

    assert services.notification_read_all(user=world.officer) == 2
    assert services.notification_read_all(user=world.officer) == 0
    assert Notification.objects.filter(recipient=world.officer, read_at__isnull=True).count() == 0
    assert Notification.objects.filter(recipient=world.leader, read_at__isnull=True).count() == 1
