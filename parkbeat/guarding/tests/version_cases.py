"""Versioned models of this app whose stale saves are refused (tested in test_stale)."""
COVERED = {"guarding.GuardedAsset", "guarding.Segment", "guarding.GuardShift", "guarding.FixedPoint"}
