"""The persistence ports: what the engine asks of a store, one small port per role.

| port              | methods                                                        | who needs it          |
|-------------------|----------------------------------------------------------------|-----------------------|
| `LedgerRecorder`  | commit, head, load_entry, load_entries                         | every write, replay   |
| `LedgerSearch`    | load_entries_touching, load_events_touching, find_latest_entry | undo, redo, history   |
| `SnapshotStore`   | load_snapshot, query_snapshots                                 | reads, live queries   |
| `HistoryStore`    | load_history_snapshot, load_history_snapshots_at               | state_at_sequence     |
| `SnapshotRepair`  | replace_snapshots                                              | rebuild, verification |
| `TimelineStore`   | save_timeline, load_timeline, list_timelines                   | branching             |
| `WorkspaceIndex`  | list_workspaces                                                | admin listings        |

`CommitPipeline` is an optional port: a store that writes commits in the order it receives
them (one writer, as SQLite's) lets the timeline writer release the timeline's lock before
a commit is durable, so that concurrent dispatches on one timeline share a transaction.

`Persistence` composes them with the store's lifecycle (bind, start, close, ping and the
optional commit feed); an adapter implements `Persistence`, and engine code asks for the
narrowest port it needs. The values crossing the ports are the frozen dataclasses of
`records.py` and the ledger entry of `ledger.py`. The contract suite every adapter passes is
`nomos_mongo.testing` (see its docstring for running it against an adapter of your own).

Rules every adapter keeps:
- `commit` is atomic: the ledger entry, its snapshots, history snapshots, strike-outs and
  the timeline head are written together or not at all.
- `commit` raises `SequenceConflict` when (workspace, timeline, sequence) is taken and
  `DuplicateIntent` when the intent id is stored already; nothing is written then.
- A snapshot that cannot be decoded is `SnapshotUnreadable`; a store that cannot be reached
  raises `StoreUnavailable`. The engine rebuilds the one and retries the other.
- Reads of a timeline return that timeline's own entries only (a branch's entries after
  its fork point); the engine composes parents.
"""

from __future__ import annotations

import asyncio
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Callable, Collection, Mapping, Sequence
from contextvars import ContextVar
from typing import TypeVar

from .ledger import AggregateRef, EntryKind, IntentLedgerEntry
from .model import Aggregate, Event
from .query import BasicQuery
from .records import Commit, CommitNotice, SnapshotRecord, TimelineRecord, TimelineStatus
from .registry import TypeRegistry

__all__ = [
    "Commit",
    "CommitNotice",
    "CommitPipeline",
    "HistoryStore",
    "LedgerRecorder",
    "LedgerSearch",
    "Persistence",
    "SnapshotRecord",
    "SnapshotRepair",
    "SnapshotStore",
    "TimelineRecord",
    "TimelineStatus",
    "TimelineStore",
    "WatchedTimelines",
    "WorkspaceIndex",
]

A = TypeVar("A", bound=Aggregate)
WatchedTimelines = Callable[[], Collection[tuple[str, str]] | None]  # None: every timeline


class LedgerRecorder(ABC):
    """Appends commits and reads the ledger back by sequence or intent id."""

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


class LedgerSearch(ABC):
    """Finds entries by what they touched or by kind, without reading the whole timeline."""

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

    async def load_events_touching(
        self,
        workspace_id: str,
        timeline_id: str,
        after: Mapping[AggregateRef, int],
        *,
        up_to: int,
    ) -> dict[AggregateRef, list[Event]]:
        """For each aggregate, the events that intent entries with `after[ref] < sequence <= up_to`
        had on it, in sequence order (undo and redo entries carry none of their own).

        What a state of the past folds onto each aggregate's history snapshot. This default
        asks `load_entries_touching` once per aggregate; a store that can answer for many
        aggregates in one query, and without decoding whole entries, overrides it.
        """
        found: dict[AggregateRef, list[Event]] = {}
        for ref, since in after.items():
            entries = await self.load_entries_touching(workspace_id, timeline_id, ref.id, after=since, up_to=up_to)
            found[ref] = [event for e in entries if e.kind is EntryKind.INTENT for event in e.events_for(ref)]
        return found

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


class SnapshotStore(ABC):
    """The current state of each aggregate per timeline: what queries read."""

    @abstractmethod
    async def load_snapshot(
        self, workspace_id: str, timeline_id: str, aggregate_type: type[A], aggregate_id: str
    ) -> SnapshotRecord | None: ...

    @abstractmethod
    async def query_snapshots(
        self, workspace_id: str, timeline_id: str, aggregate_type: type[A], query: BasicQuery
    ) -> list[SnapshotRecord]:
        """Current snapshots of one type on this timeline itself, evaluated as query.apply_query."""


