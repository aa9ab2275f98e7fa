"""Bootstrapping the administrators from the command line."""
import pytest
from django.core.management import CommandError, call_command

from parkbeat.audit.models import AuditEvent
from parkbeat.org.models import RoleAssignment, User


@pytest.mark.django_db
def test_create_admin_creates_the_account_with_its_single_role(monkeypatch):
    monkeypatch.setenv("PARKBEAT_ADMIN_PASSWORD", "Sturdy-Passphrase-42")

    call_command("create_admin", "sec", "--role", "security_admin")

    user = User.objects.get(username="sec")
    assert user.check_password("Sturdy-Passphrase-42")
    assert list(RoleAssignment.objects.filter(user=user).values_list("role", flat=True)) == ["security_admin"]
    assert AuditEvent.objects.filter(verb="create", object_id=str(user.pk)).count() == 1


@pytest.mark.django_db
def test_create_admin_refuses_a_weak_password_and_creates_nothing(monkeypatch):
    monkeypatch.setenv("PARKBEAT_ADMIN_PASSWORD", "12345")

    with pytest.raises(CommandError):
        call_command("create_admin", "sec", "--role", "security_admin")

    assert not User.objects.filter(username="sec").exists()


@pytest.mark.django_db
def test_create_admin_refuses_an_existing_username_in_any_case(monkeypatch):
    monkeypatch.setenv("PARKBEAT_ADMIN_PASSWORD", "Sturdy-Passphrase-42")
    call_command("create_admin", "Auditor", "--role", "auditor")

    with pytest.raises(CommandError):
        call_command("create_admin", "auditor", "--role", "system_admin")

    assert User.objects.filter(username__iexact="auditor").count() == 1
