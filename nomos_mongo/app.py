"""NomosApp: dispatch intents, read state, watch timelines and queries, undo, branch."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Self, TypeVar

from . import branching, undo, verify
from .blobs import BlobStorage, MemoryBlobStorage
from .context import MAIN_TIMELINE, SYSTEM_ACTOR, IntentContext, utc_now
from .dispatcher import Executor, NameResolver, directive_context
from .errors import (
    DuplicateIntent,
    IntentIdReused,
    IntentRejected,
    InvalidArgument,
    LedgerWriteConflict,
    SequenceConflict,
    ServerExecutionRequired,
    TimelineError,
)
from .ids import check_id, check_sequence
from .ledger import AggregateRef, EventRecord, IntentLedgerEntry
from .live import LiveQueryHub, LiveQuerySubscription
from .model import Aggregate, Intent, actor_fields
from .notifier import Notifier
from .offload import may_hold_blobs, offload_blobs
from .options import NomosOptions
from .overlay import OptimisticOverlay
from .persistence import CommitNotice, Persistence, TimelineRecord, TimelineStatus
from .policy import PolicyRouter
from .query import BasicQuery
from .registry import NomosModule, TypeRegistry
from .states import States, TimelineDirectory, TimelineReader
from .system import system_module
from .transport import ServerIntentTransport
from .watching import TimelineWatch

A = TypeVar("A", bound=Aggregate)
log = logging.getLogger("nomos")


@dataclass(frozen=True, slots=True)
class OptimisticResult:
    """What an intent is predicted to do; `confirmation` resolves to the stored entry."""

    intent: Intent
    events: tuple[EventRecord, ...]
    aggregates: dict[str, Aggregate]
    confirmation: asyncio.Task[IntentLedgerEntry]

    async def confirmed(self) -> IntentLedgerEntry:
        return await self.confirmation


class NomosApp:
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
        self.registry = TypeRegistry([system_module(), *modules])
        self.policy = policy or PolicyRouter()
        resolvers: dict[str, NameResolver] = {}
        for module in self.registry.modules:
            for intent_type, route in module.routes.items():
                self.policy.add(intent_type, route)
            resolvers.update(module.name_resolvers)
        resolvers.update(name_resolvers or {})
        self.persistence = persistence
        persistence.bind(self.registry)
        self.blob: BlobStorage = blob_storage or MemoryBlobStorage()
        self.transport = transport
        self.timelines = TimelineDirectory(persistence)
        self.states = States(persistence, self.timelines, self.registry)
        self.executor = Executor(self.registry, self.policy, resolvers, self.options.history_snapshot_every)
        self.notifier = Notifier()
        self.live = LiveQueryHub(self.notifier, self.options.live_query_debounce_seconds)
        self.overlay = OptimisticOverlay()
        self._locks: dict[tuple[str, str], asyncio.Lock] = {}
        self._default_context: IntentContext | None = None
        self._started = False
        self._start_lock: asyncio.Lock | None = None
        self._foreign_task: asyncio.Task[None] | None = None
        self._pending: set[asyncio.Task[Any]] = set()

    # lifecycle --------------------------------------------------------------------------
    async def start(self) -> None:
        if self._started:
            return
        self._start_lock = self._start_lock or asyncio.Lock()
        async with self._start_lock:
            if self._started:
                return
            await self.persistence.start()
            commits = self.persistence.watch_commits()
            if commits is not None:
                self._foreign_task = asyncio.get_running_loop().create_task(self._relay(commits))
            self._started = True

    async def _relay(self, commits: Any) -> None:
        async for notice in commits:
            self.notifier.publish(notice)

    async def close(self) -> None:
        await self.live.close()
        for task in list(self._pending):
            task.cancel()
        if self._foreign_task is not None:
            self._foreign_task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._foreign_task
        self.notifier.close()
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

    def _lock(self, ws: str, tl: str) -> asyncio.Lock:
        lock = self._locks.get((ws, tl))
        if lock is None:
            lock = self._locks[(ws, tl)] = asyncio.Lock()
        return lock

    # dispatch ---------------------------------------------------------------------------
    async def dispatch(
        self,
        intent: Intent,
        ctx: IntentContext | None = None,
        *,
        optimistic_aggregates: Mapping[str, Aggregate] | None = None,
    ) -> IntentLedgerEntry:
        ctx = self._context(ctx)
        intent = self._prepare_intent(intent, ctx)
        if intent.requires_server_execution and not self.options.is_server_runtime:
            if self.transport is None:
                raise ServerExecutionRequired(intent.type_name)
            return await self.transport.send(intent, ctx)
        if not self._started:
            await self.start()
        assert intent.id is not None
        if optimistic_aggregates:
            states = {(a.type_name, a.id): a for a in optimistic_aggregates.values()}
            self._overlay_add(intent.id, ctx, states)
        try:
            return await self._dispatch(intent, ctx)
        finally:
            if optimistic_aggregates:
                self._overlay_remove(intent.id)

    def _prepare_intent(self, intent: Intent, ctx: IntentContext) -> Intent:
        if not isinstance(intent, Intent):
            raise InvalidArgument("intent", f"must be an Intent, got {type(intent).__name__}")
        self.registry.require(type(intent), "intent")
        if intent.id is None:
            intent = intent.with_id(ctx.id_generator())
        check_id("intent.id", intent.id)
        for name in actor_fields(type(intent)):
            value = getattr(intent, name)
            value = getattr(value, "root", value)
            if value is not None and value != ctx.actor_id and ctx.actor_id != SYSTEM_ACTOR:
                raise IntentRejected(
                    "intent.actor_mismatch",
                    f"{intent.type_name}.{name} is {value!r} but the intent is dispatched by {ctx.actor_id!r}",
                    field=type(intent).model_fields[name].alias or name,
                )
        return intent

    async def _dispatch(self, intent: Intent, ctx: IntentContext) -> IntentLedgerEntry:
        assert intent.id is not None
        intent_id = intent.id
        stored = await self._stored(intent_id, ctx)
        if stored is not None:
            return stored
        ws, tl = ctx.workspace_id, ctx.timeline_id
        branch = None if tl == MAIN_TIMELINE else await self._writable(ws, tl)  # main is always writable
        if may_hold_blobs(intent):
            intent = await offload_blobs(intent, self.blob, self.options)
        attempts = self.options.max_dispatch_attempts
        async with self._lock(ws, tl):
            for attempt in range(attempts):
                if attempt:
                    # another process may have stored this very intent meanwhile (a client retry)
                    stored = await self._stored(intent_id, ctx)
                    if stored is not None:
                        return stored
                server_ts = utc_now()
                dctx = directive_context(intent, ctx, server_ts, self.options.is_server_runtime, self.blob)
                reader = TimelineReader(self.states, ws, tl)
                head = await self.persistence.head(ws, tl)
                sequence = max(head, branch.fork_sequence if branch else 0) + 1
                try:
                    outcome = await self.executor.run(intent, dctx, reader)
                except IntentRejected:
                    # planned after a twin of this intent landed: the retry gets the stored entry
                    stored = await self._stored(intent_id, ctx)
                    if stored is not None:
                        return stored
                    raise
                description = await self.executor.describe(intent, ctx, reader)
                commit = self.executor.commit_for(intent, ctx, dctx, sequence, outcome, description)
                try:
                    await self.persistence.commit(commit)
                except SequenceConflict:
                    if attempt + 1 < attempts:
                        await asyncio.sleep(self.options.conflict_backoff_seconds * (0.5 + random.random()))
                    continue
                except DuplicateIntent:
                    stored = await self._stored(intent_id, ctx)
                    if stored is not None:
                        return stored
                    raise
                self._published(commit.entry)
                return commit.entry
        raise LedgerWriteConflict(ws, tl, attempts)

    async def _stored(self, intent_id: str, ctx: IntentContext) -> IntentLedgerEntry | None:
        stored = await self.persistence.load_entry(intent_id)
        if stored is None:
            return None
        if (stored.workspace_id, stored.timeline_id) != (ctx.workspace_id, ctx.timeline_id):
            raise IntentIdReused(
                intent_id,
                f"{stored.workspace_id}/{stored.timeline_id}",
                f"{ctx.workspace_id}/{ctx.timeline_id}",
            )
        return stored

    async def _writable(self, ws: str, tl: str) -> TimelineRecord | None:
        branch = await self.timelines.require(ws, tl)
        if branch is not None and branch.status is not TimelineStatus.ACTIVE:
            raise TimelineError(f"timeline {tl!r} of workspace {ws!r} is {branch.status.value}; it takes no writes")
        return branch

    def _published(self, entry: IntentLedgerEntry) -> None:
        if not self.notifier.listening(entry.workspace_id, entry.timeline_id):
            return  # nobody watches this timeline: spare building the notice on every write
        self.notifier.publish(
            CommitNotice(entry.workspace_id, entry.timeline_id, entry.workspace_intent_sequence, entry.touched_types)
        )

    async def dispatch_optimistic(self, intent: Intent, ctx: IntentContext | None = None) -> OptimisticResult:
        ctx = self._context(ctx)
        intent = self._prepare_intent(intent, ctx)
        if intent.requires_server_execution:
            # a server-only intent is never predicted here: its plan may do what only the server
            # may (transcribe, write report files); it is sent, and the result awaited
            if not self.options.is_server_runtime and self.transport is None:
                raise ServerExecutionRequired(intent.type_name)
            task = asyncio.get_running_loop().create_task(self.dispatch(intent, ctx))
            self._pending.add(task)
            task.add_done_callback(self._pending.discard)
            return OptimisticResult(intent, (), {}, task)
        await self.start()
        assert intent.id is not None
        ws, tl = ctx.workspace_id, ctx.timeline_id
        await self._writable(ws, tl)
        dctx = directive_context(intent, ctx, utc_now(), self.options.is_server_runtime, self.blob)
        reader = TimelineReader(self.states, ws, tl, overlay=self.overlay.states(ws, tl))
        outcome = await self.executor.run(intent, dctx, reader)
        self._overlay_add(intent.id, ctx, outcome.states)
        task = asyncio.get_running_loop().create_task(self._confirm(intent, ctx))
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)
        aggregates = {aggregate_id: state for (_, aggregate_id), state in outcome.states.items()}
        return OptimisticResult(intent, outcome.events, aggregates, task)

    async def _confirm(self, intent: Intent, ctx: IntentContext) -> IntentLedgerEntry:
        assert intent.id is not None
        try:
            return await self._dispatch(intent, ctx)
        except Exception:
            log.info("optimistic intent %s was not confirmed; its predicted state is withdrawn", intent.id)
            raise
        finally:
            self._overlay_remove(intent.id)

    def _overlay_add(self, intent_id: str, ctx: IntentContext, states: Mapping[tuple[str, str], Aggregate]) -> None:
        self.overlay.add(intent_id, ctx.workspace_id, ctx.timeline_id, states)
        self.live.touch(ctx.workspace_id, ctx.timeline_id, frozenset(t for t, _ in states))

    def _overlay_remove(self, intent_id: str) -> None:
        layer = self.overlay.remove(intent_id)
        if layer is not None:
            self.live.touch(layer.workspace_id, layer.timeline_id, frozenset(t for t, _ in layer.states))

    # reads ------------------------------------------------------------------------------
    def _check_read(self, ws: str, tl: str, aggregate_type: type[Aggregate] | None = None) -> None:
        check_id("workspace_id", ws)
        check_id("timeline_id", tl)
        if aggregate_type is not None:
            if not (isinstance(aggregate_type, type) and issubclass(aggregate_type, Aggregate)):
                raise InvalidArgument("aggregate_type", "must be an Aggregate subclass")
            self.registry.require(aggregate_type, "aggregate_type")

    async def read_latest(
        self,
        aggregate_type: type[A],
        workspace_id: str,
        timeline_id: str,
        aggregate_id: str,
        *,
        include_deleted: bool = False,
        include_optimistic: bool = True,
    ) -> A | None:
        self._check_read(workspace_id, timeline_id, aggregate_type)
        check_id("aggregate_id", aggregate_id)
        await self.start()
        state: Aggregate | None = None
        if include_optimistic and len(self.overlay):
            state = self.overlay.get(workspace_id, timeline_id, aggregate_type.type_name, aggregate_id)
        if state is None:
            await self.timelines.require(workspace_id, timeline_id)
            state = (await self.states.latest(workspace_id, timeline_id, aggregate_type, aggregate_id)).state
        if state is None or (state.deleted and not include_deleted):
            return None
        return state  # type: ignore[return-value]

    async def query(
        self,
        aggregate_type: type[A],
        workspace_id: str,
        timeline_id: str,
        query: BasicQuery | None = None,
        *,
        include_optimistic: bool = True,
    ) -> list[A]:
        self._check_read(workspace_id, timeline_id, aggregate_type)
        query = query or BasicQuery()
        query.check(aggregate_type)
        await self.start()
        await self.timelines.require(workspace_id, timeline_id)
        overlay = None
        if include_optimistic and len(self.overlay):
            overlay = self.overlay.of_type(workspace_id, timeline_id, aggregate_type.type_name)
        return await self.states.query(workspace_id, timeline_id, aggregate_type, query, overlay)

    async def state_at_sequence(
        self, workspace_id: str, timeline_id: str, *, inclusive_sequence: int, use_snapshots: bool = True
    ) -> dict[AggregateRef, Aggregate]:
        """Every live aggregate as it was right after `inclusive_sequence` on this timeline."""
        self._check_read(workspace_id, timeline_id)
        check_sequence("inclusive_sequence", inclusive_sequence)
        await self.start()
        states = await self.states.state_at_sequence(
            workspace_id, timeline_id, inclusive_sequence, use_snapshots=use_snapshots
        )
        return {ref: state for ref, state in states.items() if not state.deleted}

    async def head(self, workspace_id: str, timeline_id: str) -> int:
        """The last sequence of a timeline (a branch without entries of its own: its fork point)."""
        self._check_read(workspace_id, timeline_id)
        await self.start()
        branch = await self.timelines.require(workspace_id, timeline_id)
        own = await self.persistence.head(workspace_id, timeline_id)
        return max(own, branch.fork_sequence if branch else 0)

    async def read_timeline(
        self, workspace_id: str, timeline_id: str, *, after: int = 0, limit: int | None = None
    ) -> list[IntentLedgerEntry]:
        """Entries with sequence > after, including those a branch inherits from its parent."""
        self._check_read(workspace_id, timeline_id)
        check_sequence("after", after)
        if limit is not None:
            check_sequence("limit", limit, allow_zero=False)
        await self.start()
        return await self._read_after(workspace_id, timeline_id, after, limit)

    async def _read_after(self, ws: str, tl: str, after: int, limit: int | None) -> list[IntentLedgerEntry]:
        branch = await self.timelines.require(ws, tl)
        entries: list[IntentLedgerEntry] = []
        if branch is not None and branch.parent_timeline_id is not None and after < branch.fork_sequence:
            inherited = await self._read_after(ws, branch.parent_timeline_id, after, limit)
            entries = [e for e in inherited if e.workspace_intent_sequence <= branch.fork_sequence]
            if limit is not None and len(entries) >= limit:
                return entries[:limit]
            after = branch.fork_sequence
        remaining = None if limit is None else limit - len(entries)
        entries.extend(await self.persistence.load_entries(ws, tl, after=after, limit=remaining))
        return entries

    async def aggregate_intent_history(
        self,
        workspace_id: str,
        timeline_id: str,
        aggregate_id: str,
        *,
        start: int = 0,
        end: int | None = None,
    ) -> list[IntentLedgerEntry]:
        """Entries that touched an aggregate, with start <= sequence <= end (on this timeline itself)."""
        self._check_read(workspace_id, timeline_id)
        check_id("aggregate_id", aggregate_id)
        check_sequence("start", start)
        if end is not None:
            check_sequence("end", end)
            if end < start:
                raise InvalidArgument("end", "must not be before start")
        await self.start()
        return await self.persistence.load_entries_touching(
            workspace_id, timeline_id, aggregate_id, after=max(start - 1, 0), up_to=end
        )

    async def aggregates_after(self, entry: IntentLedgerEntry) -> dict[AggregateRef, Aggregate | None]:
        """The state of every aggregate an entry touched, right after it (None: gone)."""
        await self.start()
        found: dict[AggregateRef, Aggregate | None] = {}
        for ref in entry.touched:
            aggregate_type = self.registry.aggregate_type(ref.type)
            state = (
                await self.states.at(entry.workspace_id, entry.timeline_id, aggregate_type, ref.id, entry.sequence)
            ).state
            found[ref] = None if state is None or state.deleted else state
        return found

    async def load_entry(self, intent_id: str) -> IntentLedgerEntry | None:
        check_id("intent_id", intent_id)
        await self.start()
        return await self.persistence.load_entry(intent_id)

    # watching ---------------------------------------------------------------------------
    def watch_timeline(
        self, workspace_id: str, timeline_id: str, starting_workspace_intent_sequence: int = 0
    ) -> TimelineWatch:
        """Entries with sequence >= the starting one, in order, then each new one as it lands."""
        self._check_read(workspace_id, timeline_id)
        check_sequence("starting_workspace_intent_sequence", starting_workspace_intent_sequence)

        async def read_after(after: int, limit: int) -> list[IntentLedgerEntry]:
            await self.start()
            return await self._read_after(workspace_id, timeline_id, after, limit)

        return TimelineWatch(
            self.notifier,
            workspace_id,
            timeline_id,
            max(starting_workspace_intent_sequence, 1),
            read_after,
            self.options.watch_batch_size,
        )

    def watch_query(
        self,
        aggregate_type: type[A],
        workspace_id: str,
        timeline_id: str,
        query: BasicQuery | None = None,
    ) -> LiveQuerySubscription:
        """The query's result now, then again whenever it changes (debounced, shared, optimistic)."""
        self._check_read(workspace_id, timeline_id, aggregate_type)
        query = query or BasicQuery()
        query.check(aggregate_type)

        async def evaluate() -> list[Any]:
            return await self.query(aggregate_type, workspace_id, timeline_id, query)

        return self.live.watch(aggregate_type, workspace_id, timeline_id, query, evaluate)

    # undo / redo ------------------------------------------------------------------------
    async def undo_latest(
        self, workspace_id: str, timeline_id: str, actor_id: str | None = None, *, performed_by: str | None = None
    ) -> IntentLedgerEntry | None:
        """Undo the latest live intent (of `actor_id`, if given); `performed_by` is who asks."""
        return await undo.undo_latest(self, workspace_id, timeline_id, actor_id, performed_by)

    async def can_undo_latest(self, workspace_id: str, timeline_id: str, actor_id: str | None = None) -> bool:
        return await undo.can_undo_latest(self, workspace_id, timeline_id, actor_id)

    async def redo_latest(
        self, workspace_id: str, timeline_id: str, actor_id: str | None = None, *, performed_by: str | None = None
    ) -> IntentLedgerEntry | None:
        return await undo.redo_latest(self, workspace_id, timeline_id, actor_id, performed_by)

    async def can_redo_latest(self, workspace_id: str, timeline_id: str, actor_id: str | None = None) -> bool:
        return await undo.can_redo_latest(self, workspace_id, timeline_id, actor_id)

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
        return await branching.create_timeline(self, workspace_id, timeline_id, from_timeline, at_sequence, created_by)

    async def merge_timeline(
        self, workspace_id: str, *, source: str, target: str = "main", actor_id: str | None = None
    ) -> branching.MergeReport:
        return await branching.merge_timeline(self, workspace_id, source, target, actor_id)

    async def discard_timeline(self, workspace_id: str, timeline_id: str) -> TimelineRecord:
        return await branching.discard_timeline(self, workspace_id, timeline_id)

    async def list_timelines(self, workspace_id: str) -> list[TimelineRecord]:
        check_id("workspace_id", workspace_id)
        await self.start()
        return await self.persistence.list_timelines(workspace_id)

    # audit ------------------------------------------------------------------------------
    async def describe(self, entry: IntentLedgerEntry) -> str:
        """The audit sentence of an entry, with names as they are now."""
        ctx = IntentContext(workspace_id=entry.workspace_id, timeline_id=entry.timeline_id, actor_id=entry.actor_id)
        reader = TimelineReader(self.states, entry.workspace_id, entry.timeline_id)
        return await self.executor.describe(entry.intent, ctx, reader)

    async def verify_timeline(self, workspace_id: str, timeline_id: str) -> verify.VerificationReport:
        self._check_read(workspace_id, timeline_id)
        await self.start()
        return await verify.verify_timeline(self, workspace_id, timeline_id)

    async def rebuild_snapshots(self, workspace_id: str, timeline_id: str) -> int:
        """Recompute a timeline's snapshots and history from its ledger; returns aggregates written."""
        self._check_read(workspace_id, timeline_id)
        await self.start()
        return await verify.rebuild_snapshots(self, workspace_id, timeline_id)
