"""Deterministic replay as a check, and snapshot repair from the ledger.

verify_timeline re-executes every intent of a timeline in order against replayed state (no
snapshots), compares the events with those stored, applies undo and redo as they happened,
and finally compares the replayed states with the stored snapshots and history.

The stored events are the facts. An entry whose directives have changed since it was written
(a stored `contextVersion` other than the directive's `context_version`) is not re-executed:
the current code would rightly do something else. Its stored (upcast) events are applied as
they are and its sequence is listed in `facts_only`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from .context import IntentContext
from .dispatcher import directive_context, keeps_history
from .engine import Engine
from .errors import NomosError
from .ledger import AggregateRef, EntryKind, IntentLedgerEntry
from .model import Aggregate
from .persistence import SnapshotRecord
from .query import BasicQuery, apply_query
from .states import Versioned, fold, strike

log = logging.getLogger("nomos")


@dataclass(frozen=True, slots=True)
class Divergence:
    kind: str  # "events" | "rejected" | "snapshot" | "history"
    sequence: int
    intent_id: str | None
    detail: str


@dataclass(frozen=True, slots=True)
class VerificationReport:
    workspace_id: str
    timeline_id: str
    checked_intents: int
    divergence: Divergence | None = None
    facts_only: tuple[int, ...] = ()  # entries of older directive versions: applied, not re-executed

    @property
    def ok(self) -> bool:
        return self.divergence is None


@dataclass
class _Replay:
    """State rebuilt entry by entry, with each aggregate's event history for undo and redo."""

    app: Engine
    states: dict[tuple[str, str], Aggregate] = field(default_factory=dict)
    versions: dict[tuple[str, str], int] = field(default_factory=dict)
    history: dict[tuple[str, str], list[tuple[str, list[Any]]]] = field(default_factory=dict)
    struck: set[str] = field(default_factory=set)
    inherited: dict[tuple[str, str], Aggregate] = field(default_factory=dict)
    undo_targets: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def apply(self, entry: IntentLedgerEntry, records: Any) -> None:
        for ref in entry.touched if entry.kind is EntryKind.INTENT else ():
            events = [r.event for r in records if (r.aggregate_type, r.aggregate_id) == ref]
            key = (ref.type, ref.id)
            state = self.states.get(key) or self.app.registry.aggregate_type(ref.type).empty(ref.id)
            self.states[key] = fold(state, events)
            self.history.setdefault(key, []).append((entry.intent_id, events))
            self.versions[key] = self.versions.get(key, 0) + 1

    def toggle(self, entry: IntentLedgerEntry) -> None:
        strike(entry, self.struck, self.undo_targets)
        for ref in entry.touched:
            key = (ref.type, ref.id)
            aggregate_type = self.app.registry.aggregate_type(ref.type)
            base = self.inherited.get(key)
            state = base if base is not None else aggregate_type.empty(ref.id)
            alive = base is not None
            for intent_id, events in self.history.get(key, []):
                if intent_id not in self.struck:
                    state = fold(state, events)
                    alive = True
            self.states[key] = state if alive else state.evolve(deleted=True)
            self.versions[key] = self.versions.get(key, 0) + 1


class _ReplayReader:
    """Replayed state of this timeline; other workspaces as they were when the intent ran."""

    def __init__(self, replay: _Replay, ws: str, foreign: dict[str, int]) -> None:
        self._replay = replay
        self._ws = ws
        self._foreign = foreign

    async def _pinned(self, workspace_id: str) -> int:
        pinned = self._foreign.get(workspace_id)
        if pinned is None:  # an entry written before reads were recorded: the best we have is now
            pinned = await self._replay.app.persistence.head(workspace_id, "main")
        return pinned

    async def get(
        self, aggregate_type: Any, aggregate_id: str, *, include_deleted: bool = False, workspace_id: str | None = None
    ) -> Any:
        if workspace_id is not None and workspace_id != self._ws:
            sequence = await self._pinned(workspace_id)
            app = self._replay.app
            state = (await app.states.at(workspace_id, "main", aggregate_type, aggregate_id, sequence)).state
            return None if state is None or (state.deleted and not include_deleted) else state
        state = self._replay.states.get((aggregate_type.type_name, aggregate_id))
        if state is None or (state.deleted and not include_deleted):
            return None
        return state

    async def query(self, aggregate_type: Any, query: BasicQuery, *, workspace_id: str | None = None) -> list[Any]:
        if workspace_id is not None and workspace_id != self._ws:
            sequence = await self._pinned(workspace_id)
            states = await self._replay.app.states.all_at(workspace_id, "main", aggregate_type, sequence)
            return apply_query(list(states.values()), query)
        rows = [s for (t, _), s in self._replay.states.items() if t == aggregate_type.type_name]
        return apply_query(rows, query)

    async def versioned(self, aggregate_type: Any, aggregate_id: str) -> Any:
        key = (aggregate_type.type_name, aggregate_id)
        return Versioned(
            self._replay.states.get(key), self._replay.versions.get(key, 0), own=key in self._replay.states
        )


async def _base(app: Engine, ws: str, tl: str) -> tuple[_Replay, int]:
    replay = _Replay(app)
    branch = await app.timelines.require(ws, tl)
    if branch is None or branch.parent_timeline_id is None:
        return replay, 0
    inherited = await app.states.state_at_sequence(ws, branch.parent_timeline_id, branch.fork_sequence)
    for ref, state in inherited.items():
        replay.states[(ref.type, ref.id)] = state
        replay.inherited[(ref.type, ref.id)] = state
        replay.history[(ref.type, ref.id)] = []
    return replay, branch.fork_sequence


