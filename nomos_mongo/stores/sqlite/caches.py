"""What the store keeps in memory so that a dispatch costs one trip to a thread, not three.

A dispatch asks for its intent id (is it stored already?) and for the snapshots it
changes (new ones are usually absent), then commits. Each question answered on a thread
costs a wake-up of that thread and of the loop, far more than the question itself.
Because one process owns the database (`lock.py`), the store can answer from memory:

- `Bloom`: a Bloom filter of intent ids and of snapshot keys. "Not there" is certain and
  costs no trip; "maybe" asks SQLite. 10 bits per key (1% false positives): 1.2 MB for a
  million intents, in bytearrays rather than a million Python objects. Sized at start for
  twice what is stored; when that many more keys have come, it adds a layer twice as
  large (a scalable Bloom filter), so a store that grows while it runs keeps its answers
  (a saturated filter says "maybe" to everything, and every new aggregate's read would
  cost a trip to SQLite).
- `SnapshotCache`: the most recently used snapshots, a bounded LRU (2,000 by default:
  a cached aggregate is some fifteen Python objects, and every full pass of the collector
  walks them all, so the bound is also what keeps those passes short).
  Commits write through it; a read fills it only if no commit wrote that key meanwhile,
  so a slow read can never put back a state that a commit replaced. A second one keeps each
  aggregate's newest history record, which answers `state_at_sequence` lookups at or after
  it (the audit sentence of every intent reads its actor's name that way).
- `Staged`: what the commits ordered and not yet durable wrote (see `CommitPipeline`),
  which the timeline writer's planning reads see before SQLite does.
"""

from __future__ import annotations

import asyncio
import math
from collections import OrderedDict
from collections.abc import Iterable

from ...persistence import Commit, SnapshotRecord

SnapshotKey = tuple[str, str, str, str]  # aggregate type, workspace, timeline, aggregate id


def snapshot_key(record: SnapshotRecord) -> SnapshotKey:
    return (record.aggregate_type, record.workspace_id, record.timeline_id, record.aggregate_id)


_SALT = 0x5BD1E995


def _hashes(key: str) -> tuple[int, int]:
    """Two hashes of the key for double hashing: its str hash, and the hash of a pair holding it.

    Python's hashes are process-local (PYTHONHASHSEED), which is enough: the filters are built
    anew from the database at every start. Both are computed in C (the str's is cached on it),
    far cheaper than a digest.
    """
    return hash(key), hash((key, _SALT))


class _BloomLayer:
    HASHES = 7
    BITS_PER_KEY = 10

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self.count = 0
        self._bits = max(1 << 16, capacity * self.BITS_PER_KEY)
        self._array = bytearray(math.ceil(self._bits / 8))

    def add(self, first: int, second: int) -> None:
        array, bits = self._array, self._bits
        position, step = first % bits, (second % bits) or 1
        for _ in range(self.HASHES):
            array[position >> 3] |= 1 << (position & 7)
            position = (position + step) % bits
        self.count += 1

    def holds(self, first: int, second: int) -> bool:
        """All of the key's bits are set; stops at the first clear one (most absent keys: the first)."""
        array, bits = self._array, self._bits
        position, step = first % bits, (second % bits) or 1
        for _ in range(self.HASHES):
            if not array[position >> 3] & (1 << (position & 7)):
                return False
            position = (position + step) % bits
        return True


class Bloom:
    MIN_CAPACITY = 1 << 13

    def __init__(self, expected: int) -> None:
        self._layers = [_BloomLayer(max(expected, self.MIN_CAPACITY))]

    def add(self, key: str) -> None:
        layer = self._layers[-1]
        if layer.count >= layer.capacity:
            layer = _BloomLayer(2 * layer.capacity)
            self._layers.append(layer)
        layer.add(*_hashes(key))

    def __contains__(self, key: str) -> bool:
        first, second = _hashes(key)
        return any(layer.holds(first, second) for layer in self._layers)


def key_text(key: tuple[str, ...]) -> str:
    return "\x00".join(key)


