"""Bootstraps one of the three administrators (三员) on a fresh deployment, where nobody can log in yet."""
import getpass
import os

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from parkbeat.audit.services import record
from parkbeat.org.models import ADMIN_ROLES, RoleAssignment, User


class Command(BaseCommand):
    help = "Create a system, security or audit administrator (password from PARKBEAT_ADMIN_PASSWORD or a prompt)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=sorted(ADMIN_ROLES))
        parser.add_argument("--full-name", default="")

    def handle(self, *args, username, role, full_name, **options):
        if User.objects.filter(username__iexact=username).exists():
            raise CommandError(f"User {username!r} already exists.")
        password = os.environ.get("PARKBEAT_ADMIN_PASSWORD") or getpass.getpass("Password: ")
        user = User(username=username, full_name=full_name)
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        user.set_password(password)
        user.password_changed_at = timezone.now()
        with transaction.atomic():
            user.save()
            RoleAssignment.objects.create(user=user, role=role)
            record(actor=None, verb="create", obj=user, note=f"create_admin --role {role}")
        self.stdout.write(self.style.SUCCESS(f"Created {username} ({role})."))
