"""Reading what the engine stores: aggregates, queries, past states, ledger entries.

NomosApp inherits these; they need its `engine`, `overlay` and `start()`.
"""

from __future__ import annotations

from typing import TypeVar

from .engine import Engine
from .errors import InvalidArgument
from .ids import check_id, check_sequence
from .ledger import AggregateRef, IntentLedgerEntry
from .model import Aggregate
from .overlay import OptimisticOverlay
from .persistence import TimelineRecord
from .query import BasicQuery
from .registry import TypeRegistry

A = TypeVar("A", bound=Aggregate)


def check_read(registry: TypeRegistry, ws: str, tl: str, aggregate_type: type[Aggregate] | None = None) -> None:
    check_id("workspace_id", ws)
    check_id("timeline_id", tl)
    if aggregate_type is not None:
        if not (isinstance(aggregate_type, type) and issubclass(aggregate_type, Aggregate)):
            raise InvalidArgument("aggregate_type", "must be an Aggregate subclass")
        registry.require(aggregate_type, "aggregate_type")


class Reading:
    """The read methods of NomosApp: aggregates, queries, past states, ledger entries."""

    engine: Engine
    overlay: OptimisticOverlay

    async def start(self) -> None:
        raise NotImplementedError  # NomosApp connects the store on first use

    async def read_latest(
        self,
        aggregate_type: type[A],
        workspace_id: str,
        timeline_id: str,
        aggregate_id: str,
        *,
        include_deleted: bool = False,
        include_optimistic: bool = True,
    ) -> A | None:
        ws, tl = workspace_id, timeline_id
        check_read(self.engine.registry, ws, tl, aggregate_type)
        check_id("aggregate_id", aggregate_id)
        await self.start()
        state: Aggregate | None = None
        if include_optimistic and len(self.overlay):
            state = self.overlay.get(ws, tl, aggregate_type.type_name, aggregate_id)
        if state is None:
            await self.engine.timelines.require(ws, tl)
            state = (await self.engine.states.latest(ws, tl, aggregate_type, aggregate_id)).state
        if state is None or (state.deleted and not include_deleted):
            return None
        return state  # type: ignore[return-value]

    async def read_at_sequence(
        self,
        aggregate_type: type[A],
        workspace_id: str,
        timeline_id: str,
        aggregate_id: str,
        *,
        inclusive_sequence: int,
    ) -> A | None:
        """One aggregate as it was right after `inclusive_sequence` (None: not there, or deleted).

        What `state_at_sequence(...)[ref]` holds, reading that aggregate's history alone: a
        history snapshot and the few entries after it, not every aggregate of the timeline.
        """
        ws, tl = workspace_id, timeline_id
        check_read(self.engine.registry, ws, tl, aggregate_type)
        check_id("aggregate_id", aggregate_id)
        check_sequence("inclusive_sequence", inclusive_sequence)
        await self.start()
        await self.engine.timelines.require(ws, tl)
        state = (await self.engine.states.at(ws, tl, aggregate_type, aggregate_id, inclusive_sequence)).state
        if state is None or state.deleted:
            return None
        return state  # type: ignore[return-value]

    def check_query(self, aggregate_type: type[A], ws: str, tl: str, query: BasicQuery | None) -> BasicQuery:
        check_read(self.engine.registry, ws, tl, aggregate_type)
        query = query or BasicQuery()
        query.check(aggregate_type)
        return query

    async def query(
        self,
        aggregate_type: type[A],
        workspace_id: str,
        timeline_id: str,
        query: BasicQuery | None = None,
        *,
        include_optimistic: bool = True,
    ) -> list[A]:
        ws, tl = workspace_id, timeline_id
        query = self.check_query(aggregate_type, ws, tl, query)
        await self.start()
        await self.engine.timelines.require(ws, tl)
        overlay = None
        if include_optimistic and len(self.overlay):
            overlay = self.overlay.of_type(ws, tl, aggregate_type.type_name)
        return await self.engine.states.query(ws, tl, aggregate_type, query, overlay)

    async def state_at_sequence(
        self, workspace_id: str, timeline_id: str, *, inclusive_sequence: int, use_snapshots: bool = True
    ) -> dict[AggregateRef, Aggregate]:
        """Every live aggregate as it was right after `inclusive_sequence` on this timeline."""
        check_read(self.engine.registry, workspace_id, timeline_id)
        check_sequence("inclusive_sequence", inclusive_sequence)
        await self.start()
        states = await self.engine.states.state_at_sequence(
            workspace_id, timeline_id, inclusive_sequence, use_snapshots=use_snapshots
        )
        return {ref: state for ref, state in states.items() if not state.deleted}

    async def head(self, workspace_id: str, timeline_id: str) -> int:
        """The last sequence of a timeline (a branch without entries of its own: its fork point)."""
        check_read(self.engine.registry, workspace_id, timeline_id)
        await self.start()
        branch = await self.engine.timelines.require(workspace_id, timeline_id)
        return await self.engine.writer.last_sequence(workspace_id, timeline_id, branch)

    async def read_timeline(
        self, workspace_id: str, timeline_id: str, *, after: int = 0, limit: int | None = None
    ) -> list[IntentLedgerEntry]:
        """Entries with sequence > after, including those a branch inherits from its parent."""
        check_read(self.engine.registry, workspace_id, timeline_id)
        check_sequence("after", after)
        if limit is not None:
            check_sequence("limit", limit, allow_zero=False)
        await self.start()
        return await self.read_after(workspace_id, timeline_id, after, limit)

    async def read_after(self, ws: str, tl: str, after: int, limit: int | None) -> list[IntentLedgerEntry]:
        branch = await self.engine.timelines.require(ws, tl)
        entries: list[IntentLedgerEntry] = []
        if branch is not None and branch.parent_timeline_id is not None and after < branch.fork_sequence:
            inherited = await self.read_after(ws, branch.parent_timeline_id, after, limit)
            entries = [e for e in inherited if e.workspace_intent_sequence <= branch.fork_sequence]
            if limit is not None and len(entries) >= limit:
                return entries[:limit]
            after = branch.fork_sequence
        remaining = None if limit is None else limit - len(entries)
        entries.extend(await self.engine.persistence.load_entries(ws, tl, after=after, limit=remaining))
        return entries

    async def aggregate_intent_history(
        self, workspace_id: str, timeline_id: str, aggregate_id: str, *, start: int = 0, end: int | None = None
    ) -> list[IntentLedgerEntry]:
        """Entries that touched an aggregate, with start <= sequence <= end (on this timeline itself)."""
        check_read(self.engine.registry, workspace_id, timeline_id)
        check_id("aggregate_id", aggregate_id)
        check_sequence("start", start)
        if end is not None:
            check_sequence("end", end)
            if end < start:
                raise InvalidArgument("end", "must not be before start")
        await self.start()
        return await self.engine.persistence.load_entries_touching(
            workspace_id, timeline_id, aggregate_id, after=max(start - 1, 0), up_to=end
        )

    async def aggregates_after(self, entry: IntentLedgerEntry) -> dict[AggregateRef, Aggregate | None]:
        """The state of every aggregate an entry touched, right after it (None: gone)."""
        await self.start()
        found: dict[AggregateRef, Aggregate | None] = {}
        for ref in entry.touched:
            aggregate_type = self.engine.registry.aggregate_type(ref.type)
            ws, tl = entry.workspace_id, entry.timeline_id
            state = (await self.engine.states.at(ws, tl, aggregate_type, ref.id, entry.sequence)).state
            found[ref] = None if state is None or state.deleted else state
        return found

    async def load_entry(self, intent_id: str) -> IntentLedgerEntry | None:
        check_id("intent_id", intent_id)
        await self.start()
        return await self.engine.persistence.load_entry(intent_id)

    async def list_timelines(self, workspace_id: str) -> list[TimelineRecord]:
        check_id("workspace_id", workspace_id)
        await self.start()
        return await self.engine.persistence.list_timelines(workspace_id)
