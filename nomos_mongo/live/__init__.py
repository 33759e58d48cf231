"""Live results, in one layer: commit notices, timeline watches and live queries.

Commits reach it once each: the writer reports its own (`committed`) as soon as they are
stored, and `follow` relays the store's feed of commits by any process, dropping the echoes
of our own (see notices.py). Timeline watches and live query evaluators listen per
timeline; the API layer may listen to every commit (`on_commit`), to re-check access when
roles change.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from typing import Any

from ..ledger import IntentLedgerEntry
from ..model import Aggregate
from ..persistence import CommitNotice
from ..query import BasicQuery
from .notices import Listener, Notices
from .queries import Evaluate, LiveQueryEvaluator, LiveQueryHub, LiveQuerySubscription
from .timelines import ReadAfter, TimelineWatch

__all__ = ["LiveQuerySubscription", "LiveResults", "TimelineWatch"]


class LiveResults:
    def __init__(self, *, debounce: float, batch: int) -> None:
        self.notices = Notices()
        self.queries = LiveQueryHub(self.notices, debounce)
        self._batch = batch
        self._feed: asyncio.Task[None] | None = None

    def follow(self, commits: AsyncIterator[CommitNotice] | None) -> None:
        """Relay the store's commit feed (None: the store reports only this process's commits)."""
        if commits is None or self._feed is not None:
            return
        self.notices.expect_echoes = True
        self._feed = asyncio.get_running_loop().create_task(self._relay(commits), name="nomos-live-feed")

    async def _relay(self, commits: AsyncIterator[CommitNotice]) -> None:
        async for notice in commits:
            self.notices.foreign(notice)

    def committed(self, entry: IntentLedgerEntry) -> None:
        if not self.notices.listening(entry.workspace_id, entry.timeline_id):
            return  # nobody watches this timeline: spare building the notice on every write
        self.notices.own(
            CommitNotice(entry.workspace_id, entry.timeline_id, entry.workspace_intent_sequence, entry.touched_types)
        )

    def on_commit(self, listener: Listener) -> Callable[[], None]:
        return self.notices.listen_everywhere(listener)

    def watch_timeline(self, ws: str, tl: str, starting_sequence: int, read_after: ReadAfter) -> TimelineWatch:
        return TimelineWatch(self.notices, ws, tl, starting_sequence, read_after, self._batch)

    def watch_query(
        self, aggregate_type: type[Aggregate], ws: str, tl: str, query: BasicQuery, evaluate: Evaluate
    ) -> LiveQuerySubscription:
        return self.queries.watch(aggregate_type, ws, tl, query, evaluate)

    def touch(self, ws: str, tl: str, type_names: frozenset[str]) -> None:
        """Optimistic state changed: re-evaluate the affected live queries."""
        self.queries.touch(ws, tl, type_names)

    @property
    def evaluators(self) -> dict[tuple[Any, ...], LiveQueryEvaluator]:
        return self.queries.evaluators

    def listener_count(self) -> int:
        return self.notices.listener_count()

    async def close(self) -> None:
        await self.queries.close()
        if self._feed is not None:
            self._feed.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._feed
            self._feed = None
        self.notices.close()
