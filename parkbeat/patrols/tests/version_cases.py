"""Versioned models of this app whose stale saves are refused (tested in test_stale and, for the run's finish,
test_api)."""
COVERED = {"patrols.Checkpoint", "patrols.Route", "patrols.PatrolPlan", "patrols.PatrolRun"}
