"""What one commit writes, and group commit: many commits, one SQLite transaction, one sync.

A batch is `BEGIN IMMEDIATE`, then each commit inside its own SAVEPOINT (the ledger row,
touches, snapshots, history, strike-outs, head), then `COMMIT`. A commit that loses its
sequence or repeats an intent id rolls back to its savepoint alone and gets its error;
the others stay in the batch. No commit is acknowledged before `COMMIT` has returned, so
every success is as durable as the `synchronous` setting makes a transaction (see
`persistence.py`); if `COMMIT` fails, every commit of the batch fails.

Commits queue up while the writer thread is busy and go together into the next batch:
one commit waits for at most the batch before it, and under load the sync is shared.
The timeline writer orders commits without waiting for them (`CommitPipeline`), so one
timeline can have several in a queue or a batch: when one fails, every later commit of its
timeline fails with `Superseded`, unwritten, and is planned again.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable, Iterable
from typing import Any

from ...codec import entry_to_document
from ...errors import DuplicateIntent, PersistenceError, SequenceConflict, Superseded
from ...persistence import Commit, SnapshotRecord
from .connections import describe, immediate
from .jsontext import dumps
from .queries import queryable
from .schema import SnapshotTables

MAX_BATCH = 256
# columns of their own in the ledger table: left out of the stored document
LEDGER_COLUMNS = ("_id", "workspace_id", "timeline_id", "seq", "kind", "actor_id", "struck_out")


def ledger_row(commit: Commit) -> tuple[Any, ...]:
    entry = commit.entry
    document = entry_to_document(entry)
    for column in LEDGER_COLUMNS:
        del document[column]
    return (
        entry.intent_id,
        entry.workspace_id,
        entry.timeline_id,
        entry.workspace_intent_sequence,
        entry.kind.value,
        entry.actor_id,
        int(entry.struck_out),
        dumps(document),
    )


def stored_state(record: SnapshotRecord) -> str:
    return dumps(record.state.to_document())  # the codec's stored form: type and schema version


def snapshot_row(record: SnapshotRecord, state: str | None = None) -> tuple[Any, ...]:
    return (
        record.workspace_id,
        record.timeline_id,
        record.aggregate_id,
        record.sequence,
        record.version,
        int(record.state.deleted),
        state if state is not None else stored_state(record),
        queryable(record.state),
    )


def history_row(record: SnapshotRecord, state: str | None = None) -> tuple[Any, ...]:
    return (
        record.workspace_id,
        record.timeline_id,
        record.aggregate_type,
        record.aggregate_id,
        record.sequence,
        record.version,
        state if state is not None else stored_state(record),
    )


UPSERT_SNAPSHOT = (
    'INSERT INTO "{table}" (workspace_id, timeline_id, aggregate_id, seq, version, deleted, state, q) '
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (workspace_id, timeline_id, aggregate_id) DO UPDATE SET "
    "seq = excluded.seq, version = excluded.version, deleted = excluded.deleted, state = excluded.state, q = excluded.q"
)
INSERT_HISTORY = "INSERT OR REPLACE INTO history VALUES (?, ?, ?, ?, ?, ?, ?)"


INSERT_SNAPSHOT_UNLESS_STORED = (
    'INSERT OR IGNORE INTO "{table}" (workspace_id, timeline_id, aggregate_id, seq, version, deleted, state, q) '
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)


def write_snapshots(
    connection: sqlite3.Connection,
    tables: SnapshotTables,
    records: Iterable[SnapshotRecord],
    *,
    keep_newer: bool = False,
    encoded: dict[int, str] | None = None,
) -> None:
    """Upsert each record; with `keep_newer`, a row still stored (written after a repair's bound) wins.

    `encoded` holds states encoded already, by the id of their record."""
    statement = INSERT_SNAPSHOT_UNLESS_STORED if keep_newer else UPSERT_SNAPSHOT
    for record in records:
        row = snapshot_row(record, encoded.get(id(record)) if encoded else None)
        connection.execute(statement.format(table=tables.name(record.aggregate_type)), row)


def write_one(connection: sqlite3.Connection, tables: SnapshotTables, commit: Commit) -> None:
    entry = commit.entry
    try:
        connection.execute("INSERT INTO ledger VALUES (?, ?, ?, ?, ?, ?, ?, ?)", ledger_row(commit))
    except sqlite3.IntegrityError as exc:
        if "ledger.intent_id" in str(exc):
            raise DuplicateIntent(entry.intent_id) from exc
        raise SequenceConflict(entry.workspace_id, entry.timeline_id, entry.workspace_intent_sequence) from exc
    ws, tl, seq = entry.workspace_id, entry.timeline_id, entry.workspace_intent_sequence
    connection.executemany(
        "INSERT OR IGNORE INTO touches VALUES (?, ?, ?, ?)", [(ws, tl, ref.id, seq) for ref in entry.touched]
    )
    # a history record is usually one of the snapshot records too: its state is encoded once
    encoded = {id(record): stored_state(record) for record in commit.snapshots}
    write_snapshots(connection, tables, commit.snapshots, encoded=encoded)
    if commit.history:
        connection.executemany(INSERT_HISTORY, [history_row(r, encoded.get(id(r))) for r in commit.history])
    if commit.strike_outs:
        connection.executemany(
            "UPDATE ledger SET struck_out = ? WHERE intent_id = ?",
            [(int(struck), intent_id) for intent_id, struck in commit.strike_outs.items()],
        )
    connection.execute(
        "INSERT INTO heads VALUES (?, ?, ?) ON CONFLICT (workspace_id, timeline_id) DO UPDATE SET "
        "seq = max(seq, excluded.seq)",
        (ws, tl, seq),
    )


def timeline_of(commit: Commit) -> tuple[str, str]:
    return commit.entry.workspace_id, commit.entry.timeline_id


def superseded(commit: Commit) -> Superseded:
    entry = commit.entry
    return Superseded(entry.workspace_id, entry.timeline_id, entry.workspace_intent_sequence)


def write_batch(
    connection: sqlite3.Connection, tables: SnapshotTables, commits: list[Commit]
) -> list[Exception | None]:
    """Runs on the writer thread. One outcome per commit: None (stored) or the error to raise."""
    tables.ensure(connection, (r.aggregate_type for commit in commits for r in commit.snapshots))
    outcomes: list[Exception | None] = []
    failed: set[tuple[str, str]] = set()  # timelines with a failed commit in this batch
    with immediate(connection):
        for commit in commits:
            if timeline_of(commit) in failed:
                outcomes.append(superseded(commit))
                continue
            connection.execute("SAVEPOINT one_commit")
            try:
                write_one(connection, tables, commit)
            except (SequenceConflict, DuplicateIntent) as conflict:
                connection.execute("ROLLBACK TO one_commit")
                outcomes.append(conflict)
            except sqlite3.Error as exc:
                if not connection.in_transaction:  # SQLite gave up the whole transaction (e.g. disk full)
                    raise
                connection.execute("ROLLBACK TO one_commit")
                outcomes.append(PersistenceError(describe(exc)))
            else:
                outcomes.append(None)
            connection.execute("RELEASE one_commit")
            if outcomes[-1] is not None:
                failed.add(timeline_of(commit))
    return outcomes


Settled = Callable[[Commit, Exception | None], None]


class GroupCommit:
    """Queues commits from the event loop and hands them to the writer thread in batches.

    `settled(commit, outcome)` runs on the loop for every commit, in the order they were
    queued, before its caller hears of it: the store moves what the commit wrote into its
    caches (or drops what it had staged), so that a caller that is told "durable" reads it.
    """

    def __init__(self, run: Callable[[list[Commit]], Any], settled: Settled) -> None:
        self._run = run  # async: write_batch on the writer thread
        self._settled = settled
        self._queue: list[tuple[Commit, asyncio.Future[None]]] = []
        self._busy = False
        self._drainer: asyncio.Task[None] | None = None

    def enqueue(self, commit: Commit) -> asyncio.Future[None]:
        """Queue the commit after every one queued before; the future is done when it is durable."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        self._queue.append((commit, future))
        if not self._busy:
            self._busy = True
            self._drainer = loop.create_task(self._drain())
        return future

    async def commit(self, commit: Commit) -> None:
        await asyncio.shield(self.enqueue(commit))  # a cancelled caller does not cancel the others' batch

    async def _drain(self) -> None:
        try:
            while self._queue:
                batch, self._queue = self._queue[:MAX_BATCH], self._queue[MAX_BATCH:]
                try:
                    outcomes = await self._run([commit for commit, _ in batch])
                except BaseException as exc:
                    failure = exc if isinstance(exc, Exception) else PersistenceError("the store was closed")
                    outcomes = [failure] * len(batch)
                failed = {timeline_of(commit) for (commit, _), outcome in zip(batch, outcomes, strict=True) if outcome}
                for (commit, future), outcome in zip(batch, outcomes, strict=True):
                    self._settle(commit, future, outcome)
                if failed:  # queued meanwhile on top of a commit that failed: never written
                    doomed = [(c, f) for c, f in self._queue if timeline_of(c) in failed]
                    self._queue = [(c, f) for c, f in self._queue if timeline_of(c) not in failed]
                    for commit, future in doomed:
                        self._settle(commit, future, superseded(commit))
        finally:
            self._busy = False

    def _settle(self, commit: Commit, future: asyncio.Future[None], outcome: Exception | None) -> None:
        self._settled(commit, outcome)
        if future.done():
            return
        if outcome is None:
            future.set_result(None)
        else:
            future.set_exception(outcome)
