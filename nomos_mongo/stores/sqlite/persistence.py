"""SqlitePersistence: the engine's store in one SQLite file, durable and off the Python heap.

- Threads: the standard library's `sqlite3` on a dedicated writer thread and a small pool
  of reader threads (see `connections.py`): no blocking call runs on the event loop, no
  extra dependency, and the writer can group concurrent commits (see `writes.py`).
- WAL mode: readers never block the writer nor it them; a reader sees whole commits only.
- `synchronous=NORMAL` by default: when `commit` returns, the transaction is in the WAL
  file (written, not yet synced), so an acknowledged intent survives any crash of the
  process (SIGKILL, OOM kill, a bug) and the database is never corrupt; an OS crash or a
  power loss may lose the commits made since the last sync (checkpoints sync, every
  `CHECKPOINT_EVERY` = 50 writes, each a batch of commits). `synchronous="full"` syncs
  the WAL in every commit, so acknowledged intents survive power loss too, for one fsync
  per batch (2-7 ms on the machines this was built on, against ~0.1 ms for NORMAL; group
  commit shares it among concurrent commits).
  Checkpoints run on a thread of their own, never inside a commit.
- One process per database (`lock.py`): which is what lets this store answer from memory
  what only its own commits change (timeline heads, `caches.py`), and what makes
  `watch_commits` unnecessary (nobody else writes).
- Commits are ordered (`CommitPipeline`): the timeline writer hands over a commit and
  plans the next one on it (under `planning()`, reads see the staged head, snapshots and
  history) while the writer thread makes both durable in one transaction. A read that the
  staged state cannot answer exactly waits for the timeline's staged commits first. Reads
  outside planning see durable commits only.
- Listing queries run in SQL over expression indexes (`queries.py`); nothing loads every
  aggregate of a type. Python holds the timeline heads, two Bloom filters (bits) and a
  bounded LRU of recently used snapshots.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

from ...codec import (
    TouchingEvents,
    entry_from_document,
    snapshot_from_document,
    timeline_from_document,
    timeline_to_document,
)
from ...errors import PersistenceError
from ...ledger import AggregateRef, EntryKind, IntentLedgerEntry
from ...model import Aggregate, Event
from ...persistence import Commit, CommitPipeline, Persistence, SnapshotRecord, TimelineRecord, is_planning
from ...query import BasicQuery
from ...registry import TypeRegistry
from .blobs import SqliteBlobStorage
from .caches import Bloom, SnapshotCache, Staged, key_text, snapshot_key
from .connections import BUSY_TIMEOUT_MS, WAL_RESTART_BYTES, Synchronous, Threads, Tuning, immediate
from .jsontext import dumps, loads
from .lock import ProcessLock
from .queries import install_functions, select
from .schema import NewerSchema, NotNomos, SnapshotTables, prepare
from .writes import INSERT_HISTORY, GroupCommit, history_row, superseded, write_batch, write_snapshots

A = TypeVar("A", bound=Aggregate)

MAX_SEQUENCE = 2**63 - 1
_ENTRY = "SELECT intent_id, workspace_id, timeline_id, seq, kind, actor_id, struck_out, document FROM ledger"


class SqlitePersistence(Persistence, CommitPipeline):
    def __init__(
        self,
        path: str | Path,
        *,
        synchronous: Synchronous = "normal",
        readers: int = 2,
        busy_timeout_ms: int = BUSY_TIMEOUT_MS,
        max_bytes: int | None = None,
        cached_snapshots: int = 2_000,
        wal_restart_bytes: int = WAL_RESTART_BYTES,
    ) -> None:
        self.path = Path(path)
        self.tuning = Tuning(synchronous, busy_timeout_ms, max_bytes, wal_restart_bytes)
        self._lock = ProcessLock(self.path.with_name(self.path.name + ".lock"))
        self._threads: Threads | None = None
        self._starting: asyncio.Lock | None = None  # two apps may start one store at once
        self._tables = SnapshotTables(self._aggregate_type)
        self._heads: dict[tuple[str, str], int] = {}
        self._readers = readers
        self._group = GroupCommit(self._write_batch, self._settled)
        self._staged = Staged()
        self._cache = SnapshotCache(cached_snapshots)
        self._latest_history = SnapshotCache(cached_snapshots)  # each aggregate's newest history record
        self._intent_ids = Bloom(0)
        self._snapshot_keys = Bloom(0)
        self._touched = Bloom(0)  # (workspace, timeline, aggregate id) some entry touched

    # lifecycle --------------------------------------------------------------------------
    async def start(self) -> None:
        if self._threads is not None:
            return
        self._starting = self._starting or asyncio.Lock()
        async with self._starting:
            if self._threads is None:  # one set of threads (one writer connection) however many callers
                await self._open()

    async def _open(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise PersistenceError(f"cannot create the data directory {self.path.parent}: {exc.strerror}") from exc
        self._lock.acquire()
        threads = Threads(self.path, self.tuning, readers=self._readers, functions=install_functions)
        try:
            await threads.write(self._prepare)
        except (NewerSchema, NotNomos) as exc:
            threads.close()
            self._lock.release()
            raise PersistenceError(f"{self.path}: {exc}") from exc
        except BaseException as exc:
            threads.close()
            self._lock.release()
            if isinstance(exc, PersistenceError):
                raise PersistenceError(f"{self.path}: {exc}") from exc
            raise
        self._threads = threads

    def _prepare(self, connection: sqlite3.Connection) -> None:
        prepare(connection)
        self._tables.load(connection)
        registry: TypeRegistry | None = getattr(self, "registry", None)
        if registry is not None:
            self._tables.ensure(connection, registry.aggregates)
            self._tables.match_indexes(connection, registry.aggregates)
        self._load_filters(connection)

    def _load_filters(self, connection: sqlite3.Connection) -> None:
        (intents,) = connection.execute("SELECT count(*) FROM ledger").fetchone()
        self._intent_ids = Bloom(2 * intents)
        for (intent_id,) in connection.execute("SELECT intent_id FROM ledger"):
            self._intent_ids.add(intent_id)
        keys: list[str] = []
        for type_name, table in connection.execute("SELECT aggregate_type, table_name FROM snapshot_tables").fetchall():
            rows = connection.execute(f'SELECT workspace_id, timeline_id, aggregate_id FROM "{table}"')
            keys.extend(key_text((type_name, ws, tl, aggregate_id)) for ws, tl, aggregate_id in rows)
        self._snapshot_keys = Bloom(2 * len(keys))
        for key in keys:
            self._snapshot_keys.add(key)
        (touches,) = connection.execute("SELECT count(*) FROM touches").fetchone()
        self._touched = Bloom(2 * touches)
        for ws, tl, aggregate_id in connection.execute(
            "SELECT DISTINCT workspace_id, timeline_id, aggregate_id FROM touches"
        ):
            self._touched.add(key_text((ws, tl, aggregate_id)))

    async def close(self) -> None:
        threads, self._threads = self._threads, None
        if threads is not None:
            threads.close()
        self._lock.release()
        self._heads.clear()
        self._staged.clear()

    async def ping(self) -> None:
        await self._read(lambda c: c.execute("SELECT 1").fetchone())

    def blob_storage(self) -> SqliteBlobStorage:
        return SqliteBlobStorage(self._read, self._write)

    def _ready(self) -> Threads:
        if self._threads is None:
            raise PersistenceError(f"the SQLite store {self.path} is not open (call start() first)")
        return self._threads

    async def _read(self, fn: Any, *args: Any) -> Any:
        if self._threads is None:
            await self.start()
        return await self._ready().read(fn, *args)

    async def _read_here(self, fn: Any, *args: Any) -> Any:
        if self._threads is None:
            await self.start()
        return await self._ready().read_here(fn, *args)

    async def _write(self, fn: Any, *args: Any) -> Any:
        if self._threads is None:
            await self.start()
        return await self._ready().write(fn, *args)

    @property
    def _registry(self) -> TypeRegistry:
        registry: TypeRegistry | None = getattr(self, "registry", None)
        if registry is None:
            raise PersistenceError("SqlitePersistence needs bind(registry) before use (NomosApp does this)")
        return registry

    def _aggregate_type(self, type_name: str) -> type[Aggregate]:
        return self._registry.aggregate_type(type_name)

    # ledger -----------------------------------------------------------------------------
    async def commit(self, commit: Commit) -> None:
        if self._threads is None:
            await self.start()
        entry = commit.entry
        durable = self.order(commit, self.epoch(entry.workspace_id, entry.timeline_id))
        await asyncio.shield(durable)  # a cancelled caller does not cancel the others' batch

    def epoch(self, workspace_id: str, timeline_id: str) -> int:
        return self._staged.epoch((workspace_id, timeline_id))

    def order(self, commit: Commit, epoch: int) -> asyncio.Future[None]:
        self._ready()
        entry = commit.entry
        if epoch != self.epoch(entry.workspace_id, entry.timeline_id):  # planned on staged commits that failed
            refused: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            refused.set_exception(superseded(commit))
            return refused
        # the filters learn the keys first: "maybe stored" while the commit runs is still true
        self._intent_ids.add(entry.intent_id)
        for record in commit.snapshots:
            self._snapshot_keys.add(key_text(snapshot_key(record)))
        for ref in entry.touched:
            self._touched.add(key_text((entry.workspace_id, entry.timeline_id, ref.id)))
        durable = self._group.enqueue(commit)
        self._staged.add(commit, durable)
        return durable

    def _settled(self, commit: Commit, outcome: Exception | None) -> None:
        """On the loop, in commit order, before the committer hears: durable reads see it now."""
        self._staged.settled(commit, stored=outcome is None)
        if outcome is not None:
            return
        self._cache.written(commit.snapshots)
        self._latest_history.written(commit.history)
        entry = commit.entry
        key = (entry.workspace_id, entry.timeline_id)
        known = self._heads.get(key)
        if known is not None:  # an unknown head is read from the ledger when asked for
            self._heads[key] = max(known, entry.workspace_intent_sequence)

    async def _planned_on_durable(self, workspace_id: str, timeline_id: str) -> None:
        """Before a planning read that staged commits cannot answer: let them become durable."""
        if is_planning() and self._staged.holds(workspace_id, timeline_id):
            await self._staged.durable(workspace_id, timeline_id)

    async def _write_batch(self, commits: list[Commit]) -> list[Exception | None]:
        outcomes: list[Exception | None] = await self._write(write_batch, self._tables, commits)
        return outcomes

    async def head(self, workspace_id: str, timeline_id: str) -> int:
        key = (workspace_id, timeline_id)
        if is_planning():
            staged = self._staged.heads.get(key)
            if staged is not None:
                return staged
        known = self._heads.get(key)
        if known is not None:
            return known
        head = int(await self._read(_head, workspace_id, timeline_id))
        self._heads[key] = max(self._heads.get(key, 0), head)
        return self._heads[key]

    async def load_entry(self, intent_id: str) -> IntentLedgerEntry | None:
        if self._threads is None:
            await self.start()
        if intent_id not in self._intent_ids:
            return None
        rows = await self._read(_rows, f"{_ENTRY} WHERE intent_id = ?", (intent_id,))
        return self._entry(rows[0]) if rows else None

    async def load_entries(
        self,
        workspace_id: str,
        timeline_id: str,
        *,
        after: int = 0,
        up_to: int | None = None,
        limit: int | None = None,
    ) -> list[IntentLedgerEntry]:
        if limit is not None and limit <= 0:
            return []
        await self._planned_on_durable(workspace_id, timeline_id)
        sql = f"{_ENTRY} WHERE workspace_id = ? AND timeline_id = ? AND seq > ?"
        params: list[Any] = [workspace_id, timeline_id, after]
        if up_to is not None:
            sql += " AND seq <= ?"
            params.append(up_to)
        sql += " ORDER BY seq"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        return await self._read(self._entries, sql, tuple(params))

    async def load_entries_touching(
        self,
        workspace_id: str,
        timeline_id: str,
        aggregate_id: str,
        *,
        after: int = 0,
        up_to: int | None = None,
    ) -> list[IntentLedgerEntry]:
        if key_text((workspace_id, timeline_id, aggregate_id)) not in self._touched:
            return []  # never touched here: the common answer for a new aggregate, without a thread trip
        await self._planned_on_durable(workspace_id, timeline_id)
        sql = (
            "SELECT l.intent_id, l.workspace_id, l.timeline_id, l.seq, l.kind, l.actor_id, l.struck_out, l.document "
            "FROM touches t JOIN ledger l "
            "ON l.workspace_id = t.workspace_id AND l.timeline_id = t.timeline_id AND l.seq = t.seq "
            "WHERE t.workspace_id = ? AND t.timeline_id = ? AND t.aggregate_id = ? AND t.seq > ?"
        )
        params: list[Any] = [workspace_id, timeline_id, aggregate_id, after]
        if up_to is not None:
            sql += " AND t.seq <= ?"
            params.append(up_to)
        return await self._read(self._entries, sql + " ORDER BY t.seq", tuple(params))

    async def load_events_touching(
        self,
        workspace_id: str,
        timeline_id: str,
        after: Mapping[AggregateRef, int],
        *,
        up_to: int,
    ) -> dict[AggregateRef, list[Event]]:
        """One query per thousand aggregates, reading only each entry's `events` (json_extract)."""
        answer = TouchingEvents(self._registry, after)
        ids = [i for i in answer.by_id if key_text((workspace_id, timeline_id, i)) in self._touched]
        if ids:
            await self._planned_on_durable(workspace_id, timeline_id)
        for start in range(0, len(ids), EVENTS_QUERY_AGGREGATES):  # a reader's job each: the loop goes on between
            chunk = [(i, answer.since(i)) for i in ids[start : start + EVENTS_QUERY_AGGREGATES]]
            await self._read(self._events_touching, workspace_id, timeline_id, chunk, up_to, answer)
        return answer.found

    def _events_touching(
        self,
        connection: sqlite3.Connection,
        workspace_id: str,
        timeline_id: str,
        since: list[tuple[str, int]],
        up_to: int,
        answer: TouchingEvents,
    ) -> None:
        """On a reader thread: the query, and the events decoded (as an entry's are) into `answer`."""
        rows = _touching_events(connection, workspace_id, timeline_id, since, up_to)
        for aggregate_id, seq, intent_id, events in rows:
            answer.add(aggregate_id, seq, intent_id, loads(events))

    async def find_latest_entry(
        self,
        workspace_id: str,
        timeline_id: str,
        *,
        kind: EntryKind,
        actor_id: str | None = None,
        include_struck_out: bool = False,
        after: int = 0,
    ) -> IntentLedgerEntry | None:
        await self._planned_on_durable(workspace_id, timeline_id)
        sql = f"{_ENTRY} WHERE workspace_id = ? AND timeline_id = ? AND kind = ? AND seq > ?"
        params: list[Any] = [workspace_id, timeline_id, kind.value, after]
        if actor_id is not None:
            sql += " AND actor_id = ?"
            params.append(actor_id)
        if not include_struck_out:
            sql += " AND struck_out = 0"
        found = await self._read(self._entries, sql + " ORDER BY seq DESC LIMIT 1", tuple(params))
        return found[0] if found else None

    def _entries(self, connection: sqlite3.Connection, sql: str, params: tuple[Any, ...]) -> list[IntentLedgerEntry]:
        return [self._entry(row) for row in connection.execute(sql, params)]

    def _entry(self, row: tuple[Any, ...]) -> IntentLedgerEntry:
        intent_id, workspace_id, timeline_id, seq, kind, actor_id, struck_out, document = row
        doc = loads(document)
        doc.update(
            _id=intent_id,
            workspace_id=workspace_id,
            timeline_id=timeline_id,
            seq=seq,
            kind=kind,
            actor_id=actor_id,
            struck_out=bool(struck_out),
        )
        return entry_from_document(self._registry, doc)

    # snapshots --------------------------------------------------------------------------
    async def load_snapshot(
        self, workspace_id: str, timeline_id: str, aggregate_type: type[A], aggregate_id: str
    ) -> SnapshotRecord | None:
        if self._threads is None:
            await self.start()
        table = self._tables.name(aggregate_type.type_name)
        if table is None:
            return None
        key = (aggregate_type.type_name, workspace_id, timeline_id, aggregate_id)
        if is_planning():
            staged = self._staged.snapshots.get(key)
            if staged is not None:
                return staged  # else no staged commit wrote it: the durable row is current
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        if key_text(key) not in self._snapshot_keys:
            return None
        generation = self._cache.generation
        sql = (
            f'SELECT seq, version, state, aggregate_id FROM "{table}" '
            "WHERE workspace_id = ? AND timeline_id = ? AND aggregate_id = ?"
        )
        params = (workspace_id, timeline_id, aggregate_id)
        found = await self._read_here(self._snapshots, sql, params, workspace_id, timeline_id, aggregate_type.type_name)
        if not found:
            return None
        self._cache.read(key, found[0], generation)
        return found[0]

    async def query_snapshots(
        self, workspace_id: str, timeline_id: str, aggregate_type: type[A], query: BasicQuery
    ) -> list[SnapshotRecord]:
        table = self._tables.name(aggregate_type.type_name)
        if table is None:
            return []
        await self._planned_on_durable(workspace_id, timeline_id)
        sql, params = select(table, aggregate_type, workspace_id, timeline_id, query)
        generation = self._cache.generation
        found: list[SnapshotRecord] = await self._read(
            self._snapshots, sql, params, workspace_id, timeline_id, aggregate_type.type_name
        )
        if query.limit is not None:  # a page: likely asked for again, and its rows read by id
            for record in found:
                self._cache.read(snapshot_key(record), record, generation)
        return found

    def _snapshots(
        self,
        connection: sqlite3.Connection,
        sql: str,
        params: tuple[Any, ...],
        workspace_id: str,
        timeline_id: str,
        type_name: str,
    ) -> list[SnapshotRecord]:
        """Rows as records; a row the LRU holds at the same sequence and version is not decoded again."""
        registry = self._registry
        cached = self._cache.peek  # a plain lookup, safe from this thread
        found: list[SnapshotRecord] = []
        for seq, version, state, aggregate_id in connection.execute(sql, params):
            known = cached((type_name, workspace_id, timeline_id, aggregate_id))
            if known is not None and known.sequence == seq and known.version == version:
                found.append(known)
                continue
            document = {
                "workspace_id": workspace_id,
                "timeline_id": timeline_id,
                "aggregate_type": type_name,
                "aggregate_id": aggregate_id,
                "seq": seq,
                "version": version,
                "state": loads(state),
            }
            found.append(snapshot_from_document(registry, document))
        return found

    async def load_history_snapshot(
        self,
        workspace_id: str,
        timeline_id: str,
        aggregate_type: type[A],
        aggregate_id: str,
        at_or_before: int,
    ) -> SnapshotRecord | None:
        key = (aggregate_type.type_name, workspace_id, timeline_id, aggregate_id)
        if is_planning():
            staged = self._staged.history.get(key)
            if staged is not None and staged.sequence <= at_or_before:
                return staged
            if staged is not None:  # an earlier record may be staged too: ask SQLite once they are durable
                await self._staged.durable(workspace_id, timeline_id)
        latest = self._latest_history.get(key)
        if latest is not None and latest.sequence <= at_or_before:
            return latest  # nothing newer was written since: it is the latest at or before too
        generation = self._latest_history.generation
        sql = (
            "SELECT workspace_id, timeline_id, aggregate_type, aggregate_id, seq, version, state FROM history "
            "WHERE workspace_id = ? AND timeline_id = ? AND aggregate_type = ? AND aggregate_id = ? AND seq <= ? "
            "ORDER BY seq DESC LIMIT 1"
        )
        params = (workspace_id, timeline_id, aggregate_type.type_name, aggregate_id, at_or_before)
        found, newest = await self._read_here(self._history_and_latest, sql, params)
        if newest is not None:
            self._latest_history.read(key, newest, generation)
        return found[0] if found else None

    def _history_and_latest(
        self, connection: sqlite3.Connection, sql: str, params: tuple[Any, ...]
    ) -> tuple[list[SnapshotRecord], SnapshotRecord | None]:
        found = self._history(connection, sql, params)
        newest = self._history(connection, sql, (*params[:-1], MAX_SEQUENCE))
        return found, newest[0] if newest else None

    async def load_history_snapshots_at(
        self, workspace_id: str, timeline_id: str, at_or_before: int
    ) -> list[SnapshotRecord]:
        await self._planned_on_durable(workspace_id, timeline_id)
        # SQLite takes the bare columns of an aggregate query with max() from the row holding the max
        sql = (
            "SELECT workspace_id, timeline_id, aggregate_type, aggregate_id, max(seq), version, state FROM history "
            "WHERE workspace_id = ? AND timeline_id = ? AND seq <= ? GROUP BY aggregate_type, aggregate_id"
        )
        found: list[SnapshotRecord] = await self._read(self._history, sql, (workspace_id, timeline_id, at_or_before))
        return found

    def _history(self, connection: sqlite3.Connection, sql: str, params: tuple[Any, ...]) -> list[SnapshotRecord]:
        registry = self._registry
        return [
            snapshot_from_document(
                registry,
                {
                    "workspace_id": ws,
                    "timeline_id": tl,
                    "aggregate_type": type_name,
                    "aggregate_id": aggregate_id,
                    "seq": seq,
                    "version": version,
                    "state": loads(state),
                },
            )
            for ws, tl, type_name, aggregate_id, seq, version, state in connection.execute(sql, params)
        ]

    async def replace_snapshots(
        self,
        workspace_id: str,
        timeline_id: str,
        snapshots: Sequence[SnapshotRecord],
        history: Sequence[SnapshotRecord],
        *,
        up_to: int | None = None,
    ) -> None:
        self._cache.clear()
        self._latest_history.clear()
        for record in snapshots:
            self._snapshot_keys.add(key_text(snapshot_key(record)))
        try:
            await self._write(self._replace, workspace_id, timeline_id, list(snapshots), list(history), up_to)
        finally:
            self._cache.clear()
            self._latest_history.clear()

    def _replace(
        self,
        connection: sqlite3.Connection,
        workspace_id: str,
        timeline_id: str,
        snapshots: list[SnapshotRecord],
        history: list[SnapshotRecord],
        up_to: int | None,
    ) -> None:
        self._tables.ensure(connection, (r.aggregate_type for r in snapshots))
        latest = {(r.aggregate_type, r.aggregate_id): r for r in snapshots}
        # rows of commits after `up_to` stay; they win over the rebuilt ones (INSERT OR IGNORE)
        scope, bound = ("AND seq <= ?", (up_to,)) if up_to is not None else ("", ())
        with immediate(connection):  # one transaction: readers see the old set or the new one
            for table in self._tables.all():
                connection.execute(
                    f'DELETE FROM "{table}" WHERE workspace_id = ? AND timeline_id = ? {scope}',
                    (workspace_id, timeline_id, *bound),
                )
            connection.execute(
                f"DELETE FROM history WHERE workspace_id = ? AND timeline_id = ? {scope}",
                (workspace_id, timeline_id, *bound),
            )
            write_snapshots(connection, self._tables, latest.values(), keep_newer=True)
            connection.executemany(INSERT_HISTORY, [history_row(r) for r in history])

    # timelines --------------------------------------------------------------------------
    async def save_timeline(self, record: TimelineRecord) -> None:
        await self._write(_save_timeline, record.workspace_id, record.timeline_id, dumps(timeline_to_document(record)))

    async def load_timeline(self, workspace_id: str, timeline_id: str) -> TimelineRecord | None:
        rows = await self._read(
            _rows,
            "SELECT document FROM timelines WHERE workspace_id = ? AND timeline_id = ?",
            (workspace_id, timeline_id),
        )
        return timeline_from_document(loads(rows[0][0])) if rows else None

    async def list_timelines(self, workspace_id: str) -> list[TimelineRecord]:
        rows = await self._read(
            _rows, "SELECT document FROM timelines WHERE workspace_id = ? ORDER BY timeline_id", (workspace_id,)
        )
        return [timeline_from_document(loads(row[0])) for row in rows]

    async def list_workspaces(self) -> list[str]:
        rows = await self._read(
            _rows, "SELECT workspace_id FROM heads UNION SELECT workspace_id FROM timelines ORDER BY 1", ()
        )
        return [row[0] for row in rows]


