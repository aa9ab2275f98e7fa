"""manage.py backup [--output DIR]: a consistent database snapshot, the media files and a manifest."""
from django.core.management.base import BaseCommand, CommandError

from parkbeat.core.backup import BackupError, backup


class Command(BaseCommand):
    help = "Write a backup (database snapshot, media, manifest with checksums and row counts) to a new directory."

    def add_arguments(self, parser):
        parser.add_argument("--output", help="Directory to create the backup in (default: PARKBEAT_BACKUP_DIR, "
                                             "var/backups).")

    def handle(self, *args, output=None, **options):
        try:
            folder = backup(output)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(str(folder))
