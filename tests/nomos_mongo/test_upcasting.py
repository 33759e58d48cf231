"""Schema versions and upcasters: what decoding does with documents of other versions."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from nomos_mongo import (
    TYPE_FIELD,
    Aggregate,
    Event,
    Intent,
    NomosModule,
    SerializationError,
    TypeRegistry,
)
from nomos_mongo.codec import entry_from_document, entry_to_document, snapshot_from_document
from nomos_mongo.errors import SchemaVersionError, StaleSnapshot
from nomos_mongo.examples.todo import (
    TODO_MODULE,
    CountPayload,
    CountTodosDirective,
    TodoCompletedEvent,
    TodoCreatedEvent,
    TodoPriority,
    TodoReopenedEvent,
)
from nomos_mongo.ledger import AggregateRef, EventRecord, IntentLedgerEntry
from nomos_mongo.model import VERSION_FIELD
from nomos_mongo.upcasting import renamed_field, retyped

NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


class NoteWrittenEvent(Event):
    """v1 {text}; v2 renamed text -> body; v3 added the required `language`."""

    schema_version = 3
    upcasters = {1: renamed_field("text", "body"), 2: lambda data: {**data, "language": "en"}}

    body: str
    language: str


class GapEvent(Event):
    schema_version = 3
    upcasters = {2: lambda data: data}  # nobody wrote the step from version 1


class NotePinnedEvent(Event):
    """v1 of this event was written for nothing: version 2 drops those documents."""

    schema_version = 2
    upcasters = {1: lambda data: []}


class BrokenEvent(Event):
    schema_version = 2
    upcasters = {1: lambda data: {"count": data["missing"]}}

    count: int


class NoteIntent(Intent):
    schema_version = 2
    upcasters = {1: lambda data: [data, data]}  # an intent cannot be split


def registry() -> TypeRegistry:
    notes = NomosModule(name="notes", events=(NoteWrittenEvent, GapEvent, NotePinnedEvent, BrokenEvent))
    return TypeRegistry([TODO_MODULE, notes, NomosModule(name="intents", intents=(NoteIntent,))])


def stored(type_name: str, version: int | None = None, **body: Any) -> dict[str, Any]:
    data = {**body, TYPE_FIELD: type_name}
    if version is not None:
        data[VERSION_FIELD] = version
    return data


def test_a_document_without_a_version_is_version_1_and_is_upcast() -> None:
    event = registry().event_from_json(stored("TodoCreatedEvent", title="x", createdAt=NOW.isoformat()))
    assert event == TodoCreatedEvent(title="x", created_at=NOW, priority=TodoPriority.NORMAL)


def test_upcasters_chain_from_the_stored_version() -> None:
    types = registry()
    assert types.event_from_json(stored("NoteWrittenEvent", text="hi")) == NoteWrittenEvent(body="hi", language="en")
    assert types.event_from_json(stored("NoteWrittenEvent", 2, body="hi")).language == "en"
    assert types.event_from_json(stored("NoteWrittenEvent", 3, body="hi", language="fr")).language == "fr"


def test_a_renamed_type_reads_its_old_name() -> None:
    assert registry().event_from_json(stored("TodoFinishedEvent", 1)) == TodoCompletedEvent()


def test_a_newer_document_names_the_type_and_both_versions() -> None:
    with pytest.raises(SchemaVersionError, match="NoteWrittenEvent version 4 is newer than this code's version 3"):
        registry().event_from_json(stored("NoteWrittenEvent", 4, body="x", language="en"))


def test_a_missing_step_is_named() -> None:
    with pytest.raises(SchemaVersionError, match=r"no upcaster for step v1 -> v2") as info:
        registry().event_from_json(stored("GapEvent"))
    assert (info.value.type_name, info.value.stored_version, info.value.code_version) == ("GapEvent", 1, 3)
    assert info.value.missing_step == (1, 2)


def test_a_failing_upcaster_is_named_not_a_traceback_of_its_own() -> None:
    with pytest.raises(SerializationError, match=r"BrokenEvent: upcaster v1 -> v2 failed: KeyError"):
        registry().event_from_json(stored("BrokenEvent"))


def test_a_type_name_that_is_not_a_string_is_unknown() -> None:
    with pytest.raises(SerializationError, match="unknown event type"):
        registry().event_from_json({TYPE_FIELD: ["TodoCreatedEvent"]})


def test_a_bad_version_is_refused() -> None:
    with pytest.raises(SerializationError, match="schemaVersion must be a positive integer"):
        registry().event_from_json(stored("NoteWrittenEvent", 0, body="x"))


def test_only_events_may_split_or_vanish() -> None:
    types = registry()
    assert types.decode_all("event", stored("NotePinnedEvent")) == []
    with pytest.raises(SerializationError, match="only an event may be split"):
        types.intent_from_json(stored("NoteIntent"))


def test_an_upcaster_may_turn_one_event_into_another_type() -> None:
    class LegacyReopenEvent(Event):
        schema_version = 2
        upcasters = {1: lambda data: retyped("TodoReopenedEvent", {})}

    types = TypeRegistry([TODO_MODULE, NomosModule(name="legacy", events=(LegacyReopenEvent,))])
    assert types.decode_all("event", stored("LegacyReopenEvent")) == [TodoReopenedEvent()]


def test_an_entry_from_before_versions_reads_its_payloads_and_events() -> None:
    """Documents written before types carried versions: no schemaVersion, payloads untyped."""
    types = registry()
    entry = IntentLedgerEntry(
        intent=NoteIntent(id="i-1"),
        workspace_id="ws",
        timeline_id="main",
        workspace_intent_sequence=1,
        actor_id="alice",
        correlation_id="i-1",
        causation_id=None,
        client_timestamp=NOW,
        server_timestamp=NOW,
        directives=(CountTodosDirective(payload=CountPayload(project_id="p", delta=2)),),
        events=(EventRecord("ProjectAggregate", "p", 1, NoteWrittenEvent(body="b", language="en")),),
        touched=(AggregateRef("ProjectAggregate", "p"),),
    )
    document = entry_to_document(entry)
    document["intent"] = {"id": "i-1", TYPE_FIELD: "NoteIntent", VERSION_FIELD: 2}
    document["directives"] = [{TYPE_FIELD: "CountTodosDirective", "payload": {"projectId": "p", "by": 2}}]
    document["events"][0]["event"] = stored("NoteWrittenEvent", text="b")
    assert entry_from_document(types, document) == entry


def test_an_unreadable_entry_names_its_id() -> None:
    document = {"_id": "i-9", "intent": stored("NoteIntent", 7), "directives": [], "events": []}
    with pytest.raises(SchemaVersionError) as info:
        entry_from_document(registry(), document)
    assert info.value.document_id == "i-9"


def test_stored_json_carries_the_version_and_json_of_a_later_version_does_too() -> None:
    event = NoteWrittenEvent(body="b", language="en")
    assert event.to_document()[VERSION_FIELD] == 3 and event.to_json()[VERSION_FIELD] == 3
    assert (
        VERSION_FIELD not in TodoCompletedEvent().to_json() and TodoCompletedEvent().to_document()[VERSION_FIELD] == 1
    )
    directive = CountTodosDirective(payload=CountPayload(project_id="p", delta=1)).to_document()
    assert directive["contextVersion"] == 1
    assert (directive["payload"][TYPE_FIELD], directive["payload"][VERSION_FIELD]) == ("CountPayload", 2)


def snapshot_document(state: dict[str, Any]) -> dict[str, Any]:
    return {
        "workspace_id": "ws",
        "timeline_id": "main",
        "aggregate_type": "ProjectAggregate",
        "aggregate_id": "p",
        "seq": 1,
        "version": 1,
        "state": state,
    }


def test_a_snapshot_of_an_older_aggregate_version_is_stale_never_served() -> None:
    with pytest.raises(StaleSnapshot, match="rebuild-snapshots") as info:
        snapshot_from_document(registry(), snapshot_document({"id": "p", "count": 1, TYPE_FIELD: "ProjectAggregate"}))
    assert (info.value.stored_version, info.value.code_version, info.value.aggregate_id) == (1, 2, "p")
    newer = {"id": "p", TYPE_FIELD: "ProjectAggregate", VERSION_FIELD: 3}
    with pytest.raises(SchemaVersionError, match="newer"):
        snapshot_from_document(registry(), snapshot_document(newer))
    current = {"id": "p", "todoCount": 1, TYPE_FIELD: "ProjectAggregate", VERSION_FIELD: 2}
    assert snapshot_from_document(registry(), snapshot_document(current)).state.todo_count == 1  # type: ignore[attr-defined]


def test_aggregates_cannot_declare_upcasters() -> None:
    class UpcastState(Aggregate):
        schema_version = 2
        upcasters = {1: lambda data: data}

        def apply(self, event: Event) -> UpcastState:
            return self

    with pytest.raises(TypeError, match="rebuilt from the ledger"):
        TypeRegistry([NomosModule(name="bad", aggregates=(UpcastState,))])


def test_upcaster_keys_are_older_versions() -> None:
    class Misnumbered(Event):
        schema_version = 2
        upcasters = {2: lambda data: data}

    with pytest.raises(TypeError, match="keys are the versions they upgrade from"):
        TypeRegistry([NomosModule(name="bad", events=(Misnumbered,))])


def test_a_previous_name_cannot_be_another_type_s_name() -> None:
    class Completed(Event):
        previous_type_names = ("TodoReopenedEvent",)

    with pytest.raises(TypeError, match="registered twice"):
        TypeRegistry([TODO_MODULE, NomosModule(name="bad", events=(Completed,))])
