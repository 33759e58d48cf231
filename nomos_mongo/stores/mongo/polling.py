"""Commit notices without change streams (a standalone server, or the mock): poll the heads.

Each tick reads the `heads` collection (one small document per timeline); a timeline whose
head moved has its new ledger entries read by sequence, one notice per entry. The first look
wakes every timeline once, for subscribers that read the ledger before polling began.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from pymongo.errors import PyMongoError

from ...persistence import CommitNotice
from .translate import one_line

logger = logging.getLogger("nomos_mongo.stores.mongo")

Key = tuple[str, str]


class PollingFeed:
    def __init__(
        self,
        heads: Any,
        ledger: Any,
        publish: Callable[[CommitNotice], None],
        wake_all: Callable[[], Awaitable[None]],
        *,
        interval: float = 0.5,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._heads = heads
        self._ledger = ledger
        self._publish = publish
        self._wake_all = wake_all
        self._interval = interval
        self._sleep = sleep

    async def run(self) -> None:
        known: dict[Key, int] | None = None
        while True:
            try:
                if known is None:
                    known = await self._read_heads()
                    await self._wake_all()
                else:
                    await self.poll(known)
            except PyMongoError as exc:
                logger.warning("polling the ledger failed (%s); trying again", one_line(exc))
            await self._sleep(self._interval)

    async def poll(self, known: dict[Key, int]) -> None:
        for key, head in (await self._read_heads()).items():
            last = known.get(key, 0)
            if head > last:
                await self._publish_range(key, last, head)
                known[key] = head

    async def _read_heads(self) -> dict[Key, int]:
        cursor = self._heads.find({}, {"workspace_id": 1, "timeline_id": 1, "seq": 1})
        return {(d["workspace_id"], d["timeline_id"]): int(d["seq"]) for d in await cursor.to_list(None)}

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
