"""Versioned models of this app whose stale saves are refused (tested in test_services and test_permissions:
a stale checklist update is a conflict; a stale inspection cancel or record answers 409)."""
COVERED = {"inspections.ChecklistTemplate", "inspections.Inspection"}
