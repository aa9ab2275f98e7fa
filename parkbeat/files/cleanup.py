"""Clean-up of the private media store: files no attachment row names (left by an upload whose transaction
rolled back after the file was written), once they are older than an hour so that no upload in flight is
touched."""
from datetime import timedelta

from django.conf import settings

from parkbeat.core.cleanup import Job
from parkbeat.files.models import Attachment

GRACE = timedelta(hours=1)


def orphan_files(*, now, dry_run):
    root = settings.PRIVATE_MEDIA_ROOT
    if not root.exists():
        return 0
    cutoff = (now - GRACE).timestamp()
    candidates = {path.relative_to(root).as_posix(): path for path in root.rglob("*")
                  if path.is_file() and path.stat().st_mtime < cutoff}
    known = set(Attachment.objects.filter(stored_name__in=list(candidates)).values_list("stored_name", flat=True))
    orphans = [path for name, path in candidates.items() if name not in known]
    if not dry_run:
        for path in orphans:
            path.unlink(missing_ok=True)
    return len(orphans)


JOBS = (Job("orphan_files", orphan_files),)
