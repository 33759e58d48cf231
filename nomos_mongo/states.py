"""Reading aggregate state: latest, as of a sequence, across a branch and its parents.

A history snapshot is written at an aggregate's first change on a timeline, every
`history_snapshot_every` versions, and at every undo or redo. So the latest history
snapshot at or before N, plus the entries touching the aggregate after it (none of which
can be struck out as of N), gives the state at N without scanning the timeline.

Snapshots are derived data, so reading one is resilient (the seed's enableResilientSnapshots):
a read the store could not answer is retried; a snapshot that is missing although the ledger
touched its aggregate, or that does not decode, is rebuilt from that aggregate's ledger
entries (and logged); and on a store whose snapshots may lag behind its ledger (MongoDB
without transactions, shared by several processes) a snapshot is brought forward with the
entries that touched its aggregate since.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from .context import MAIN_TIMELINE
from .errors import SnapshotUnreadable, StoreUnavailable, TimelineNotFound
from .frozen import quick_init
from .ledger import AggregateRef, EntryKind, IntentLedgerEntry
from .model import Aggregate, Event
from .persistence import Persistence, SnapshotRecord, TimelineRecord, TimelineStore
from .query import BasicQuery, apply_query
from .registry import TypeRegistry

A = TypeVar("A", bound=Aggregate)
ALL = BasicQuery(include_deleted=True)
SNAPSHOT_READ_ATTEMPTS = 3
SNAPSHOT_RETRY_DELAY = 0.05  # doubled after each failed attempt

logger = logging.getLogger("nomos_mongo.states")


@quick_init
@dataclass(frozen=True, slots=True)
class Versioned:
    state: Aggregate | None
    version: int = 0
    own: bool = False  # stored on the timeline itself, not read through from a parent


NOTHING = Versioned(None)


def fold(state: Aggregate, events: Iterable[Event]) -> Aggregate:
    for event in events:
        state = state.apply(event)
    return state


def fold_entries(state: Aggregate, entries: Iterable[IntentLedgerEntry], ref: AggregateRef) -> tuple[Aggregate, int]:
    """The state after the events these intent entries had on `ref`, and how many of them changed it."""
    changes = 0
    for entry in entries:
        if entry.kind is EntryKind.INTENT:
            events = entry.events_for(ref)
            if events:
                for event in events:
                    state = state.apply(event)
                changes += 1
    return state, changes


def strike(entry: IntentLedgerEntry, struck: set[str], undo_targets: dict[str, tuple[str, ...]]) -> None:
    """Apply one undo or redo entry to the set of struck-out intent ids (others change nothing)."""
    if entry.kind is EntryKind.UNDO:
        undo_targets[entry.intent_id] = entry.strike_out_intent_ids
        struck.update(entry.strike_out_intent_ids)
    elif entry.kind is EntryKind.REDO:
        for undo_id in entry.strike_out_intent_ids:
            struck.add(undo_id)
            struck.difference_update(undo_targets.get(undo_id, ()))


def struck_as_of(entries: Iterable[IntentLedgerEntry]) -> set[str]:
    """Intent ids struck out after these entries (in sequence order) took effect."""
    struck: set[str] = set()
    undo_targets: dict[str, tuple[str, ...]] = {}
    for entry in entries:
        strike(entry, struck, undo_targets)
    return struck


class TimelineDirectory:
    """Timeline records; `main` of every workspace exists implicitly."""

    def __init__(self, timelines: TimelineStore) -> None:
        self._timelines = timelines

    async def get(self, workspace_id: str, timeline_id: str) -> TimelineRecord | None:
        if timeline_id == MAIN_TIMELINE:
            return None
        return await self._timelines.load_timeline(workspace_id, timeline_id)

    async def require(self, workspace_id: str, timeline_id: str) -> TimelineRecord | None:
        """The record of a branch (None for main); raises if the branch does not exist."""
        if timeline_id == MAIN_TIMELINE:
            return None
        record = await self._timelines.load_timeline(workspace_id, timeline_id)
        if record is None:
            raise TimelineNotFound(workspace_id, timeline_id)
        return record


class States:
    def __init__(self, persistence: Persistence, timelines: TimelineDirectory, registry: TypeRegistry):
        self.persistence = persistence
        self.timelines = timelines
        self.registry = registry

    # one aggregate ----------------------------------------------------------------------
    async def latest(self, ws: str, tl: str, aggregate_type: type[Aggregate], aggregate_id: str) -> Versioned:
        try:
            record = await self._load_snapshot(ws, tl, aggregate_type, aggregate_id)
        except SnapshotUnreadable as exc:
            logger.warning("%s; rebuilding it from the ledger of %s/%s", exc, ws, tl)
            return await self.rebuilt(ws, tl, aggregate_type, aggregate_id)
        ref = AggregateRef(aggregate_type.type_name, aggregate_id)
        if record is not None:
            if self.persistence.snapshots_may_lag:
                return await self._caught_up(ws, tl, aggregate_type, record, ref)
            return Versioned(record.state, record.version, own=True)
        own = [e for e in await self.persistence.load_entries_touching(ws, tl, aggregate_id) if ref in e.touched]
        if own:
            # where snapshots may lag, another process's commit may just not have written it yet
            logger.log(
                logging.INFO if self.persistence.snapshots_may_lag else logging.WARNING,
                "no stored snapshot of %s %s on %s/%s, which its ledger touched; rebuilding it from the ledger",
                ref.type,
                ref.id,
                ws,
                tl,
            )
            return await self.rebuilt(ws, tl, aggregate_type, aggregate_id, own)
        if tl == MAIN_TIMELINE:  # it has no parent to read through to
            return NOTHING
        branch = await self.timelines.get(ws, tl)
        if branch is None or branch.parent_timeline_id is None:
            return NOTHING
        inherited = await self.at(ws, branch.parent_timeline_id, aggregate_type, aggregate_id, branch.fork_sequence)
        return Versioned(inherited.state, inherited.version, own=False)

    async def _load_snapshot(
        self, ws: str, tl: str, aggregate_type: type[Aggregate], aggregate_id: str
    ) -> SnapshotRecord | None:
        for attempt in range(SNAPSHOT_READ_ATTEMPTS):
            try:
                return await self.persistence.load_snapshot(ws, tl, aggregate_type, aggregate_id)
            except StoreUnavailable as exc:
                if attempt + 1 == SNAPSHOT_READ_ATTEMPTS:
                    raise
                logger.info("reading a snapshot failed (%s); retrying", exc)
                await asyncio.sleep(SNAPSHOT_RETRY_DELAY * 2**attempt)
        raise AssertionError("unreachable")

    async def _caught_up(
        self, ws: str, tl: str, aggregate_type: type[Aggregate], record: SnapshotRecord, ref: AggregateRef
    ) -> Versioned:
        """The snapshot with the ledger entries another process committed but has not yet snapshotted."""
        later = [
            e
            for e in await self.persistence.load_entries_touching(ws, tl, ref.id, after=record.sequence)
            if ref in e.touched
        ]
        if not later:
            return Versioned(record.state, record.version, own=True)
        if any(e.kind is not EntryKind.INTENT for e in later):  # an undo or redo: recompute
            return await self.rebuilt(ws, tl, aggregate_type, ref.id)
        state, changes = fold_entries(record.state, later, ref)
        return Versioned(state, record.version + changes, own=True)

    async def rebuilt(
        self,
        ws: str,
        tl: str,
        aggregate_type: type[Aggregate],
        aggregate_id: str,
        entries: list[IntentLedgerEntry] | None = None,
    ) -> Versioned:
        """One aggregate replayed from the timeline's ledger entries that touched it (as verify does)."""
        ref = AggregateRef(aggregate_type.type_name, aggregate_id)
        base: Aggregate | None = None
        version = 0
        branch = await self.timelines.get(ws, tl)
        if branch is not None and branch.parent_timeline_id is not None:
            inherited = await self.at(ws, branch.parent_timeline_id, aggregate_type, aggregate_id, branch.fork_sequence)
            base, version = inherited.state, inherited.version
        if entries is None:
            entries = [
                e for e in await self.persistence.load_entries_touching(ws, tl, aggregate_id) if ref in e.touched
            ]
        state = base
        history: list[tuple[str, tuple[Event, ...]]] = []
        struck: set[str] = set()
        undo_targets: dict[str, tuple[str, ...]] = {}
        for entry in entries:
            if entry.kind is EntryKind.INTENT:
                events = tuple(entry.events_for(ref))
                history.append((entry.intent_id, events))
                state = fold(state if state is not None else aggregate_type.empty(aggregate_id), events)
            else:
                strike(entry, struck, undo_targets)
                state = base if base is not None else aggregate_type.empty(aggregate_id)
                alive = base is not None
                for intent_id, events in history:
                    if intent_id not in struck:
                        state, alive = fold(state, events), True
                if not alive:
                    state = state.evolve(deleted=True)
            version += 1
        return Versioned(state, version, own=bool(entries))

    async def at(
        self, ws: str, tl: str, aggregate_type: type[Aggregate], aggregate_id: str, sequence: int
    ) -> Versioned:
        """The aggregate as it was right after `sequence` on this timeline."""
        record = await self.persistence.load_history_snapshot(ws, tl, aggregate_type, aggregate_id, sequence)
        if record is None:
            branch = await self.timelines.get(ws, tl)
            if branch is None or branch.parent_timeline_id is None:
                return NOTHING
            inherited = await self.at(
                ws, branch.parent_timeline_id, aggregate_type, aggregate_id, min(sequence, branch.fork_sequence)
            )
            return Versioned(inherited.state, inherited.version)
        ref = AggregateRef(aggregate_type.type_name, aggregate_id)
        return await self._brought_forward(ws, tl, record, ref, sequence)

    async def _brought_forward(
        self, ws: str, tl: str, record: SnapshotRecord, ref: AggregateRef, sequence: int
    ) -> Versioned:
        """A history snapshot with the events of the entries touching its aggregate up to `sequence`."""
        if record.sequence >= sequence:
            return Versioned(record.state, record.version, own=True)
        later = await self.persistence.load_entries_touching(ws, tl, ref.id, after=record.sequence, up_to=sequence)
        state, changes = fold_entries(record.state, later, ref)
        return Versioned(state, record.version + changes, own=True)

    # many aggregates --------------------------------------------------------------------
    async def all_latest(self, ws: str, tl: str, aggregate_type: type[Aggregate]) -> dict[str, Aggregate]:
        own = await self.persistence.query_snapshots(ws, tl, aggregate_type, ALL)
        states: dict[str, Aggregate] = {}
        branch = await self.timelines.get(ws, tl)
        if branch is not None and branch.parent_timeline_id is not None:
            states = await self.all_at(ws, branch.parent_timeline_id, aggregate_type, branch.fork_sequence)
        states.update((r.aggregate_id, r.state) for r in own)
        return states

    async def all_at(self, ws: str, tl: str, aggregate_type: type[Aggregate], sequence: int) -> dict[str, Aggregate]:
        branch = await self.timelines.get(ws, tl)
        states: dict[str, Aggregate] = {}
        if branch is not None and branch.parent_timeline_id is not None:
            states = await self.all_at(
                ws, branch.parent_timeline_id, aggregate_type, min(sequence, branch.fork_sequence)
            )
        for record in await self.persistence.query_snapshots(ws, tl, aggregate_type, ALL):
            if record.sequence <= sequence:
                states[record.aggregate_id] = record.state
                continue
            versioned = await self.at(ws, tl, aggregate_type, record.aggregate_id, sequence)
            if versioned.state is None:
                states.pop(record.aggregate_id, None)
            else:
                states[record.aggregate_id] = versioned.state
        return states

    async def query(
        self,
        ws: str,
        tl: str,
        aggregate_type: type[A],
        query: BasicQuery,
        overlay: Mapping[str, Aggregate] | None = None,
    ) -> list[A]:
        branch = await self.timelines.get(ws, tl)
        if branch is None and not overlay:
            records = await self.persistence.query_snapshots(ws, tl, aggregate_type, query)
            return [r.state for r in records]  # type: ignore[misc]
        states = await self.all_latest(ws, tl, aggregate_type)
        if overlay:
            states.update(overlay)
        return apply_query(list(states.values()), query)  # type: ignore[return-value]

    # whole timeline ---------------------------------------------------------------------
    async def state_at_sequence(
        self, ws: str, tl: str, sequence: int, *, use_snapshots: bool = True
    ) -> dict[AggregateRef, Aggregate]:
        """Every aggregate as of `sequence`, deleted ones included."""
        branch = await self.timelines.require(ws, tl)
        states: dict[AggregateRef, Aggregate] = {}
        fork = 0
        if branch is not None and branch.parent_timeline_id is not None:
            fork = branch.fork_sequence
            states = await self.state_at_sequence(
                ws, branch.parent_timeline_id, min(sequence, fork), use_snapshots=use_snapshots
            )
        if sequence <= fork:
            return states
        if use_snapshots:
            # what at() does for each aggregate, with one question to the store for all of them
            records = {
                AggregateRef(self.registry.aggregate_type(r.aggregate_type).type_name, r.aggregate_id): r
                for r in await self.persistence.load_history_snapshots_at(ws, tl, sequence)
            }
            behind = {ref: r.sequence for ref, r in records.items() if r.sequence < sequence}
            later = await self.persistence.load_events_touching(ws, tl, behind, up_to=sequence) if behind else {}
            for ref, record in records.items():
                events = later.get(ref)
                states[ref] = fold(record.state, events) if events else record.state
            return states
        entries = await self.persistence.load_entries(ws, tl, after=fork, up_to=sequence)
        return replay(entries, states, self.registry)