class HistoryStore(ABC):
    """Snapshots kept along the way, so a past state needs no replay from the start."""

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


class SnapshotRepair(ABC):
    """Snapshots are derived from the ledger; repair replaces a timeline's derived state."""

    @abstractmethod
    async def replace_snapshots(
        self,
        workspace_id: str,
        timeline_id: str,
        snapshots: Sequence[SnapshotRecord],
        history: Sequence[SnapshotRecord],
        *,
        up_to: int | None = None,
    ) -> None:
        """Repair as of sequence `up_to` (None: all): store these instead of what is stored.

        Snapshots and history records written for sequences after `up_to` (commits that
        landed while the repair was computed) stay as they are, and a stored snapshot newer
        than `up_to` wins over the given one. Readers never find the timeline without its
        snapshots meanwhile: the given records are written before the stale ones are dropped.
        """


class TimelineStore(ABC):
    """Branch metadata: parent, fork point, status."""

    @abstractmethod
    async def save_timeline(self, record: TimelineRecord) -> None: ...

    @abstractmethod
    async def load_timeline(self, workspace_id: str, timeline_id: str) -> TimelineRecord | None: ...

    @abstractmethod
    async def list_timelines(self, workspace_id: str) -> list[TimelineRecord]: ...


class WorkspaceIndex(ABC):
    @abstractmethod
    async def list_workspaces(self) -> list[str]:
        """Every workspace with a ledger entry or a timeline, sorted."""


_planning: ContextVar[bool] = ContextVar("nomos_planning", default=False)


class planning:  # a class, not a generator-based context manager: it runs on every write
    """Reads made inside see the commits this process has ordered and not yet made durable."""

    __slots__ = ("_token",)

    def __enter__(self) -> None:
        self._token = _planning.set(True)

    def __exit__(self, *_: object) -> None:
        _planning.reset(self._token)


def is_planning() -> bool:
    return _planning.get()


class CommitPipeline(ABC):
    """A store that makes commits durable in the order it receives them.

    `order` takes the commit now, in order after every commit ordered before it, and returns
    a future that is done when the commit is durable (or has failed). From the moment it is
    ordered, reads made under `planning()` see it: the head, its snapshots and history, so
    that the next commit on the timeline is planned on top of it. Reads outside `planning()`
    see durable commits only. When an ordered commit fails, every commit of the same
    timeline ordered after it fails with `Superseded` (it was planned on a state that never
    came to be) and is planned again; none of them is written.

    A failure can also land while the next commit is being planned: `epoch` names the staged
    state a planner starts from, and `order` refuses (`Superseded`) a commit planned on an
    epoch that a failure has ended since.
    """

    @abstractmethod
    def epoch(self, workspace_id: str, timeline_id: str) -> int:
        """Changes whenever a failure drops what was staged on the timeline."""

    @abstractmethod
    def order(self, commit: Commit, epoch: int) -> asyncio.Future[None]: ...


class Persistence(
    LedgerRecorder, LedgerSearch, SnapshotStore, HistoryStore, SnapshotRepair, TimelineStore, WorkspaceIndex
):
    """The store behind one NomosApp: every port, and the store's lifecycle."""

    #: True when `watch_commits` reports writes made by other processes (MongoDB change
    #: streams or polling). The in-memory store has only its own process's writes.
    reports_foreign_commits: bool = False

    #: True when a commit's ledger entry can be read before its snapshots are written (a
    #: store without transactions, shared by several processes): readers then bring each
    #: snapshot forward with the ledger entries that touched it since.
    snapshots_may_lag: bool = False

    def bind(self, registry: TypeRegistry) -> None:
        """Receive the registry used to encode and decode stored types."""
        self.registry = registry

    async def start(self) -> None:
        """Connect and prepare (indexes). Idempotent."""

    async def close(self) -> None:
        """Release connections and background tasks."""

    def watch_commits(self, watched: WatchedTimelines | None = None) -> AsyncIterator[CommitNotice] | None:
        """Commits made by any process, for stores where other processes write too.

        `watched` names the (workspace, timeline) pairs someone in this process watches now
        (None: every timeline): a store that has to poll for foreign commits polls only those.
        """
        return None

    async def ping(self) -> None:
        """Raise PersistenceError if the store cannot be reached."""
