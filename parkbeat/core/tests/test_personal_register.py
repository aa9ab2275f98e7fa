"""SECURITY D1: every model field that holds a person's data is in core.personal.PERSONAL_FIELDS, with a purpose.

A field counts as "marked personal" when the model says so in one of the ways the code already uses:
a mobile or resident-ID validator, an EncryptedTextField, a verbose name in the "person" translation
context (a person's name, not a company's), or a field name that only personal data wears (mobile,
phone, resident_id, full_name, email, ...). Marking is thus part of writing the field; the register
is the one list a reviewer reads. Fields that match by name but are not about a person are listed
below with the reason.
"""
import re

from django.apps import apps
from django.utils import translation

from parkbeat.core.personal import (MASKERS, PERSONAL_FIELDS, EncryptedTextField, mask_for_log, masked_kind,
                                    validate_mobile, validate_resident_id)

PERSONAL_NAME_RE = re.compile(r"(^|_)(mobile|phone|tel|telephone|resident_id|id_number|id_card|full_name|email|"
                              r"birth|birthday|address_home|home_address|plate)($|_)")
NOT_PERSONAL = {
    ("org.Agency", "phone"): "the partner agency's duty line, published by the agency",
    ("org.MediationCentre", "phone"): "the mediation centre's public number",
    ("volunteers.Volunteer", "resident_id_index"): "an HMAC blind index of resident_id, never shown or exported",
    ("checks.BackgroundCheck", "resident_id_index"): "an HMAC blind index of resident_id, never shown or exported",
    ("guarding.ShiftPerson", "user"): "the account on the shift (a key): its name is registered on org.User",
}


def project_fields():
    for model in apps.get_models():
        if model.__module__.startswith("parkbeat."):
            for field in model._meta.concrete_fields:
                yield model._meta.label, field


def marked_personal(field):
    validators = getattr(field, "validators", [])
    context = getattr(field.verbose_name, "_args", ())[:1]
    return bool(any(v in (validate_mobile, validate_resident_id) for v in validators)
                or isinstance(field, EncryptedTextField)
                or context == ("person",)
                or PERSONAL_NAME_RE.search(field.name))


def test_every_field_marked_personal_is_in_the_register():
    marked = {(label, field.name) for label, field in project_fields() if marked_personal(field)}
    registered = {(label, name) for label, fields in PERSONAL_FIELDS.items() for name in fields}

    assert sorted(marked - set(NOT_PERSONAL) - registered) == []


def test_the_register_names_only_real_fields_each_with_a_kind_and_a_purpose():
    fields = {(label, field.name): field for label, field in project_fields()}
    for label, entries in PERSONAL_FIELDS.items():
        for name, (kind, purpose) in entries.items():
            assert (label, name) in fields, f"{label}.{name} is registered but does not exist"
            assert kind in {"mobile", "resident_id", "name", "email"}
            with translation.override("en"):
                assert len(str(purpose)) >= 10, f"{label}.{name} needs a purpose"


def test_masked_kinds_carry_their_validator():
    """A field registered as a mobile or resident ID is validated as one, so masking fits its shape."""
    fields = {(label, field.name): field for label, field in project_fields()}
    expected = {"mobile": validate_mobile, "resident_id": validate_resident_id}
    for label, entries in PERSONAL_FIELDS.items():
        for name, (kind, _purpose) in entries.items():
            if kind in expected:
                assert expected[kind] in fields[(label, name)].validators, f"{label}.{name}"


def test_exemptions_still_exist_and_match():
    fields = {(label, field.name): field for label, field in project_fields()}
    for key in NOT_PERSONAL:
        assert key in fields and marked_personal(fields[key]), f"stale exemption {key}"


def test_the_marker_finds_the_known_personal_fields():
    """The check is not vacuous: the fields we know of are found by the marker itself."""
    marked = {(label, field.name) for label, field in project_fields() if marked_personal(field)}
    assert {("org.User", "mobile"), ("org.User", "full_name"), ("org.User", "email"),
            ("enterprises.Liaison", "mobile"), ("enterprises.Liaison", "name"),
            ("volunteers.Volunteer", "resident_id"), ("volunteers.Volunteer", "mobile"),
            ("volunteers.Volunteer", "name")} <= marked
    assert ("enterprises.Enterprise", "name") not in marked


def test_only_mobiles_and_resident_ids_are_masked():
    assert set(MASKERS) == {"mobile", "resident_id"}
    assert masked_kind("enterprises.Liaison", "mobile") == "mobile"
    assert masked_kind("volunteers.Volunteer", "resident_id") == "resident_id"
    assert masked_kind("enterprises.Liaison", "name") is None
    assert mask_for_log("org.User", "full_name", "张三") == "张三"
