"""Optimistic dispatch: an intent's predicted state is visible at once, until its write settles."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from dataclasses import dataclass
from typing import Any

from .context import IntentContext, utc_now
from .dispatcher import directive_context
from .engine import Engine
from .ledger import EventRecord, IntentLedgerEntry
from .live import LiveResults
from .model import Aggregate, Intent
from .overlay import OptimisticOverlay
from .states import TimelineReader
from .writer import Written

log = logging.getLogger("nomos")
Dispatch = Callable[[Intent, IntentContext], Awaitable[Written]]


@dataclass(frozen=True, slots=True)
class OptimisticResult:
    """What an intent is predicted to do; `confirmation` resolves to the stored entry."""

    intent: Intent
    events: tuple[EventRecord, ...]
    aggregates: dict[str, Aggregate]
    confirmation: asyncio.Task[IntentLedgerEntry]

    async def confirmed(self) -> IntentLedgerEntry:
        return await self.confirmation


class Predictions:
    """The overlay of predicted states, and the confirmations still running."""

    def __init__(self, engine: Engine, overlay: OptimisticOverlay, live: LiveResults) -> None:
        self.engine = engine
        self.overlay = overlay
        self.live = live
        self.pending: set[asyncio.Task[Any]] = set()

    def add(self, intent_id: str, ctx: IntentContext, states: Mapping[tuple[str, str], Aggregate]) -> None:
        self.overlay.add(intent_id, ctx.workspace_id, ctx.timeline_id, states)
        self.live.touch(ctx.workspace_id, ctx.timeline_id, frozenset(t for t, _ in states))

    def remove(self, intent_id: str) -> None:
        layer = self.overlay.remove(intent_id)
        if layer is not None:
            self.live.touch(layer.workspace_id, layer.timeline_id, frozenset(t for t, _ in layer.states))

    def _spawn(self, confirmation: Coroutine[Any, Any, IntentLedgerEntry]) -> asyncio.Task[IntentLedgerEntry]:
        task = asyncio.get_running_loop().create_task(confirmation)
        self.pending.add(task)
        task.add_done_callback(self.pending.discard)
        return task

    def cancel(self) -> None:
        for task in list(self.pending):
            task.cancel()

    def later(self, intent: Intent, confirmation: Coroutine[Any, Any, IntentLedgerEntry]) -> OptimisticResult:
        """A result with no prediction (a server-only intent): only the confirmation."""
        return OptimisticResult(intent, (), {}, self._spawn(confirmation))

    async def predict(self, intent: Intent, ctx: IntentContext, dispatch: Dispatch) -> OptimisticResult:
        """Predict a prepared intent on the confirmed state plus earlier predictions, then write it."""
        engine = self.engine
        assert intent.id is not None
        ws, tl = ctx.workspace_id, ctx.timeline_id
        await engine.writer.writable(ws, tl)
        dctx = directive_context(intent, ctx, utc_now(), engine.options.is_server_runtime, engine.blob)
        reader = TimelineReader(engine.states, ws, tl, overlay=self.overlay.states(ws, tl))
        outcome = await engine.executor.run(intent, dctx, reader)
        self.add(intent.id, ctx, outcome.states)
        task = self._spawn(self._confirm(intent, ctx, dispatch))
        aggregates = {aggregate_id: state for (_, aggregate_id), state in outcome.states.items()}
        return OptimisticResult(intent, outcome.events, aggregates, task)

    async def _confirm(self, intent: Intent, ctx: IntentContext, dispatch: Dispatch) -> IntentLedgerEntry:
        assert intent.id is not None
        try:
            return (await dispatch(intent, ctx)).entry
        except Exception:
            log.info("optimistic intent %s was not confirmed; its predicted state is withdrawn", intent.id)
            raise
        finally:
            self.remove(intent.id)
