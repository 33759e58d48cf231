"""The persistence port: what the engine asks of a store, and the records that cross it.

An adapter implements `Persistence` and imports nothing but this module and the engine's
value types. The contract suite in tests/persistence/test_contract.py is the specification.

Rules every adapter keeps:
- `commit` is atomic: the ledger entry, its snapshots, history snapshots, strike-outs and
  the timeline head are written together or not at all.
- `commit` raises `SequenceConflict` when (workspace, timeline, sequence) is taken and
  `DuplicateIntent` when the intent id is stored already; nothing is written then.
- Reads of a timeline return that timeline's own entries only (a branch's entries after
  its fork point); the engine composes parents.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import TypeVar

from .frozen import quick_init
from .ledger import EntryKind, IntentLedgerEntry
from .model import Aggregate
from .query import BasicQuery
from .registry import TypeRegistry

A = TypeVar("A", bound=Aggregate)


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


class Persistence(ABC):
    """The store behind one NomosApp."""

    #: True when `watch_commits` reports writes made by other processes (MongoDB change
    #: streams or polling). The in-memory store has only its own process's writes.
    reports_foreign_commits: bool = False

    def bind(self, registry: TypeRegistry) -> None:
        """Receive the registry used to encode and decode stored types."""
        self.registry = registry

    async def start(self) -> None:
        """Connect and prepare (indexes). Idempotent."""

    async def close(self) -> None:
        """Release connections and background tasks."""

    # ledger -----------------------------------------------------------------------------
    @abstractmethod
    async def commit(self, commit: Commit) -> None: ...

    @abstractmethod
    async def head(self, workspace_id: str, timeline_id: str) -> int:
        """The highest sequence stored on this timeline itself (0 when it has none)."""

    @abstractmethod
    async def load_entry(self, intent_id: str) -> IntentLedgerEntry | None: ...

    @abstractmethod
    async def load_entries(
        self,
        workspace_id: str,
        timeline_id: str,
        *,
        after: int = 0,
        up_to: int | None = None,
        limit: int | None = None,
    ) -> list[IntentLedgerEntry]:
        """Entries with after < sequence <= up_to, ascending, at most `limit`."""

    @abstractmethod
    async def load_entries_touching(
        self,
        workspace_id: str,
        timeline_id: str,
        aggregate_id: str,
        *,
        after: int = 0,
        up_to: int | None = None,
    ) -> list[IntentLedgerEntry]:
        """Entries (ascending) whose `touched` includes an aggregate with this id."""

    @abstractmethod
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
        """The entry of `kind` with the highest sequence > `after` (optionally by one actor)."""

    # snapshots --------------------------------------------------------------------------
    @abstractmethod
    async def load_snapshot(
        self, workspace_id: str, timeline_id: str, aggregate_type: type[A], aggregate_id: str
    ) -> SnapshotRecord | None: ...

    @abstractmethod
    async def query_snapshots(
        self, workspace_id: str, timeline_id: str, aggregate_type: type[A], query: BasicQuery
    ) -> list[SnapshotRecord]:
        """Current snapshots of one type on this timeline itself, evaluated as query.apply_query."""

    @abstractmethod
    async def load_history_snapshot(
        self,
        workspace_id: str,
        timeline_id: str,
        aggregate_type: type[A],
        aggregate_id: str,
        at_or_before: int,
    ) -> SnapshotRecord | None: ...

    @abstractmethod
    async def load_history_snapshots_at(
        self, workspace_id: str, timeline_id: str, at_or_before: int
    ) -> list[SnapshotRecord]:
        """For every aggregate of this timeline, its latest history snapshot with sequence <= N."""

    @abstractmethod
    async def replace_snapshots(
        self,
        workspace_id: str,
        timeline_id: str,
        snapshots: Sequence[SnapshotRecord],
        history: Sequence[SnapshotRecord],
    ) -> None:
        """Repair: drop this timeline's snapshots and history and store these instead."""

    # timelines --------------------------------------------------------------------------
    @abstractmethod
    async def save_timeline(self, record: TimelineRecord) -> None: ...

    @abstractmethod
    async def load_timeline(self, workspace_id: str, timeline_id: str) -> TimelineRecord | None: ...

    @abstractmethod
    async def list_timelines(self, workspace_id: str) -> list[TimelineRecord]: ...

    @abstractmethod
    async def list_workspaces(self) -> list[str]: ...

    # notifications ----------------------------------------------------------------------
    def watch_commits(self) -> AsyncIterator[CommitNotice] | None:
        """Commits made by any process, for stores where other processes write too."""
        return None

    async def ping(self) -> None:
        """Raise PersistenceError if the store cannot be reached."""