EVENTS_QUERY_AGGREGATES = 1_000  # two parameters each (SQLite takes 32,766); a job of milliseconds


def _touching_events(
    connection: sqlite3.Connection, workspace_id: str, timeline_id: str, since: list[tuple[str, int]], up_to: int
) -> list[tuple[str, int, str, str]]:
    """(aggregate id, sequence, intent id, the entry's events as JSON) of the intent entries touching each
    aggregate after its bound, in sequence order."""
    wanted = ", ".join("(?, ?)" for _ in since)
    sql = (
        f"WITH wanted(aggregate_id, after) AS (VALUES {wanted}) "
        "SELECT t.aggregate_id, t.seq, l.intent_id, json_extract(l.document, '$.events') "
        "FROM wanted w JOIN touches t ON t.workspace_id = ? AND t.timeline_id = ? "
        "AND t.aggregate_id = w.aggregate_id AND t.seq > w.after AND t.seq <= ? "
        "JOIN ledger l ON l.workspace_id = t.workspace_id AND l.timeline_id = t.timeline_id AND l.seq = t.seq "
        "WHERE l.kind = ? ORDER BY t.seq"
    )
    params = [value for pair in since for value in pair]
    return connection.execute(sql, (*params, workspace_id, timeline_id, up_to, EntryKind.INTENT.value)).fetchall()


def _rows(connection: sqlite3.Connection, sql: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
    return connection.execute(sql, params).fetchall()


def _head(connection: sqlite3.Connection, workspace_id: str, timeline_id: str) -> int:
    row = connection.execute(
        "SELECT max(seq) FROM ledger WHERE workspace_id = ? AND timeline_id = ?", (workspace_id, timeline_id)
    ).fetchone()
    return int(row[0] or 0)


def _save_timeline(connection: sqlite3.Connection, workspace_id: str, timeline_id: str, document: str) -> None:
    connection.execute(
        "INSERT INTO timelines VALUES (?, ?, ?) ON CONFLICT (workspace_id, timeline_id) DO UPDATE SET "
        "document = excluded.document",
        (workspace_id, timeline_id, document),
    )
