"""NomosApp: dispatch intents, read state, watch timelines and queries, undo, branch.

A facade: each method checks its arguments and hands over to the module of its role.
Every write goes through the one TimelineWriter (writer.py), as a planner it runs.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping
from typing import Any, Self, TypeVar

from . import branching, dispatching, undo, verify
from .blobs import BlobStorage
from .context import IntentContext
from .dispatcher import NameResolver
from .dispatching import Preview
from .engine import Engine
from .errors import InvalidArgument, ServerExecutionRequired
from .ids import check_sequence
from .ledger import IntentLedgerEntry
from .live import LiveQuerySubscription, LiveResults, TimelineWatch
from .model import Aggregate, Intent
from .optimistic import OptimisticResult, Predictions
from .options import NomosOptions
from .overlay import OptimisticOverlay
from .persistence import Persistence, TimelineRecord
from .policy import PolicyRouter
from .query import BasicQuery
from .reading import Reading, check_read
from .registry import NomosModule
from .states import TimelineReader
from .transport import ServerIntentTransport
from .writer import Authorize, Planner, Written

A = TypeVar("A", bound=Aggregate)
__all__ = ["NomosApp", "OptimisticResult"]


class NomosApp(Reading):
    def __init__(
        self,
        persistence: Persistence,
        *,
        modules: Iterable[NomosModule] = (),
        policy: PolicyRouter | None = None,
        options: NomosOptions | None = None,
        blob_storage: BlobStorage | None = None,
        transport: ServerIntentTransport | None = None,
        name_resolvers: Mapping[str, NameResolver] | None = None,
    ) -> None:
        self.options = options or NomosOptions()
        self.live = LiveResults(debounce=self.options.live_query_debounce_seconds, batch=self.options.watch_batch_size)
        engine = Engine.build(persistence, modules, policy, name_resolvers, self.options, blob_storage, self.live)
        self.engine, self.persistence, self.registry, self.policy = engine, persistence, engine.registry, engine.policy
        self.blob, self.timelines, self.states = engine.blob, engine.timelines, engine.states
        self.executor, self.writer = engine.executor, engine.writer
        self.transport = transport
        self.overlay = OptimisticOverlay()
        self.predictions = Predictions(self.engine, self.overlay, self.live)
        self._default_context: IntentContext | None = None
        self._started = False
        self._start_lock: asyncio.Lock | None = None

    # lifecycle --------------------------------------------------------------------------
    async def start(self) -> None:
        if self._started:
            return
        self._start_lock = self._start_lock or asyncio.Lock()
        async with self._start_lock:
            if self._started:
                return
            await self.persistence.start()
            self.live.follow(self.persistence.watch_commits(self.live.notices.watched))
            self._started = True

    async def close(self) -> None:
        await self.live.close()
        self.predictions.cancel()
        if self._started:
            await self.persistence.close()
        self._started = False

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    def set_default_intent_context(self, ctx: IntentContext) -> None:
        self._default_context = ctx

    def _context(self, ctx: IntentContext | None) -> IntentContext:
        ctx = ctx or self._default_context
        if ctx is None:
            raise InvalidArgument("ctx", "no IntentContext given and no default set (set_default_intent_context)")
        if not isinstance(ctx, IntentContext):
            raise InvalidArgument("ctx", "must be an IntentContext")
        return ctx

    # dispatch ---------------------------------------------------------------------------
    async def dispatch(
        self,
        intent: Intent,
        ctx: IntentContext | None = None,
        *,
        optimistic_aggregates: Mapping[str, Aggregate] | None = None,
    ) -> IntentLedgerEntry:
        ctx = self._context(ctx)
        intent = dispatching.prepare_intent(self.engine, intent, ctx)
        if intent.requires_server_execution and not self.options.is_server_runtime:
            if self.transport is None:
                raise ServerExecutionRequired(intent.type_name)
            return await self.transport.send(intent, ctx)
        if not optimistic_aggregates:
            return (await self._submit(intent, ctx)).entry
        assert intent.id is not None
        self.predictions.add(intent.id, ctx, {(a.type_name, a.id): a for a in optimistic_aggregates.values()})
        try:
            return (await self._submit(intent, ctx)).entry
        finally:
            self.predictions.remove(intent.id)

    async def submit(self, intent: Intent, ctx: IntentContext | None = None) -> Written:
        """Dispatch on this runtime, returning the entry and the states the write produced."""
        ctx = self._context(ctx)
        intent = dispatching.prepare_intent(self.engine, intent, ctx)
        if intent.requires_server_execution and not self.options.is_server_runtime:
            raise ServerExecutionRequired(intent.type_name)
        return await self._submit(intent, ctx)

    async def _submit(self, intent: Intent, ctx: IntentContext) -> Written:
        await self.start()
        return await dispatching.dispatch(self.engine, intent, ctx)

    async def preview(self, intent: Intent, ctx: IntentContext | None = None) -> Preview:
        """What the intent would do now (events, description, states, or its rejection); writes nothing."""
        ctx = self._context(ctx)
        intent = dispatching.prepare_intent(self.engine, intent, ctx)
        await self.start()
        return await dispatching.preview(self.engine, intent, ctx)

    async def dispatch_optimistic(self, intent: Intent, ctx: IntentContext | None = None) -> OptimisticResult:
        ctx = self._context(ctx)
        intent = dispatching.prepare_intent(self.engine, intent, ctx)
        if intent.requires_server_execution:
            if not self.options.is_server_runtime and self.transport is None:
                raise ServerExecutionRequired(intent.type_name)
            return self.predictions.later(intent, self.dispatch(intent, ctx))
        await self.start()
        return await self.predictions.predict(intent, ctx, self._submit)

    # reads: inherited from reading.Reading (read_latest, query, state_at_sequence, head,
    # read_timeline, aggregate_intent_history, aggregates_after, load_entry, list_timelines)

    # watching ---------------------------------------------------------------------------
    def watch_timeline(
        self, workspace_id: str, timeline_id: str, starting_workspace_intent_sequence: int = 0
    ) -> TimelineWatch:
        """Entries with sequence >= the starting one, in order, then each new one as it lands."""
        check_read(self.registry, workspace_id, timeline_id)
        check_sequence("starting_workspace_intent_sequence", starting_workspace_intent_sequence)

        async def read_after(after: int, limit: int) -> list[IntentLedgerEntry]:
            await self.start()
            return await self.read_after(workspace_id, timeline_id, after, limit)

        first = max(starting_workspace_intent_sequence, 1)
        return self.live.watch_timeline(workspace_id, timeline_id, first, read_after)

    def watch_query(
        self, aggregate_type: type[A], workspace_id: str, timeline_id: str, query: BasicQuery | None = None
    ) -> LiveQuerySubscription:
        """The query's result now, then again whenever it changes (debounced, shared, optimistic)."""
        checked = self.check_query(aggregate_type, workspace_id, timeline_id, query)

        async def evaluate() -> list[Any]:
            return await self.query(aggregate_type, workspace_id, timeline_id, checked)

        return self.live.watch_query(aggregate_type, workspace_id, timeline_id, checked, evaluate)

    # undo / redo: `authorize` sees the entry to undo or redo, inside the timeline's lock ------
    async def write(self, workspace_id: str, timeline_id: str, planner: Planner) -> Written | None:
        """Run a planner through the timeline's writer (undo.UndoPlanner, ...): what it wrote, if anything."""
        check_read(self.registry, workspace_id, timeline_id)
        await self.start()
        return await self.writer.write(workspace_id, timeline_id, planner)

    async def undo_latest(
        self,
        workspace_id: str,
        timeline_id: str,
        actor_id: str | None = None,
        *,
        performed_by: str | None = None,
        performed_by_name: str | None = None,
        authorize: Authorize | None = None,
    ) -> IntentLedgerEntry | None:
        """Undo the latest live intent (of `actor_id`, if given); `performed_by` is who asks."""
        planner = undo.UndoPlanner(self.engine, actor_id, performed_by, authorize, performed_by_name=performed_by_name)
        written = await self.write(workspace_id, timeline_id, planner)
        return written.entry if written else None

    async def can_undo_latest(self, workspace_id: str, timeline_id: str, actor_id: str | None = None) -> bool:
        check_read(self.registry, workspace_id, timeline_id)
        await self.start()
        return await undo.can_undo_latest(self.engine, workspace_id, timeline_id, actor_id)

    async def redo_latest(
        self,
        workspace_id: str,
        timeline_id: str,
        actor_id: str | None = None,
        *,
        performed_by: str | None = None,
        performed_by_name: str | None = None,
        authorize: Authorize | None = None,
    ) -> IntentLedgerEntry | None:
        planner = undo.RedoPlanner(self.engine, actor_id, performed_by, authorize, performed_by_name=performed_by_name)
        written = await self.write(workspace_id, timeline_id, planner)
        return written.entry if written else None

    async def can_redo_latest(self, workspace_id: str, timeline_id: str, actor_id: str | None = None) -> bool:
        check_read(self.registry, workspace_id, timeline_id)
        await self.start()
        return await undo.can_redo_latest(self.engine, workspace_id, timeline_id, actor_id)

    # timelines --------------------------------------------------------------------------
    async def create_timeline(
        self,
        workspace_id: str,
        timeline_id: str,
        *,
        from_timeline: str = "main",
        at_sequence: int | None = None,
        created_by: str | None = None,
    ) -> TimelineRecord:
        await self.start()
        return await branching.create_timeline(
            self.engine, workspace_id, timeline_id, from_timeline, at_sequence, created_by
        )

    async def merge_timeline(
        self,
        workspace_id: str,
        *,
        source: str,
        target: str = "main",
        actor_id: str | None = None,
        authorize: Authorize | None = None,
    ) -> branching.MergeReport:
        """Re-execute the branch's intents on the target; `authorize` sees them inside both locks."""
        await self.start()
        return await branching.merge_timeline(self.engine, workspace_id, source, target, actor_id, authorize)

    async def discard_timeline(self, workspace_id: str, timeline_id: str) -> TimelineRecord:
        await self.start()
        return await branching.discard_timeline(self.engine, workspace_id, timeline_id)

    # audit and repair -------------------------------------------------------------------
    async def describe(self, entry: IntentLedgerEntry) -> str:
        """The audit sentence of an entry, with names as they are now."""
        ctx = IntentContext(workspace_id=entry.workspace_id, timeline_id=entry.timeline_id, actor_id=entry.actor_id)
        reader = TimelineReader(self.states, entry.workspace_id, entry.timeline_id)
        return await self.executor.describe(entry.intent, ctx, reader)

    async def verify_timeline(self, workspace_id: str, timeline_id: str) -> verify.VerificationReport:
        check_read(self.registry, workspace_id, timeline_id)
        await self.start()
        return await verify.verify_timeline(self.engine, workspace_id, timeline_id)

    async def rebuild_snapshots(self, workspace_id: str, timeline_id: str) -> int:
        """Recompute a timeline's snapshots and history from its ledger; returns aggregates written."""
        check_read(self.registry, workspace_id, timeline_id)
        await self.start()
        return await verify.rebuild_snapshots(self.engine, workspace_id, timeline_id)
