"""Versioned models of this app whose stale saves are refused (tested in test_services and test_permissions: a
stale review, evidence upload or referral is a conflict; two officers reviewing the same evidence: the second 409)."""
COVERED = {"hazards.Hazard"}
