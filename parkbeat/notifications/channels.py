"""Delivery channels behind one interface (e-mail, an SMS gateway over HTTP, an enterprise-messaging
webhook), chosen in settings. The inbox itself is not a channel: every notification is in it."""


def enabled_channels():
    """The channels configured in settings.PARKBEAT_NOTIFY_CHANNELS (none by default: inbox only)."""
    return []
