"""MemoryPersistence: the embedded store. Everything lives in this process's memory.

Stored objects are the engine's immutable values, kept as they are: no encoding on the
hot path, and nothing a caller holds can change what is stored.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from ..errors import DuplicateIntent, PersistenceError, SequenceConflict
from ..ledger import EntryKind, IntentLedgerEntry
from ..model import Aggregate
from ..persistence import Commit, Persistence, SnapshotRecord, TimelineRecord
from ..query import BasicQuery, apply_query

A = TypeVar("A", bound=Aggregate)


def _sequence(record: SnapshotRecord) -> int:
    return record.sequence


def _after(record: SnapshotRecord, up_to: int | None) -> bool:
    return up_to is not None and record.sequence > up_to


@dataclass(slots=True)
class _Timeline:
    entries: list[IntentLedgerEntry] = field(default_factory=list)
    sequences: list[int] = field(default_factory=list)
    # each actor's entries in sequence order: "the latest of one actor" skips everyone else's
    by_actor: dict[str, list[IntentLedgerEntry]] = field(default_factory=dict)
    touches: dict[str, list[int]] = field(default_factory=dict)
    snapshots: dict[str, dict[str, SnapshotRecord]] = field(default_factory=dict)
    history: dict[tuple[str, str], list[SnapshotRecord]] = field(default_factory=dict)

    def head(self) -> int:
        return self.sequences[-1] if self.sequences else 0

    def at(self, sequence: int) -> IntentLedgerEntry | None:
        sequences = self.sequences
        if sequences:  # a timeline's sequences are contiguous: try the direct index first
            index = sequence - sequences[0]
            if 0 <= index < len(sequences) and sequences[index] == sequence:
                return self.entries[index]
        index = bisect.bisect_left(self.sequences, sequence)
        if index < len(self.sequences) and self.sequences[index] == sequence:
            return self.entries[index]
        return None


class MemoryPersistence(Persistence):
    def __init__(self) -> None:
        self._timelines: dict[tuple[str, str], _Timeline] = {}
        self._entry_location: dict[str, IntentLedgerEntry] = {}  # found again by its timeline and sequence
        self._struck: set[str] = set()
        self._stored_struck_out = False  # whether any entry was committed with struck_out set
        self._timeline_records: dict[tuple[str, str], TimelineRecord] = {}

    def _tl(self, workspace_id: str, timeline_id: str) -> _Timeline:
        key = (workspace_id, timeline_id)
        timeline = self._timelines.get(key)
        if timeline is None:
            timeline = self._timelines[key] = _Timeline()
        return timeline

    def _peek(self, workspace_id: str, timeline_id: str) -> _Timeline | None:
        return self._timelines.get((workspace_id, timeline_id))

    def _out(self, entry: IntentLedgerEntry) -> IntentLedgerEntry:
        return entry.with_struck_out(entry.intent_id in self._struck if self._struck else False)

    # ledger -----------------------------------------------------------------------------
    async def commit(self, commit: Commit) -> None:
        entry = commit.entry
        timeline = self._tl(entry.workspace_id, entry.timeline_id)
        sequence = entry.workspace_intent_sequence
        if entry.intent_id in self._entry_location:
            raise DuplicateIntent(entry.intent_id)
        head = timeline.head()
        if sequence <= head:
            raise SequenceConflict(entry.workspace_id, entry.timeline_id, sequence)
        if timeline.sequences and sequence != head + 1:
            raise PersistenceError(f"sequence {sequence} would leave a gap after {head}")
        timeline.entries.append(entry)
        timeline.by_actor.setdefault(entry.actor_id, []).append(entry)
        self._stored_struck_out = self._stored_struck_out or entry.struck_out
        timeline.sequences.append(sequence)
        self._entry_location[entry.intent_id] = entry
        # get-or-create by hand: setdefault would build a throwaway list or dict on every call
        touches, snapshots, history = timeline.touches, timeline.snapshots, timeline.history
        refs = entry.touched
        for aggregate_id in (refs[0].id,) if len(refs) == 1 else dict.fromkeys(ref.id for ref in refs):
            touched = touches.get(aggregate_id)
            if touched is None:
                touches[aggregate_id] = [sequence]
            else:
                touched.append(sequence)
        for record in commit.snapshots:
            of_type = snapshots.get(record.aggregate_type)
            if of_type is None:
                of_type = snapshots[record.aggregate_type] = {}
            of_type[record.aggregate_id] = record
        for record in commit.history:
            key = (record.aggregate_type, record.aggregate_id)
            records = history.get(key)
            if records is None:
                history[key] = [record]
            else:
                records.append(record)
        for intent_id, struck in commit.strike_outs.items():
            if struck:
                self._struck.add(intent_id)
            else:
                self._struck.discard(intent_id)

    async def head(self, workspace_id: str, timeline_id: str) -> int:
        timeline = self._peek(workspace_id, timeline_id)
        return timeline.head() if timeline else 0

    async def load_entry(self, intent_id: str) -> IntentLedgerEntry | None:
        location = self._entry_location.get(intent_id)
        if location is None:
            return None
        entry = self._tl(location.workspace_id, location.timeline_id).at(location.workspace_intent_sequence)
        return self._out(entry) if entry else None

    async def load_entries(
        self,
        workspace_id: str,
        timeline_id: str,
        *,
        after: int = 0,
        up_to: int | None = None,
        limit: int | None = None,
    ) -> list[IntentLedgerEntry]:
        timeline = self._peek(workspace_id, timeline_id)
        if timeline is None:
            return []
        start = bisect.bisect_right(timeline.sequences, after)
        stop = len(timeline.sequences) if up_to is None else bisect.bisect_right(timeline.sequences, up_to)
        if limit is not None:
            stop = min(stop, start + limit)
        return [self._out(e) for e in timeline.entries[start:stop]]

    async def load_entries_touching(
        self,
        workspace_id: str,
        timeline_id: str,
        aggregate_id: str,
        *,
        after: int = 0,
        up_to: int | None = None,
    ) -> list[IntentLedgerEntry]:
        timeline = self._peek(workspace_id, timeline_id)
        if timeline is None:
            return []
        sequences = timeline.touches.get(aggregate_id, [])
        start = bisect.bisect_right(sequences, after)
        stop = len(sequences) if up_to is None else bisect.bisect_right(sequences, up_to)
        touching = sequences[start:stop]
        numbers, entries = timeline.sequences, timeline.entries
        first = numbers[0] if numbers else 0
        contiguous = bool(numbers) and numbers[-1] - first == len(numbers) - 1  # as commit keeps them
        if touching and contiguous and first <= touching[0] and touching[-1] <= numbers[-1]:
            found = [entries[s - first] for s in touching]
        else:
            found = [e for e in map(timeline.at, touching) if e is not None]
        if self._struck or self._stored_struck_out:
            return [self._out(e) for e in found]
        return found

    async def find_latest_entry(
        self,
        workspace_id: str,
        timeline_id: str,
        *,
        kind: EntryKind,
        actor_id: str | None = None,
        include_struck_out: bool = False,
        after: int = 0,
    ) -> IntentLedgerEntry | None:
        timeline = self._peek(workspace_id, timeline_id)
        if timeline is None:
            return None
        candidates = timeline.entries if actor_id is None else timeline.by_actor.get(actor_id, ())
        for entry in reversed(candidates):
            if entry.workspace_intent_sequence <= after:
                return None
            if entry.kind != kind:
                continue
            if not include_struck_out and entry.intent_id in self._struck:
                continue
            return self._out(entry)
        return None

    # snapshots --------------------------------------------------------------------------
    async def load_snapshot(
        self, workspace_id: str, timeline_id: str, aggregate_type: type[A], aggregate_id: str
    ) -> SnapshotRecord | None:
        timeline = self._peek(workspace_id, timeline_id)
        if timeline is None:
            return None
        return timeline.snapshots.get(aggregate_type.type_name, {}).get(aggregate_id)

    async def query_snapshots(
        self, workspace_id: str, timeline_id: str, aggregate_type: type[A], query: BasicQuery
    ) -> list[SnapshotRecord]:
        timeline = self._peek(workspace_id, timeline_id)
        if timeline is None:
            return []
        records = timeline.snapshots.get(aggregate_type.type_name, {})
        return [records[state.id] for state in apply_query([r.state for r in records.values()], query)]

    async def load_history_snapshot(
        self,
        workspace_id: str,
        timeline_id: str,
        aggregate_type: type[A],
        aggregate_id: str,
        at_or_before: int,
    ) -> SnapshotRecord | None:
        timeline = self._peek(workspace_id, timeline_id)
        if timeline is None:
            return None
        records = timeline.history.get((aggregate_type.type_name, aggregate_id), [])
        index = bisect.bisect_right(records, at_or_before, key=_sequence)
        return records[index - 1] if index else None

    async def load_history_snapshots_at(
        self, workspace_id: str, timeline_id: str, at_or_before: int
    ) -> list[SnapshotRecord]:
        timeline = self._peek(workspace_id, timeline_id)
        if timeline is None:
            return []
        found = []
        for records in timeline.history.values():
            if records and records[-1].sequence <= at_or_before:
                found.append(records[-1])
                continue
            index = bisect.bisect_right(records, at_or_before, key=_sequence)
            if index:
                found.append(records[index - 1])
        return found

    async def replace_snapshots(
        self,
        workspace_id: str,
        timeline_id: str,
        snapshots: Sequence[SnapshotRecord],
        history: Sequence[SnapshotRecord],
        *,
        up_to: int | None = None,
    ) -> None:
        # one synchronous swap: no reader of this process can see it half done
        timeline = self._tl(workspace_id, timeline_id)
        newer = [r for of_type in timeline.snapshots.values() for r in of_type.values() if _after(r, up_to)]
        timeline.snapshots = {}
        for record in [*snapshots, *newer]:  # a newer stored record replaces the given one
            timeline.snapshots.setdefault(record.aggregate_type, {})[record.aggregate_id] = record
        kept = [r for records in timeline.history.values() for r in records if _after(r, up_to)]
        timeline.history = {}
        for record in sorted([*history, *kept], key=_sequence):
            timeline.history.setdefault((record.aggregate_type, record.aggregate_id), []).append(record)

    # timelines --------------------------------------------------------------------------
    async def save_timeline(self, record: TimelineRecord) -> None:
        self._timeline_records[(record.workspace_id, record.timeline_id)] = record

    async def load_timeline(self, workspace_id: str, timeline_id: str) -> TimelineRecord | None:
        return self._timeline_records.get((workspace_id, timeline_id))

    async def list_timelines(self, workspace_id: str) -> list[TimelineRecord]:
        return [r for (ws, _), r in self._timeline_records.items() if ws == workspace_id]

    async def list_workspaces(self) -> list[str]:
        names = {ws for ws, _ in self._timelines} | {ws for ws, _ in self._timeline_records}
        return sorted(names)
