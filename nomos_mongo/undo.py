"""Undo and redo by strike-out.

Undo writes an UndoIntent entry that strikes out the latest live intent (of one actor, if
given). It is refused with UndoConflict if a later live intent touched one of the same
aggregates, because no sequence of intents could then produce the result. The restored
state of each aggregate is its state right before the target, read from history snapshots,
so the cost depends on that aggregate's history interval, not on the timeline's length.

Redo strikes out the latest live undo, restoring the aggregates to their state right after
the undone intent. If anything changed those aggregates after the undo, redo is gone: a new
intent by the same actor clears it silently (as editors do); one by someone else makes
redo_latest raise UndoConflict naming it.
"""

from __future__ import annotations

from dataclasses import replace

from .context import IntentContext, utc_now
from .dispatcher import Outcome, directive_context
from .engine import Engine
from .errors import UndoConflict
from .ids import check_id
from .ledger import EntryKind, IntentLedgerEntry
from .model import Aggregate, Intent
from .persistence import Commit
from .states import TimelineReader
from .system import RedoIntent, UndoIntent
from .writer import Authorize, Slot, Written


async def _later_intent(
    engine: Engine, ws: str, tl: str, entry: IntentLedgerEntry, after: int
) -> IntentLedgerEntry | None:
    """The first live intent after `after` that touched one of the entry's aggregates."""
    for ref_id in {ref.id for ref in entry.touched}:
        for later in await engine.persistence.load_entries_touching(ws, tl, ref_id, after=after):
            if later.kind is EntryKind.INTENT and not later.struck_out and later.intent_id != entry.intent_id:
                return later
    return None


async def _unchanged_since(engine: Engine, ws: str, tl: str, entry: IntentLedgerEntry, sequence: int) -> bool:
    """Whether each aggregate the entry touched is now as it was right after `sequence`."""
    for ref in entry.touched:
        aggregate_type = engine.registry.aggregate_type(ref.type)
        now = (await engine.states.latest(ws, tl, aggregate_type, ref.id)).state
        then = (await engine.states.at(ws, tl, aggregate_type, ref.id, sequence)).state
        if _visible(now) != _visible(then):
            return False
    return True


def _visible(state: Aggregate | None) -> Aggregate | None:
    return None if state is None or state.deleted else state


async def _undo_target(engine: Engine, ws: str, tl: str, actor_id: str | None) -> IntentLedgerEntry | None:
    return await engine.persistence.find_latest_entry(ws, tl, kind=EntryKind.INTENT, actor_id=actor_id)


async def _redo_target(
    engine: Engine, ws: str, tl: str, actor_id: str | None
) -> tuple[IntentLedgerEntry, IntentLedgerEntry, IntentLedgerEntry | None] | None:
    undo_entry = await engine.persistence.find_latest_entry(ws, tl, kind=EntryKind.UNDO, actor_id=actor_id)
    if undo_entry is None:
        return None
    undone = await engine.persistence.load_entry(undo_entry.strike_out_intent_ids[0])
    if undone is None:
        return None
    blocking = await _later_intent(engine, ws, tl, undone, undo_entry.workspace_intent_sequence)
    return undo_entry, undone, blocking


def _check_actors(actor_id: str | None, performed_by: str | None) -> None:
    if actor_id is not None:
        check_id("actor_id", actor_id)
    if performed_by is not None:
        check_id("performed_by", performed_by)


async def can_undo_latest(engine: Engine, ws: str, tl: str, actor_id: str | None) -> bool:
    _check_actors(actor_id, None)
    await engine.writer.writable(ws, tl)
    target = await _undo_target(engine, ws, tl, actor_id)
    if target is None:
        return False
    return await _later_intent(engine, ws, tl, target, target.workspace_intent_sequence) is None


async def can_redo_latest(engine: Engine, ws: str, tl: str, actor_id: str | None) -> bool:
    _check_actors(actor_id, None)
    await engine.writer.writable(ws, tl)
    found = await _redo_target(engine, ws, tl, actor_id)
    if found is None or found[2] is not None:
        return False
    undone = found[1]
    return await _unchanged_since(engine, ws, tl, undone, undone.workspace_intent_sequence - 1)


class UndoPlanner:
    """Strikes out the latest live intent (of one actor, if given), if nothing later built on it."""

    def __init__(
        self,
        engine: Engine,
        actor_id: str | None,
        performed_by: str | None,
        authorize: Authorize | None,
        *,
        performed_by_name: str | None = None,
    ) -> None:
        _check_actors(actor_id, performed_by)
        self.engine = engine
        self.actor_id = actor_id
        self.performed_by = performed_by
        self.performed_by_name = performed_by_name  # the display name the sentence uses, if known
        self.authorize = authorize

    async def plan(self, slot: Slot) -> Commit | None:
        engine, ws, tl = self.engine, slot.workspace_id, slot.timeline_id
        target = await _undo_target(engine, ws, tl, self.actor_id)
        if target is None:
            return None
        if self.authorize is not None:
            await self.authorize((target,))
        blocking = await _later_intent(engine, ws, tl, target, target.workspace_intent_sequence)
        if blocking is not None:
            raise UndoConflict(
                f"cannot undo {target.intent.type_name} ({target.intent_id}): a later intent, "
                f"{blocking.intent.type_name} ({blocking.intent_id}) at sequence "
                f"{blocking.workspace_intent_sequence}, changed the same aggregates; undo that first",
                blocking_intent_id=blocking.intent_id,
            )
        restored = await _states_at(engine, ws, tl, target, target.workspace_intent_sequence - 1)
        intent = UndoIntent(target_intent_id=target.intent_id, target_description=target.description)
        actor = self.performed_by or self.actor_id or target.actor_id
        name = self.performed_by_name if actor == self.performed_by else None
        return await _strike_commit(
            engine, slot, actor, intent, target, restored, EntryKind.UNDO, {target.intent_id: True}, name
        )

    async def settled(self) -> Written | None:
        return None  # an undo has a fresh id: nobody else can have stored it


