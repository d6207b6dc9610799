"""The Celery tasks of large imports: called directly, and through a real worker on the real broker."""

# ruff: noqa: F811 - `registry` is a fixture imported from opendata_support and requested by name.

import shutil
import time
from types import SimpleNamespace

import pytest

from directory.choices import PublicationStatus
from directory.models import Organisation
from eaeu_portal.opendata import jobs, services, tasks
from eaeu_portal.opendata.importing import Action

from .opendata_support import DATA, registry  # noqa: F401


@pytest.fixture
def job(registry, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    job_id = jobs.new_job_id()
    path = jobs.job_directory(job_id) / "organisations_good.csv"
    path.parent.mkdir(parents=True)
    shutil.copy(DATA / "organisations_good.csv", path)
    return services.job_create(
        kind="organisations", path=path, file_name=path.name, user_id=None, declared_format="csv", job_id=job_id
    )


@pytest.mark.django_db
def test_the_dry_run_task_keeps_its_report_with_the_job(job):
    result = tasks.import_dry_run(job["id"])

    assert result["counts"][Action.CREATE] == 5
    assert jobs.get_report(job["id"], dry_run=True).counts[Action.CREATE] == 5
    assert Organisation.objects.count() == 0


@pytest.mark.django_db
def test_the_import_task_publishes_when_asked_and_is_idempotent(job):
    tasks.import_confirm(job["id"], True, False)
    again = tasks.import_confirm(job["id"], True, False)

    assert Organisation.objects.filter(status=PublicationStatus.PUBLISHED).count() == 5
    assert again["counts"][Action.UNCHANGED] == 5


@pytest.mark.django_db
def test_a_task_for_a_job_that_is_gone_is_skipped(job):
    jobs.discard(job["id"])

    assert tasks.import_dry_run(job["id"]) == {"gone": True}
    assert Organisation.objects.count() == 0


def test_progress_is_reported_as_task_state():
    states = []
    task = SimpleNamespace(request=SimpleNamespace(id="abc"), update_state=lambda **kwargs: states.append(kwargs))

    tasks._progress(task)(250, 1000)

    assert states == [{"state": "PROGRESS", "meta": {"done": 250, "total": 1000}}]


@pytest.mark.worker
def test_a_real_worker_runs_the_dry_run_and_the_import(job, celery_worker_process):
    dry_run = tasks.import_dry_run.delay(job["id"])
    assert dry_run.get(timeout=60)["counts"][Action.CREATE] == 5

    imported = tasks.import_confirm.delay(job["id"], True, False)
    summary = imported.get(timeout=60)

    assert summary["committed"] is True
    deadline = time.monotonic() + 5
    while Organisation.objects.count() < 5 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert Organisation.objects.filter(status=PublicationStatus.PUBLISHED).count() == 5


def test_the_cleanup_removes_only_the_files_of_expired_jobs(settings, tmp_path):
    import os

    settings.MEDIA_ROOT = tmp_path
    old, fresh = jobs.job_directory("old-job"), jobs.job_directory("fresh-job")
    for directory in (old, fresh):
        directory.mkdir(parents=True)
        (directory / "file.csv").write_text("country\nRU\n")
    two_days_ago = time.time() - 2 * 24 * 3600
    os.utime(old, (two_days_ago, two_days_ago))

    assert tasks.imports_cleanup() == 1
    assert not old.exists()
    assert fresh.exists()
