"""The types every schema shares: the interfaces of domain types, ledger entries, results."""

import datetime as dt
from typing import Any

import strawberry

from nomos_mongo import EntryKind, IntentLedgerEntry, TimelineStatus

from .enums import graphql_enum


@strawberry.interface(description="An object with a global id (Relay's Global Object Identification).")
class Node:
    id: strawberry.ID = strawberry.field(
        description="Opaque and unique across workspaces, timelines and types: the key for client caches. "
        "`node(id:)` fetches the object again."
    )


@strawberry.interface(name="Aggregate", description="The state of one aggregate on one timeline.")
class AggregateNode(Node):
    aggregate_id: strawberry.ID = strawberry.field(
        description="The domain id: what mutation inputs, by-id queries and `filter` take."
    )
    deleted: bool = strawberry.field(description="Deleted aggregates stay visible in history and undo results.")


@strawberry.interface(description="A fact recorded about one aggregate.")
class DomainEvent:
    aggregate_type: str
    aggregate_id: strawberry.ID
    aggregate_version: int = strawberry.field(description="The aggregate's version this event produced.")


@strawberry.interface(name="Intent", description="What a user asked for.")
class IntentNode:
    id: strawberry.ID


EntryKindType = graphql_enum("EntryKind", {k.name: k.value for k in EntryKind})
TimelineStatusType = graphql_enum("TimelineStatus", {s.name: s.value for s in TimelineStatus})


@strawberry.type(description="The type and domain id of an aggregate an intent touched.")
class AggregateRef:
    aggregate_type: str
    aggregate_id: strawberry.ID


@strawberry.type(description="One intent as the ledger keeps it.")
class LedgerEntry:
    intent_id: strawberry.ID
    sequence: int
    workspace_id: strawberry.ID
    timeline_id: strawberry.ID
    intent_type: str
    kind: EntryKindType  # type: ignore[valid-type]
    actor_id: strawberry.ID
    description: str
    success: bool
    struck_out: bool = strawberry.field(description="Undone: replay skips it.")
    strike_out_intent_ids: list[strawberry.ID]
    correlation_id: str
    causation_id: str | None
    client_timestamp: dt.datetime
    server_timestamp: dt.datetime
    touched: list[AggregateRef]
    raw: strawberry.Private[IntentLedgerEntry]
    catalog: strawberry.Private[Any]

    @strawberry.field
    def events(self) -> list[DomainEvent]:
        return [self.catalog.event(record) for record in self.raw.events]

    @strawberry.field
    def intent(self) -> IntentNode:
        return self.catalog.intent(self.raw.intent)  # type: ignore[no-any-return]


@strawberry.type(description="What a mutation did, or, for a preview, would do.")
class IntentResult:
    success: bool
    intent_id: strawberry.ID
    sequence: int | None = strawberry.field(description="Where the ledger recorded it; null for a preview.")
    description: str
    events: list[DomainEvent]
    changed_aggregates: list[AggregateNode] = strawberry.field(
        description="The state of each aggregate the intent changed, right after it."
    )
    entry: LedgerEntry | None = strawberry.field(description="The ledger entry; null for a preview.")


@strawberry.type(name="Timeline")
class TimelineInfo:
    workspace_id: strawberry.ID
    timeline_id: strawberry.ID
    parent_timeline_id: strawberry.ID | None
    fork_sequence: int
    status: TimelineStatusType  # type: ignore[valid-type]
    created_at: dt.datetime | None
    created_by: strawberry.ID | None


@strawberry.type
class MergeOutcome:
    source_intent_id: strawberry.ID
    intent_type: str
    applied: bool
    result: IntentResult | None
    rule: str | None = strawberry.field(description="The rule that refused the intent on the target.")
    reason: str | None


@strawberry.type
class MergeReport:
    workspace_id: strawberry.ID
    source: strawberry.ID
    target: strawberry.ID
    outcomes: list[MergeOutcome]


@strawberry.type(description="Relay cursor connection page information.")
class PageInfo:
    has_next_page: bool = strawberry.field(
        description="Paging forward (`first`): more follow. Paging backward (`last`): whether items follow "
        "`before` (true whenever `before` is given)."
    )
    end_cursor: str | None
    start_cursor: str | None
    has_previous_page: bool = strawberry.field(
        description="Paging backward (`last`): more precede. Paging forward: whether items precede `after` "
        "(true whenever `after` is given)."
    )


@strawberry.type(description="The signed-in user.")
class Viewer:
    id: strawberry.ID
    name: str | None
    workspaces: list[strawberry.ID] = strawberry.field(description="Workspaces this user may read.")


SHARED_TYPE_NAMES = (
    "Node",
    "Aggregate",
    "DomainEvent",
    "Intent",
    "EntryKind",
    "TimelineStatus",
    "AggregateRef",
    "LedgerEntry",
    "IntentResult",
    "Timeline",
    "MergeOutcome",
    "MergeReport",
    "PageInfo",
    "Viewer",
    "Upload",
)
