"""manage.py restore BACKUP_DIR --database-url URL: into a new database, checked before and after."""
from django.core.management.base import BaseCommand, CommandError

from parkbeat.core.backup import BackupError, restore


class Command(BaseCommand):
    help = ("Restore a backup into a new, empty database: checksums are checked first, then the row counts "
            "and the audit chain of the result.")

    def add_arguments(self, parser):
        parser.add_argument("backup_dir")
        parser.add_argument("--database-url", required=True, help="The new database, e.g. sqlite:////srv/new.sqlite3 "
                                                                  "or postgres://user@host/newdb (created beforehand).")
        parser.add_argument("--media-root", help="Where to put the media files (default: MEDIA_ROOT).")
        parser.add_argument("--private-media-root", help="Where to put the attachments (default: PRIVATE_MEDIA_ROOT).")
        parser.add_argument("--force", action="store_true", help="Overwrite a non-empty target database and media.")

    def handle(self, *args, backup_dir, database_url, media_root=None, private_media_root=None, force=False,
               **options):
        try:
            report = restore(backup_dir, database_url=database_url, force=force, media_root=media_root,
                             private_root=private_media_root)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"restored {report.tables} tables, {report.rows} rows, {report.files} files; "
                          f"audit chain verified ({report.audit_events_checked} events)")
