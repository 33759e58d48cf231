"""The values that cross the persistence ports: frozen dataclasses, nothing a store can mutate.

The ledger entry itself (`IntentLedgerEntry`) lives in `ledger.py`, next to the engine that
builds it; everything else a store reads or writes is here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from .frozen import quick_init
from .ledger import IntentLedgerEntry
from .model import Aggregate


class TimelineStatus(StrEnum):
    ACTIVE = "active"
    MERGED = "merged"
    DISCARDED = "discarded"


@dataclass(frozen=True, slots=True)
class TimelineRecord:
    workspace_id: str
    timeline_id: str
    parent_timeline_id: str | None
    fork_sequence: int
    created_at: datetime
    status: TimelineStatus = TimelineStatus.ACTIVE
    created_by: str | None = None


@quick_init
@dataclass(frozen=True, slots=True)
class SnapshotRecord:
    """The state of one aggregate on one timeline as of `sequence` (its `version`-th change)."""

    workspace_id: str
    timeline_id: str
    aggregate_type: str
    aggregate_id: str
    sequence: int
    version: int
    state: Aggregate


@quick_init
@dataclass(frozen=True, slots=True)
class Commit:
    """Everything one dispatch writes, atomically."""

    entry: IntentLedgerEntry
    snapshots: tuple[SnapshotRecord, ...] = ()
    history: tuple[SnapshotRecord, ...] = ()
    strike_outs: Mapping[str, bool] = field(default_factory=dict)  # intent id -> struck out


@quick_init
@dataclass(frozen=True, slots=True)
class CommitNotice:
    """A wake-up: something was appended. The ledger, read by sequence, is the truth."""

    workspace_id: str
    timeline_id: str
    sequence: int
    aggregate_types: frozenset[str] = frozenset()
