"""What the store keeps in memory so that a dispatch costs one trip to a thread, not three.

A dispatch asks for its intent id (is it stored already?) and for the snapshots it
changes (new ones are usually absent), then commits. Each question answered on a thread
costs a wake-up of that thread and of the loop, far more than the question itself.
Because one process owns the database (`lock.py`), the store can answer from memory:

- `Bloom`: a Bloom filter of intent ids and of snapshot keys. "Not there" is certain and
  costs no trip; "maybe" asks SQLite. 10 bits per key (1% false positives): 1.2 MB for a
  million intents, in one bytearray rather than a million Python objects. Sized at start
  for twice what is stored; past that its false positives grow, and the next start sizes
  it again.
- `SnapshotCache`: the most recently used snapshots, a bounded LRU (10,000 by default).
  Commits write through it; a read fills it only if no commit ran meanwhile, so a slow
  read can never put back a state that a commit replaced. A second one keeps each
  aggregate's newest history record, which answers `state_at_sequence` lookups at or after
  it (the audit sentence of every intent reads its actor's name that way).
"""

from __future__ import annotations

import hashlib
import math
from collections import OrderedDict
from collections.abc import Iterable

from ...persistence import SnapshotRecord

SnapshotKey = tuple[str, str, str, str]  # aggregate type, workspace, timeline, aggregate id


def snapshot_key(record: SnapshotRecord) -> SnapshotKey:
    return (record.aggregate_type, record.workspace_id, record.timeline_id, record.aggregate_id)


class Bloom:
    HASHES = 7
    BITS_PER_KEY = 10

    def __init__(self, expected: int) -> None:
        self._bits = max(1 << 16, int(max(expected, 1) * self.BITS_PER_KEY))
        self._array = bytearray(math.ceil(self._bits / 8))

    def _positions(self, key: str) -> Iterable[int]:
        digest = hashlib.blake2b(key.encode(), digest_size=16).digest()
        first, second = int.from_bytes(digest[:8], "little"), int.from_bytes(digest[8:], "little") | 1
        bits = self._bits
        return ((first + i * second) % bits for i in range(self.HASHES))

    def add(self, key: str) -> None:
        array = self._array
        for position in self._positions(key):
            array[position >> 3] |= 1 << (position & 7)

    def __contains__(self, key: str) -> bool:
        array = self._array
        return all(array[position >> 3] & (1 << (position & 7)) for position in self._positions(key))


def key_text(key: tuple[str, ...]) -> str:
    return "\x00".join(key)


class SnapshotCache:
    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._records: OrderedDict[SnapshotKey, SnapshotRecord] = OrderedDict()
        self.generation = 0  # counts commits: a read begun before one may be stale

    def get(self, key: SnapshotKey) -> SnapshotRecord | None:
        record = self._records.get(key)
        if record is not None:
            self._records.move_to_end(key)
        return record

    def written(self, records: Iterable[SnapshotRecord]) -> None:
        self.generation += 1
        for record in records:
            self._put(snapshot_key(record), record)

    def read(self, key: SnapshotKey, record: SnapshotRecord, generation: int) -> None:
        if generation == self.generation:
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
