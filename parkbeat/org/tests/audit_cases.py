"""Audit cases of the organisation's services kept beside them (collected by audit/tests/test_events.py)."""
from parkbeat.org import services as s

CASES = {
    "org.services:park_update": ("leader", lambda w: s.park_update(
        actor=w.leader, park=w.park2, data={"kind": "campus", "name": "栗雨中学周边"}), "update", "org.Park", 1),
}
