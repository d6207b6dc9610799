"""A transaction that enqueued work and then rolled back: nothing reaches the broker, so the task never runs.

Checked on the real Redis queue and through a real worker and mail server: the rolled-back e-mail and matching
update are absent from the queue, while the same calls in a committed transaction arrive and run.
"""

import pytest
import redis
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction

from clusters.models import MatchingClusterState
from clusters.tests.factories import ClusterFactory
from directory.models import OutboxTask
from directory.workflow import email_send

from .conftest import database_url, service_env, wait_for

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]


class Abort(Exception):
    """Raised inside the transaction to roll it back, as any failing validation would."""


def queued(client: redis.Redis) -> dict[str, int]:
    return {queue: client.llen(queue) for queue in ("default", "matching")}


def write_and_enqueue(email: str) -> None:
    """A write that enqueues an e-mail and a matching update after commit, as a moderator's approval does."""
    user = get_user_model().objects.create_user(username=email, email=email)
    email_send(to=[user.email], template="confirm_email", context={"user": user, "link": "https://example.org/"})
    ClusterFactory()


def test_a_rolled_back_transaction_enqueues_nothing_and_a_committed_one_is_run(processes, smtp_sink):
    client = redis.Redis.from_url(django_settings.REDIS_URL)
    client.flushdb()

    with pytest.raises(Abort), transaction.atomic():
        write_and_enqueue("rolled.back@example.org")
        raise Abort

    assert queued(client) == {"default": 0, "matching": 0}
    assert not get_user_model().objects.filter(email="rolled.back@example.org").exists()
    assert not MatchingClusterState.objects.exists()
    assert not OutboxTask.objects.exists()

    with transaction.atomic():
        write_and_enqueue("committed@example.org")
    assert queued(client) == {"default": 1, "matching": 1}

    env = service_env(
        database_url=database_url(connection.settings_dict),
        redis_url=django_settings.REDIS_URL,
        smtp_port=smtp_sink.port,
    )
    processes.worker(env)
    wait_for(lambda: smtp_sink.messages, timeout=30, message="the committed e-mail")
    wait_for(lambda: queued(client) == {"default": 0, "matching": 0}, timeout=30, message="an empty queue")
    assert smtp_sink.recipients() == ["committed@example.org"]
    client.flushdb()
