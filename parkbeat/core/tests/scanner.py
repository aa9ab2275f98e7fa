"""Response scanner (SECURITY D2): filled in by the personal-data work; registered from the root conftest."""
