"""Delivery channels behind one interface (e-mail, an SMS gateway over HTTP, an enterprise-messaging
webhook), chosen in settings. The inbox itself is not a channel: every notification is in it.

A channel reads the recipient's address (e-mail, mobile) at sending time and raises ChannelError on any
failure (PermanentChannelError when retrying cannot help); the error text is stored on the outbox row, so it
never carries an address, a URL or content.

What leaves ParkBeat: the full title and body (names, amounts, places, notes) stay in the inbox, which only
its recipient reads. Outside it a message says only "ParkBeat: you have a new notification (<kind>)" and, with
PARKBEAT_SITE_URL, the link to the record (where the reader logs in and scoping applies):
- webhook: that generic text, @-mentioning the recipient's mobile. The robot posts into ONE group that every
  member reads, so it never carries the title or body, whatever the settings;
- SMS (leaves the intranet to a gateway): the generic text;
- e-mail: the title as subject, the generic text as body.
PARKBEAT_NOTIFY_FULL_TEXT=true lets the personal channels (e-mail, SMS) carry title, body and link instead.
"""
import json
import smtplib
import urllib.error
import urllib.request

from django.conf import settings
from django.core.mail import send_mail
from django.utils.translation import gettext as _


class ChannelError(Exception):
    """A send failed (the message stays in the outbox and is retried). The text is safe to store."""


class PermanentChannelError(ChannelError):
    """A send that no retry can make succeed (recipient unreachable, channel gone): the message is given up."""


class Channel:
    """One way out of ParkBeat. `reaches(user)`: whether the user has an address on this channel."""

    name = ""

    def reaches(self, user):
        raise NotImplementedError

    def send(self, notification, user):
        """Deliver `notification` to `user` or raise ChannelError; must return within a few seconds."""
        raise NotImplementedError


def _link(notification):
    if notification.url and settings.PARKBEAT_SITE_URL and notification.url.startswith("/"):
        return settings.PARKBEAT_SITE_URL + notification.url
    return ""


def _cut(text, limit):
    return text if limit is None or len(text) <= limit else text[: limit - 1] + "…"


def message_text(notification, limit=None):
    """Title, body and (with PARKBEAT_SITE_URL) an absolute link, cut to `limit` characters: the full text,
    for a channel only one person reads, and only with PARKBEAT_NOTIFY_FULL_TEXT."""
    parts = [notification.title, notification.body, _link(notification)]
    return _cut("\n".join(part for part in parts if part), limit)


def generic_text(notification, limit=None):
    """What may leave ParkBeat by default: that there is a notification, its kind, and the link."""
    text = _("ParkBeat: you have a new notification (%(kind)s)") % {"kind": notification.get_kind_display()}
    return _cut("\n".join(part for part in (text, _link(notification)) if part), limit)


def outbound_text(notification, limit=None):
    """The text of a personal channel (e-mail body, SMS): generic unless full text is allowed."""
    if settings.PARKBEAT_NOTIFY_FULL_TEXT:
        return message_text(notification, limit)
    return generic_text(notification, limit)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A gateway that redirects did not take the message (urllib would re-send a POST as a GET)."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def post_json(url, payload, *, token="", timeout=None):
    """POST `payload` as JSON; the answer's body (2xx only), else ChannelError with the status or error kind."""
    request = urllib.request.Request(
        url, data=json.dumps(payload, ensure_ascii=False).encode("utf-8"), method="POST",
        headers={"Content-Type": "application/json; charset=utf-8", "User-Agent": "ParkBeat"})
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with _opener.open(request, timeout=timeout or settings.PARKBEAT_NOTIFY_TIMEOUT) as response:
            status, body = response.status, response.read(64 * 1024)
    except urllib.error.HTTPError as exc:
        exc.close()
        raise ChannelError(f"HTTP {exc.code}") from None
    except urllib.error.URLError as exc:
        raise ChannelError(f"connection failed ({type(exc.reason).__name__})") from None
    except (OSError, ValueError) as exc:  # timeouts, resets, a malformed answer
        raise ChannelError(f"connection failed ({type(exc).__name__})") from None
    if not 200 <= status < 300:
        raise ChannelError(f"HTTP {status}")
    return body


class EmailChannel(Channel):
    """Django's mail (EMAIL_* settings, EMAIL_TIMEOUT); reaches users with an e-mail address."""

    name = "email"

    def reaches(self, user):
        return bool(user.email)

    def send(self, notification, user):
        try:
            send_mail(subject=notification.title, message=outbound_text(notification), from_email=None,
                      recipient_list=[user.email], fail_silently=False)
        except (smtplib.SMTPException, OSError) as exc:  # an SMTP refusal may name addresses: keep the kind only
            raise ChannelError(f"mail failed ({type(exc).__name__})") from None


class SmsChannel(Channel):
    """An SMS gateway over HTTP: POST {"mobile", "content"} with an optional bearer token."""

    name = "sms"
    max_length = 300

    def reaches(self, user):
        return bool(user.mobile)

    def send(self, notification, user):
        post_json(settings.PARKBEAT_SMS_URL,
                  {"mobile": user.mobile, "content": outbound_text(notification, self.max_length)},
                  token=settings.PARKBEAT_SMS_TOKEN)


class WebhookChannel(Channel):
    """An enterprise-messaging group robot: a text message that @-mentions the recipient by mobile.

    The whole group reads what the robot posts, so it gets the generic text only (never title or body).

    The robot answers 200 with {"errcode": 0} on success; any other errcode is a failure.
    """

    name = "webhook"
    max_length = 2000

    def reaches(self, user):
        return bool(user.mobile)

    def send(self, notification, user):
        body = post_json(settings.PARKBEAT_WEBHOOK_URL, {
            "msgtype": "text",
            "text": {"content": generic_text(notification, self.max_length), "mentioned_mobile_list": [user.mobile]},
        })
        try:
            answer = json.loads(body or b"{}")
        except ValueError:
            return  # a robot that answers 2xx without JSON has taken the message
        if isinstance(answer, dict) and answer.get("errcode", 0) not in (0, "0"):
            raise ChannelError(f"robot refused (errcode {str(answer.get('errcode'))[:20]})")


CHANNELS = {channel.name: channel for channel in (EmailChannel, SmsChannel, WebhookChannel)}


def enabled_channels():
    """The channels configured in settings.PARKBEAT_NOTIFY_CHANNELS (none by default: inbox only)."""
    return [CHANNELS[name]() for name in settings.PARKBEAT_NOTIFY_CHANNELS]
