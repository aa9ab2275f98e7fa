"""Versioned models of this app whose stale saves are refused (test_services: a stale answer is a conflict; the
API answers 409)."""
COVERED = {"checks.BackgroundCheck"}
