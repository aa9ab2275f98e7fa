"""Versioned models of the incidents app whose stale saves are refused and tested here:
test_api.py (409 on a stale `version` for every action) and test_views.py (the page's action form)."""
COVERED = {"incidents.Incident"}
