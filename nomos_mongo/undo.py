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

import asyncio
from dataclasses import replace
from typing import TYPE_CHECKING

from .context import IntentContext, utc_now
from .dispatcher import Outcome, directive_context
from .errors import SequenceConflict, UndoConflict
from .ids import check_id
from .ledger import EntryKind, IntentLedgerEntry
from .model import Aggregate, Intent
from .persistence import Commit
from .states import TimelineReader
from .system import RedoIntent, UndoIntent

if TYPE_CHECKING:
    from .app import NomosApp


async def _later_intent(
    app: NomosApp, ws: str, tl: str, entry: IntentLedgerEntry, after: int
) -> IntentLedgerEntry | None:
    """The first live intent after `after` that touched one of the entry's aggregates."""
    for ref_id in {ref.id for ref in entry.touched}:
        for later in await app.persistence.load_entries_touching(ws, tl, ref_id, after=after):
            if later.kind is EntryKind.INTENT and not later.struck_out and later.intent_id != entry.intent_id:
                return later
    return None


async def _unchanged_since(app: NomosApp, ws: str, tl: str, entry: IntentLedgerEntry, sequence: int) -> bool:
    """Whether each aggregate the entry touched is now as it was right after `sequence`."""
    for ref in entry.touched:
        aggregate_type = app.registry.aggregate_type(ref.type)
        now = (await app.states.latest(ws, tl, aggregate_type, ref.id)).state
        then = (await app.states.at(ws, tl, aggregate_type, ref.id, sequence)).state
        if _visible(now) != _visible(then):
            return False
    return True


def _visible(state: Aggregate | None) -> Aggregate | None:
    return None if state is None or state.deleted else state


async def _undo_target(app: NomosApp, ws: str, tl: str, actor_id: str | None) -> IntentLedgerEntry | None:
    app._check_read(ws, tl)
    if actor_id is not None:
        check_id("actor_id", actor_id)
    await app.start()
    await app._writable(ws, tl)
    return await app.persistence.find_latest_entry(ws, tl, kind=EntryKind.INTENT, actor_id=actor_id)


async def can_undo_latest(app: NomosApp, ws: str, tl: str, actor_id: str | None) -> bool:
    target = await _undo_target(app, ws, tl, actor_id)
    if target is None:
        return False
    return await _later_intent(app, ws, tl, target, target.workspace_intent_sequence) is None


async def undo_latest(
    app: NomosApp, ws: str, tl: str, actor_id: str | None, performed_by: str | None = None
) -> IntentLedgerEntry | None:
    if performed_by is not None:
        check_id("performed_by", performed_by)
    async with app._lock(ws, tl):
        for _ in range(app.options.max_dispatch_attempts):
            target = await _undo_target(app, ws, tl, actor_id)
            if target is None:
                return None
            blocking = await _later_intent(app, ws, tl, target, target.workspace_intent_sequence)
            if blocking is not None:
                raise UndoConflict(
                    f"cannot undo {target.intent.type_name} ({target.intent_id}): a later intent, "
                    f"{blocking.intent.type_name} ({blocking.intent_id}) at sequence "
                    f"{blocking.workspace_intent_sequence}, changed the same aggregates; undo that first",
                    blocking_intent_id=blocking.intent_id,
                )
            restored = await _states_at(app, ws, tl, target, target.workspace_intent_sequence - 1)
            intent = UndoIntent(target_intent_id=target.intent_id, target_description=target.description)
            try:
                return await _write(
                    app,
                    ws,
                    tl,
                    performed_by or actor_id or target.actor_id,
                    intent,
                    target,
                    restored,
                    EntryKind.UNDO,
                    strike={target.intent_id: True},
                )
            except SequenceConflict:
                await asyncio.sleep(app.options.conflict_backoff_seconds)
    return None


async def _redo_target(
    app: NomosApp, ws: str, tl: str, actor_id: str | None
) -> tuple[IntentLedgerEntry, IntentLedgerEntry, IntentLedgerEntry | None] | None:
    app._check_read(ws, tl)
    if actor_id is not None:
        check_id("actor_id", actor_id)
    await app.start()
    await app._writable(ws, tl)
    undo_entry = await app.persistence.find_latest_entry(ws, tl, kind=EntryKind.UNDO, actor_id=actor_id)
    if undo_entry is None:
        return None
    undone = await app.persistence.load_entry(undo_entry.strike_out_intent_ids[0])
    if undone is None:
        return None
    blocking = await _later_intent(app, ws, tl, undone, undo_entry.workspace_intent_sequence)
    return undo_entry, undone, blocking


