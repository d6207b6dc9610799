"""Writes of the matching index: versions built beside the live one and switched in one transaction, chunked
work that any worker can take or redo, and incremental updates of changed clusters."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

import numpy as np
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clusters.models import (
    Cluster,
    MatchingClusterState,
    MatchingIndexChunk,
    MatchingIndexVersion,
    MatchingListFloorsChange,
    PartnerSuggestion,
)
from eaeu_portal.outbox import enqueue

from . import conf, selectors
from .choices import MatchingIndexStatus
from .engine import COMPONENTS, EngineState, ListFloors, Suggestions, limit_threads

logger = logging.getLogger(__name__)
limit_threads(conf.blas_threads())

# Advisory lock of incremental writers: one at a time, so two batches never interleave the delete-and-copy of the
# same list, and the list floors' changes of a version are numbered in the order they commit.
INCREMENTAL_LOCK = 7_301


class MatchingRebuildRunning(Exception):
    """Raised when a rebuild is asked for while another one is still making progress."""

    def __init__(self, version: MatchingIndexVersion | None):
        self.version = version
        super().__init__(_("A rebuild of the matching index is already running."))


# --- Starting a rebuild ---------------------------------------------------------------------
def matching_rebuild_start(*, requested_by=None, dispatch: bool = True) -> MatchingIndexVersion:
    """Open a new building version and enqueue its build after commit; refuse while another build is alive.

    A build whose worker died (no progress for MATCHING_REBUILD_STALE_AFTER seconds) is marked failed first, so
    the next run replaces it; the live index is untouched either way.
    """
    from clusters import tasks

    with transaction.atomic():
        _abandon_stale_builds()
        try:
            with transaction.atomic():
                version = MatchingIndexVersion.objects.create(
                    status=MatchingIndexStatus.BUILDING,
                    requested_by=requested_by,
                    heartbeat_at=timezone.now(),
                    chunk_size=conf.chunk_size(),
                    parameters=current_parameters(),
                )
        except IntegrityError:
            running = MatchingIndexVersion.objects.filter(status=MatchingIndexStatus.BUILDING).defer("state").first()
            raise MatchingRebuildRunning(running) from None
        if dispatch:
            transaction.on_commit(lambda: enqueue(tasks.matching_rebuild_prepare, version.pk))
    return version


def current_parameters() -> dict:
    return {
        "top_k": conf.top_k(),
        "min_score": conf.min_score(),
        "weights": conf.weights(),
        "same_country_factor": conf.same_country_factor(),
    }


def _abandon_stale_builds() -> None:
    cutoff = timezone.now() - timedelta(seconds=conf.stale_after_seconds())
    stale = MatchingIndexVersion.objects.select_for_update().filter(
        status=MatchingIndexStatus.BUILDING, heartbeat_at__lt=cutoff
    )
    for version in stale.defer("state"):
        logger.warning(
            "Matching index version %s made no progress since %s; marking it failed.", version.pk, version.heartbeat_at
        )
        version.status = MatchingIndexStatus.FAILED
        version.error = _("Abandoned: no progress since %(time)s.") % {"time": version.heartbeat_at.isoformat()}
        version.finished_at = timezone.now()
        version.save(update_fields=["status", "error", "finished_at"])


# --- Building a version ---------------------------------------------------------------------
def matching_version_prepare(*, version_id: int) -> int:
    """Read every published cluster once, store the engine state with the version, and plan its chunks.

    Returns the number of chunks, 0 when the version is no longer building (an abandoned job). A version prepared
    before (a redelivered job) keeps its snapshot: its chunks are sent again and skip what is already written.
    """
    version = MatchingIndexVersion.objects.defer("state").filter(pk=version_id).first()
    if version is None or version.status != MatchingIndexStatus.BUILDING:
        return 0
    if version.chunks_total:
        return version.chunks_total
    state = EngineState.build(selectors.matching_features(), selectors.matching_taxonomy())
    snapshot_at = timezone.now()
    chunks = max(1, -(-len(state) // version.chunk_size))
    with transaction.atomic():
        version = MatchingIndexVersion.objects.select_for_update().defer("state").filter(pk=version_id).first()
        if version is None or version.status != MatchingIndexStatus.BUILDING:
            return 0
        if version.chunks_total:
            return version.chunks_total
        with selectors.binary_cursor() as cursor:
            cursor.execute(
                f"""UPDATE {MatchingIndexVersion._meta.db_table}
                    SET state = %b, snapshot_at = %s, heartbeat_at = %s, clusters_total = %s, chunks_total = %s
                    WHERE id = %s""",
                [state.to_bytes(), snapshot_at, snapshot_at, len(state), chunks, version_id],
            )
        _create_version_table(version_id)
    return chunks


def chunk_suggestions(version, number: int):
    """The clusters of one chunk of a version (their ids, in the stored state's order) and their suggestions."""
    state = selectors.version_state(version.pk)
    positions = np.arange(number * version.chunk_size, min(len(state), (number + 1) * version.chunk_size))
    parameters = selectors._parameters(version)
    found = state.top_k_for_positions(
        positions,
        k=parameters["top_k"],
        min_score=parameters["min_score"],
        weights=parameters["weights"],
        same_country_factor=parameters["same_country_factor"],
    )
    return state.cluster_ids[positions], found


def matching_chunk_compute(*, version_id: int, number: int) -> int:
    """Compute one chunk's suggestion lists and copy them into the version's table; a chunk already written (a
    redelivered job) is skipped, so each list is written once.

    Returns the number of rows written, 0 when the version is no longer building or the chunk was done.
    """
    version = MatchingIndexVersion.objects.defer("state").filter(pk=version_id).first()
    if version is None or version.status != MatchingIndexStatus.BUILDING:
        logger.info("Skipping chunk %s of matching index version %s: it is not building.", number, version_id)
        return 0
    done = MatchingIndexChunk.objects.filter(version_id=version_id, number=number)
    if done.exists():
        return 0
    cluster_ids, found = chunk_suggestions(version, number)
    with transaction.atomic():
        locked = MatchingIndexVersion.objects.select_for_update().filter(
            pk=version_id, status=MatchingIndexStatus.BUILDING
        )
        # The version's row lock orders the deliveries of one chunk: the second one sees the first one's mark.
        if not locked.exists() or done.exists():
            return 0
        _copy_rows(partition_table(version_id), version_id, found)
        parameters = selectors._parameters(version)
        floors = ListFloors.of(cluster_ids, found, k=parameters["top_k"], min_score=parameters["min_score"])
        MatchingIndexChunk.objects.create(version_id=version_id, number=number, floors=floors.to_bytes())
        locked.update(heartbeat_at=timezone.now())
    return len(found)


def matching_version_activate(*, version_id: int, dispatch: bool = True) -> bool:
    """Switch readers to a fully built version in one transaction; the previous one is retired, never mixed."""
    from clusters import tasks

    with transaction.atomic():
        version = MatchingIndexVersion.objects.select_for_update().defer("state").filter(pk=version_id).first()
        if version is None or version.status != MatchingIndexStatus.BUILDING:
            logger.info("Not activating matching index version %s: it is not building.", version_id)
            return False
        done = MatchingIndexChunk.objects.filter(version_id=version_id).count()
        if done < version.chunks_total:
            logger.warning(
                "Not activating matching index version %s: %s of %s chunks done.",
                version_id,
                done,
                version.chunks_total,
            )
            return False
        shortened = _attach_version_table(version_id)
        chunk_floors = MatchingIndexChunk.objects.filter(version_id=version_id).values_list("floors", flat=True)
        _append_floors(version_id, ListFloors().updated(*(ListFloors.from_bytes(blob) for blob in chunk_floors)))
        now = timezone.now()
        MatchingIndexVersion.objects.filter(status=MatchingIndexStatus.ACTIVE).update(
            status=MatchingIndexStatus.RETIRED
        )
        version.status, version.activated_at, version.finished_at = MatchingIndexStatus.ACTIVE, now, now
        version.save(update_fields=["status", "activated_at", "finished_at"])
        # A change read by the snapshot is in this version; one made after it is updated against this version.
        MatchingClusterState.objects.filter(changed_at__lt=version.snapshot_at, dirty=True).update(
            dirty=False, indexed_at=now
        )
        matching_clusters_mark_dirty(cluster_ids=shortened, dispatch=False)
        redo = MatchingClusterState.objects.filter(changed_at__gte=version.snapshot_at).update(dirty=True)
        if dispatch:
            transaction.on_commit(partial(enqueue, tasks.matching_versions_cleanup))
        if redo and dispatch:
            transaction.on_commit(partial(enqueue, tasks.matching_update_dirty))
    return True


def matching_version_fail(*, version_id: int, error: str) -> None:
    MatchingIndexVersion.objects.filter(pk=version_id, status=MatchingIndexStatus.BUILDING).update(
        status=MatchingIndexStatus.FAILED, error=error[:2000], finished_at=timezone.now()
    )


def matching_versions_cleanup() -> int:
    """Delete retired and failed versions, keeping the newest few if configured; their tables are dropped whole.

    Tables left behind by versions that no longer exist (a build whose database rows were removed) go too.
    """
    old = (
        MatchingIndexVersion.objects.filter(status__in=[MatchingIndexStatus.RETIRED, MatchingIndexStatus.FAILED])
        .order_by("-created_at")
        .values_list("pk", flat=True)
    )
    doomed = set(old[conf.keep_retired_versions() :])
    tables = _version_tables()
    orphaned = set(tables) - set(MatchingIndexVersion.objects.filter(pk__in=tables).values_list("pk", flat=True))
    with transaction.atomic():
        with connection.cursor() as cursor:
            # Dropping a partition locks the whole table for an instant: wait for readers briefly, else fail and
            # let the task retry, rather than queue every reader behind a long one.
            cursor.execute("SET LOCAL lock_timeout = '2s'")
            # A table with foreign-key checks still pending in this transaction cannot be dropped: run them now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for version_id in sorted((doomed | orphaned) & set(tables)):
                cursor.execute(f"DROP TABLE {_quoted(tables[version_id])}")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        MatchingIndexVersion.objects.filter(pk__in=doomed).delete()
    return len(doomed)


def matching_rebuild_inline(*, requested_by=None) -> MatchingIndexVersion:
    """The whole rebuild in this process, chunk after chunk: for tests, benchmarks and a shell without workers."""
    version = matching_rebuild_start(requested_by=requested_by, dispatch=False)
    chunks = matching_version_prepare(version_id=version.pk)
    for number in range(chunks):
        matching_chunk_compute(version_id=version.pk, number=number)
    matching_version_activate(version_id=version.pk, dispatch=False)
    matching_versions_cleanup()
    version.refresh_from_db()
    return version


def _is_building(version_id: int) -> bool:
    return MatchingIndexVersion.objects.filter(pk=version_id, status=MatchingIndexStatus.BUILDING).exists()


# --- Incremental updates --------------------------------------------------------------------
def matching_clusters_mark_dirty(*, cluster_ids: Iterable[int], dispatch: bool = True) -> int:
    """Mark clusters for an incremental update and enqueue it after commit."""
    from clusters import tasks

    ids = sorted({int(pk) for pk in cluster_ids if pk})
    if not ids:
        return 0
    now = timezone.now()
    MatchingClusterState.objects.bulk_create(
        [MatchingClusterState(cluster_id=pk, dirty=True, changed_at=now) for pk in ids],
        update_conflicts=True,
        unique_fields=["cluster"],
        update_fields=["dirty", "changed_at"],
    )
    if dispatch:
        transaction.on_commit(partial(enqueue, tasks.matching_update_dirty))
    return len(ids)


def matching_clusters_reindex(*, cluster_ids: Iterable[int]) -> int:
    """Recompute the given clusters' lists and every list they enter or leave, in the live index, in one transaction.

    Clusters no longer published lose their list and leave every other. Returns the number of lists rewritten.
    """
    cluster_ids = sorted({int(pk) for pk in cluster_ids})
    if not cluster_ids:
        return 0
    # Within a batch's transaction no savepoint is needed: an error here rolls the whole batch back anyway.
    with transaction.atomic(savepoint=False):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [INCREMENTAL_LOCK])
        # Read once the lock is held, so the version is live now and every earlier update to it has committed.
        version = selectors.active_version()
        if version is None:
            return 0
        live = _live_index(version, cluster_ids)
        state = live.state
        parameters = selectors._parameters(version)
        listed_them = set(
            PartnerSuggestion.objects.filter(version=version, partner_id__in=cluster_ids).values_list(
                "cluster_id", flat=True
            )
        )
        while True:
            present = [state.position[pk] for pk in cluster_ids if pk in state.position]
            gone = [pk for pk in cluster_ids if pk not in state.position]
            entered = _lists_entered(state, present, parameters, live.floors)
            affected = (set(entered) | listed_them) - set(cluster_ids)
            rows = sorted(set(present) | {state.position[pk] for pk in affected if pk in state.position})
            found = state.top_k_for_positions(
                np.array(rows, dtype=np.int64),
                k=parameters["top_k"],
                min_score=parameters["min_score"],
                weights=parameters["weights"],
                same_country_factor=parameters["same_country_factor"],
            )
            # The state still holds clusters deleted since it was read: drop any the lists name, and score again.
            deleted = _deleted_clusters(np.concatenate([state.cluster_ids[rows], found.partner_ids]))
            if not deleted:
                break
            state = live.state = state.replace([], removed_ids=deleted)
        _write_lists(version.pk, state.cluster_ids[rows] if rows else np.zeros(0, dtype=np.int64), found)
        if gone:
            PartnerSuggestion.objects.filter(version=version, cluster_id__in=gone).delete()
            PartnerSuggestion.objects.filter(version=version, partner_id__in=gone).delete()
        change = ListFloors.of(
            state.cluster_ids[rows], found, k=parameters["top_k"], min_score=parameters["min_score"], removed_ids=gone
        )
        live.floors, live.floors_read = live.floors.updated(change), _append_floors(version.pk, change)
        _hold_live_index(live)
    return len(rows) + len(gone)


