"""Periodic jobs: work that must happen on a clock, not in answer to a request.

Examples: sending the synchronisation outbox, settling payment orders whose callback was lost,
removing uploads never bound to a dossier. Each job is a plain function without arguments named in
``settings.PERIODIC_JOBS`` as ``(name, every_seconds, "dotted.path")``; ``manage.py run_periodic_jobs``
(started by ``make run`` beside the web server) calls the jobs that are due. A job must be
idempotent: after a crash it runs again from the start at its next period.

Work triggered by a request goes to the task queue instead (``django_tasks``, database backend by
default, ``manage.py db_worker``).
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from opendvc.core.models import PeriodicJobRun

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    every: timedelta
    path: str

    def function(self) -> Callable[[], object]:
        return import_string(self.path)  # type: ignore[no-any-return]


def periodic_jobs() -> list[PeriodicJob]:
    """The jobs configured in ``settings.PERIODIC_JOBS``."""
    return [
        PeriodicJob(name=name, every=timedelta(seconds=seconds), path=path)
        for name, seconds, path in getattr(settings, "PERIODIC_JOBS", [])
    ]


def _claim(job: PeriodicJob, now: datetime, *, force: bool) -> bool:
    """Mark the job started when it is due; False when another runner started it this period."""
    with transaction.atomic():
        run, _ = PeriodicJobRun.objects.select_for_update().get_or_create(name=job.name)
        if not force and run.started_at is not None and run.started_at + job.every > now:
            return False
        run.started_at = now
        run.runs += 1
        run.save(update_fields=["started_at", "runs"])
    return True


def periodic_jobs_run_due(*, now: datetime | None = None, only: str | None = None, force: bool = False) -> list[str]:
    """Run every job that is due (or ``only`` the one named); return the names of those that ran.

    A failing job is logged and recorded on its row; it never stops the others.
    """
    ran: list[str] = []
    for job in periodic_jobs():
        if only and job.name != only:
            continue
        if not _claim(job, now or timezone.now(), force=force):
            continue
        succeeded, error = True, ""
        try:
            job.function()()
        except Exception:
            succeeded, error = False, traceback.format_exc()
            logger.exception("periodic job %s failed", job.name)
        PeriodicJobRun.objects.filter(name=job.name).update(
            finished_at=timezone.now(), succeeded=succeeded, error=error[-10_000:]
        )
        ran.append(job.name)
    return ran
