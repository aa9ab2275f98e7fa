"""The audit trail: hash chain, tamper evidence, masking, rollback with the business change, login events."""
import json

import pytest
from django.utils import translation

from parkbeat.audit import services as audit_services
from parkbeat.audit.models import AuditChainHead, AuditEvent
from parkbeat.audit.services import check_chain, event_hash, record, verify_chain
from parkbeat.testing import LiaisonFactory, credit_code
from parkbeat.enterprises import services
from parkbeat.enterprises.models import Enterprise, Liaison

PASSWORD = "Correct-Horse-9"  # UserFactory's password


@pytest.fixture(autouse=True)
def _english(settings):
    """Assert exact messages in English, whatever translations the project ships."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def three_events(world):
    """Three real business writes, each leaving one event."""
    services.enterprise_update(actor=world.officer, enterprise=world.enterprise, data={"headcount": 110},
                               expected_version=1)
    services.enterprise_update(actor=world.leader, enterprise=world.enterprise2, data={"address": "新马路1号"},
                               expected_version=1)
    services.enterprise_update(actor=world.officer, enterprise=world.enterprise, data={"headcount": 120},
                               expected_version=2)
    return list(AuditEvent.objects.order_by("id"))


# ------------------------------------------------------------------ the chain
def test_record_chains_each_event_to_the_previous_hash(world):
    # given: an empty trail
    assert AuditEvent.objects.count() == 0
    # when
    first = record(actor=world.officer, verb="update", obj=world.enterprise, note="一")
    second = record(actor=world.leader, verb="update", obj=world.enterprise2, note="二")
    third = record(actor=None, verb="login_failed", outcome="failure", object_type="org.User", object_repr="who")
    # then
    stored = list(AuditEvent.objects.order_by("id"))
    assert [e.pk for e in stored] == [first.pk, second.pk, third.pk]
    assert [e.prev_hash for e in stored] == ["", first.hash, second.hash]
    assert [e.hash for e in stored] == [event_hash(e) for e in stored]
    assert all(len(e.hash) == 64 and int(e.hash, 16) >= 0 for e in stored)
    assert len({e.hash for e in stored}) == 3
    assert AuditChainHead.objects.get(pk=1).last_hash == third.hash


def test_record_stores_who_what_and_roles(world):
    # when
    event = record(actor=world.officer, verb="update", obj=world.enterprise, before={"headcount": 100},
                   after={"headcount": 120}, note="人数变化")
    # then
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.actor_id, stored.actor_username, stored.actor_roles, stored.verb, stored.outcome,
            stored.object_type, stored.object_id, stored.object_repr, stored.changes, stored.note) == (
        world.officer.pk, "t_officer", "park_officer", "update", "success", "enterprises.Enterprise",
        str(world.enterprise.pk), "株洲新马机械有限公司", {"headcount": [100, 120]}, "人数变化")


def test_verify_chain_on_intact_chain_returns_count_and_none(world):
    # given
    three_events(world)
    # when / then
    assert verify_chain() == (3, None)


def test_verify_chain_on_empty_trail(db):
    assert verify_chain() == (0, None)


def test_verify_chain_names_the_altered_event(world, tamper):
    # given
    first, second, third = three_events(world)
    # when
    AuditEvent.objects.filter(pk=second.pk).update(note="x")
    # then
    assert verify_chain() == (1, second.pk)


def test_verify_chain_names_an_event_whose_changes_were_rewritten(world, tamper):
    # given
    first, second, third = three_events(world)
    # when
    AuditEvent.objects.filter(pk=third.pk).update(changes={"headcount": [110, 999]})
    # then
    assert verify_chain() == (2, third.pk)


def test_verify_chain_catches_a_rehashed_forgery_at_the_next_event(world, tamper):
    # given: a forger alters an event and recomputes its own hash
    first, second, third = three_events(world)
    forged = AuditEvent.objects.get(pk=second.pk)
    forged.note = "伪造"
    forged.hash = event_hash(forged)
    AuditEvent.objects.filter(pk=second.pk).update(note=forged.note, hash=forged.hash)
    # when / then: the next event still points at the original hash
    assert verify_chain() == (2, third.pk)


def test_verify_chain_names_a_deleted_middle_event(world, tamper):
    # given
    first, second, third = three_events(world)
    # when
    AuditEvent.objects.filter(pk=second.pk).delete()
    # then
    assert verify_chain() == (1, second.pk)
    assert check_chain().problem == "missing"


def test_verify_chain_names_a_deleted_first_event(world, tamper):
    # given
    first, second, third = three_events(world)
    # when
    AuditEvent.objects.filter(pk=first.pk).delete()
    # then
    assert verify_chain() == (0, first.pk)


def test_verify_chain_names_a_deleted_last_event(world, tamper):
    # given
    first, second, third = three_events(world)
    # when
    AuditEvent.objects.filter(pk=third.pk).delete()
    # then
    assert verify_chain() == (2, third.pk)


def test_verify_chain_accepts_gaps_in_ids_when_the_links_hold(world):
    """PostgreSQL sequences skip numbers on rollback; a gap alone is not a missing event."""
    # given: an event whose id skips a number, chained properly
    first = record(actor=world.officer, verb="update", obj=world.enterprise)
    head = AuditChainHead.objects.get(pk=1)
    gap = AuditEvent(id=first.pk + 5, at=first.at, actor_username="t_officer", verb="update",
                     prev_hash=head.last_hash, object_type="enterprises.Enterprise")
    gap.hash = event_hash(gap)
    gap.save()
    AuditChainHead.objects.filter(pk=1).update(last_hash=gap.hash)
    # when / then
    assert verify_chain() == (2, None)


# ------------------------------------------------------------------ personal data in changes
def test_liaison_mobile_change_is_masked_in_the_audit_event(world):
    # given
    contact = LiaisonFactory(enterprise=world.enterprise, mobile="13912345678")
    mark = AuditEvent.objects.count()
    # when
    services.liaison_update(actor=world.officer, liaison=contact, data={"mobile": "13887654321"},
                            expected_version=1)
    # then
    assert Liaison.objects.get(pk=contact.pk).mobile == "13887654321"
    [event] = AuditEvent.objects.order_by("id")[mark:]
    assert (event.verb, event.object_type, event.changes) == (
        "update", "enterprises.Liaison", {"mobile": ["139****5678", "138****4321"]})
    stored = json.dumps([event.changes, event.note, event.object_repr], ensure_ascii=False)
    assert "13912345678" not in stored
    assert "13887654321" not in stored


def test_liaison_creation_masks_mobile_in_the_audit_event(world):
    # when
    contact = services.liaison_create(actor=world.officer, enterprise=world.enterprise, kind="security_head",
                                      name="王保卫", mobile="13812345678")
    # then
    event = AuditEvent.objects.get(object_type="enterprises.Liaison", object_id=str(contact.pk))
    assert event.changes["mobile"] == [None, "138****5678"]
    assert "13812345678" not in json.dumps(event.changes)


# ------------------------------------------------------------------ the audit write is in the business transaction
def test_failing_audit_write_rolls_back_the_enterprise_update(world, monkeypatch):
    # given
    head_before = AuditChainHead.objects.filter(pk=1).values_list("last_hash", flat=True).first()
    count = AuditEvent.objects.count()

    def broken(event):
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr(audit_services, "event_hash", broken)
    # when
    with pytest.raises(RuntimeError):
        services.enterprise_update(actor=world.officer, enterprise=world.enterprise,
                                   data={"name": "不应保存的名字", "headcount": 999}, expected_version=1)
    # then
    stored = Enterprise.objects.get(pk=world.enterprise.pk)
    assert (stored.name, stored.headcount, stored.version) == ("株洲新马机械有限公司", 100, 1)
    assert AuditEvent.objects.count() == count
    assert AuditChainHead.objects.filter(pk=1).values_list("last_hash", flat=True).first() == head_before


def test_failing_audit_write_rolls_back_the_enterprise_creation(world, monkeypatch):
    # given
    count = Enterprise.objects.count()
    code = credit_code()

    def broken(event):
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr(audit_services, "event_hash", broken)
    # when
    with pytest.raises(RuntimeError):
        services.enterprise_create(actor=world.officer, name="不应存在的企业", credit_code=code, park=world.park)
    # then
    assert Enterprise.objects.count() == count
    assert not Enterprise.objects.filter(credit_code=code).exists()


# ------------------------------------------------------------------ login and logout
def test_login_through_the_login_page_records_a_login_event(world, client):
    # when
    response = client.post("/login/", {"username": "t_officer", "password": PASSWORD})
    # then
    assert response.status_code == 302
    assert response["Location"] == "/"
    [event] = AuditEvent.objects.all()
    assert (event.verb, event.outcome, event.actor_id, event.actor_username, event.object_type,
            event.object_id, event.ip) == (
        "login", "success", world.officer.pk, "t_officer", "org.User", str(world.officer.pk), "127.0.0.1")
    assert event.request_id == response["X-Request-Id"]
    assert verify_chain() == (1, None)


def test_failed_login_records_a_login_failed_event_without_the_password(world, client):
    # when
    response = client.post("/login/", {"username": "t_officer", "password": "Wrong-Horse-77"})
    # then
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    [event] = AuditEvent.objects.all()
    assert (event.verb, event.outcome, event.actor_id, event.actor_username, event.object_type,
            event.object_repr, event.ip) == (
        "login_failed", "failure", None, "", "org.User", "t_officer", "127.0.0.1")
    dumped = json.dumps([getattr(event, f) for f in ("changes", "note", "object_repr", "object_id")])
    assert "Wrong-Horse-77" not in dumped


def test_failed_login_for_unknown_user_is_recorded_too(db, client):
    # when
    client.post("/login/", {"username": "nobody-here", "password": "Whatever-123"})
    # then
    assert list(AuditEvent.objects.values_list("verb", "object_repr")) == [("login_failed", "nobody-here")]


def test_logout_records_a_logout_event(world, client):
    # given
    client.post("/login/", {"username": "t_officer", "password": PASSWORD})
    client.raise_request_exception = False
    # when
    response = client.post("/logout/")
    # then
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert list(AuditEvent.objects.order_by("id").values_list("verb", "actor_id")) == [
        ("login", world.officer.pk), ("logout", world.officer.pk)]
    assert verify_chain() == (2, None)


def test_creating_a_user_never_puts_the_password_hash_on_the_audit_trail(world):
    from parkbeat.org.services import user_create

    user = user_create(actor=world.sysadmin, username="newclerk", password="Sturdy-Passphrase-42", full_name="新文员")

    event = AuditEvent.objects.get(verb="create", object_type="org.User", object_id=str(user.pk))
    assert "password" not in event.changes
    assert user.password not in str(event.changes)
    assert event.changes["username"] == [None, "newclerk"]