def matching_update_dirty_batch(*, batch_size: int) -> tuple[int, bool]:
    """Take up to batch_size dirty clusters no other worker holds, reindex them, clear their flags together.

    Returns (clusters processed, whether dirty clusters remain).
    """
    with transaction.atomic():
        ids = list(
            MatchingClusterState.objects.select_for_update(skip_locked=True)
            .filter(dirty=True)
            .order_by("changed_at")
            .values_list("cluster_id", flat=True)[:batch_size]
        )
        if not ids:
            return 0, False
        matching_clusters_reindex(cluster_ids=ids)
        table = _quoted(MatchingClusterState._meta.db_table)
        with connection.cursor() as cursor:
            # The flags are cleared and the others looked for in one statement; it sees the table as it was
            # before the update, so the batch is left out by id.
            cursor.execute(
                f"""WITH done AS (
                        UPDATE {table} SET dirty = false, indexed_at = %s WHERE cluster_id = ANY(%s::bigint[])
                    )
                    SELECT EXISTS (SELECT 1 FROM {table} WHERE dirty AND NOT cluster_id = ANY(%s::bigint[]))""",
                [timezone.now(), _array(ids), _array(ids)],
            )
            (remaining,) = cursor.fetchone()
    return len(ids), remaining


def _append_floors(version_id: int, change: ListFloors) -> int:
    """Record a change to a version's list floors; its id."""
    with selectors.binary_cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {MatchingListFloorsChange._meta.db_table} (version_id, data) VALUES (%s, %b) RETURNING id",
            [version_id, change.to_bytes()],
        )
        return cursor.fetchone()[0]


