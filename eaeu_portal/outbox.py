"""Enqueueing that survives a broker outage: a call the broker refuses is kept in the outbox and sent later.

Records are saved in PostgreSQL and their follow-up work (e-mails, matching updates, imports) goes through Redis.
When Redis is down, `task.delay()` raises after the record's transaction has committed, and the follow-up would be
lost. `enqueue()` catches that, stores the call as an `OutboxTask` row, and `outbox_drain` sends the rows once the
broker answers again: every minute from Celery beat, and whenever a worker starts. Every task of the portal is
idempotent, so a call sent twice (the broker took it but the answer was lost) does no harm.

Use it inside `transaction.on_commit`, never instead of it, so a rolled-back transaction enqueues nothing::

    transaction.on_commit(lambda: enqueue(send_email, to=recipients, subject=subject, body=body))
"""

from __future__ import annotations

import logging

import redis
from celery import shared_task
from celery.signals import worker_ready
from django.db import transaction
from kombu.exceptions import OperationalError as BrokerOperationalError

logger = logging.getLogger(__name__)

# What a publish raises when Redis is unreachable: kombu wraps connection errors, the Redis result backend
# subscribes to the result before publishing and raises redis-py's own errors, and sockets raise OSError.
BROKER_ERRORS = (BrokerOperationalError, redis.exceptions.RedisError, OSError)
# Rows sent per drain run; the task re-enqueues itself while rows remain, like the matching updates.
DRAIN_BATCH_SIZE = 100


def enqueue(task, *args, **kwargs) -> bool:
    """Send `task` with these arguments; when the broker is unreachable, keep the call in the outbox.

    Returns True when the broker took the call, False when it was stored for `outbox_drain`. Arguments must be
    JSON-serialisable, as they are for the broker. Declare tasks sent this way with ignore_result=True unless
    something reads their result: asking for a result makes a publish wait ~20 s for Redis before failing.
    """
    from directory.models import OutboxTask

    try:
        task.delay(*args, **kwargs)
    except (*BROKER_ERRORS, RuntimeError) as exc:
        if not is_broker_outage(exc):
            raise
        logger.warning("The broker refused %s (%s); keeping it in the outbox.", task.name, exc.__class__.__name__)
        OutboxTask.objects.create(task_name=task.name, args=list(args), kwargs=kwargs, last_error=_describe(exc))
        return False
    return True


def is_broker_outage(exc: BaseException) -> bool:
    """Whether a publish failed because Redis is unreachable.

    Celery's Redis result backend gives up with a bare RuntimeError ("must be restarted") after retrying for about
    20 s when a task that keeps its result is sent; its cause is the connection error.
    """
    return isinstance(exc, BROKER_ERRORS) or isinstance(exc.__cause__, BROKER_ERRORS)


def outbox_send_pending(*, batch_size: int = DRAIN_BATCH_SIZE) -> tuple[int, bool]:
    """Send up to batch_size outbox rows in order and delete each one the broker took; stop at the first refusal.

    Rows are locked with SKIP LOCKED, so two drains running at once never send the same row. Returns (rows sent,
    whether another run should follow: the batch was full and the broker took everything offered).
    """
    from celery import current_app

    from directory.models import OutboxTask

    sent, refused = 0, False
    with transaction.atomic():
        rows = list(OutboxTask.objects.select_for_update(skip_locked=True).order_by("created_at", "pk")[:batch_size])
        for row in rows:
            task = current_app.tasks.get(row.task_name)
            if task is None:
                # A task renamed or removed by an upgrade: keep the row for an operator rather than drop the work.
                logger.error("Outbox row %s names an unknown task %s; it stays in the outbox.", row.pk, row.task_name)
                _record_failure(row, "unknown task")
                continue
            try:
                task.apply_async(args=row.args, kwargs=row.kwargs)
            except (*BROKER_ERRORS, RuntimeError) as exc:
                if not is_broker_outage(exc):
                    raise
                logger.warning("The broker is still unreachable (%s); %d outbox row(s) wait.", exc, len(rows) - sent)
                _record_failure(row, _describe(exc))
                refused = True
                break
            row.delete()
            sent += 1
    return sent, len(rows) == batch_size and not refused


def _record_failure(row, error: str) -> None:
    row.attempts += 1
    row.last_error = error
    row.save(update_fields=["attempts", "last_error"])


def _describe(exc: BaseException) -> str:
    return f"{exc.__class__.__name__}: {exc}"[:2000]


@shared_task(name="eaeu_portal.outbox_drain", acks_late=True, ignore_result=True, soft_time_limit=110, time_limit=120)
def outbox_drain() -> int:
    """Send the calls kept while the broker was down; re-enqueue itself while more remain and the broker answers."""
    sent, more = outbox_send_pending(batch_size=DRAIN_BATCH_SIZE)
    if more:
        outbox_drain.delay()
    if sent:
        logger.info("Sent %d task(s) kept in the outbox while the broker was down.", sent)
    return sent


@worker_ready.connect
def _drain_when_a_worker_starts(sender=None, **kwargs) -> None:
    """A worker that (re)starts after an outage empties the outbox at once rather than at the next beat tick."""
    try:
        outbox_drain.delay()
    except BROKER_ERRORS:
        logger.warning("Could not ask for an outbox drain at worker start; beat will ask again.")