class RedoPlanner:
    """Strikes out the latest live undo, if the aggregates are still as the undo left them."""

    def __init__(
        self,
        engine: Engine,
        actor_id: str | None,
        performed_by: str | None,
        authorize: Authorize | None,
        *,
        performed_by_name: str | None = None,
    ) -> None:
        _check_actors(actor_id, performed_by)
        self.engine = engine
        self.actor_id = actor_id
        self.performed_by = performed_by
        self.performed_by_name = performed_by_name  # the display name the sentence uses, if known
        self.authorize = authorize

    async def plan(self, slot: Slot) -> Commit | None:
        engine, ws, tl = self.engine, slot.workspace_id, slot.timeline_id
        found = await _redo_target(engine, ws, tl, self.actor_id)
        if found is None:
            return None
        undo_entry, undone, blocking = found
        if self.authorize is not None:
            await self.authorize((undone,))
        if blocking is not None:
            if blocking.actor_id == undo_entry.actor_id:
                return None
            raise UndoConflict(
                f"cannot redo {undone.intent.type_name} ({undone.intent_id}): "
                f"{blocking.intent.type_name} ({blocking.intent_id}) by {blocking.actor_id} changed "
                "the same aggregates after the undo",
                blocking_intent_id=blocking.intent_id,
            )
        if not await _unchanged_since(engine, ws, tl, undone, undone.workspace_intent_sequence - 1):
            raise UndoConflict(
                f"cannot redo {undone.intent.type_name} ({undone.intent_id}): its aggregates were "
                "changed by other undos or redos since; redo those first"
            )
        restored = await _states_at(engine, ws, tl, undone, undone.workspace_intent_sequence)
        intent = RedoIntent(
            target_undo_intent_id=undo_entry.intent_id,
            redone_intent_id=undone.intent_id,
            target_description=undone.description,
        )
        strike = {undo_entry.intent_id: True, undone.intent_id: False}
        actor = self.performed_by or self.actor_id or undo_entry.actor_id
        name = self.performed_by_name if actor == self.performed_by else None
        return await _strike_commit(engine, slot, actor, intent, undone, restored, EntryKind.REDO, strike, name)

    async def settled(self) -> Written | None:
        return None


async def _states_at(
    engine: Engine, ws: str, tl: str, entry: IntentLedgerEntry, sequence: int
) -> dict[tuple[str, str], Aggregate]:
    restored: dict[tuple[str, str], Aggregate] = {}
    for ref in entry.touched:
        aggregate_type = engine.registry.aggregate_type(ref.type)
        state = (await engine.states.at(ws, tl, aggregate_type, ref.id, sequence)).state
        # an aggregate the intent created has no earlier state: a tombstone hides it
        restored[(ref.type, ref.id)] = state if state is not None else aggregate_type.empty(ref.id).evolve(deleted=True)
    return restored


async def _strike_commit(
    engine: Engine,
    slot: Slot,
    actor_id: str,
    intent: Intent,
    target: IntentLedgerEntry,
    restored: dict[tuple[str, str], Aggregate],
    kind: EntryKind,
    strike: dict[str, bool],
    actor_name: str | None = None,
) -> Commit:
    ws, tl = slot.workspace_id, slot.timeline_id
    ctx = IntentContext(
        workspace_id=ws,
        timeline_id=tl,
        actor_id=actor_id,
        actor_name=actor_name,
        causation_id=target.intent_id,
        correlation_id=target.correlation_id,
    )
    intent = intent.with_id(ctx.id_generator())
    dctx = directive_context(intent, ctx, utc_now(), engine.options.is_server_runtime, engine.blob)
    reader = TimelineReader(engine.states, ws, tl)
    versions = {}
    for key in restored:
        prior = await reader.versioned(engine.registry.aggregate_type(key[0]), key[1])
        versions[key] = (prior.version + 1, not prior.own)
    outcome = Outcome(directives=(), events=(), states=restored, versions=versions)
    description = await engine.executor.describe(intent, ctx, reader)
    base = engine.executor.commit_for(intent, ctx, dctx, slot.sequence, outcome, description)
    snapshots, history = engine.executor.snapshot_records(ws, tl, slot.sequence, outcome, kind)
    entry = replace(
        base.entry,
        kind=kind,
        touched=target.touched,
        strike_out_intent_ids=tuple(intent_id for intent_id, struck in strike.items() if struck),
    )
    return Commit(entry=entry, snapshots=snapshots, history=history, strike_outs=strike)
