"""The one write path of a timeline: lock, writability, next sequence, commit with retry, publish.

Every kind of write (an intent, an undo, a redo, a merge's re-dispatch) is a `Planner` that
`TimelineWriter` runs. The writer holds the timeline's lock in this process, asks the planner
for a `Commit` at the next sequence and writes it. When another process took that sequence
first, the writer backs off (exponentially, with full jitter) and asks the planner again, so
the intent is re-planned against the new state, until the attempts or the time budget of
`NomosOptions` run out: then `LedgerWriteConflict`.

On a store that orders commits (`CommitPipeline`: SQLite's one writer), the lock covers
planning and ordering only, not the wait for durability: the next write on the timeline
plans on the ordered commit (reads under `planning()` see it), and the store writes the
commits that queued up meanwhile in one transaction. Each caller still gets its result only
when its commit is durable, and entries are published in sequence order.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from .context import MAIN_TIMELINE
from .errors import DuplicateIntent, LedgerWriteConflict, SequenceConflict, Superseded, TimelineError
from .ledger import AggregateRef, IntentLedgerEntry
from .live import LiveResults
from .model import Aggregate
from .options import NomosOptions
from .persistence import Commit, CommitPipeline, Persistence, TimelineRecord, TimelineStatus, planning
from .states import TimelineDirectory

#: Called inside the writer's lock with the entries a write is about to act on (the intent an
#: undo strikes out, the branch intents a merge re-executes); raises to refuse the write.
Authorize = Callable[[Sequence[IntentLedgerEntry]], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Written:
    """A ledger entry and what it left: each touched aggregate right after it (None: gone).

    `states` is None for an entry that was stored before (an idempotent retry): it was not
    produced by this write, and whoever needs the states reads them.
    """

    entry: IntentLedgerEntry
    states: Mapping[AggregateRef, Aggregate | None] | None = None


@dataclass(frozen=True, slots=True)
class Slot:
    """Where a planner's commit goes: the next sequence of a timeline, on the n-th attempt."""

    workspace_id: str
    timeline_id: str
    sequence: int
    attempt: int


class Planner(Protocol):
    async def plan(self, slot: Slot) -> Commit | Written | None:
        """The commit to write at `slot.sequence`; or a result as it is; or None: nothing to write."""
        ...

    async def settled(self) -> Written | None:
        """After DuplicateIntent: the entry stored meanwhile under this intent's id, if it is ours."""
        ...


class Backoff:
    """Exponential backoff with full jitter, bounded by a total time and by stalled attempts.

    A conflict while the timeline's head moved means others are writing: the writer is
    outpaced, not stuck, and only the time budget bounds its retries. A conflict with no
    progress (a store that refuses every sequence) counts toward `max_dispatch_attempts`.
    """

    def __init__(self, options: NomosOptions) -> None:
        self.options = options
        self.attempts = 1
        self.stalled = 0
        self.started = time.monotonic()

    async def wait(self, progressed: bool = False) -> bool:
        """Sleep before the next attempt; False when the budget is spent (give up)."""
        options = self.options
        if not progressed:
            self.stalled += 1
            if self.stalled >= options.max_dispatch_attempts:
                return False
        ceiling = min(options.conflict_backoff_max_seconds, options.conflict_backoff_seconds * 2 ** (self.attempts - 1))
        delay = random.uniform(0, ceiling)
        if time.monotonic() - self.started + delay > options.conflict_budget_seconds:
            return False
        await asyncio.sleep(delay)
        self.attempts += 1
        return True


NOT_LOCKED = contextlib.nullcontext()


def produced_states(commit: Commit) -> dict[AggregateRef, Aggregate | None]:
    return {
        AggregateRef(r.aggregate_type, r.aggregate_id): None if r.state.deleted else r.state for r in commit.snapshots
    }