def _floors_since(version_id: int, floors: ListFloors, read: int) -> tuple[ListFloors, int]:
    """`floors` with the version's changes after the one numbered `read` applied; the last change's number."""
    with selectors.binary_cursor() as cursor:
        cursor.execute(
            f"""SELECT id, data FROM {MatchingListFloorsChange._meta.db_table}
                WHERE version_id = %s AND id > %s ORDER BY id""",
            [version_id, read],
            binary=True,
        )
        changes = cursor.fetchall()
    if not changes:
        return floors, read
    return floors.updated(*(ListFloors.from_bytes(data) for _pk, data in changes)), changes[-1][0]


def _deleted_clusters(cluster_ids: np.ndarray) -> list[int]:
    """Those of the given clusters no longer in the registry at all."""
    wanted = np.unique(cluster_ids)
    if not len(wanted):
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM {_quoted(Cluster._meta.db_table)} WHERE id = ANY(%s::bigint[])", [_array(wanted)]
        )
        existing = {pk for (pk,) in cursor.fetchall()}
    return [pk for pk in wanted.tolist() if pk not in existing]


@dataclass
class _LiveIndex:
    """A worker's own copy of the live version's engine state and list floors, brought up to date by each
    incremental update rather than copied from the stored state again: only what changed since is read.

    `marks` are the change marks (cluster → changed at) its rows reflect, `floors_read` the last floors change
    applied. It is kept only once the transaction that last updated it commits: a rolled-back update may have left
    it ahead of the database.
    """

    version_id: int
    state: EngineState
    marks: dict[int, datetime]
    floors: ListFloors
    floors_read: int
    committed: bool = False

    def commit(self) -> None:
        self.committed = True


