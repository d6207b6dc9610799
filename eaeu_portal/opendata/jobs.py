"""Import jobs: an uploaded file under MEDIA_ROOT/imports/<job id>/, and the job's state and reports in the cache.

No table holds import jobs: the file is on disk, the state (kind, mapping, the tasks running for it) and the dry-run
and import reports are in Redis through Django's cache for a day, and progress comes from the Celery result backend.
"""

import shutil
import time
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.text import get_valid_filename

from .importing import ImportReport

JOB_TIMEOUT = 60 * 60 * 24
UPLOAD_DIRECTORY = "imports"


def _key(job_id: str, part: str = "job") -> str:
    return f"opendata:import:{job_id}:{part}"


def job_directory(job_id: str) -> Path:
    return Path(settings.MEDIA_ROOT) / UPLOAD_DIRECTORY / str(job_id)


def new_job_id() -> str:
    return str(uuid.uuid4())


def store_upload(job_id: str, uploaded, name: str) -> Path:
    """Copies the uploaded file into the job's directory, under a name that is safe on any file system."""
    directory = job_directory(job_id)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / (get_valid_filename(Path(name).name) or "upload")
    with open(path, "wb") as target:
        for chunk in uploaded.chunks():
            target.write(chunk)
    return path


def discard(job_id: str) -> None:
    shutil.rmtree(job_directory(job_id), ignore_errors=True)
    cache.delete_many([_key(job_id), _key(job_id, "dry_run"), _key(job_id, "import")])


def discard_older_than(seconds: int = JOB_TIMEOUT) -> int:
    """Removes the files of jobs older than their state in the cache; returns how many were removed."""
    root = Path(settings.MEDIA_ROOT) / UPLOAD_DIRECTORY
    if not root.is_dir():
        return 0
    cutoff = time.time() - seconds
    removed = 0
    for directory in root.iterdir():
        if directory.is_dir() and directory.stat().st_mtime < cutoff:
            shutil.rmtree(directory, ignore_errors=True)
            removed += 1
    return removed


def create_job(job_id: str, **state: Any) -> dict:
    job = {"id": job_id, "created_at": timezone.now().isoformat(), **state}
    cache.set(_key(job_id), job, JOB_TIMEOUT)
    return job


def get_job(job_id: str) -> dict | None:
    return cache.get(_key(job_id))


def update_job(job_id: str, **changes: Any) -> dict:
    job = get_job(job_id) or {"id": job_id}
    job.update(changes)
    cache.set(_key(job_id), job, JOB_TIMEOUT)
    return job


def save_report(job_id: str, report: ImportReport) -> None:
    cache.set(_key(job_id, "dry_run" if report.dry_run else "import"), report.as_dict(), JOB_TIMEOUT)


def get_report(job_id: str, *, dry_run: bool) -> ImportReport | None:
    data = cache.get(_key(job_id, "dry_run" if dry_run else "import"))
    return ImportReport.from_dict(data) if data else None
