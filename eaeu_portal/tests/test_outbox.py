"""The task outbox: calls the broker refuses are kept, sent in order once it answers, and never sent twice at once."""

import uuid

import pytest
from django.core import mail
from django.db import transaction
from kombu.exceptions import OperationalError as BrokerOperationalError

from clusters import tasks as cluster_tasks
from directory.models import OutboxTask
from directory.tasks import send_email
from eaeu_portal import outbox
from eaeu_portal.celery import ping


class FakeBroker:
    """Stands in for Redis in unit tests: records what it takes, or refuses everything while down."""

    def __init__(self, monkeypatch, *tasks):
        self.sent = []
        self.down = False
        for task in tasks:
            monkeypatch.setattr(task, "delay", self._delay(task))
            monkeypatch.setattr(task, "apply_async", self._apply_async(task))

    def _send(self, task, args, kwargs):
        if self.down:
            raise BrokerOperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
        self.sent.append((task.name, list(args or ()), dict(kwargs or {})))

    def _delay(self, task):
        return lambda *args, **kwargs: self._send(task, args, kwargs)

    def _apply_async(self, task):
        return lambda args=(), kwargs=None, **options: self._send(task, args, kwargs)


@pytest.mark.django_db
def test_enqueue_sends_to_the_broker_and_keeps_nothing_when_the_broker_takes_the_call(monkeypatch):
    broker = FakeBroker(monkeypatch, send_email)
    assert outbox.enqueue(send_email, to=["a@example.org"], subject="Hello", body="Text") is True
    assert broker.sent == [("directory.send_email", [], {"to": ["a@example.org"], "subject": "Hello", "body": "Text"})]
    assert not OutboxTask.objects.exists()


@pytest.mark.django_db
def test_enqueue_keeps_the_call_in_the_outbox_when_the_broker_refuses_it(monkeypatch):
    broker = FakeBroker(monkeypatch, send_email, cluster_tasks.matching_rebuild_prepare)
    broker.down = True
    assert outbox.enqueue(send_email, to=["a@example.org"], subject="Hello", body="Text") is False
    assert outbox.enqueue(cluster_tasks.matching_rebuild_prepare, 42) is False
    rows = list(OutboxTask.objects.values_list("task_name", "args", "kwargs"))
    assert rows == [
        ("directory.send_email", [], {"to": ["a@example.org"], "subject": "Hello", "body": "Text"}),
        ("clusters.matching_rebuild_prepare", [42], {}),
    ]
    assert "Connection refused" in OutboxTask.objects.first().last_error


@pytest.mark.django_db
def test_enqueue_recognises_the_result_backend_giving_up_as_an_outage(monkeypatch):
    def give_up(*args, **kwargs):
        try:
            raise BrokerOperationalError("Connection refused")
        except BrokerOperationalError as cause:
            raise RuntimeError("Retry limit exceeded; the Celery application must be restarted.") from cause

    monkeypatch.setattr(ping, "delay", give_up)
    assert outbox.enqueue(ping) is False
    assert OutboxTask.objects.get().task_name == "eaeu_portal.ping"