class TimelineWriter:
    def __init__(
        self, persistence: Persistence, timelines: TimelineDirectory, options: NomosOptions, live: LiveResults
    ) -> None:
        self.persistence = persistence
        self.timelines = timelines
        self.options = options
        self.live = live
        self._locks: dict[tuple[str, str], asyncio.Lock] = {}
        self._pipeline = persistence if isinstance(persistence, CommitPipeline) else None

    def lock(self, workspace_id: str, timeline_id: str) -> asyncio.Lock:
        """The lock every write to this timeline holds in this process."""
        key = (workspace_id, timeline_id)
        lock = self._locks.get(key)
        if lock is None:
            lock = self._locks[key] = asyncio.Lock()
        return lock

    @contextlib.asynccontextmanager
    async def holding(self, workspace_id: str, *timeline_ids: str) -> AsyncIterator[None]:
        """Hold several timelines' locks, taken in one order so that two holders never deadlock."""
        async with contextlib.AsyncExitStack() as stack:
            for timeline_id in sorted(set(timeline_ids)):
                await stack.enter_async_context(self.lock(workspace_id, timeline_id))
            yield

    async def writable(self, workspace_id: str, timeline_id: str) -> TimelineRecord | None:
        """The branch record (None for main), if the timeline takes writes; raises otherwise."""
        if timeline_id == MAIN_TIMELINE:  # always exists, always writable
            return None
        branch = await self.timelines.require(workspace_id, timeline_id)
        if branch is not None and branch.status is not TimelineStatus.ACTIVE:
            raise TimelineError(
                f"timeline {timeline_id!r} of workspace {workspace_id!r} is {branch.status.value}; it takes no writes"
            )
        return branch

    async def last_sequence(self, workspace_id: str, timeline_id: str, branch: TimelineRecord | None) -> int:
        """The head of a timeline; a branch without entries of its own is at its fork point."""
        own = await self.persistence.head(workspace_id, timeline_id)
        return max(own, branch.fork_sequence if branch else 0)

    async def write(self, workspace_id: str, timeline_id: str, planner: Planner) -> Written | None:
        """Plan and commit under the timeline's lock.

        On a store that orders commits (`CommitPipeline`), the lock is held while planning and
        ordering only: the next write plans on top of the ordered commit while it becomes
        durable, and concurrent writes on one timeline share the store's transaction. Success
        is still returned only once the commit is durable.
        """
        lock = self.lock(workspace_id, timeline_id)
        if self._pipeline is not None:
            return await self._write(workspace_id, timeline_id, planner, lock)
        async with lock:  # held through the retries too: waiting writers queue behind, in order
            return await self._write(workspace_id, timeline_id, planner, None)

    async def write_held(self, workspace_id: str, timeline_id: str, planner: Planner) -> Written | None:
        """`write`, for a caller that holds the timeline's lock already (see `holding`)."""
        return await self._write(workspace_id, timeline_id, planner, None)

    async def _write(
        self, workspace_id: str, timeline_id: str, planner: Planner, lock: asyncio.Lock | None
    ) -> Written | None:
        """The attempts; `lock` is taken for each and let go before its commit is durable."""
        pipeline = self._pipeline
        backoff = Backoff(self.options)
        attempt = 0
        while True:
            failure: SequenceConflict | DuplicateIntent
            async with lock if lock is not None else NOT_LOCKED:
                epoch = pipeline.epoch(workspace_id, timeline_id) if pipeline is not None else 0
                with planning():
                    branch = await self.writable(workspace_id, timeline_id)
                    sequence = await self.last_sequence(workspace_id, timeline_id, branch) + 1
                    planned = await planner.plan(Slot(workspace_id, timeline_id, sequence, attempt))
                if not isinstance(planned, Commit):
                    return planned
                if pipeline is None:
                    try:
                        await self.persistence.commit(planned)
                    except (SequenceConflict, DuplicateIntent) as exc:
                        failure = exc
                    else:
                        self.publish(planned.entry)
                        return Written(planned.entry, produced_states(planned))
                else:
                    durable = self._ordered(pipeline, planned, epoch)
                    if lock is None:  # the caller holds the lock on for more: durable before it goes on
                        await asyncio.wait([durable])
            if pipeline is not None:
                try:
                    await durable
                except (SequenceConflict, DuplicateIntent) as exc:
                    failure = exc
                else:
                    return Written(planned.entry, produced_states(planned))
            if isinstance(failure, DuplicateIntent):
                settled = await planner.settled()
                if settled is None:
                    raise failure
                return settled
            if isinstance(failure, Superseded):
                progressed = True  # planned on a commit that failed: plan again at once
            else:
                progressed = await self.persistence.head(workspace_id, timeline_id) >= sequence
            if not await backoff.wait(progressed):
                raise LedgerWriteConflict(workspace_id, timeline_id, backoff.attempts) from None
            attempt += 1

    def _ordered(self, pipeline: CommitPipeline, commit: Commit, epoch: int) -> asyncio.Future[None]:
        durable = pipeline.order(commit, epoch)
        # published from the store's completion, in commit order, even if our caller is cancelled
        durable.add_done_callback(lambda done: self._published(commit.entry, done))
        return durable

    def _published(self, entry: IntentLedgerEntry, done: asyncio.Future[None]) -> None:
        if not done.cancelled() and done.exception() is None:
            self.publish(entry)

    def publish(self, entry: IntentLedgerEntry) -> None:
        self.live.committed(entry)
