"""watch_timeline: every entry from a sequence on, in order, then live; no gap, no duplicate.

A notice only wakes the watcher; the watcher reads the ledger by sequence from the last
entry it delivered, so a missed or repeated wake-up cannot lose or repeat an entry.
"""

from __future__ import annotations

from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Self

from ..ledger import IntentLedgerEntry
from .notices import Notices, Wakeup

ReadAfter = Callable[[int, int], Awaitable[list[IntentLedgerEntry]]]


class TimelineWatch(AsyncIterator[IntentLedgerEntry]):
    def __init__(
        self, notices: Notices, ws: str, tl: str, starting_sequence: int, read_after: ReadAfter, batch: int
    ) -> None:
        self._wakeup = Wakeup((ws, tl))
        self._notices = notices
        self._stop = notices.listen(ws, tl, self._wakeup)
        self._last = starting_sequence - 1
        self._read_after = read_after
        self._batch = batch
        self._buffer: deque[IntentLedgerEntry] = deque()
        self._closed = False

    @property
    def last_sequence(self) -> int:
        return self._last

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> IntentLedgerEntry:
        while not self._buffer:
            if self._closed or self._notices.closed:
                self.close()
                raise StopAsyncIteration
            entries = await self._read_after(self._last, self._batch)
            if entries:
                self._buffer.extend(entries)
                break
            await self._wakeup.wait()
        entry = self._buffer.popleft()
        self._last = entry.workspace_intent_sequence
        return entry

    async def aclose(self) -> None:
        self.close()

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._stop()
            self._wakeup.event.set()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.close()
