"""The process's one change stream on the ledger, published as commit notices.

The stream only wakes subscribers; they read the ledger by sequence. So the rules are:
resume from the last resume token after any error the driver could not resume itself; and
whenever the stream starts from now instead (the first start, ChangeStreamHistoryLost, an
invalidated stream), wake every timeline once: a subscriber may have read the ledger just
before a commit the new stream will not report.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from pymongo.errors import OperationFailure, PyMongoError

from ...persistence import CommitNotice
from .translate import one_line

logger = logging.getLogger("nomos_mongo.stores.mongo")

CHANGE_STREAM_FATAL = 280  # what servers before 4.4 answer for an expired resume token
CHANGE_STREAM_HISTORY_LOST = 286
TOKEN_LOST = frozenset({CHANGE_STREAM_FATAL, CHANGE_STREAM_HISTORY_LOST})

PIPELINE: list[dict[str, Any]] = [
    {"$match": {"operationType": "insert"}},
    {
        "$project": {
            "operationType": 1,
            "ns": 1,
            "documentKey": 1,
            "fullDocument.workspace_id": 1,
            "fullDocument.timeline_id": 1,
            "fullDocument.seq": 1,
            "fullDocument.touched_types": 1,
        }
    },
]


def notice_from_change(change: Mapping[str, Any]) -> CommitNotice | None:
    document = change.get("fullDocument")
    if change.get("operationType") != "insert" or not isinstance(document, Mapping):
        return None
    return CommitNotice(
        workspace_id=document["workspace_id"],
        timeline_id=document["timeline_id"],
        sequence=int(document["seq"]),
        aggregate_types=frozenset(document.get("touched_types", ())),
    )


class ChangeStreamFeed:
    def __init__(
        self,
        collection: Any,
        publish: Callable[[CommitNotice], None],
        resync: Callable[[], Awaitable[None]],
        *,
        retry_delay: float = 0.1,
        max_retry_delay: float = 5.0,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._collection = collection
        self._publish = publish
        self._resync = resync
        self._retry_delay = retry_delay
        self._max_retry_delay = max_retry_delay
        self._sleep = sleep

    async def run(self) -> None:
        token: Mapping[str, Any] | None = None
        resync_needed = True
        failures = 0
        while True:
            stream: Any = None
            try:
                async with await self._collection.watch(PIPELINE, resume_after=token) as stream:
                    if resync_needed:
                        await self._resync()
                        resync_needed = False
                    token = stream.resume_token or token
                    async for change in stream:
                        failures = 0
                        token = stream.resume_token
                        notice = notice_from_change(change)
                        if notice is not None:
                            self._publish(notice)
                logger.warning("the ledger change stream was invalidated; watching again from now")
                token, resync_needed = None, True
                await self._sleep(self._retry_delay)
            except OperationFailure as exc:
                if exc.code in TOKEN_LOST:
                    logger.warning(
                        "ledger change stream history lost (%s); watching again from now and "
                        "waking every timeline to re-read the ledger",
                        one_line(exc),
                    )
                    token, resync_needed = None, True
                    continue
                token = _latest(stream, token)
                failures += 1
                await self._back_off(failures, exc)
            except PyMongoError as exc:
                token = _latest(stream, token)
                failures += 1
                await self._back_off(failures, exc)

    async def _back_off(self, failures: int, exc: PyMongoError) -> None:
        delay = min(self._retry_delay * 2 ** (failures - 1), self._max_retry_delay)
        logger.warning("ledger change stream interrupted (%s); resuming in %.1f s", one_line(exc), delay)
        await self._sleep(delay)


def _latest(stream: Any, token: Mapping[str, Any] | None) -> Mapping[str, Any] | None:
    latest = getattr(stream, "resume_token", None) if stream is not None else None
    return latest or token
