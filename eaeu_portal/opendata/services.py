"""Running an import job: the dry run and the confirmed import of an uploaded file, for the pages, the Celery tasks
and the management command alike."""

from collections.abc import Callable
from pathlib import Path

from django.contrib.auth import get_user_model

from . import jobs
from .catalogue import import_kinds
from .importing import ImportReport, run_import, suggest_mapping
from .readers import inspect_file, open_source


class JobGone(Exception):
    """The job's state has expired or the job was discarded."""


def job_create(
    *,
    kind: str,
    path: Path,
    file_name: str,
    user_id: int | None,
    declared_format: str = "",
    encoding: str = "utf-8",
    job_id: str | None = None,
) -> dict:
    """Checks a stored file from end to end and records the job with a suggested column mapping; raises
    ImportFileError (after removing the file) when the file cannot be read."""
    job_id = job_id or path.parent.name
    try:
        summary = inspect_file(path, declared_format=declared_format, encoding=encoding)
    except Exception:
        jobs.discard(job_id)
        raise
    source = open_source(path, summary.format, summary.encoding)
    sample = []
    for _number, row in source.rows():
        sample.append(row)
        if len(sample) == 3:
            break
    return jobs.create_job(
        job_id,
        kind=kind,
        path=str(path),
        file_name=file_name,
        format=summary.format,
        encoding=summary.encoding,
        header=summary.header,
        rows=summary.rows,
        sample=sample,
        user_id=user_id,
        mapping=suggest_mapping(import_kinds()[kind], summary.header),
    )


def job_run(
    job_id: str,
    *,
    dry_run: bool,
    publish: bool = False,
    only_valid: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """The dry run or the confirmed import of a job's file with its mapping; the report is kept with the job."""
    job = jobs.get_job(job_id)
    if job is None or not Path(job["path"]).exists():
        raise JobGone(job_id)
    kind = import_kinds()[job["kind"]]
    user = get_user_model().objects.filter(pk=job.get("user_id")).first() if job.get("user_id") else None
    report = run_import(
        kind,
        open_source(Path(job["path"]), job["format"], job["encoding"]),
        job["mapping"],
        file_name=job["file_name"],
        job_id=job_id,
        dry_run=dry_run,
        publish=publish,
        only_valid=only_valid,
        user=user,
        total=job["rows"],
        progress=progress,
    )
    jobs.save_report(job_id, report)
    return report
