"""The matching jobs: task bodies called directly, and whole rebuilds and updates through a real Celery worker."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from clusters import tasks
from clusters.matching import selectors, services
from clusters.matching.choices import MatchingIndexStatus
from clusters.models import MatchingClusterState, MatchingIndexChunk, MatchingIndexVersion, PartnerSuggestion
from clusters.tests.factories import ClusterFactory, PriorityFactory
from directory.tests.factories import CountryFactory, DivisionFactory, SectorFactory

ROOT = Path(__file__).resolve().parents[2]
CODES = ("26", "27", "28", "29")


def build_registry(count: int) -> list:
    manufacturing = SectorFactory(code="C")
    divisions = [DivisionFactory(code=code, parent=manufacturing) for code in CODES]
    priority = PriorityFactory(code="MICRO", name_en="Microelectronics")
    countries = [CountryFactory() for _ in range(3)]
    return [
        ClusterFactory(
            country=countries[n % 3],
            primary_sector=divisions[n % 4],
            technologies=[priority] if n % 2 else [],
            description_en=f"Cluster of {['electronics', 'motors', 'machine tools', 'trucks'][n % 4]}.",
        )
        for n in range(count)
    ]


def wait_for(condition, timeout=60.0, interval=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout} s")


def start_worker(hostname: str) -> subprocess.Popen:
    """A second worker like conftest's, for the run after the first worker was killed."""
    from eaeu_portal.celery import app

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "eaeu_portal.settings.test",
        "DATABASE_URL": "postgis://{USER}:{PASSWORD}@{HOST}:{PORT}/{NAME}".format(**connection.settings_dict),
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "eaeu_portal",
            "worker",
            "--pool",
            "solo",
            "--loglevel",
            "WARNING",
            "-Q",
            "default,matching",
            "--hostname",
            hostname,
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_for(
        lambda: (
            process.poll() is None
            and app.control.ping(destination=[hostname.replace("%h", os.uname()[1])], timeout=0.5)
        ),
        timeout=30,
        interval=0.2,
    )
    return process


# --- Task bodies ---------------------------------------------------------------------------------
@pytest.mark.django_db
def test_the_nightly_task_is_refused_while_a_rebuild_is_building(settings):
    build_registry(4)
    running = services.matching_rebuild_start(dispatch=False)
    assert tasks.matching_rebuild() is None
    assert list(MatchingIndexVersion.objects.values_list("pk", flat=True)) == [running.pk]


@pytest.mark.django_db
def test_the_nightly_task_opens_a_version_and_enqueues_its_preparation(monkeypatch, django_capture_on_commit_callbacks):
    build_registry(4)
    sent = []
    monkeypatch.setattr(tasks.matching_rebuild_prepare, "delay", sent.append)
    with django_capture_on_commit_callbacks(execute=True):
        version_id = tasks.matching_rebuild()
    assert sent == [version_id]
    assert MatchingIndexVersion.objects.get(pk=version_id).status == MatchingIndexStatus.BUILDING


@pytest.mark.django_db
def test_a_failing_chunk_marks_its_version_failed_with_the_error():
    build_registry(4)
    version = services.matching_rebuild_start(dispatch=False)
    tasks.matching_rebuild_chunk.on_failure(RuntimeError("disk full"), "task-id", (version.pk, 0), {}, None)
    version.refresh_from_db()
    assert version.status == MatchingIndexStatus.FAILED
    assert version.error == "RuntimeError: disk full"


def test_the_beat_schedule_names_the_full_rebuild_task(settings):
    names = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert tasks.matching_rebuild.name in names
    assert tasks.matching_rebuild_chunk.queue == "matching"


# --- Through a real worker -----------------------------------------------------------------------
@pytest.mark.worker
def test_a_full_rebuild_through_the_worker_switches_the_index(celery_worker_process):
    clusters = build_registry(10)
    assert tasks.matching_rebuild.delay().get(timeout=30)
    version = wait_for(lambda: MatchingIndexVersion.objects.filter(status=MatchingIndexStatus.ACTIVE).first())
    # The worker's own settings plan the chunks: ten clusters fit in one.
    assert version.chunks_total == 1
    assert MatchingIndexChunk.objects.filter(version=version).count() == 1
    assert set(PartnerSuggestion.objects.filter(version=version).values_list("cluster_id", flat=True)) == {
        c.pk for c in clusters
    }
    assert selectors.matching_rebuild_progress()["active_version"] == version.pk


@pytest.mark.worker
def test_a_change_to_a_published_cluster_is_applied_by_the_worker_after_commit(celery_worker_process, settings):
    clusters = build_registry(8)
    services.matching_rebuild_inline()
    target = clusters[0]
    target.accepts_partner_suggestions = False
    target.save()
    wait_for(lambda: not MatchingClusterState.objects.filter(cluster=target, dirty=True).exists())
    assert not PartnerSuggestion.objects.filter(version__status=MatchingIndexStatus.ACTIVE, partner=target).exists()
    assert PartnerSuggestion.objects.filter(version__status=MatchingIndexStatus.ACTIVE, cluster=target).exists()


@pytest.mark.worker
def test_a_worker_killed_mid_rebuild_leaves_the_old_index_serving_and_the_next_run_completes(
    celery_worker_process, settings
):
    settings.MATCHING_CHUNK_SIZE = 1
    clusters = build_registry(60)
    old = services.matching_rebuild_inline()
    old_rows = set(PartnerSuggestion.objects.filter(version=old).values_list("cluster_id", "partner_id", "score"))

    building = services.matching_rebuild_start()
    wait_for(lambda: MatchingIndexChunk.objects.filter(version=building).exists(), timeout=60, interval=0.01)
    celery_worker_process.kill()
    celery_worker_process.wait(timeout=10)

    building.refresh_from_db()
    assert building.status == MatchingIndexStatus.BUILDING
    assert MatchingIndexChunk.objects.filter(version=building).count() < building.chunks_total
    assert selectors.active_version().pk == old.pk
    assert set(PartnerSuggestion.objects.filter(version=old).values_list("cluster_id", "partner_id", "score")) == (
        old_rows
    )
    with pytest.raises(services.MatchingRebuildRunning):
        services.matching_rebuild_start()

    settings.MATCHING_REBUILD_STALE_AFTER = 0
    worker = start_worker(f"test-worker-rerun-{os.getpid()}@%h")
    try:
        rerun = services.matching_rebuild_start()
        wait_for(
            lambda: MatchingIndexVersion.objects.filter(pk=rerun.pk, status=MatchingIndexStatus.ACTIVE).exists(),
            timeout=120,
        )
        wait_for(lambda: not MatchingIndexVersion.objects.filter(pk__in=[old.pk, building.pk]).exists(), timeout=30)
    finally:
        worker.terminate()
        worker.wait(timeout=15)
    assert set(PartnerSuggestion.objects.filter(version=rerun).values_list("cluster_id", flat=True)) == {
        c.pk for c in clusters
    }
