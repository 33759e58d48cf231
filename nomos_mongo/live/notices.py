"""Commit notices inside one process: who listens to which timeline, and echoes dropped.

A notice is a wake-up (the ledger read by sequence is the truth), delivered synchronously to
the listeners of its timeline and to those listening everywhere. Two feeds publish here:
the writer's own commits, right after they are stored, and the store's feed of commits by
any process. On MongoDB that feed echoes this process's own commits; an echo that tells
nothing new (same timeline and sequence, no aggregate type the commit did not announce) is
dropped, so a commit wakes its listeners once.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

from ..persistence import CommitNotice

Listener = Callable[[CommitNotice], None]
Key = tuple[str, str]
#: own commits remembered for dropping their echo; an echo arriving later only wakes twice
REMEMBERED_COMMITS = 4096


@dataclass(eq=False)
class Wakeup:
    """Set when something was appended to the watched timeline; the watcher clears it."""

    key: Key
    event: asyncio.Event = field(default_factory=asyncio.Event)

    def __call__(self, notice: CommitNotice) -> None:
        self.event.set()

    async def wait(self) -> None:
        await self.event.wait()
        self.event.clear()


class Notices:
    def __init__(self) -> None:
        self._listeners: dict[Key, set[Listener]] = {}
        self._everywhere: set[Listener] = set()
        self._announced: OrderedDict[tuple[str, str, int], frozenset[str]] = OrderedDict()
        self.expect_echoes = False  # set when a store feed reports this process's commits too
        self.closed = False

    def listen(self, workspace_id: str, timeline_id: str, listener: Listener) -> Callable[[], None]:
        key = (workspace_id, timeline_id)
        self._listeners.setdefault(key, set()).add(listener)

        def stop() -> None:
            listeners = self._listeners.get(key)
            if listeners is not None:
                listeners.discard(listener)
                if not listeners:
                    del self._listeners[key]

        return stop

    def listen_everywhere(self, listener: Listener) -> Callable[[], None]:
        """Every commit of every timeline (access re-checks follow role changes this way)."""
        self._everywhere.add(listener)
        return lambda: self._everywhere.discard(listener)

    def watched(self) -> list[Key] | None:
        """The timelines someone listens to now; None while someone listens to every timeline."""
        return None if self._everywhere else list(self._listeners)

    def listening(self, workspace_id: str, timeline_id: str) -> bool:
        return bool(self._everywhere) or (workspace_id, timeline_id) in self._listeners

    def own(self, notice: CommitNotice) -> None:
        """A commit this process just stored."""
        if self.expect_echoes:
            self._announced[(notice.workspace_id, notice.timeline_id, notice.sequence)] = notice.aggregate_types
            if len(self._announced) > REMEMBERED_COMMITS:
                self._announced.popitem(last=False)
        self._publish(notice)

    def foreign(self, notice: CommitNotice) -> None:
        """A commit reported by the store's feed: another process's, or an echo of our own."""
        announced = self._announced.pop((notice.workspace_id, notice.timeline_id, notice.sequence), None)
        if announced is not None and notice.aggregate_types <= announced:
            return
        self._publish(notice)

    def _publish(self, notice: CommitNotice) -> None:
        for listener in list(self._listeners.get((notice.workspace_id, notice.timeline_id), ())):
            listener(notice)
        for listener in list(self._everywhere):
            listener(notice)

    def close(self) -> None:
        """Shut down: watchers finish after delivering what they already read."""
        self.closed = True
        for (ws, tl), listeners in list(self._listeners.items()):
            for listener in list(listeners):
                listener(CommitNotice(ws, tl, 0))

    def listener_count(self) -> int:
        return sum(len(v) for v in self._listeners.values())