async def can_redo_latest(app: NomosApp, ws: str, tl: str, actor_id: str | None) -> bool:
    found = await _redo_target(app, ws, tl, actor_id)
    if found is None or found[2] is not None:
        return False
    undone = found[1]
    return await _unchanged_since(app, ws, tl, undone, undone.workspace_intent_sequence - 1)


async def redo_latest(
    app: NomosApp, ws: str, tl: str, actor_id: str | None, performed_by: str | None = None
) -> IntentLedgerEntry | None:
    if performed_by is not None:
        check_id("performed_by", performed_by)
    async with app._lock(ws, tl):
        for _ in range(app.options.max_dispatch_attempts):
            found = await _redo_target(app, ws, tl, actor_id)
            if found is None:
                return None
            undo_entry, undone, blocking = found
            if blocking is not None:
                if blocking.actor_id == undo_entry.actor_id:
                    return None
                raise UndoConflict(
                    f"cannot redo {undone.intent.type_name} ({undone.intent_id}): "
                    f"{blocking.intent.type_name} ({blocking.intent_id}) by {blocking.actor_id} changed "
                    "the same aggregates after the undo",
                    blocking_intent_id=blocking.intent_id,
                )
            if not await _unchanged_since(app, ws, tl, undone, undone.workspace_intent_sequence - 1):
                raise UndoConflict(
                    f"cannot redo {undone.intent.type_name} ({undone.intent_id}): its aggregates were "
                    "changed by other undos or redos since; redo those first"
                )
            restored = await _states_at(app, ws, tl, undone, undone.workspace_intent_sequence)
            intent = RedoIntent(
                target_undo_intent_id=undo_entry.intent_id,
                redone_intent_id=undone.intent_id,
                target_description=undone.description,
            )
            strike = {undo_entry.intent_id: True, undone.intent_id: False}
            try:
                return await _write(
                    app,
                    ws,
                    tl,
                    performed_by or actor_id or undo_entry.actor_id,
                    intent,
                    undone,
                    restored,
                    EntryKind.REDO,
                    strike=strike,
                )
            except SequenceConflict:
                await asyncio.sleep(app.options.conflict_backoff_seconds)
    return None


async def _states_at(
    app: NomosApp, ws: str, tl: str, entry: IntentLedgerEntry, sequence: int
) -> dict[tuple[str, str], Aggregate]:
    restored: dict[tuple[str, str], Aggregate] = {}
    for ref in entry.touched:
        aggregate_type = app.registry.aggregate_type(ref.type)
        state = (await app.states.at(ws, tl, aggregate_type, ref.id, sequence)).state
        # an aggregate the intent created has no earlier state: a tombstone hides it
        restored[(ref.type, ref.id)] = state if state is not None else aggregate_type.empty(ref.id).evolve(deleted=True)
    return restored


async def _write(
    app: NomosApp,
    ws: str,
    tl: str,
    actor_id: str,
    intent: Intent,
    target: IntentLedgerEntry,
    restored: dict[tuple[str, str], Aggregate],
    kind: EntryKind,
    *,
    strike: dict[str, bool],
) -> IntentLedgerEntry:
    ctx = IntentContext(
        workspace_id=ws,
        timeline_id=tl,
        actor_id=actor_id,
        causation_id=target.intent_id,
        correlation_id=target.correlation_id,
    )
    intent = intent.with_id(ctx.id_generator())
    dctx = directive_context(intent, ctx, utc_now(), app.options.is_server_runtime, app.blob)
    reader = TimelineReader(app.states, ws, tl)
    versions = {}
    for key in restored:
        prior = await reader.versioned(app.registry.aggregate_type(key[0]), key[1])
        versions[key] = (prior.version + 1, not prior.own)
    branch = await app.timelines.get(ws, tl)
    sequence = max(await app.persistence.head(ws, tl), branch.fork_sequence if branch else 0) + 1
    outcome = Outcome(directives=(), events=(), states=restored, versions=versions)
    description = await app.executor.describe(intent, ctx, reader)
    base = app.executor.commit_for(intent, ctx, dctx, sequence, outcome, description)
    snapshots, history = app.executor.snapshot_records(ws, tl, sequence, outcome, always_history=True)
    entry = replace(
        base.entry,
        kind=kind,
        touched=target.touched,
        strike_out_intent_ids=tuple(intent_id for intent_id, struck in strike.items() if struck),
    )
    await app.persistence.commit(Commit(entry=entry, snapshots=snapshots, history=history, strike_outs=strike))
    app._published(entry)
    return entry
