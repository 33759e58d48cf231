"""What one intent leaves in the ledger."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import Any, NamedTuple

from .frozen import quick_init
from .model import Directive, Event, Intent


class AggregateRef(NamedTuple):
    type: str
    id: str


class EntryKind(StrEnum):
    INTENT = "intent"
    UNDO = "undo"
    REDO = "redo"


@quick_init
@dataclass(frozen=True, slots=True)
class EventRecord:
    """One event and the aggregate it happened to, with the version it produced."""

    aggregate_type: str
    aggregate_id: str
    version: int
    event: Event

    @property
    def ref(self) -> AggregateRef:
        return AggregateRef(self.aggregate_type, self.aggregate_id)


@quick_init
@dataclass(frozen=True, slots=True)
class IntentLedgerEntry:
    intent: Intent
    workspace_id: str
    timeline_id: str
    workspace_intent_sequence: int
    actor_id: str
    correlation_id: str
    causation_id: str | None
    client_timestamp: datetime
    server_timestamp: datetime
    directives: tuple[Directive[Any, Any], ...]
    events: tuple[EventRecord, ...]
    touched: tuple[AggregateRef, ...]
    kind: EntryKind = EntryKind.INTENT
    description: str = ""
    success: bool = True
    strike_out_intent_ids: tuple[str, ...] = ()
    struck_out: bool = False
    # (workspace, sequence) of other workspaces' main timelines that planning read
    foreign_reads: tuple[tuple[str, int], ...] = ()
    # each directive's `context_version` when it ran, as stored; empty: the running code's
    context_versions: tuple[int, ...] = ()

    def written_by_older_directives(self) -> bool:
        """Whether a directive of this entry has since changed what it does (its context version)."""
        return any(
            stored != type(directive).context_version
            for stored, directive in zip(self.context_versions, self.directives, strict=False)
        )

    @property
    def intent_id(self) -> str:
        assert self.intent.id is not None
        return self.intent.id

    @property
    def sequence(self) -> int:
        return self.workspace_intent_sequence

    @property
    def touched_types(self) -> frozenset[str]:
        return frozenset(ref.type for ref in self.touched)

    def with_struck_out(self, struck_out: bool) -> IntentLedgerEntry:
        return self if struck_out == self.struck_out else replace(self, struck_out=struck_out)

    def events_for(self, ref: AggregateRef) -> list[Event]:
        return [r.event for r in self.events if r.aggregate_type == ref.type and r.aggregate_id == ref.id]
