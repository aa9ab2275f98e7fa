"""The daily clean-up (`manage.py cleanup`, and the Huey task at 03:40 Asia/Shanghai): what expires goes.

Each app declares its own jobs in `<app>/cleanup.py` as `JOBS = (Job("name", function), ...)`; a job's
function takes `now` and `dry_run` and returns how many things it removed (or would). Every job is safe to
run twice: what it removes is gone the second time. Core's own job is below (expired idempotency keys).
One audit event records each run that removed anything.
"""
from dataclasses import dataclass
from datetime import timedelta
from importlib import import_module
from typing import Callable

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import module_has_submodule

from parkbeat.audit.services import record
from parkbeat.core.models import IdempotencyKey


@dataclass(frozen=True)
class Job:
    name: str
    run: Callable[..., int]  # run(*, now, dry_run) -> how many removed


def jobs():
    """Every installed app's clean-up jobs, in INSTALLED_APPS order."""
    found = []
    for config in apps.get_app_configs():
        if module_has_submodule(config.module, "cleanup"):
            module = import_module(f"{config.name}.cleanup")
            found += list(getattr(module, "JOBS", ()))
    return found


def cleanup(*, now=None, dry_run=False, only=None):
    """Run the jobs (or those named in `only`); returns {job name: count}."""
    now = now or timezone.now()
    counts = {job.name: job.run(now=now, dry_run=dry_run) for job in jobs() if not only or job.name in only}
    if not dry_run and any(counts.values()):
        with transaction.atomic():
            record(actor=None, verb="delete", object_type="core.Cleanup", object_repr="daily clean-up",
                   note=", ".join(f"{name}: {count}" for name, count in counts.items()))
    return counts


def expired_idempotency_keys(*, now, dry_run):
    """Idempotency keys older than PARKBEAT_IDEMPOTENCY_KEEP_DAYS: a client resends within minutes, not weeks."""
    stale = IdempotencyKey.objects.filter(created_at__lt=now - timedelta(days=settings.IDEMPOTENCY_KEEP_DAYS))
    return stale.count() if dry_run else stale.delete()[0]


JOBS = (Job("idempotency_keys", expired_idempotency_keys),)