# At most one, for the live version; taken out while an update works on it and put back after.
_LIVE_INDEX: dict[int, _LiveIndex] = {}


def _live_index(version: MatchingIndexVersion, cluster_ids: list[int]) -> _LiveIndex:
    """The live index as the database has it now: the rows of the given clusters and of every cluster changed
    since the held copy read it (since the version's snapshot, for a first copy) are read again.

    The held copy is rewritten in place; a first one is copied from the version's stored state, which other
    readers in this process share.
    """
    marks = {}
    if version.snapshot_at is not None:
        marks = dict(
            MatchingClusterState.objects.filter(changed_at__gte=version.snapshot_at).values_list(
                "cluster_id", "changed_at"
            )
        )
    held = _LIVE_INDEX.pop(version.pk, None)
    _LIVE_INDEX.clear()
    if held is not None and held.committed:
        stale = {pk for pk in marks.keys() | held.marks.keys() if marks.get(pk) != held.marks.get(pk)}
        state, floors, floors_read = held.state, held.floors, held.floors_read
    else:
        held, stale = None, set(marks)
        state, floors, floors_read = selectors.version_state(version.pk), ListFloors(), 0
    stale.update(cluster_ids)
    fresh = selectors.matching_features(cluster_ids=stale)
    removed = {pk for pk in stale - {f.id for f in fresh} if pk in state.position}
    if held is not None and not removed and all(f.id in state.position for f in fresh):
        state.rewrite(fresh)
    else:
        state = state.replace(fresh, removed_ids=removed)
    floors, floors_read = _floors_since(version.pk, floors, floors_read)
    return _LiveIndex(version.pk, state, marks, floors, floors_read)


