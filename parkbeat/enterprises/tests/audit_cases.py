"""Audit cases of the key designation services (collected by audit/tests/test_events.py); the registry's other
actions have theirs there. A designation writes its own row's event and the enterprise's (its key fields)."""
from parkbeat.enterprises import services as s
from parkbeat.enterprises.models import Enterprise


def _designate(w):
    return s.enterprise_designate(actor=w.officer, enterprise=w.enterprise, risk_category="hazmat", reason="储存液氨",
                                  expected_version=w.enterprise.version)


def _undesignate(w):
    _designate(w)
    enterprise = Enterprise.objects.get(pk=w.enterprise.pk)
    return enterprise, lambda: s.enterprise_undesignate(actor=w.officer, enterprise=enterprise, reason="已整改",
                                                        expected_version=enterprise.version)


CASES = {
    "enterprises.services:enterprise_designate": ("officer", _designate, ["create", "update"], None, 2),
    "enterprises.services:enterprise_undesignate": ("officer", _undesignate, ["update", "update"], None, 2),
}
