"""Versioned models of this app whose stale saves are refused (tested in test_services and test_api).

Trainings and support records are written once and never edited: a wrong one is recorded again."""
COVERED = {"volunteers.Volunteer", "volunteers.VolunteerTeam"}
