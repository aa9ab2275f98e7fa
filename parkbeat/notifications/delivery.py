"""Outbox delivery (filled in by the notifications work)."""


def deliver_due():
    return 0
