"""JSON documents for ledger entries and snapshots, shared by every encoding store.

The shapes are the MongoDB data model of DESIGN.md: `_id` is the intent id, `seq` the
workspace intent sequence, `touched` the aggregate ids the intent changed. Every stored
intent, directive, payload, event and aggregate carries its `schemaVersion`; decoding
upcasts older documents (`upcasting.py`) and refuses snapshots of an older aggregate
version (`StaleSnapshot`: snapshots are rebuilt from the ledger, never upcast).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from .errors import SchemaVersionError, SerializationError, StaleSnapshot
from .ledger import AggregateRef, EntryKind, EventRecord, IntentLedgerEntry
from .model import CONTEXT_VERSION_FIELD, TYPE_FIELD, Event
from .persistence import SnapshotRecord, TimelineRecord, TimelineStatus
from .registry import TypeRegistry
from .upcasting import stored_version


def entry_to_document(entry: IntentLedgerEntry) -> dict[str, Any]:
    return {
        "_id": entry.intent_id,
        "workspace_id": entry.workspace_id,
        "timeline_id": entry.timeline_id,
        "seq": entry.workspace_intent_sequence,
        "kind": entry.kind.value,
        "intent_type": entry.intent.type_name,
        "intent": entry.intent.to_document(),
        "directives": _directive_documents(entry),
        "events": [
            {
                "aggregate_type": r.aggregate_type,
                "aggregate_id": r.aggregate_id,
                "version": r.version,
                "event": r.event.to_document(),
            }
            for r in entry.events
        ],
        "touched": [ref.id for ref in entry.touched],
        "touched_refs": [[ref.type, ref.id] for ref in entry.touched],
        "touched_types": sorted(entry.touched_types),
        "actor_id": entry.actor_id,
        "correlation_id": entry.correlation_id,
        "causation_id": entry.causation_id,
        "client_ts": _timestamp(entry.client_timestamp),
        "server_ts": _timestamp(entry.server_timestamp),
        "description": entry.description,
        "success": entry.success,
        "strike_out_intent_ids": list(entry.strike_out_intent_ids),
        "struck_out": entry.struck_out,
        "foreign_reads": [[ws, seq] for ws, seq in entry.foreign_reads],
    }


def _directive_documents(entry: IntentLedgerEntry) -> list[dict[str, Any]]:
    documents = [d.to_document() for d in entry.directives]
    # an entry read back from a store keeps the context version each directive ran with:
    # storing it again (an import, a copy) must not pass it off as the running code's
    for document, ran in zip(documents, entry.context_versions, strict=False):
        document[CONTEXT_VERSION_FIELD] = ran
    return documents


def entry_from_document(registry: TypeRegistry, doc: dict[str, Any]) -> IntentLedgerEntry:
    try:
        return _entry(registry, doc)
    except (SerializationError, SchemaVersionError) as exc:
        exc.document_id = doc.get("_id")  # the intent id: which ledger entry cannot be read
        raise


def _entry(registry: TypeRegistry, doc: dict[str, Any]) -> IntentLedgerEntry:
    directives = tuple(registry.directive_from_json(d) for d in doc["directives"])
    ran = tuple(int(d.get(CONTEXT_VERSION_FIELD, 1)) for d in doc["directives"])
    if all(v == type(d).context_version for v, d in zip(ran, directives, strict=True)):
        ran = ()  # the running code's directives: an entry equal to the one dispatched
    return IntentLedgerEntry(
        intent=registry.intent_from_json(doc["intent"]),
        workspace_id=doc["workspace_id"],
        timeline_id=doc["timeline_id"],
        workspace_intent_sequence=int(doc["seq"]),
        actor_id=doc["actor_id"],
        correlation_id=doc["correlation_id"],
        causation_id=doc.get("causation_id"),
        client_timestamp=_aware(doc["client_ts"]),
        server_timestamp=_aware(doc["server_ts"]),
        directives=directives,
        events=tuple(
            EventRecord(
                aggregate_type=aggregate_name(registry, r["aggregate_type"]),
                aggregate_id=r["aggregate_id"],
                version=int(r["version"]),
                event=event,
            )
            for r in doc["events"]
            for event in registry.decode_all("event", r["event"])  # an upcast event may split or vanish
        ),
        touched=tuple(AggregateRef(aggregate_name(registry, t), i) for t, i in doc["touched_refs"]),
        kind=EntryKind(doc.get("kind", "intent")),
        description=doc.get("description", ""),
        success=bool(doc.get("success", True)),
        strike_out_intent_ids=tuple(doc.get("strike_out_intent_ids", ())),
        struck_out=bool(doc.get("struck_out", False)),
        foreign_reads=tuple((ws, int(seq)) for ws, seq in doc.get("foreign_reads", ())),
        context_versions=ran,
    )


def events_of(registry: TypeRegistry, intent_id: str, records: list[dict[str, Any]], ref: AggregateRef) -> list[Event]:
    """The events an entry's stored `events` had on one aggregate, decoded (upcast) as the entry's are."""
    try:
        return [
            event
            for r in records
            if r["aggregate_id"] == ref.id and aggregate_name(registry, r["aggregate_type"]) == ref.type
            for event in registry.decode_all("event", r["event"])
        ]
    except (SerializationError, SchemaVersionError) as exc:
        exc.document_id = intent_id  # which ledger entry cannot be read
        raise


class TouchingEvents:
    """The answer of `load_events_touching` as a store builds it from stored entries.

    A store's touch index knows aggregate ids, not types, and two types may share an id: the
    question is grouped by id (`since` is the lowest bound asked for an id), and each stored
    entry that touched an id adds its events to every aggregate of that id it is new to.
    """

    def __init__(self, registry: TypeRegistry, after: Mapping[AggregateRef, int]) -> None:
        self.registry = registry
        self.found: dict[AggregateRef, list[Event]] = {ref: [] for ref in after}
        self.by_id: dict[str, list[tuple[AggregateRef, int]]] = {}
        for ref, bound in after.items():
            self.by_id.setdefault(ref.id, []).append((ref, bound))

    def since(self, aggregate_id: str) -> int:
        return min(bound for _, bound in self.by_id[aggregate_id])

    def add(self, aggregate_id: str, sequence: int, intent_id: str, records: list[dict[str, Any]]) -> None:
        """An intent entry at `sequence` that touched `aggregate_id`, with its stored `events`; in sequence order."""
        for ref, bound in self.by_id.get(aggregate_id, ()):
            if sequence > bound:
                self.found[ref].extend(events_of(self.registry, intent_id, records, ref))


def aggregate_name(registry: TypeRegistry, stored_name: str) -> str:
    """The current name of an aggregate type a document names (it may have been renamed)."""
    return registry.stored_aggregate_type(stored_name).type_name


def snapshot_to_document(record: SnapshotRecord) -> dict[str, Any]:
    return {
        "workspace_id": record.workspace_id,
        "timeline_id": record.timeline_id,
        "aggregate_type": record.aggregate_type,
        "aggregate_id": record.aggregate_id,
        "seq": record.sequence,
        "version": record.version,
        "state": record.state.to_document(),
    }


def snapshot_from_document(registry: TypeRegistry, doc: dict[str, Any]) -> SnapshotRecord:
    """A stored snapshot; one of an older aggregate version raises StaleSnapshot (rebuild it)."""
    state = doc["state"]
    if not isinstance(state, dict):
        raise SerializationError(f"a snapshot's state must be a JSON object, got {type(state).__name__}")
    aggregate_type = registry.stored_aggregate_type(state.get(TYPE_FIELD, doc["aggregate_type"]))
    written = stored_version(state, aggregate_type.type_name)
    current = aggregate_type.schema_version
    refused: SchemaVersionError | None = None
    if written > current:
        refused = SchemaVersionError.newer(aggregate_type.type_name, written, current)
    elif written < current or state.get(TYPE_FIELD) != aggregate_type.type_name:
        refused = StaleSnapshot(aggregate_type.type_name, doc["aggregate_id"], written, current)
    if refused is not None:
        registry.note("aggregate", state, refused)
        raise refused
    return SnapshotRecord(
        workspace_id=doc["workspace_id"],
        timeline_id=doc["timeline_id"],
        aggregate_type=aggregate_type.type_name,
        aggregate_id=doc["aggregate_id"],
        sequence=int(doc["seq"]),
        version=int(doc["version"]),
        state=registry.aggregate_from_json(state),
    )


def timeline_to_document(record: TimelineRecord) -> dict[str, Any]:
    return {
        "workspace_id": record.workspace_id,
        "timeline_id": record.timeline_id,
        "parent_timeline_id": record.parent_timeline_id,
        "fork_seq": record.fork_sequence,
        "created_at": _timestamp(record.created_at),
        "status": record.status.value,
        "created_by": record.created_by,
    }


def timeline_from_document(doc: dict[str, Any]) -> TimelineRecord:
    return TimelineRecord(
        workspace_id=doc["workspace_id"],
        timeline_id=doc["timeline_id"],
        parent_timeline_id=doc.get("parent_timeline_id"),
        fork_sequence=int(doc.get("fork_seq", 0)),
        created_at=_aware(doc["created_at"]),
        status=TimelineStatus(doc.get("status", "active")),
        created_by=doc.get("created_by"),
    )


def _timestamp(value: datetime) -> str:
    """ISO 8601 with microseconds and offset: a BSON date would keep milliseconds only, and
    replay re-plans with the stored time, so a truncated time would change the events."""
    return value.isoformat(timespec="microseconds")


def _aware(value: datetime | str) -> datetime:
    """MongoDB returns naive UTC datetimes unless the client is tz_aware."""
    from datetime import UTC

    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
