"""In-process fan-out of commit notices to timeline watchers and live queries."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field

from .persistence import CommitNotice

Listener = Callable[[CommitNotice], None]


@dataclass(eq=False)
class Wakeup:
    """Set when something was appended to the watched timeline; the watcher clears it."""

    key: tuple[str, str]
    event: asyncio.Event = field(default_factory=asyncio.Event)

    def __call__(self, notice: CommitNotice) -> None:
        self.event.set()

    async def wait(self) -> None:
        await self.event.wait()
        self.event.clear()


class Notifier:
    def __init__(self) -> None:
        self._listeners: dict[tuple[str, str], set[Listener]] = {}
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

    def listening(self, workspace_id: str, timeline_id: str) -> bool:
        return (workspace_id, timeline_id) in self._listeners

    def publish(self, notice: CommitNotice) -> None:
        for listener in list(self._listeners.get((notice.workspace_id, notice.timeline_id), ())):
            listener(notice)

    def publish_all(self) -> None:
        """Wake everyone (shutdown, or a store that lost track of what changed)."""
        for (ws, tl), listeners in list(self._listeners.items()):
            for listener in list(listeners):
                listener(CommitNotice(ws, tl, 0))

    def close(self) -> None:
        """Shut down: watchers finish after delivering what they already read."""
        self.closed = True
        self.publish_all()

    def listener_count(self) -> int:
        return sum(len(v) for v in self._listeners.values())