async def verify_timeline(app: Engine, ws: str, tl: str) -> VerificationReport:
    replay, fork = await _base(app, ws, tl)
    entries = await app.persistence.load_entries(ws, tl, after=fork)
    checked = 0
    facts_only: list[int] = []
    replayed_up_to = entries[-1].sequence if entries else fork
    for entry in entries:
        if entry.kind is not EntryKind.INTENT or entry.written_by_older_directives():
            if entry.kind is EntryKind.INTENT:
                facts_only.append(entry.sequence)
                replay.apply(entry, entry.events)
            else:
                replay.toggle(entry)
            diverged = await _check_history(app, replay, entry)
            if diverged:
                return VerificationReport(ws, tl, checked, diverged, tuple(facts_only))
            continue
        checked += 1
        ctx = IntentContext(
            workspace_id=ws,
            timeline_id=tl,
            actor_id=entry.actor_id,
            correlation_id=entry.correlation_id,
            causation_id=entry.causation_id,
            client_timestamp=entry.client_timestamp,
        )
        dctx = directive_context(entry.intent, ctx, entry.server_timestamp, True, app.blob)
        try:
            outcome = await app.executor.run(entry.intent, dctx, _ReplayReader(replay, ws, dict(entry.foreign_reads)))  # type: ignore[arg-type]
        except NomosError as exc:
            return VerificationReport(
                ws, tl, checked, Divergence("rejected", entry.sequence, entry.intent_id, f"re-execution failed: {exc}")
            )
        produced = [(r.aggregate_type, r.aggregate_id, r.event.to_json()) for r in outcome.events]
        stored = [(r.aggregate_type, r.aggregate_id, r.event.to_json()) for r in entry.events]
        if produced != stored:
            return VerificationReport(
                ws,
                tl,
                checked,
                Divergence(
                    "events",
                    entry.sequence,
                    entry.intent_id,
                    f"{entry.intent.type_name} produced different events on replay: the directive is not "
                    f"deterministic or the stored events were altered (stored {stored}, replayed {produced})",
                ),
            )
        replay.apply(entry, entry.events)
        diverged = await _check_history(app, replay, entry)
        if diverged:
            return VerificationReport(ws, tl, checked, diverged)
    for (type_name, aggregate_id), state in replay.states.items():
        aggregate_type = app.registry.aggregate_type(type_name)
        stored_snapshot = await app.persistence.load_snapshot(ws, tl, aggregate_type, aggregate_id)
        if stored_snapshot is None:
            if fork and replay.history.get((type_name, aggregate_id)) == []:
                continue  # inherited from the parent, never changed here
            return VerificationReport(
                ws, tl, checked, Divergence("snapshot", 0, None, f"{type_name} {aggregate_id} has no stored snapshot")
            )
        if stored_snapshot.sequence > replayed_up_to:
            continue  # a commit that landed after the entries were read: the next check covers it
        if stored_snapshot.state != state:
            return VerificationReport(
                ws,
                tl,
                checked,
                Divergence(
                    "snapshot",
                    stored_snapshot.sequence,
                    None,
                    f"stored snapshot of {type_name} {aggregate_id} differs from the replayed state",
                ),
            )
    return VerificationReport(ws, tl, checked, facts_only=tuple(facts_only))


async def _check_history(app: Engine, replay: _Replay, entry: IntentLedgerEntry) -> Divergence | None:
    for ref in entry.touched:
        aggregate_type = app.registry.aggregate_type(ref.type)
        record = await app.persistence.load_history_snapshot(
            entry.workspace_id, entry.timeline_id, aggregate_type, ref.id, entry.sequence
        )
        if (
            record is not None
            and record.sequence == entry.sequence
            and record.state != replay.states.get((ref.type, ref.id))
        ):
            return Divergence(
                "history",
                entry.sequence,
                entry.intent_id,
                f"history snapshot of {ref.type} {ref.id} at {entry.sequence} differs from replay",
            )
    return None


async def rebuild_snapshots(app: Engine, ws: str, tl: str) -> int:
    """Derive snapshots and history again from the ledger's stored events (no re-execution).

    It runs under the timeline's lock, so no write of this process lands meanwhile; another
    process's commits are folded in until the ledger stops growing, and those that land
    during the swap keep their own snapshots (the store's `up_to` rule). So a rebuild never
    undoes a commit, and planners never find the timeline without its snapshots.
    """
    async with app.writer.lock(ws, tl):
        replay, fork = await _base(app, ws, tl)
        every = app.options.history_snapshot_every
        snapshots: dict[tuple[str, str], SnapshotRecord] = {}
        history: list[SnapshotRecord] = []
        up_to = fork
        for _ in range(CATCH_UP_ROUNDS):
            entries = await app.persistence.load_entries(ws, tl, after=up_to)
            if not entries:
                break
            for entry in entries:
                if entry.kind is EntryKind.INTENT:
                    replay.apply(entry, entry.events)
                else:
                    replay.toggle(entry)
                for ref in entry.touched:
                    key = (ref.type, ref.id)
                    if key not in replay.states:
                        continue
                    first = key not in snapshots
                    version = replay.versions[key]
                    record = SnapshotRecord(ws, tl, ref.type, ref.id, entry.sequence, version, replay.states[key])
                    snapshots[key] = record
                    if keeps_history(entry.kind, version, first, every):
                        history.append(record)
            up_to = entries[-1].sequence
        else:
            log.info("rebuilding %s/%s while others write: commits after %d keep their own snapshots", ws, tl, up_to)
        await app.persistence.replace_snapshots(ws, tl, list(snapshots.values()), history, up_to=up_to)
    return len(snapshots)


CATCH_UP_ROUNDS = 5  # reads of the ledger before the swap; later commits keep their own snapshots


__all__ = ["AggregateRef", "Divergence", "VerificationReport", "rebuild_snapshots", "verify_timeline"]
