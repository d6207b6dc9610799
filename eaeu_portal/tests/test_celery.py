import pytest
from django.db import transaction

from eaeu_portal.celery import ping


@pytest.mark.worker
def test_a_real_worker_runs_a_task_from_the_real_broker(celery_worker_process):
    result = ping.delay()
    assert result.get(timeout=20) == "pong"
    assert result.successful()


def test_ping_task_body():
    assert ping() == "pong"


@pytest.mark.django_db(transaction=True)
def test_a_task_enqueued_on_commit_is_not_sent_when_the_transaction_rolls_back(monkeypatch):
    sent = []
    monkeypatch.setattr(ping, "delay", lambda: sent.append("ping"))

    class Rollback(Exception):
        pass

    with pytest.raises(Rollback), transaction.atomic():
        transaction.on_commit(ping.delay)
        raise Rollback
    assert sent == []

    with transaction.atomic():
        transaction.on_commit(ping.delay)
    assert sent == ["ping"]
