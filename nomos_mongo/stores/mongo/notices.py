"""In-process fan-out of commit notices: one feed per process, any number of subscribers.

A subscriber that falls behind holds at most one pending notice per timeline: notices are
wake-ups (the ledger read by sequence is the truth), so merging them loses nothing and a
slow reader cannot make the process's memory grow.
"""

from __future__ import annotations

import asyncio

from ...persistence import CommitNotice


def merged(earlier: CommitNotice, later: CommitNotice) -> CommitNotice:
    return CommitNotice(
        workspace_id=later.workspace_id,
        timeline_id=later.timeline_id,
        sequence=max(earlier.sequence, later.sequence),
        aggregate_types=earlier.aggregate_types | later.aggregate_types,
    )


class Subscription:
    """An async iterator of notices; registered from creation, so nothing published is missed."""

    def __init__(self, hub: NoticeHub) -> None:
        self._hub = hub
        self._pending: dict[tuple[str, str], CommitNotice] = {}
        self._wake = asyncio.Event()
        self._closed = False

    def push(self, notice: CommitNotice) -> None:
        key = (notice.workspace_id, notice.timeline_id)
        earlier = self._pending.pop(key, None)
        self._pending[key] = notice if earlier is None else merged(earlier, notice)
        self._wake.set()

    def __aiter__(self) -> Subscription:
        return self

    async def __anext__(self) -> CommitNotice:
        while not self._pending:
            if self._closed:
                raise StopAsyncIteration
            self._wake.clear()
            await self._wake.wait()
        key = next(iter(self._pending))
        return self._pending.pop(key)

    def end(self) -> None:
        self._closed = True
        self._wake.set()

    async def aclose(self) -> None:
        self._hub.unsubscribe(self)
        self.end()


class NoticeHub:
    def __init__(self) -> None:
        self._subscriptions: set[Subscription] = set()

    def subscribe(self) -> Subscription:
        subscription = Subscription(self)
        self._subscriptions.add(subscription)
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        self._subscriptions.discard(subscription)

    def publish(self, notice: CommitNotice) -> None:
        for subscription in tuple(self._subscriptions):
            subscription.push(notice)

    @property
    def subscriber_count(self) -> int:
        return len(self._subscriptions)

    def close(self) -> None:
        for subscription in tuple(self._subscriptions):
            subscription.end()
        self._subscriptions.clear()
