"""Versioned models of this app whose stale saves are refused (tested in test_api, test_views, test_services)."""
COVERED = {"disputes.Dispute", "disputes.Obligation"}
