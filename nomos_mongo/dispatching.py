"""Dispatching one intent: the checks before the write, the planner the writer runs, previews.

An intent id is an idempotency key: a retry of a stored intent returns the stored entry, if
it repeats the first request exactly (same timeline, intent type, input and actor). The same
id with anything else is an error naming the id, never a silent return of the first result.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .context import SYSTEM_ACTOR, IntentContext, utc_now
from .dispatcher import directive_context
from .engine import Engine
from .errors import IntentIdConflict, IntentIdReused, IntentRejected, InvalidArgument
from .ids import check_id
from .ledger import AggregateRef, EventRecord, IntentLedgerEntry
from .model import Aggregate, Intent, actor_fields
from .offload import may_hold_blobs, offload_blobs
from .persistence import Commit
from .states import TimelineReader
from .writer import Slot, Written


@dataclass(frozen=True, slots=True)
class Preview:
    """What an intent would do on the current state. Nothing of it is written."""

    intent: Intent
    description: str
    events: tuple[EventRecord, ...]
    states: Mapping[AggregateRef, Aggregate | None]


def prepare_intent(engine: Engine, intent: Intent, ctx: IntentContext) -> Intent:
    """The intent with its id, once it is known to be registered and dispatched by its actor."""
    if not isinstance(intent, Intent):
        raise InvalidArgument("intent", f"must be an Intent, got {type(intent).__name__}")
    engine.registry.require(type(intent), "intent")
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


def _difference(stored: IntentLedgerEntry, intent: Intent, ctx: IntentContext) -> str | None:
    """What makes a request with a stored intent's id a different request (None: a retry)."""
    if stored.intent.type_name != intent.type_name:
        return f"a {stored.intent.type_name}, not a {intent.type_name}"
    if stored.actor_id != ctx.actor_id:
        return "dispatched by another actor"
    if stored.intent.to_json() != intent.to_json():
        return "with another input"
    return None


class DispatchPlanner:
    """Plans one intent at the slot the writer gives it; a retry's stored entry ends the write."""

    def __init__(self, engine: Engine, intent: Intent, ctx: IntentContext) -> None:
        self.engine = engine
        self.intent = intent
        self.ctx = ctx

    async def stored(self) -> Written | None:
        """The entry stored under this intent's id, if any; raises if it answered another request."""
        assert self.intent.id is not None
        stored = await self.engine.persistence.load_entry(self.intent.id)
        if stored is None:
            return None
        ctx = self.ctx
        if (stored.workspace_id, stored.timeline_id) != (ctx.workspace_id, ctx.timeline_id):
            raise IntentIdReused(
                self.intent.id, f"{stored.workspace_id}/{stored.timeline_id}", f"{ctx.workspace_id}/{ctx.timeline_id}"
            )
        intent = self.intent
        if may_hold_blobs(intent):  # the stored intent holds references where large bytes were
            intent = await offload_blobs(intent, self.engine.blob, self.engine.options)
        difference = _difference(stored, intent, ctx)
        if difference is not None:
            raise IntentIdConflict(self.intent.id, difference)
        return Written(stored)

    async def plan(self, slot: Slot) -> Commit | Written | None:
        if slot.attempt:
            # another process may have stored this very intent meanwhile (a client retry)
            stored = await self.stored()
            if stored is not None:
                return stored
        engine, intent, ctx = self.engine, self.intent, self.ctx
        dctx = directive_context(intent, ctx, utc_now(), engine.options.is_server_runtime, engine.blob)
        reader = TimelineReader(engine.states, ctx.workspace_id, ctx.timeline_id)
        try:
            outcome = await engine.executor.run(intent, dctx, reader)
        except IntentRejected:
            # planned after a twin of this intent landed: the retry gets the stored entry
            stored = await self.stored()
            if stored is not None:
                return stored
            raise
        description = await engine.executor.describe(intent, ctx, reader)
        return engine.executor.commit_for(intent, ctx, dctx, slot.sequence, outcome, description)

    async def settled(self) -> Written | None:
        return await self.stored()


async def dispatch(engine: Engine, intent: Intent, ctx: IntentContext) -> Written:
    """Write a prepared intent (or return what a retry of it stored): the one dispatch path."""
    planner = DispatchPlanner(engine, intent, ctx)
    stored = await planner.stored()
    if stored is not None:
        return stored
    await engine.writer.writable(ctx.workspace_id, ctx.timeline_id)  # refuse before storing any blob
    if may_hold_blobs(intent):
        planner.intent = await offload_blobs(intent, engine.blob, engine.options)
    written = await engine.writer.write(ctx.workspace_id, ctx.timeline_id, planner)
    assert written is not None  # a dispatch planner always commits or returns the stored entry
    return written


async def preview(engine: Engine, intent: Intent, ctx: IntentContext) -> Preview:
    """Plan and execute a prepared intent against the current state; write nothing."""
    if intent.requires_server_execution:
        # its plan may act on the world (transcribe, write report files): only a real dispatch may
        raise InvalidArgument("preview", f"{intent.type_name} runs on the server only and cannot be previewed")
    await engine.writer.writable(ctx.workspace_id, ctx.timeline_id)
    dctx = directive_context(intent, ctx, utc_now(), engine.options.is_server_runtime, engine.blob)
    reader = TimelineReader(engine.states, ctx.workspace_id, ctx.timeline_id)
    outcome = await engine.executor.run(intent, dctx, reader)
    description = await engine.executor.describe(intent, ctx, reader)
    states = {AggregateRef(*key): None if s.deleted else s for key, s in outcome.states.items()}
    return Preview(intent, description, outcome.events, states)
