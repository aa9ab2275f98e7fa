"""Versioned models of this app whose stale saves are refused (test_services: a stale lecture edit, a second
attendance from the same version, a stale campaign edit, a stale adoption end; test_api: 409 on the API)."""
COVERED = {"outreach.Campaign", "outreach.Lecture", "outreach.RuleAdoption"}
