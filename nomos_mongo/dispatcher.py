"""Turning one intent into one Commit: route, plan, execute, apply, validate, describe."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .blobs import BlobStorage
from .context import DirectiveContext, IntentContext
from .descriptions import DescribeContext, NameRef
from .errors import IntentRejected, InvalidArgument
from .frozen import quick_init
from .ledger import AggregateRef, EntryKind, EventRecord, IntentLedgerEntry
from .model import Aggregate, Directive, Intent, share_fields_set
from .persistence import Commit, SnapshotRecord
from .policy import PolicyRouter
from .readers import SnapshotReader
from .registry import TypeRegistry
from .states import TimelineReader

NameResolver = Callable[[SnapshotReader, str], Awaitable[str | None]]


@quick_init
@dataclass(frozen=True, slots=True)
class Outcome:
    """What an intent does, before it is written."""

    directives: tuple[Directive[Any, Any], ...]
    events: tuple[EventRecord, ...]
    states: dict[tuple[str, str], Aggregate]
    versions: dict[tuple[str, str], tuple[int, bool]]  # new version, first change on this timeline
    foreign_reads: tuple[tuple[str, int], ...] = ()


def directive_context(
    intent: Intent,
    ctx: IntentContext,
    server_timestamp: datetime,
    is_server_runtime: bool,
    blobs: BlobStorage | None = None,
) -> DirectiveContext:
    assert intent.id is not None
    return DirectiveContext(
        workspace_id=ctx.workspace_id,
        timeline_id=ctx.timeline_id,
        actor_id=ctx.actor_id,
        intent_id=intent.id,
        correlation_id=ctx.correlation_id or intent.id,
        causation_id=ctx.causation_id,
        client_timestamp=ctx.client_timestamp or server_timestamp,
        server_timestamp=server_timestamp,
        is_server_runtime=is_server_runtime,
        blobs=blobs,
    )


class Executor:
    def __init__(
        self,
        registry: TypeRegistry,
        policy: PolicyRouter,
        name_resolvers: Mapping[str, NameResolver],
        history_every: int,
    ) -> None:
        self.registry = registry
        self.policy = policy
        self.name_resolvers = dict(name_resolvers)
        self.history_every = history_every

    async def run(self, intent: Intent, dctx: DirectiveContext, reader: TimelineReader) -> Outcome:
        directives = await self.policy.resolve(intent, dctx)
        staged: dict[tuple[str, str], Aggregate] = {}
        events: list[EventRecord] = []
        versions: dict[tuple[str, str], tuple[int, bool]] = {}
        for directive in directives:
            self._require_registered(directive)
            aggregate_type = directive.aggregate_type
            for target in await directive.plan(dctx, intent, reader, staged):
                produced = list(directive.execute(target.snapshot, target.payload))
                if not produced:
                    continue
                key = (aggregate_type.type_name, target.aggregate_id)
                prior = await reader.versioned(aggregate_type, target.aggregate_id)
                if key not in versions:
                    versions[key] = (prior.version + 1, not prior.own)
                # events apply to the real current state, whatever snapshot plan() handed to
                # execute(): replay folds onto that state too, so both must agree
                state: Aggregate = staged.get(key) or prior.state or aggregate_type.empty(target.aggregate_id)
                for event in produced:
                    if not self.registry.is_registered(type(event)):
                        raise InvalidArgument("event", f"{type(event).__name__} is not registered")
                    state = state.apply(event)
                if state.id != target.aggregate_id:
                    raise IntentRejected(
                        "engine.aggregate_id_changed",
                        f"{aggregate_type.type_name} {target.aggregate_id!r} changed its id to {state.id!r}",
                    )
                state.validate_state()
                staged[key] = state
                version = versions[key][0]
                events.extend(EventRecord(key[0], key[1], version, e) for e in produced)
        foreign = tuple(sorted(getattr(reader, "foreign", {}).items()))
        return Outcome(tuple(directives), tuple(events), staged, versions, foreign)

    def _require_registered(self, directive: Directive[Any, Any]) -> None:
        if not self.registry.is_registered(type(directive)):
            raise InvalidArgument("directive", f"{type(directive).__name__} is not registered")

    async def describe(self, intent: Intent, ctx: IntentContext, reader: SnapshotReader) -> str:
        described = DescribeContext(ctx.actor_id, ctx.workspace_id, ctx.timeline_id, ctx.actor_name)
        description = intent.describe(described)
        names: dict[tuple[str, str], str] = {}
        for ref in description.name_refs():
            found = await self.resolve_name(ref, reader) if ref.kind in self.name_resolvers else None
            names[(ref.kind, ref.id)] = found or ref.fallback
        return description.render(names)

    async def resolve_name(self, ref: NameRef, reader: SnapshotReader) -> str | None:
        resolver = self.name_resolvers.get(ref.kind)
        if resolver is None:
            return None
        try:
            return await resolver(reader, ref.id)
        except Exception:  # a name is decoration: the fallback must never fail a write
            return None

    def commit_for(
        self,
        intent: Intent,
        ctx: IntentContext,
        dctx: DirectiveContext,
        sequence: int,
        outcome: Outcome,
        description: str,
    ) -> Commit:
        for directive in outcome.directives:  # they are kept for good: let them share their fields sets
            share_fields_set(directive)
            share_fields_set(directive.payload)
        for record in outcome.events:
            share_fields_set(record.event)
        touched = tuple(AggregateRef(t, i) for (t, i) in outcome.states)
        entry = IntentLedgerEntry(
            intent=intent,
            workspace_id=ctx.workspace_id,
            timeline_id=ctx.timeline_id,
            workspace_intent_sequence=sequence,
            actor_id=ctx.actor_id,
            correlation_id=dctx.correlation_id,
            causation_id=dctx.causation_id,
            client_timestamp=dctx.client_timestamp,
            server_timestamp=dctx.server_timestamp,
            directives=outcome.directives,
            events=outcome.events,
            touched=touched,
            kind=EntryKind.INTENT,
            description=description,
            foreign_reads=outcome.foreign_reads,
        )
        snapshots, history = self.snapshot_records(ctx.workspace_id, ctx.timeline_id, sequence, outcome)
        return Commit(entry=entry, snapshots=snapshots, history=history)

    def snapshot_records(
        self, ws: str, tl: str, sequence: int, outcome: Outcome, kind: EntryKind = EntryKind.INTENT
    ) -> tuple[tuple[SnapshotRecord, ...], tuple[SnapshotRecord, ...]]:
        snapshots = []
        history = []
        for (aggregate_type, aggregate_id), state in outcome.states.items():
            version, first_here = outcome.versions[(aggregate_type, aggregate_id)]
            record = SnapshotRecord(ws, tl, aggregate_type, aggregate_id, sequence, version, state)
            snapshots.append(record)
            if keeps_history(kind, version, first_here, self.history_every):
                history.append(record)
        return tuple(snapshots), tuple(history)


def keeps_history(kind: EntryKind, version: int, first_here: bool, every: int) -> bool:
    """Whether a change is also kept as a history snapshot (see states.py for why these)."""
    return kind is not EntryKind.INTENT or first_here or version % every == 0
