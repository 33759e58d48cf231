"""The process's one change stream on the ledger, published as commit notices.

The stream only wakes subscribers; they read the ledger by sequence. So the rules are:
resume from the last resume token after any error the driver could not resume itself; and
whenever the stream starts from now instead (the first start, ChangeStreamHistoryLost or
InvalidResumeToken, an invalidated stream), wake every timeline once: a subscriber may have
read the ledger just before a commit the new stream will not report.

A server that refuses to open the stream with an error that is not resumable (the change
streams spec's definition: no ResumableChangeStreamError label, not a network error, e.g.
"Unsupported aggregation stage" or a standalone's "only supported on replica sets") will
refuse it again: `run` raises ChangeStreamUnavailable, and the caller polls instead.
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
INVALID_RESUME_TOKEN = 260
TOKEN_LOST = frozenset({CHANGE_STREAM_FATAL, CHANGE_STREAM_HISTORY_LOST, INVALID_RESUME_TOKEN})
RESUMABLE_LABEL = "ResumableChangeStreamError"
# The spec's resumable codes for servers that do not label them (before 4.4).
RESUMABLE_CODES = frozenset({6, 7, 63, 89, 91, 133, 150, 189, 234, 262, 9001, 10107, 11600, 11602, 13388, 13435, 13436})


class ChangeStreamUnavailable(Exception):
    """The server cannot open a change stream on the ledger, and will not on a retry."""


def resumable(exc: OperationFailure) -> bool:
    return exc.has_error_label(RESUMABLE_LABEL) or exc.code in RESUMABLE_CODES


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
                opened = await self._open(token)
                async with opened as stream:
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
                        "ledger change stream cannot resume (%s); watching again from now and "
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

    async def _open(self, token: Mapping[str, Any] | None) -> Any:
        try:
            return await self._collection.watch(PIPELINE, resume_after=token)
        except OperationFailure as exc:
            if exc.code in TOKEN_LOST or resumable(exc):
                raise
            raise ChangeStreamUnavailable(one_line(exc)) from exc

    async def _back_off(self, failures: int, exc: PyMongoError) -> None:
        delay = min(self._retry_delay * 2 ** (failures - 1), self._max_retry_delay)
        logger.warning("ledger change stream interrupted (%s); resuming in %.1f s", one_line(exc), delay)
        await self._sleep(delay)


def _latest(stream: Any, token: Mapping[str, Any] | None) -> Mapping[str, Any] | None:
    latest = getattr(stream, "resume_token", None) if stream is not None else None
    return latest or token