def _hold_live_index(live: _LiveIndex) -> None:
    _LIVE_INDEX[live.version_id] = live
    transaction.on_commit(live.commit)


def _lists_entered(state: EngineState, present: list[int], parameters: dict, floors: ListFloors) -> list[int]:
    """Clusters whose list a changed cluster now belongs in: its score reaches their list's floor."""
    eligible = [position for position in present if state.accepts[position]]
    if not eligible:
        return []
    positions = np.array(eligible, dtype=np.int64)
    scores = state.block_scores(
        state.left(positions),
        state.country_ids[positions],
        weights=parameters["weights"],
        same_country_factor=parameters["same_country_factor"],
    )
    # Scores are symmetric: row c against column j is also what j would give c.
    best = scores.max(axis=0)
    candidates = np.flatnonzero(best >= parameters["min_score"])
    candidate_ids = state.cluster_ids[candidates]
    threshold = floors.lookup(candidate_ids, default=parameters["min_score"])
    return candidate_ids[best[candidates] >= threshold].tolist()


def _write_lists(version_id: int, cluster_ids, found: Suggestions) -> None:
    """Make the given clusters' lists of a version exactly `found`: their rows are deleted and `found` copied in.

    Run inside the caller's transaction, so readers see the old lists until it commits.
    """
    table = _quoted(partition_table(version_id))
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE cluster_id = ANY(%s::bigint[])", [_array(cluster_ids)])
    _copy_rows(partition_table(version_id), version_id, found)


def _copy_rows(table: str, version_id: int, found: Suggestions) -> None:
    """Append `found` to a version's table as one binary COPY stream, several times faster than inserts."""
    if not len(found):
        return
    columns = ["version_id", "cluster_id", "partner_id", "score", *(f"{name}_score" for name in COMPONENTS)]
    with connection.cursor() as cursor:
        # COPY goes through the driver's cursor; its errors are turned into Django's like every other query's, so
        # callers and the task retries see IntegrityError or OperationalError whichever way the rows were sent.
        with connection.wrap_database_errors:
            with cursor.cursor.copy(f"COPY {_quoted(table)} ({', '.join(columns)}) FROM STDIN (FORMAT BINARY)") as copy:
                copy.write(_binary_rows(version_id, found))


# --- The tables of versions -----------------------------------------------------------------
def partition_table(version_id: int) -> str:
    """The table holding one version's suggestions: loaded alone while building, a partition once live."""
    return f"{PartnerSuggestion._meta.db_table}_v{int(version_id)}"


def _quoted(name: str) -> str:
    return connection.ops.quote_name(name)


