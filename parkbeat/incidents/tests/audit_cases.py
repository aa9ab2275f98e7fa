"""Audit cases of the incident services, collected by parkbeat/audit/tests/test_events.py (format: see CASES there)."""
from parkbeat.incidents import services


def _report(w, actor=None):
    return services.incident_report(actor=actor or w.officer, source="phone", kind="theft", park=w.park,
                                    description="车棚电瓶被盗")


def _transition(w):
    incident = _report(w)
    return incident, lambda: services.incident_transition(actor=w.officer, incident=incident, to="accepted",
                                                          expected_version=1)


def _handover(w):
    incident = _report(w)
    return incident, lambda: services.incident_handover(actor=w.officer, incident=incident, to_user=w.leader,
                                                        note="请所领导处置", expected_version=1)


def _agency(w):
    incident = _report(w)
    return incident, lambda: services.incident_add_agency(actor=w.officer, incident=incident, agency=w.agency)


def _photo(w):
    from parkbeat.incidents.tests.helpers import png

    incident = _report(w)
    return incident, lambda: services.incident_add_photo(actor=w.officer, incident=incident, upload=png())


def _transfer(w):
    incident = _report(w)
    services.incident_transition(actor=w.officer, incident=incident, to="accepted")
    return incident, lambda: services.incident_transfer(actor=w.officer, incident=incident, result="dispute",
                                                        note="转为纠纷调解")


CASES = {
    "incidents.services:incident_report": ("liaison", lambda w: services.incident_report(
        actor=w.liaison, source="liaison", kind="labour_dispute", description="工人讨薪"),
        "create", "incidents.Incident", 1),
    "incidents.services:incident_transition": ("officer", _transition, "transition", "incidents.Incident", 1),
    "incidents.services:incident_handover": ("officer", _handover, "update", "incidents.Incident", 1),
    "incidents.services:incident_add_agency": ("officer", _agency, "update", "incidents.Incident", 1),
    "incidents.services:incident_add_photo": ("officer", _photo, "create", "files.Attachment", 1),
    "incidents.services:incident_transfer": ("officer", _transfer, "transition", "incidents.Incident", 1),
}
