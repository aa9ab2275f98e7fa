"""Versioned models of this app whose stale saves are refused (tested in test_services and test_permissions:
a stale checklist update is a conflict; a stale inspection cancel or record answers 409; test_planning and
test_planning_pages: a stale key date or campaign change, on the page and the API)."""
COVERED = {"inspections.ChecklistTemplate", "inspections.Inspection", "inspections.KeyDate", "inspections.Campaign"}
