"""A Celery worker killed with SIGKILL mid-task, then started again: the work finishes, once in effect.

clusters/tests/test_tasks.py shows that a killed rebuild leaves the old index serving and that the next rebuild
completes. These tests add the redelivery itself: the killed worker's unacknowledged message comes back to the
new worker, the same version finishes and equals a clean run's index, and an e-mail cut off mid-send is delivered
exactly once. The workers run with a visibility timeout of seconds (tests/reliability/fault_settings.py).
"""

import time

import pytest
import redis
from django.conf import settings as django_settings
from django.db import connection

from clusters.matching import services
from clusters.matching.choices import MatchingIndexStatus
from clusters.models import MatchingIndexChunk, MatchingIndexVersion, PartnerSuggestion
from clusters.tests.test_tasks import build_registry
from directory.tasks import send_email
from eaeu_portal.outbox import enqueue

from .conftest import database_url, service_env, wait_for

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def broker():
    """The test run's own Redis database, emptied: the killed worker's unacknowledged messages live here."""
    client = redis.Redis.from_url(django_settings.REDIS_URL)
    client.flushdb()
    yield client
    client.flushdb()


def index_rows(version_id: int) -> set[tuple]:
    return set(PartnerSuggestion.objects.filter(version_id=version_id).values_list("cluster_id", "partner_id", "score"))


def test_a_rebuild_whose_worker_was_killed_finishes_on_restart_and_equals_a_clean_run(broker, processes, settings):
    settings.MATCHING_CHUNK_SIZE = 2
    clusters = build_registry(40)
    env = service_env(database_url=database_url(connection.settings_dict), redis_url=django_settings.REDIS_URL)
    first = processes.worker(env, name="worker")

    building = services.matching_rebuild_start()
    wait_for(
        lambda: MatchingIndexChunk.objects.filter(version=building).exists(),
        timeout=30,
        interval=0.01,
        message="a first chunk",
    )
    processes.kill("worker")
    assert first.returncode == -9
    building.refresh_from_db()
    done_at_kill = MatchingIndexChunk.objects.filter(version=building).count()
    assert building.status == MatchingIndexStatus.BUILDING
    assert done_at_kill < building.chunks_total

    processes.worker(env, name="restarted")
    wait_for(
        lambda: MatchingIndexVersion.objects.filter(pk=building.pk, status=MatchingIndexStatus.ACTIVE).exists(),
        timeout=45,
        interval=0.2,
        message="the same version active after the restart",
    )
    assert MatchingIndexChunk.objects.filter(version=building).count() == building.chunks_total
    rebuilt = index_rows(building.pk)
    assert {cluster for cluster, _, _ in rebuilt} == {cluster.pk for cluster in clusters}

    processes.stop("restarted")
    clean = services.matching_rebuild_inline()
    assert clean.pk != building.pk
    assert index_rows(clean.pk) == rebuilt
    assert len(rebuilt) > 40


def test_an_e_mail_whose_worker_was_killed_mid_send_is_delivered_once_after_the_restart(broker, processes, smtp_sink):
    env = service_env(
        database_url=database_url(connection.settings_dict),
        redis_url=django_settings.REDIS_URL,
        smtp_port=smtp_sink.port,
    )
    smtp_sink.hold.set()
    processes.worker(env, name="worker")
    assert enqueue(send_email, to=["moderator@example.org"], subject="New entry", body="A cluster awaits review.")

    # The worker has sent the whole message and waits for the server's answer: it is mid-task.
    assert smtp_sink.holding.wait(timeout=30)
    processes.kill("worker")
    time.sleep(0.2)
    smtp_sink.release.set()
    time.sleep(0.3)
    assert smtp_sink.messages == []

    processes.worker(env, name="restarted")
    wait_for(lambda: smtp_sink.messages, timeout=45, message="the redelivered e-mail")
    # Past another visibility timeout: a second delivery would have happened by now.
    time.sleep(10)
    assert smtp_sink.recipients() == ["moderator@example.org"]
    assert smtp_sink.messages[0]["Subject"] == "New entry"
    assert smtp_sink.messages[0]["Message-ID"].endswith("@localhost>")
    assert broker.llen("default") == 0
