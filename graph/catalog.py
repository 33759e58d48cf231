"""The GraphQL types made from one registry, and the conversion of engine values into them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from strawberry import ID

from nomos_mongo import (
    Aggregate,
    EventRecord,
    Intent,
    IntentLedgerEntry,
    NomosApp,
    Preview,
    RedoIntent,
    TimelineRecord,
    TypeRegistry,
    UndoIntent,
    Written,
    actor_fields,
)

from .authorization import is_system_scoped
from .enums import EnumTypes
from .inputs import InputTypes
from .ledger import (
    SHARED_TYPE_NAMES,
    AggregateNode,
    AggregateRef,
    DomainEvent,
    EntryKindType,
    IntentNode,
    IntentResult,
    LedgerEntry,
    TimelineInfo,
    TimelineStatusType,
)
from .naming import TypeNames, aggregate_base_name, intent_base_name, listing_name, lower_first, mutation_name, plural
from .nodes import NodePlace, global_id
from .outputs import OutputTypes

ENGINE_INTENTS = (UndoIntent, RedoIntent)


@dataclass(frozen=True)
class AggregateKind:
    model: type[Aggregate]
    graphql_type: type
    type_name: str  # TrackableAsset
    single: str  # trackableAsset
    many: str  # trackableAssets
    plural_name: str  # TrackableAssets, for descriptions


@dataclass(frozen=True)
class IntentKind:
    model: type[Intent]
    mutation: str
    input_type: type | None
    system_scoped: bool


class Catalog:
    def __init__(self, registry: TypeRegistry) -> None:
        self.registry = registry
        self.names = TypeNames()
        for name in SHARED_TYPE_NAMES:
            self.names.claim(name, "shared")
        self.enums = EnumTypes(self.names)
        self.outputs = OutputTypes(self.names, self.enums)
        self.inputs = InputTypes(self.names, self.enums)
        self.aggregates = [self._aggregate(registry.aggregates[n]) for n in sorted(registry.aggregates)]
        self._kinds = {kind.type_name: kind for kind in self.aggregates}
        self._type_names = {kind.model: kind.type_name for kind in self.aggregates}
        self.events = {
            n: self.outputs.object_type(registry.events[n], interface=DomainEvent) for n in sorted(registry.events)
        }
        self.intent_types = {
            n: self.outputs.object_type(registry.intents[n], interface=IntentNode, inherited=frozenset({"id"}))
            for n in sorted(registry.intents)
        }
        self.intents = [
            self._intent(registry.intents[n])
            for n in sorted(registry.intents)
            if registry.intents[n] not in ENGINE_INTENTS
        ]

    def _aggregate(self, model: type[Aggregate]) -> AggregateKind:
        base = aggregate_base_name(model.type_name)
        graphql_type = self.outputs.object_type(
            model, name=base, interface=AggregateNode, inherited=frozenset({"id", "deleted"})
        )
        return AggregateKind(model, graphql_type, base, lower_first(base), listing_name(base), plural(base))

    def _intent(self, model: type[Intent]) -> IntentKind:
        input_name = f"{intent_base_name(model.type_name)}Input"
        exclude = {"id", *actor_fields(model)}
        input_type = self.inputs.input_type(model, name=input_name, exclude=exclude)
        return IntentKind(model, mutation_name(model.type_name), input_type, is_system_scoped(model))

    def aggregate_kind(self, type_name: str) -> AggregateKind | None:
        return self._kinds.get(type_name)

    def object_types(self) -> list[type]:
        """Every generated object type, for the schema to include even if no field names it."""
        return [
            *(a.graphql_type for a in self.aggregates),
            *self.events.values(),
            *self.intent_types.values(),
        ]

    # conversions ----------------------------------------------------------------------------
    def aggregate(
        self,
        state: Aggregate,
        workspace_id: str,
        timeline_id: str,
        sequence: int | None = None,
        preview: str | None = None,
    ) -> Any:
        """The object of `state` as read on a timeline (at `sequence`, for a state of the past;
        as a preview of the intent `preview` would make it)."""
        place = NodePlace(self._type_names[type(state)], workspace_id, timeline_id, state.id, sequence, preview)
        return self.outputs.instance(state, id=ID(global_id(place)), aggregate_id=ID(state.id))

    def event(self, record: EventRecord) -> Any:
        return self.outputs.instance(
            record.event,
            aggregate_type=record.aggregate_type,
            aggregate_id=record.aggregate_id,
            aggregate_version=record.version,
        )

    def intent(self, intent: Intent) -> Any:
        return self.outputs.instance(intent)

    def entry(self, entry: IntentLedgerEntry) -> LedgerEntry:
        return LedgerEntry(
            intent_id=ID(entry.intent_id),
            sequence=entry.workspace_intent_sequence,
            workspace_id=ID(entry.workspace_id),
            timeline_id=ID(entry.timeline_id),
            intent_type=entry.intent.type_name,
            kind=EntryKindType[entry.kind.name],
            actor_id=ID(entry.actor_id),
            description=entry.description,
            success=entry.success,
            struck_out=entry.struck_out,
            strike_out_intent_ids=[ID(i) for i in entry.strike_out_intent_ids],
            correlation_id=entry.correlation_id,
            causation_id=entry.causation_id,
            client_timestamp=entry.client_timestamp,
            server_timestamp=entry.server_timestamp,
            touched=[AggregateRef(aggregate_type=ref.type, aggregate_id=ID(ref.id)) for ref in entry.touched],
            raw=entry,
            catalog=self,
        )

    async def result(self, app: NomosApp, written: Written) -> IntentResult:
        """The result of a write, from the states it produced (an idempotent retry reads them)."""
        entry = written.entry
        states = written.states if written.states is not None else await app.aggregates_after(entry)
        return IntentResult(
            success=entry.success,
            intent_id=ID(entry.intent_id),
            sequence=entry.workspace_intent_sequence,
            description=entry.description,
            events=[self.event(r) for r in entry.events],
            # the same identity a query on that timeline shows, so a client cache takes the new state
            changed_aggregates=[
                self.aggregate(state, entry.workspace_id, entry.timeline_id)
                for state in states.values()
                if state is not None
            ],
            entry=self.entry(entry),
        )

    def preview_result(self, preview: Preview, workspace_id: str, timeline_id: str) -> IntentResult:
        assert preview.intent.id is not None
        # identities of their own: a cache must never take a state that was not written
        intent_id = preview.intent.id
        return IntentResult(
            success=True,
            intent_id=ID(preview.intent.id),
            sequence=None,
            description=preview.description,
            events=[self.event(r) for r in preview.events],
            changed_aggregates=[
                self.aggregate(s, workspace_id, timeline_id, preview=intent_id)
                for s in preview.states.values()
                if s is not None
            ],
            entry=None,
        )


def timeline_info(record: TimelineRecord | None, workspace_id: str) -> TimelineInfo:
    if record is None:
        return TimelineInfo(
            workspace_id=ID(workspace_id),
            timeline_id=ID("main"),
            parent_timeline_id=None,
            fork_sequence=0,
            status=TimelineStatusType["ACTIVE"],
            created_at=None,
            created_by=None,
        )
    return TimelineInfo(
        workspace_id=ID(record.workspace_id),
        timeline_id=ID(record.timeline_id),
        parent_timeline_id=_id(record.parent_timeline_id),
        fork_sequence=record.fork_sequence,
        status=TimelineStatusType[record.status.name],
        created_at=record.created_at,
        created_by=_id(record.created_by),
    )


def _id(value: str | None) -> ID | None:
    return None if value is None else ID(value)
