"""Commit notices without change streams (a standalone server, the mock, or a server that
refuses them): poll the heads of the timelines this process watches.

Each tick reads the `heads` documents (one small document per timeline) of the watched
timelines only, none when nobody watches (every head when the engine did not say); a
timeline whose head moved has its new ledger entries read by sequence, one notice each.
The first look wakes every watched timeline once, and a timeline watched later gets one
wake-up at its head: its watcher may have read the ledger just before a commit the poller
then took as its starting point. The loop ends when its task is cancelled (the store closes).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Collection
from typing import Any

from pymongo.errors import PyMongoError

from ...persistence import CommitNotice
from .translate import one_line

logger = logging.getLogger("nomos_mongo.stores.mongo")

Key = tuple[str, str]
Watched = Callable[[], Collection[Key] | None]  # None: every timeline


class PollingFeed:
    def __init__(
        self,
        heads: Any,
        ledger: Any,
        publish: Callable[[CommitNotice], None],
        wake_all: Callable[[], Awaitable[None]],
        *,
        watched: Watched | None = None,
        wake_types: frozenset[str] = frozenset(),
        interval: float = 0.5,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._heads = heads
        self._ledger = ledger
        self._publish = publish
        self._wake_all = wake_all
        self._watched = watched
        self._wake_types = wake_types
        self._interval = interval
        self._sleep = sleep
        self._known: dict[Key, int] | None = None
        self._everything = False  # the last look was at every timeline

    async def run(self) -> None:
        while True:
            try:
                await self.poll()
            except PyMongoError as exc:
                logger.warning("polling the ledger failed (%s); trying again", one_line(exc))
            await self._sleep(self._interval)

    async def poll(self) -> None:
        keys = self._keys()
        if self._known is None:  # the first look: where every timeline stands, and one wake-up each
            self._known = await read_heads(self._heads, keys) if keys != set() else {}
            self._known.update((key, 0) for key in keys or () if key not in self._known)
            self._everything = keys is None
            await self._wake_all()
            return
        if keys is not None:
            for key in set(self._known) - keys:
                del self._known[key]
            if not keys:
                self._everything = False
                return
        heads = await read_heads(self._heads, keys)
        if keys is None:  # a timeline new since the last look is news, unless we looked at fewer then
            fresh = set() if self._everything else set(heads) - set(self._known)
        else:
            fresh = keys - set(self._known)
        for key in fresh:
            head = self._known[key] = heads.pop(key, 0)
            if head:
                self._publish(CommitNotice(key[0], key[1], head, self._wake_types))
        self._everything = keys is None
        await self._advance(heads, self._known)

    def _keys(self) -> set[Key] | None:
        """The timelines to look at; None: every timeline."""
        watched = self._watched() if self._watched is not None else None
        return None if watched is None else set(watched)

    async def _advance(self, heads: dict[Key, int], known: dict[Key, int]) -> None:
        for key, head in heads.items():
            last = known.get(key, 0)
            if head > last:
                await self._publish_range(key, last, head)
                known[key] = head

    async def _publish_range(self, key: Key, after: int, up_to: int) -> None:
        workspace_id, timeline_id = key
        cursor = self._ledger.find(
            {"workspace_id": workspace_id, "timeline_id": timeline_id, "seq": {"$gt": after, "$lte": up_to}},
            {"seq": 1, "touched_types": 1},
        ).sort("seq", 1)
        for doc in await cursor.to_list(None):
            self._publish(
                CommitNotice(
                    workspace_id=workspace_id,
                    timeline_id=timeline_id,
                    sequence=int(doc["seq"]),
                    aggregate_types=frozenset(doc.get("touched_types", ())),
                )
            )


async def read_heads(heads: Any, keys: Collection[Key] | None) -> dict[Key, int]:
    """The heads of these timelines (of every timeline when `keys` is None)."""
    wanted = [{"workspace_id": ws, "timeline_id": tl} for ws, tl in sorted(keys or ())]
    query = {} if keys is None else wanted[0] if len(wanted) == 1 else {"$or": wanted}
    cursor = heads.find(query, {"workspace_id": 1, "timeline_id": 1, "seq": 1})
    return {(d["workspace_id"], d["timeline_id"]): int(d["seq"]) for d in await cursor.to_list(None)}
