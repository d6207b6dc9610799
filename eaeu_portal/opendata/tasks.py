"""Celery tasks that run large imports in the background and report their progress."""

import logging

from celery import shared_task

from . import jobs, services

logger = logging.getLogger(__name__)

# An import of the largest allowed file (200,000 rows, a savepoint and full validation each) fits in this.
IMPORT_TIME_LIMIT = 60 * 60 * 2


def _progress(task):
    def report(done: int, total: int) -> None:
        # Called directly (in tests or a shell), a task has no id and no state to update.
        if task.request.id:
            task.update_state(state="PROGRESS", meta={"done": done, "total": total})

    return report


def _summary(report) -> dict:
    return {
        "counts": report.counts,
        "total": report.total,
        "committed": report.committed,
        "file_error": report.file_error,
    }


@shared_task(
    bind=True,
    name="opendata.import_dry_run",
    acks_late=True,
    time_limit=IMPORT_TIME_LIMIT,
    soft_time_limit=IMPORT_TIME_LIMIT - 60,
)
def import_dry_run(self, job_id: str) -> dict:
    """Reports what each row of the job's file would do; changes nothing."""
    try:
        report = services.job_run(job_id, dry_run=True, progress=_progress(self))
    except services.JobGone:
        logger.warning("Import job %s is gone; dry run skipped", job_id)
        return {"gone": True}
    return _summary(report)


@shared_task(
    bind=True,
    name="opendata.import_confirm",
    acks_late=True,
    time_limit=IMPORT_TIME_LIMIT,
    soft_time_limit=IMPORT_TIME_LIMIT - 60,
)
def import_confirm(self, job_id: str, publish: bool = False, only_valid: bool = False) -> dict:
    """Imports the job's file in one transaction; idempotent, so a redelivered task changes nothing more."""
    try:
        report = services.job_run(
            job_id, dry_run=False, publish=publish, only_valid=only_valid, progress=_progress(self)
        )
    except services.JobGone:
        logger.warning("Import job %s is gone; import skipped", job_id)
        return {"gone": True}
    return _summary(report)


@shared_task(name="opendata.imports_cleanup", acks_late=True, time_limit=600)
def imports_cleanup() -> int:
    """Removes uploaded files of import jobs whose state has expired; safe to run at any time."""
    removed = jobs.discard_older_than()
    logger.info("Removed the files of %s expired import jobs", removed)
    return removed
