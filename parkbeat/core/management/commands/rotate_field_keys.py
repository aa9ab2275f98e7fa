"""`manage.py rotate_field_keys`: re-encrypt every encrypted field under the current (first) key."""
from django.core.management.base import BaseCommand
from django.db import transaction

from parkbeat.audit.services import record
from parkbeat.core.personal import current_key_id, rotate_field_keys


class Command(BaseCommand):
    help = ("Re-encrypt every EncryptedTextField value under the first key of PARKBEAT_FIELD_KEYS. "
            "Keep the old key listed until this has run; then it can be dropped.")

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=500, help="rows per transaction (default 500)")

    def handle(self, *args, batch, **options):
        kid = current_key_id()
        report = rotate_field_keys(batch=batch)
        total = sum(rotated for rotated, _already in report.values())
        for name, (rotated, already) in report.items():
            self.stdout.write(f"{name}: {rotated} re-encrypted, {already} already under {kid}")
        with transaction.atomic():
            record(actor=None, verb="update", object_type="core.FieldKeys", object_repr=f"key {kid}",
                   note=f"rotate_field_keys: {total} values re-encrypted under {kid}")
        self.stdout.write(f"done: {total} values re-encrypted under key {kid}")