def _create_version_table(version_id: int) -> None:
    """A table shaped like the suggestions' with their checks, but no index or foreign key to maintain per row.

    Its check on the version lets attaching it skip the scan that would prove every row belongs there.
    """
    table, parent = _quoted(partition_table(version_id)), _quoted(PartnerSuggestion._meta.db_table)
    with connection.cursor() as cursor:
        # A table of this name can only be a leftover of a database whose version numbers started again.
        cursor.execute(f"DROP TABLE IF EXISTS {table}")
        cursor.execute(f"CREATE TABLE {table} (LIKE {parent} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)")
        cursor.execute(f"ALTER TABLE {table} ADD CHECK (version_id = {int(version_id)})")


def _attach_version_table(version_id: int) -> list[int]:
    """Make a built version's table a partition of the suggestions: PostgreSQL builds its indexes once and checks
    its foreign keys in one join, instead of per row while the chunks were copied in.

    A cluster deleted since the snapshot fails that check: its rows are then removed and the table attached again.
    Returns the clusters whose lists lost a partner that way, to be refilled after the switch. Statistics are
    gathered so the planner knows the new partition from its first query.
    """
    table, parent = _quoted(partition_table(version_id)), _quoted(PartnerSuggestion._meta.db_table)
    clusters = _quoted(Cluster._meta.db_table)
    attach = f"ALTER TABLE {parent} ATTACH PARTITION {table} FOR VALUES IN ({int(version_id)})"
    shortened: list[int] = []
    with connection.cursor() as cursor:
        cursor.execute("SELECT relispartition FROM pg_class WHERE oid = to_regclass(%s)", [partition_table(version_id)])
        if cursor.fetchone()[0]:
            return []
        try:
            with transaction.atomic():
                cursor.execute(attach)
        except IntegrityError:
            cursor.execute(
                f"""DELETE FROM {table} AS s
                    WHERE NOT EXISTS (SELECT FROM {clusters} AS c WHERE c.id = s.cluster_id)
                       OR NOT EXISTS (SELECT FROM {clusters} AS c WHERE c.id = s.partner_id)
                    RETURNING s.cluster_id"""
            )
            removed_from = {cluster_id for (cluster_id,) in cursor.fetchall()}
            cursor.execute(attach)
            shortened = list(Cluster.objects.filter(pk__in=removed_from).values_list("pk", flat=True))
        cursor.execute(f"ANALYZE {table}")
    return shortened


def _version_tables() -> dict[int, str]:
    """The versions' tables in the database, attached or not, by version id."""
    prefix = f"{PartnerSuggestion._meta.db_table}_v"
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT relname FROM pg_class
               WHERE relkind = 'r' AND relnamespace = current_schema()::regnamespace AND starts_with(relname, %s)""",
            [prefix],
        )
        names = [name for (name,) in cursor.fetchall()]
    return {int(name[len(prefix) :]): name for name in names if name[len(prefix) :].isdigit()}


# The binary COPY layout of one row: a field count, then each field as its byte length and big-endian value.
_ROW_FIELDS = [("version_id", ">i8"), ("cluster_id", ">i8"), ("partner_id", ">i8")] + [
    (name, ">f8") for name in ("score", *COMPONENTS)
]
_ROW_DTYPE = np.dtype(
    [("fields", ">i2")] + [item for name, kind in _ROW_FIELDS for item in ((f"{name}.length", ">i4"), (name, kind))]
)
_COPY_HEADER = b"PGCOPY\n\xff\r\n\x00" + (0).to_bytes(4, "big") + (0).to_bytes(4, "big")
_COPY_TRAILER = (-1).to_bytes(2, "big", signed=True)


def _binary_rows(version_id: int, found: Suggestions) -> bytes:
    """The rows of `found` in PostgreSQL's binary COPY format, laid out by numpy rather than row by row."""
    rows = np.zeros(len(found), dtype=_ROW_DTYPE)
    rows["fields"] = len(_ROW_FIELDS)
    for name, _kind in _ROW_FIELDS:
        rows[f"{name}.length"] = 8
    rows["version_id"] = version_id
    rows["cluster_id"] = found.cluster_ids
    rows["partner_id"] = found.partner_ids
    rows["score"] = found.scores
    for name in COMPONENTS:
        rows[name] = found.components[name]
    return _COPY_HEADER + rows.tobytes() + _COPY_TRAILER


def _array(values) -> str:
    """A PostgreSQL array literal: several times faster to send than a list adapted element by element."""
    items = values.tolist() if isinstance(values, np.ndarray) else list(values)
    # repr() of a float is its shortest exact form, so scores arrive in the database unchanged.
    return "{" + ",".join(map(repr, items)) + "}"
