"""Reading what the engine stores: aggregates, queries, past states, ledger entries."""

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


class Reads:
    def __init__(self, engine: Engine, overlay: OptimisticOverlay) -> None:
        self.engine = engine
        self.overlay = overlay

    async def read_latest(
        self,
        aggregate_type: type[A],
        ws: str,
        tl: str,
        aggregate_id: str,
        include_deleted: bool,
        include_optimistic: bool,
    ) -> A | None:
        check_read(self.engine.registry, ws, tl, aggregate_type)
        check_id("aggregate_id", aggregate_id)
        state: Aggregate | None = None
        if include_optimistic and len(self.overlay):
            state = self.overlay.get(ws, tl, aggregate_type.type_name, aggregate_id)
        if state is None:
            await self.engine.timelines.require(ws, tl)
            state = (await self.engine.states.latest(ws, tl, aggregate_type, aggregate_id)).state
        if state is None or (state.deleted and not include_deleted):
            return None
        return state  # type: ignore[return-value]

    def check_query(self, aggregate_type: type[A], ws: str, tl: str, query: BasicQuery | None) -> BasicQuery:
        check_read(self.engine.registry, ws, tl, aggregate_type)
        query = query or BasicQuery()
        query.check(aggregate_type)
        return query

    async def query(
        self, aggregate_type: type[A], ws: str, tl: str, query: BasicQuery | None, include_optimistic: bool
    ) -> list[A]:
        query = self.check_query(aggregate_type, ws, tl, query)
        await self.engine.timelines.require(ws, tl)
        overlay = None
        if include_optimistic and len(self.overlay):
            overlay = self.overlay.of_type(ws, tl, aggregate_type.type_name)
        return await self.engine.states.query(ws, tl, aggregate_type, query, overlay)

    async def state_at_sequence(
        self, ws: str, tl: str, inclusive_sequence: int, use_snapshots: bool
    ) -> dict[AggregateRef, Aggregate]:
        check_read(self.engine.registry, ws, tl)
        check_sequence("inclusive_sequence", inclusive_sequence)
        states = await self.engine.states.state_at_sequence(ws, tl, inclusive_sequence, use_snapshots=use_snapshots)
        return {ref: state for ref, state in states.items() if not state.deleted}

    async def head(self, ws: str, tl: str) -> int:
        check_read(self.engine.registry, ws, tl)
        branch = await self.engine.timelines.require(ws, tl)
        return await self.engine.writer.last_sequence(ws, tl, branch)

    async def read_timeline(self, ws: str, tl: str, after: int, limit: int | None) -> list[IntentLedgerEntry]:
        check_read(self.engine.registry, ws, tl)
        check_sequence("after", after)
        if limit is not None:
            check_sequence("limit", limit, allow_zero=False)
        return await self.read_after(ws, tl, after, limit)

    async def read_after(self, ws: str, tl: str, after: int, limit: int | None) -> list[IntentLedgerEntry]:
        """Entries with sequence > after, including those a branch inherits from its parent."""
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
        self, ws: str, tl: str, aggregate_id: str, start: int, end: int | None
    ) -> list[IntentLedgerEntry]:
        check_read(self.engine.registry, ws, tl)
        check_id("aggregate_id", aggregate_id)
        check_sequence("start", start)
        if end is not None:
            check_sequence("end", end)
            if end < start:
                raise InvalidArgument("end", "must not be before start")
        return await self.engine.persistence.load_entries_touching(
            ws, tl, aggregate_id, after=max(start - 1, 0), up_to=end
        )

    async def aggregates_after(self, entry: IntentLedgerEntry) -> dict[AggregateRef, Aggregate | None]:
        found: dict[AggregateRef, Aggregate | None] = {}
        for ref in entry.touched:
            aggregate_type = self.engine.registry.aggregate_type(ref.type)
            ws, tl = entry.workspace_id, entry.timeline_id
            state = (await self.engine.states.at(ws, tl, aggregate_type, ref.id, entry.sequence)).state
            found[ref] = None if state is None or state.deleted else state
        return found

    async def load_entry(self, intent_id: str) -> IntentLedgerEntry | None:
        check_id("intent_id", intent_id)
        return await self.engine.persistence.load_entry(intent_id)

    async def list_timelines(self, ws: str) -> list[TimelineRecord]:
        check_id("workspace_id", ws)
        return await self.engine.persistence.list_timelines(ws)