@pytest.mark.django_db
def test_enqueue_lets_an_error_that_is_not_an_outage_through(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug, not an outage")

    monkeypatch.setattr(ping, "delay", broken)
    with pytest.raises(RuntimeError, match="a bug"):
        outbox.enqueue(ping)
    assert not OutboxTask.objects.exists()


@pytest.mark.django_db
def test_the_drain_sends_kept_calls_in_order_and_deletes_them(monkeypatch):
    broker = FakeBroker(monkeypatch, send_email, cluster_tasks.matching_update_dirty)
    OutboxTask.objects.create(task_name="directory.send_email", kwargs={"to": ["a@example.org"], "subject": "1"})
    OutboxTask.objects.create(task_name="clusters.matching_update_dirty")
    sent, more = outbox.outbox_send_pending(batch_size=10)
    assert (sent, more) == (2, False)
    assert [name for name, _, _ in broker.sent] == ["directory.send_email", "clusters.matching_update_dirty"]
    assert not OutboxTask.objects.exists()


@pytest.mark.django_db
def test_the_drain_stops_at_the_first_refusal_and_keeps_the_rest(monkeypatch):
    broker = FakeBroker(monkeypatch, cluster_tasks.matching_update_dirty)
    broker.down = True
    OutboxTask.objects.create(task_name="clusters.matching_update_dirty")
    OutboxTask.objects.create(task_name="clusters.matching_update_dirty")
    assert outbox.outbox_send_pending(batch_size=10) == (0, False)
    first, second = OutboxTask.objects.order_by("pk")
    assert (first.attempts, second.attempts) == (2, 1)
    assert "Connection refused" in first.last_error
    assert broker.sent == []


@pytest.mark.django_db
def test_the_drain_works_in_batches_and_asks_for_another_run_while_rows_remain(monkeypatch):
    broker = FakeBroker(monkeypatch, cluster_tasks.matching_update_dirty, outbox.outbox_drain)
    OutboxTask.objects.bulk_create([OutboxTask(task_name="clusters.matching_update_dirty") for _ in range(3)])
    monkeypatch.setattr(outbox, "DRAIN_BATCH_SIZE", 2)
    assert outbox.outbox_drain() == 2
    assert [name for name, _, _ in broker.sent] == [*["clusters.matching_update_dirty"] * 2, "eaeu_portal.outbox_drain"]
    assert OutboxTask.objects.count() == 1


@pytest.mark.django_db
def test_a_row_naming_an_unknown_task_stays_for_an_operator_and_does_not_block_the_others(monkeypatch):
    broker = FakeBroker(monkeypatch, cluster_tasks.matching_update_dirty)
    OutboxTask.objects.create(task_name="removed.task")
    OutboxTask.objects.create(task_name="clusters.matching_update_dirty")
    assert outbox.outbox_send_pending(batch_size=10) == (1, False)
    assert list(OutboxTask.objects.values_list("task_name", "last_error")) == [("removed.task", "unknown task")]
    assert len(broker.sent) == 1


@pytest.mark.django_db(transaction=True)
def test_a_sign_up_made_while_the_broker_is_down_is_saved_and_its_e_mail_kept(client, monkeypatch):
    from django.contrib.auth import get_user_model

    broker = FakeBroker(monkeypatch, send_email)
    broker.down = True
    response = client.post(
        "/en/accounts/sign-up/",
        {"email": "new.manager@example.org", "password1": "Cluster-Registry-77", "password2": "Cluster-Registry-77"},
    )
    assert response.status_code == 200
    assert get_user_model().objects.filter(email="new.manager@example.org", is_active=False).exists()
    row = OutboxTask.objects.get()
    assert row.task_name == "directory.send_email"
    assert row.kwargs["to"] == ["new.manager@example.org"]

    broker.down = False
    assert outbox.outbox_send_pending() == (1, False)
    assert broker.sent[0][2]["to"] == ["new.manager@example.org"]


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_transaction_neither_sends_nor_keeps_its_calls(monkeypatch):
    broker = FakeBroker(monkeypatch, send_email)

    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic():
        transaction.on_commit(lambda: outbox.enqueue(send_email, to=["a@example.org"], subject="S", body="B"))
        raise Abort
    broker.down = True
    with pytest.raises(Abort), transaction.atomic():
        transaction.on_commit(lambda: outbox.enqueue(send_email, to=["a@example.org"], subject="S", body="B"))
        raise Abort
    assert broker.sent == []
    assert not OutboxTask.objects.exists()


def test_an_e_mail_redelivered_with_the_same_task_id_is_sent_once(settings):
    settings.DEFAULT_FROM_EMAIL = "Registry <registry@example.org>"
    arguments = {"to": ["a@example.org"], "subject": "Your entry", "body": "Approved."}
    task_id = str(uuid.uuid4())
    first = send_email.apply(kwargs=arguments, task_id=task_id)
    second = send_email.apply(kwargs=arguments, task_id=task_id)
    assert (first.result, second.result) == (1, 0)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].extra_headers["Message-ID"] == f"<{task_id}@example.org>"
    send_email.apply(kwargs=arguments, task_id=str(uuid.uuid4()))
    assert len(mail.outbox) == 2


def test_the_beat_schedule_drains_the_outbox(settings):
    names = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert outbox.outbox_drain.name in names
    assert outbox.outbox_drain.ignore_result
