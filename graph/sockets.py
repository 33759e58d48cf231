"""One websocket connection's limits: what may wait to be sent to it, and how long it lives.

Close codes the server sends (the README's "Subscriptions" section lists them for clients):

- 4403 Forbidden: the connection's token expired. graphql-transport-ws uses 4403 for a
  connection the server refuses; a client signs in again and reconnects.
- 1013 Try Again Later: more than `max_queued_bytes` of results waited for this client (it
  reads slower than its subscriptions produce). The client may reconnect and resubscribe
  from its last sequence; `watchTimeline(fromSequence:)` misses nothing. A 1xxx code because
  graphql-ws clients retry after 1013 (it is not among their fatal codes), as they should here.

A connection's subscriptions that share results (fanout.py) queue them here; past the bound
they are dropped and the socket closed, so a client that never reads holds at most
`max_queued_bytes` of the server's memory. One result always fits in an empty queue,
whatever its size (`max_response_bytes` bounds that): a client is closed for falling behind,
never for one large result.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from .socket_frames import FrameWriter

log = logging.getLogger("nomos.graph")

TOKEN_EXPIRED = 4403
TOO_SLOW = 1013
MAX_OPERATIONS = 100  # running at once on one connection (queries and mutations included)


class Evictable(Protocol):
    def evict(self) -> None: ...


class Closable(Protocol):
    async def close(self, code: int = 1000, reason: str | None = None) -> None: ...


class Connection:
    """A websocket's send budget and token lifetime (an HTTP request gets one without a socket)."""

    def __init__(
        self,
        websocket: Closable | None,
        max_queued_bytes: int,
        *,
        frames: FrameWriter | None = None,
        max_operations: int = MAX_OPERATIONS,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    ) -> None:
        self.websocket = websocket
        self.frames = frames  # whole frames straight to the transport, where the server allows it
        self.max_queued_bytes = max_queued_bytes
        self.queued = 0  # bytes of encoded results waiting for this client
        self.peak = 0
        self.overflowed = False
        self.closed_with: int | None = None
        self.members: set[Evictable] = set()
        self.max_operations = max_operations
        self.operations = 0
        self._clock = clock
        self._sleep = sleep
        self._tasks: set[asyncio.Task[None]] = set()

    def admit(self) -> bool:
        """Count one more running operation, unless as many as allowed run already."""
        if self.operations >= self.max_operations:
            return False
        self.operations += 1
        return True

    def done(self) -> None:
        self.operations = max(self.operations - 1, 0)

    def reserve(self, size: int) -> bool:
        """Queue `size` more bytes, or, past the bound, drop every queued result and close."""
        if self.overflowed:
            return False
        if self.queued and self.queued + size > self.max_queued_bytes:
            self._overflow()
            return False
        self.queued += size
        self.peak = max(self.peak, self.queued)
        return True

    def release(self, size: int) -> None:
        self.queued = max(self.queued - size, 0)

    def _overflow(self) -> None:
        self.overflowed = True
        log.warning("a websocket client fell %d bytes behind its subscriptions; closing it (%d)", self.queued, TOO_SLOW)
        for member in list(self.members):
            member.evict()
        self.queued = 0
        self.close(TOO_SLOW, "Too slow: results queued past the server's bound")

    def expire_at(self, instant: float) -> None:
        """Close the socket (4403) when its token stops being valid."""
        if math.isfinite(instant):
            self._spawn(self._expire(instant))

    async def _expire(self, instant: float) -> None:
        delay = instant - self._clock()
        if delay > 0:
            await self._sleep(delay)
        await self._close(TOKEN_EXPIRED, "Forbidden: the token expired")

    def close(self, code: int, reason: str) -> None:
        # in a task of its own: closing waits while the client does not read
        self._spawn(self._close(code, reason))

    async def _close(self, code: int, reason: str) -> None:
        if self.websocket is None or self.closed_with is not None:
            return
        self.closed_with = code
        with contextlib.suppress(Exception):  # already gone
            await self.websocket.close(code, reason)

    def _spawn(self, work: Awaitable[None]) -> None:
        task: asyncio.Task[None] = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def end(self) -> None:
        """The connection is over: stop its timer and pending closes."""
        for task in list(self._tasks):
            task.cancel()
