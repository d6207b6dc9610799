"""Celery tasks of the clusters app: the matching index's full rebuild in chunks, and its incremental updates.

Tasks take ids, call services, and are safe to run twice: a chunk replaces its clusters' rows of its version in one
transaction, so (version, cluster, partner) stays unique, and every step checks that its version is still the one
being built.
"""

import logging

from celery import Task, chord, group, shared_task
from django.db import InterfaceError, OperationalError

from clusters.matching import services

logger = logging.getLogger(__name__)

# Dirty clusters taken per incremental run; the task re-enqueues itself while more remain.
UPDATE_BATCH_SIZE = 50
TRANSIENT_ERRORS = (OperationalError, InterfaceError)
RETRY = {"autoretry_for": TRANSIENT_ERRORS, "retry_backoff": 5, "retry_jitter": True, "max_retries": 3}


class MatchingBuildTask(Task):
    """A step of a rebuild: when it fails for good, its version is marked failed so progress stops saying running."""

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        version_id = kwargs.get("version_id", args[0] if args else None)
        if version_id is not None:
            services.matching_version_fail(version_id=version_id, error=f"{type(exc).__name__}: {exc}")


@shared_task(name="clusters.matching_rebuild", acks_late=True, queue="matching", **RETRY)
def matching_rebuild(requested_by_id: int | None = None) -> int | None:
    """Start a full rebuild (the nightly beat entry); refused and logged while another rebuild is alive."""
    from django.contrib.auth import get_user_model

    requested_by = get_user_model().objects.filter(pk=requested_by_id).first() if requested_by_id else None
    try:
        version = services.matching_rebuild_start(requested_by=requested_by)
    except services.MatchingRebuildRunning as refused:
        logger.info("Matching rebuild not started: version %s is still building.", getattr(refused.version, "pk", None))
        return None
    return version.pk


@shared_task(
    name="clusters.matching_rebuild_prepare",
    base=MatchingBuildTask,
    acks_late=True,
    ignore_result=True,
    queue="matching",
    **RETRY,
)
def matching_rebuild_prepare(version_id: int) -> int:
    """Read the data once, store the engine state, and fan the chunks out to any worker; the last one switches."""
    chunks = services.matching_version_prepare(version_id=version_id)
    if chunks:
        chord(
            group(matching_rebuild_chunk.si(version_id, number) for number in range(chunks)),
            matching_rebuild_finish.si(version_id),
        ).apply_async()
    return chunks


@shared_task(name="clusters.matching_rebuild_chunk", base=MatchingBuildTask, acks_late=True, queue="matching", **RETRY)
def matching_rebuild_chunk(version_id: int, number: int) -> int:
    """Compute and write one chunk of a version; a no-op when the version is no longer building."""
    return services.matching_chunk_compute(version_id=version_id, number=number)


@shared_task(name="clusters.matching_rebuild_finish", base=MatchingBuildTask, acks_late=True, queue="matching", **RETRY)
def matching_rebuild_finish(version_id: int) -> bool:
    """Switch readers to the finished version in one transaction."""
    return services.matching_version_activate(version_id=version_id)


@shared_task(name="clusters.matching_versions_cleanup", acks_late=True, ignore_result=True, queue="matching", **RETRY)
def matching_versions_cleanup() -> int:
    """Remove retired and failed versions once readers have moved on."""
    return services.matching_versions_cleanup()


@shared_task(name="clusters.matching_update_dirty", acks_late=True, ignore_result=True, queue="matching", **RETRY)
def matching_update_dirty() -> int:
    """Reindex one batch of changed clusters in the live index; re-enqueue while changed clusters remain."""
    processed, remaining = services.matching_update_dirty_batch(batch_size=UPDATE_BATCH_SIZE)
    if processed and remaining:
        matching_update_dirty.delay()
    return processed