def replay(
    entries: list[IntentLedgerEntry],
    base: dict[AggregateRef, Aggregate],
    registry: TypeRegistry,
) -> dict[AggregateRef, Aggregate]:
    """Fold the events of entries not struck out as of the last of them onto `base`."""
    struck = struck_as_of(entries)
    states = dict(base)
    empty_of: dict[str, Any] = {}
    for entry in entries:
        if entry.kind is not EntryKind.INTENT or entry.intent_id in struck:
            continue
        for record in entry.events:
            ref = AggregateRef(record.aggregate_type, record.aggregate_id)
            state = states.get(ref)
            if state is None:
                cls = empty_of.get(record.aggregate_type)
                if cls is None:
                    cls = empty_of[record.aggregate_type] = registry.aggregate_type(record.aggregate_type)
                state = cls.empty(record.aggregate_id)
            states[ref] = state.apply(record.event)
    return states


@dataclass
class TimelineReader:
    """The SnapshotReader that plan() receives: latest confirmed state, optionally overlaid."""

    states: States
    workspace_id: str
    timeline_id: str
    overlay: Mapping[tuple[str, str], Aggregate] | None = None
    seen: dict[tuple[str, str], Versioned] = field(default_factory=dict)
    # other workspaces read while planning, pinned at the sequence first seen, so that the
    # ledger can record them and replay can read those workspaces as they were
    foreign: dict[str, int] = field(default_factory=dict)

    async def foreign_sequence(self, workspace_id: str) -> int:
        sequence = self.foreign.get(workspace_id)
        if sequence is None:
            sequence = self.foreign[workspace_id] = await self.states.persistence.head(workspace_id, MAIN_TIMELINE)
        return sequence

    async def versioned(self, aggregate_type: type[Aggregate], aggregate_id: str) -> Versioned:
        key = (aggregate_type.type_name, aggregate_id)
        found = self.seen.get(key)
        if found is None:
            found = await self.states.latest(self.workspace_id, self.timeline_id, aggregate_type, aggregate_id)
            self.seen[key] = found
        return found

    async def get(
        self,
        aggregate_type: type[A],
        aggregate_id: str,
        *,
        include_deleted: bool = False,
        workspace_id: str | None = None,
    ) -> A | None:
        if workspace_id is not None and workspace_id != self.workspace_id:
            sequence = await self.foreign_sequence(workspace_id)
            state = (await self.states.at(workspace_id, MAIN_TIMELINE, aggregate_type, aggregate_id, sequence)).state
        else:
            key = (aggregate_type.type_name, aggregate_id)
            if self.overlay and key in self.overlay:
                state = self.overlay[key]
            else:
                found = self.seen.get(key)
                if found is None:
                    found = await self.versioned(aggregate_type, aggregate_id)
                state = found.state
        if state is None or (state.deleted and not include_deleted):
            return None
        return state  # type: ignore[return-value]

    async def query(self, aggregate_type: type[A], query: BasicQuery, *, workspace_id: str | None = None) -> list[A]:
        ws = workspace_id or self.workspace_id
        if ws != self.workspace_id:
            sequence = await self.foreign_sequence(ws)
            states = await self.states.all_at(ws, MAIN_TIMELINE, aggregate_type, sequence)
            return apply_query(list(states.values()), query)  # type: ignore[return-value]
        tl = self.timeline_id
        overlay = None
        if self.overlay and ws == self.workspace_id:
            overlay = {i: s for (t, i), s in self.overlay.items() if t == aggregate_type.type_name}
        return await self.states.query(ws, tl, aggregate_type, query, overlay)
