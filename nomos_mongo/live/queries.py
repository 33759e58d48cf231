"""Live queries: one evaluator per distinct query, shared by all its subscribers.

A commit or optimistic change touching the query's aggregate type on its timeline marks the
evaluator dirty; after the debounce it evaluates once and pushes the result to every
subscriber, only when the result changed. A slow subscriber sees the latest result, not a
backlog (results are states, not events).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, Self

from ..model import Aggregate
from ..persistence import CommitNotice
from ..query import BasicQuery
from .notices import Notices

Evaluate = Callable[[], Awaitable[list[Any]]]
_UNSET: Any = object()


class LiveQuerySubscription(AsyncIterator[list[Any]]):
    def __init__(self, evaluator: LiveQueryEvaluator) -> None:
        self._evaluator = evaluator
        self._latest: Any = _UNSET
        self._ready = asyncio.Event()
        self._closed = False

    def push(self, result: list[Any]) -> None:
        self._latest = result
        self._ready.set()

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> list[Any]:
        while True:
            if self._closed:
                raise StopAsyncIteration
            if self._latest is not _UNSET:
                result, self._latest = self._latest, _UNSET
                self._ready.clear()
                return list(result)
            await self._ready.wait()

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._ready.set()
            self._evaluator.unsubscribe(self)

    async def aclose(self) -> None:
        self.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.close()


class LiveQueryEvaluator:
    def __init__(
        self,
        hub: LiveQueryHub,
        key: tuple[Any, ...],
        type_name: str,
        ws: str,
        tl: str,
        evaluate: Evaluate,
        debounce: float,
    ) -> None:
        self.hub = hub
        self.key = key
        self.type_name = type_name
        self.workspace_id = ws
        self.timeline_id = tl
        self._evaluate = evaluate
        self._debounce = debounce
        self.subscribers: set[LiveQuerySubscription] = set()
        self.evaluations = 0
        self._last: Any = _UNSET
        self._dirty = False
        self._task: asyncio.Task[None] | None = None
        self._stop_listening = hub.notices.listen(ws, tl, self._on_commit)

    def subscribe(self) -> LiveQuerySubscription:
        subscription = LiveQuerySubscription(self)
        self.subscribers.add(subscription)
        if self._last is not _UNSET:
            subscription.push(self._last)
        if self._task is None and self._last is _UNSET:
            self._schedule(0.0)
        return subscription

    def unsubscribe(self, subscription: LiveQuerySubscription) -> None:
        self.subscribers.discard(subscription)
        if not self.subscribers:
            self.close()

    def close(self) -> None:
        self._stop_listening()
        if self._task is not None and not self._task.done():
            self._task.cancel()
        self.hub.forget(self)

    def _on_commit(self, notice: CommitNotice) -> None:
        if notice.aggregate_types and self.type_name not in notice.aggregate_types:
            return
        self.mark_dirty()

    def mark_dirty(self) -> None:
        self._dirty = True
        if self._task is None or self._task.done():
            self._schedule(self._debounce)

    def _schedule(self, delay: float) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run(delay))

    async def _run(self, delay: float) -> None:
        while True:
            if delay:
                await asyncio.sleep(delay)
            self._dirty = False
            self.evaluations += 1
            try:
                result = await self._evaluate()
            except Exception:  # keep serving the last result; the next change retries
                result = self._last if self._last is not _UNSET else []
            if result != self._last:
                self._last = result
                for subscription in list(self.subscribers):
                    subscription.push(result)
            if not self._dirty:
                return
            delay = self._debounce


class LiveQueryHub:
    def __init__(self, notices: Notices, debounce: float) -> None:
        self.notices = notices
        self.debounce = debounce
        self.evaluators: dict[tuple[Any, ...], LiveQueryEvaluator] = {}

    def watch(
        self,
        aggregate_type: type[Aggregate],
        ws: str,
        tl: str,
        query: BasicQuery,
        evaluate: Evaluate,
    ) -> LiveQuerySubscription:
        key = (aggregate_type.type_name, ws, tl, query.key)
        evaluator = self.evaluators.get(key)
        if evaluator is None:
            evaluator = LiveQueryEvaluator(self, key, aggregate_type.type_name, ws, tl, evaluate, self.debounce)
            self.evaluators[key] = evaluator
        return evaluator.subscribe()

    def forget(self, evaluator: LiveQueryEvaluator) -> None:
        if self.evaluators.get(evaluator.key) is evaluator:
            del self.evaluators[evaluator.key]

    def touch(self, ws: str, tl: str, type_names: frozenset[str]) -> None:
        """Optimistic state changed: re-evaluate the affected queries."""
        for evaluator in list(self.evaluators.values()):
            if evaluator.workspace_id == ws and evaluator.timeline_id == tl and evaluator.type_name in type_names:
                evaluator.mark_dirty()

    async def close(self) -> None:
        for evaluator in list(self.evaluators.values()):
            for subscription in list(evaluator.subscribers):
                subscription.close()
            with contextlib.suppress(Exception):
                evaluator.close()
