"""MongoPersistence: the engine's store on MongoDB, through PyMongo's native async API.

Collections are those of DESIGN.md (see `indexes.py`). A commit is one transaction: the
ledger insert (the commit point, guarded by the unique sequence index), snapshot upserts,
history inserts, strike-outs and the timeline's head. A server without transactions (a
standalone server, or mongomock in tests) gets the same writes in the same order.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from typing import Any, TypeVar

from gridfs import AsyncGridFSBucket
from pymongo.errors import DuplicateKeyError
from pymongo.read_concern import ReadConcern

from ...codec import (
    TouchingEvents,
    entry_from_document,
    snapshot_from_document,
    snapshot_to_document,
    timeline_from_document,
    timeline_to_document,
)
from ...errors import PersistenceError, SerializationError, SnapshotUnreadable
from ...ledger import AggregateRef, EntryKind, IntentLedgerEntry
from ...model import Aggregate, Event
from ...persistence import (
    Commit,
    CommitNotice,
    Persistence,
    SnapshotRecord,
    TimelineRecord,
    WatchedTimelines,
)
from ...query import BasicQuery
from ...registry import TypeRegistry
from .blobs import GridFSBlobStorage
from .change_stream import ChangeStreamFeed, ChangeStreamUnavailable
from .client import Capabilities, detect_capabilities, resolved
from .indexes import (
    BLOB_BUCKET,
    HEADS,
    LEDGER,
    SNAPSHOT_HISTORY,
    SNAPSHOT_PREFIX,
    TIMELINES,
    ensure_indexes,
    ensure_snapshot_indexes,
    snapshot_collection,
)
from .notices import NoticeHub
from .polling import PollingFeed, read_heads
from .queries import mongo_filter, mongo_sort
from .transactions import run_in_transaction
from .translate import one_line, translated, translating
from .writes import by_type, snapshot_document, snapshot_key, write_commit, write_in_order

A = TypeVar("A", bound=Aggregate)
logger = logging.getLogger("nomos_mongo.stores.mongo")

_NOT_Q = {"q": 0}


class MongoPersistence(Persistence):
    reports_foreign_commits = True

    def __init__(
        self,
        client: Any,
        db_name: str,
        *,
        poll_interval: float = 0.5,
        owns_client: bool = False,
    ) -> None:
        self.client = client
        self.database = client[db_name]
        self._ledger = self.database[LEDGER]
        self._history = self.database[SNAPSHOT_HISTORY]
        self._timelines = self.database[TIMELINES]
        self._heads = self.database[HEADS]
        self._poll_interval = poll_interval
        self._owns_client = owns_client
        self._capabilities: Capabilities | None = None
        self._indexed_types: set[str] = set()
        self._hub = NoticeHub()
        self._feed: asyncio.Task[None] | None = None
        self._watched: WatchedTimelines | None = None

    # lifecycle --------------------------------------------------------------------------
    @property
    def capabilities(self) -> Capabilities | None:
        return self._capabilities

    @property
    def snapshots_may_lag(self) -> bool:  # type: ignore[override]
        """Without transactions a commit's ledger insert is visible before its snapshot writes."""
        return self._capabilities is None or not self._capabilities.transactions

    async def start(self) -> None:
        if self._capabilities is not None:
            return
        with translated():
            capabilities = await detect_capabilities(self.database)
        await self.ensure_indexes()
        self._capabilities = capabilities
        name = self.database.name
        if capabilities.transactions:
            logger.info("MongoDB database %r on %s: transactions and change streams", name, capabilities.server)
        else:
            logger.warning(
                "MongoDB database %r is on %s, which has no transactions and no change streams: "
                "a dispatch's writes are applied in order after the ledger insert but not atomically, "
                "and commits by other processes are found by polling the ledger every %.2g s. "
                "Run a replica set in production (see docker-compose.yml).",
                name,
                capabilities.server,
                self._poll_interval,
            )

    async def ensure_indexes(self) -> None:
        """Create every index (idempotent); the registry's aggregate types get snapshot indexes."""
        registry: TypeRegistry | None = getattr(self, "registry", None)
        types = list(registry.aggregates.values()) if registry is not None else []
        with translated():
            await ensure_indexes(self.database, types)
        self._indexed_types.update(t.type_name for t in types)

    async def close(self) -> None:
        feed, self._feed = self._feed, None
        if feed is not None:
            feed.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await feed
        self._hub.close()
        if self._owns_client:
            self._owns_client = False
            await resolved(self.client.close())

    @translating
    async def ping(self) -> None:
        await self.database.command("ping")

    def blob_storage(self, bucket_name: str = BLOB_BUCKET) -> GridFSBlobStorage:
        return GridFSBlobStorage(AsyncGridFSBucket(self.database, bucket_name=bucket_name))

    @property
    def _registry(self) -> TypeRegistry:
        registry: TypeRegistry | None = getattr(self, "registry", None)
        if registry is None:
            raise PersistenceError("MongoPersistence needs bind(registry) before use (NomosApp does this)")
        return registry

    async def _ready(self) -> Capabilities:
        if self._capabilities is None:
            await self.start()
        assert self._capabilities is not None
        return self._capabilities

    # ledger -----------------------------------------------------------------------------
    async def commit(self, commit: Commit) -> None:
        capabilities = await self._ready()
        with translated():
            await self._ensure_snapshot_indexes(commit.snapshots)
        if not capabilities.transactions:
            await write_in_order(self.database, commit)
            return
        with translated():
            async with self.client.start_session() as session:
                await run_in_transaction(session, lambda s: write_commit(self.database, commit, s), commit.entry)

    @translating
    async def head(self, workspace_id: str, timeline_id: str) -> int:
        doc = await self._ledger.find_one(
            {"workspace_id": workspace_id, "timeline_id": timeline_id}, {"seq": 1}, sort=[("seq", -1)]
        )
        return int(doc["seq"]) if doc else 0

    @translating
    async def load_entry(self, intent_id: str) -> IntentLedgerEntry | None:
        doc = await self._ledger.find_one({"_id": intent_id})
        return entry_from_document(self._registry, doc) if doc else None

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
        query = {"workspace_id": workspace_id, "timeline_id": timeline_id, "seq": _range(after, up_to)}
        return await self._entries(query, limit)

    async def load_entries_touching(
        self,
        workspace_id: str,
        timeline_id: str,
        aggregate_id: str,
        *,
        after: int = 0,
        up_to: int | None = None,
    ) -> list[IntentLedgerEntry]:
        query = {
            "workspace_id": workspace_id,
            "timeline_id": timeline_id,
            "touched": aggregate_id,
            "seq": _range(after, up_to),
        }
        return await self._entries(query, None)

    @translating
    async def load_events_touching(
        self,
        workspace_id: str,
        timeline_id: str,
        after: Mapping[AggregateRef, int],
        *,
        up_to: int,
    ) -> dict[AggregateRef, list[Event]]:
        """One query per thousand aggregates (an `$or` of ledger_touched ranges), reading each entry's events only."""
        answer = TouchingEvents(self._registry, after)
        ids = list(answer.by_id)
        for start in range(0, len(ids), EVENTS_QUERY_AGGREGATES):
            chunk = set(ids[start : start + EVENTS_QUERY_AGGREGATES])
            # every clause names the whole ledger_touched key, so that each is a range of that index
            ranges = [
                {
                    "workspace_id": workspace_id,
                    "timeline_id": timeline_id,
                    "touched": i,
                    "seq": {"$gt": answer.since(i), "$lte": up_to},
                }
                for i in chunk
            ]
            query = {"$or": ranges, "kind": {"$nin": [EntryKind.UNDO.value, EntryKind.REDO.value]}}  # none: an intent
            cursor = self._ledger.find(query, {"seq": 1, "touched": 1, "events": 1}).sort("seq", 1)
            for doc in await cursor.to_list(None):
                for aggregate_id in chunk.intersection(doc["touched"]):  # an entry touches a few; a set answers at once
                    answer.add(aggregate_id, doc["seq"], doc["_id"], doc["events"])
        return answer.found

    @translating
    async def _entries(self, query: dict[str, Any], limit: int | None) -> list[IntentLedgerEntry]:
        cursor = self._ledger.find(query).sort("seq", 1)
        if limit is not None:
            cursor = cursor.limit(limit)
        return [entry_from_document(self._registry, doc) for doc in await cursor.to_list(None)]

    @translating
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
        query: dict[str, Any] = {
            "workspace_id": workspace_id,
            "timeline_id": timeline_id,
            "kind": kind.value,
            "seq": {"$gt": after},
        }
        if actor_id is not None:
            query["actor_id"] = actor_id
        if not include_struck_out:
            query["struck_out"] = {"$ne": True}
        doc = await self._ledger.find_one(query, sort=[("seq", -1)])
        return entry_from_document(self._registry, doc) if doc else None

    # snapshots --------------------------------------------------------------------------
    @translating
    async def load_snapshot(
        self, workspace_id: str, timeline_id: str, aggregate_type: type[A], aggregate_id: str
    ) -> SnapshotRecord | None:
        doc = await self.database[snapshot_collection(aggregate_type.type_name)].find_one(
            {"workspace_id": workspace_id, "timeline_id": timeline_id, "aggregate_id": aggregate_id},
            _NOT_Q,
        )
        if doc is None:
            return None
        try:
            return snapshot_from_document(self._registry, doc)
        except (SerializationError, KeyError, TypeError, ValueError) as exc:
            raise SnapshotUnreadable(aggregate_type.type_name, aggregate_id, one_line(exc)) from exc

    @translating
    async def query_snapshots(
        self, workspace_id: str, timeline_id: str, aggregate_type: type[A], query: BasicQuery
    ) -> list[SnapshotRecord]:
        collection = self.database[snapshot_collection(aggregate_type.type_name)]
        cursor = collection.find(mongo_filter(workspace_id, timeline_id, aggregate_type, query), _NOT_Q).sort(
            mongo_sort(query)
        )
        if query.limit is not None:
            cursor = cursor.limit(query.limit)
        return [snapshot_from_document(self._registry, doc) for doc in await cursor.to_list(None)]

    @translating
    async def load_history_snapshot(
        self,
        workspace_id: str,
        timeline_id: str,
        aggregate_type: type[A],
        aggregate_id: str,
        at_or_before: int,
    ) -> SnapshotRecord | None:
        doc = await self._history.find_one(
            {
                "workspace_id": workspace_id,
                "timeline_id": timeline_id,
                "aggregate_type": aggregate_type.type_name,
                "aggregate_id": aggregate_id,
                "seq": {"$lte": at_or_before},
            },
            sort=[("seq", -1)],
        )
        return snapshot_from_document(self._registry, doc) if doc else None

    @translating
    async def load_history_snapshots_at(
        self, workspace_id: str, timeline_id: str, at_or_before: int
    ) -> list[SnapshotRecord]:
        pipeline = [
            {"$match": {"workspace_id": workspace_id, "timeline_id": timeline_id, "seq": {"$lte": at_or_before}}},
            {"$sort": {"aggregate_type": 1, "aggregate_id": 1, "seq": -1}},
            {"$group": {"_id": {"t": "$aggregate_type", "i": "$aggregate_id"}, "doc": {"$first": "$$ROOT"}}},
        ]
        cursor = await resolved(self._history.aggregate(pipeline))
        return [snapshot_from_document(self._registry, row["doc"]) for row in await cursor.to_list(None)]

    @translating
    async def replace_snapshots(
        self,
        workspace_id: str,
        timeline_id: str,
        snapshots: Sequence[SnapshotRecord],
        history: Sequence[SnapshotRecord],
        *,
        up_to: int | None = None,
    ) -> None:
        # A repair may exceed what one transaction holds, so it is not one: rerun it if it fails.
        # The given records go in first and the stale ones go after, so that readers always find
        # a snapshot; records of commits after `up_to` are never touched.
        timeline = {"workspace_id": workspace_id, "timeline_id": timeline_id}
        repaired = {**timeline, "seq": {"$lte": up_to}} if up_to is not None else timeline
        latest = {(r.aggregate_type, r.aggregate_id): r for r in snapshots}
        await self._ensure_snapshot_indexes(latest.values())
        rebuilt = by_type(latest.values())
        for type_name, records in rebuilt.items():
            collection = self.database[snapshot_collection(type_name)]
            for record in records:
                with contextlib.suppress(DuplicateKeyError):  # a newer snapshot was committed meanwhile
                    await collection.replace_one(
                        {**snapshot_key(record), "seq": repaired.get("seq", {"$gte": 0})},
                        snapshot_document(record),
                        upsert=True,
                    )
        for name in await self.database.list_collection_names():
            if name.startswith(SNAPSHOT_PREFIX):
                ids = [r.aggregate_id for r in rebuilt.get(name.removeprefix(SNAPSHOT_PREFIX), [])]
                await self.database[name].delete_many({**repaired, "aggregate_id": {"$nin": ids}})
        inserted = []
        if history:
            inserted = (await self._history.insert_many([snapshot_to_document(r) for r in history])).inserted_ids
        await self._history.delete_many({**repaired, "_id": {"$nin": inserted}})

    async def _ensure_snapshot_indexes(self, records: Iterable[SnapshotRecord]) -> None:
        for type_name in {r.aggregate_type for r in records} - self._indexed_types:
            await ensure_snapshot_indexes(self.database, self._registry.aggregate_type(type_name))
            self._indexed_types.add(type_name)

    # timelines --------------------------------------------------------------------------
    @translating
    async def save_timeline(self, record: TimelineRecord) -> None:
        doc = timeline_to_document(record)  # keyed by its fields: ids may contain any character
        await self._timelines.replace_one(
            {"workspace_id": record.workspace_id, "timeline_id": record.timeline_id}, doc, upsert=True
        )

    @translating
    async def load_timeline(self, workspace_id: str, timeline_id: str) -> TimelineRecord | None:
        doc = await self._timelines.find_one({"workspace_id": workspace_id, "timeline_id": timeline_id})
        return timeline_from_document(doc) if doc else None

    @translating
    async def list_timelines(self, workspace_id: str) -> list[TimelineRecord]:
        cursor = self._timelines.find({"workspace_id": workspace_id}).sort("_id", 1)
        return [timeline_from_document(doc) for doc in await cursor.to_list(None)]

    @translating
    async def list_workspaces(self) -> list[str]:
        names = set(await self._ledger.distinct("workspace_id"))
        names.update(await self._timelines.distinct("workspace_id"))
        return sorted(names)

    # notifications ----------------------------------------------------------------------
    def watch_commits(self, watched: WatchedTimelines | None = None) -> AsyncIterator[CommitNotice]:
        if watched is not None:
            self._watched = watched
        subscription = self._hub.subscribe()
        if self._feed is None or self._feed.done():
            self._feed = asyncio.create_task(self._run_feed(), name="nomos-commit-feed")
            self._feed.add_done_callback(_log_feed_end)
        return subscription

    async def _run_feed(self) -> None:
        capabilities = await self._ready()
        if capabilities.change_streams:
            ledger = self._ledger.with_options(read_concern=ReadConcern("majority"))
            try:
                await ChangeStreamFeed(ledger, self._hub.publish, self._wake_watched).run()
            except ChangeStreamUnavailable as exc:
                logger.warning(
                    "MongoDB refused the ledger change stream (%s), which is not resumable: commits by "
                    "other processes are found by polling the ledger every %.2g s instead",
                    exc,
                    self._poll_interval,
                )
        feed = PollingFeed(
            self._heads,
            self._ledger,
            self._hub.publish,
            self._wake_watched,
            watched=self._watched,
            wake_types=frozenset(self._registry.aggregates),
            interval=self._poll_interval,
        )
        await feed.run()

    async def _wake_watched(self) -> None:
        """After the change stream (re)starts from now: wake each watched timeline once."""
        types = frozenset(self._registry.aggregates)
        watched = self._watched() if self._watched is not None else None
        keys = set(watched) if watched is not None else None
        if keys == set():
            return
        for (workspace_id, timeline_id), head in (await read_heads(self._heads, keys)).items():
            self._hub.publish(CommitNotice(workspace_id, timeline_id, head, types))


def _log_feed_end(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        logger.error("the commit notice feed stopped: %s", task.exception())


EVENTS_QUERY_AGGREGATES = 1_000  # `$or` clauses per query: each one a range of the ledger_touched index


def _range(after: int, up_to: int | None) -> dict[str, int]:
    return {"$gt": after} if up_to is None else {"$gt": after, "$lte": up_to}
