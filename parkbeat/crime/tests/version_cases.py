"""Versioned models of this app whose stale saves are refused (tested in test_services: a stale key time, close,
conversion or update is a conflict)."""
COVERED = {"crime.Lead", "crime.Case"}