class SnapshotCache:
    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._records: OrderedDict[SnapshotKey, SnapshotRecord] = OrderedDict()
        self.generation = 0  # counts commits: a read begun before one may be stale
        # the generation each recently written key was last written at, bounded; `_forgotten`
        # is the newest generation dropped from it (a read begun before that cannot tell)
        self._written_at: OrderedDict[SnapshotKey, int] = OrderedDict()
        self._forgotten = 0

    def get(self, key: SnapshotKey) -> SnapshotRecord | None:
        record = self._records.get(key)
        if record is not None:
            self._records.move_to_end(key)
        return record

    def peek(self, key: SnapshotKey) -> SnapshotRecord | None:
        """The record if held, without marking it used: one dict lookup, safe from a reader thread."""
        return self._records.get(key)

    def written(self, records: Iterable[SnapshotRecord]) -> None:
        self.generation += 1
        written_at = self._written_at
        for record in records:
            key = snapshot_key(record)
            self._put(key, record)
            written_at[key] = self.generation
            written_at.move_to_end(key)
        while len(written_at) > max(self.capacity, 1024):
            self._forgotten = written_at.popitem(last=False)[1]

    def read(self, key: SnapshotKey, record: SnapshotRecord, generation: int) -> None:
        """Keep what a read begun at `generation` found, unless a commit wrote the key since."""
        if self._written_at.get(key, 0) <= generation and self._forgotten <= generation:
            self._put(key, record)

    def _put(self, key: SnapshotKey, record: SnapshotRecord) -> None:
        if self.capacity <= 0:
            return
        self._records[key] = record
        self._records.move_to_end(key)
        while len(self._records) > self.capacity:
            self._records.popitem(last=False)

    def clear(self) -> None:
        self.generation += 1
        self._records.clear()
        self._written_at.clear()
        self._forgotten = self.generation


Timeline = tuple[str, str]


class Staged:
    """Commits ordered and not yet durable: their head, snapshots and history, per timeline."""

    def __init__(self) -> None:
        self.heads: dict[Timeline, int] = {}
        self.snapshots: dict[SnapshotKey, SnapshotRecord] = {}
        self.history: dict[SnapshotKey, SnapshotRecord] = {}
        self._outstanding: dict[Timeline, int] = {}
        self._last: dict[Timeline, asyncio.Future[None]] = {}
        self._epochs: dict[Timeline, int] = {}  # bumped when a failure drops a timeline's staged state

    def epoch(self, timeline: Timeline) -> int:
        return self._epochs.get(timeline, 0)

    def add(self, commit: Commit, durable: asyncio.Future[None]) -> None:
        entry = commit.entry
        timeline = (entry.workspace_id, entry.timeline_id)
        self.heads[timeline] = max(self.heads.get(timeline, 0), entry.workspace_intent_sequence)
        for record in commit.snapshots:
            self.snapshots[snapshot_key(record)] = record
        for record in commit.history:
            self.history[snapshot_key(record)] = record
        self._outstanding[timeline] = self._outstanding.get(timeline, 0) + 1
        self._last[timeline] = durable

    def holds(self, workspace_id: str, timeline_id: str) -> bool:
        return (workspace_id, timeline_id) in self._outstanding

    async def durable(self, workspace_id: str, timeline_id: str) -> None:
        """Wait until every commit ordered on the timeline so far is durable or has failed."""
        last = self._last.get((workspace_id, timeline_id))
        if last is not None and not last.done():
            await asyncio.wait([last])

    def settled(self, commit: Commit, stored: bool) -> None:
        entry = commit.entry
        timeline = (entry.workspace_id, entry.timeline_id)
        if timeline not in self._outstanding:
            return  # a commit that was never staged (a plain `commit`), or dropped already
        if stored:
            for records, staged in ((commit.snapshots, self.snapshots), (commit.history, self.history)):
                for record in records:
                    key = snapshot_key(record)
                    if staged.get(key) is record:
                        del staged[key]
        else:  # the commits ordered after it fail too (`Superseded`): nothing staged on it stands
            for staged in (self.snapshots, self.history):
                for key in [k for k in staged if (k[1], k[2]) == timeline]:
                    del staged[key]
            self.heads.pop(timeline, None)
            self._epochs[timeline] = self.epoch(timeline) + 1
        left = self._outstanding[timeline] - 1
        if left:
            self._outstanding[timeline] = left
        else:
            del self._outstanding[timeline]
            self.heads.pop(timeline, None)
            self._last.pop(timeline, None)

    def clear(self) -> None:
        self.heads.clear()
        self.snapshots.clear()
        self.history.clear()
        self._outstanding.clear()
        self._last.clear()
        self._epochs.clear()
