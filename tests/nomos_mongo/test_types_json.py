"""Every stored type round-trips through JSON by its registered name; bad JSON is named."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from nomos_mongo import TYPE_FIELD, NomosApp, SerializationError, TypeRegistry, UnknownType
from nomos_mongo.codec import entry_from_document, entry_to_document
from nomos_mongo.examples.todo import (
    TODO_MODULE,
    CreateTodoDirective,
    CreateTodoIntent,
    CreateTodoPayload,
    TodoAggregate,
    TodoCreatedEvent,
    TodoPriority,
)

NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


@pytest.fixture
def registry() -> TypeRegistry:
    return TypeRegistry([TODO_MODULE])


def test_intent_json_carries_its_type_name_and_round_trips(registry: TypeRegistry) -> None:
    intent = CreateTodoIntent(id="i-1", title="Buy milk", project_id="p-1")
    data = intent.to_json()
    assert data[TYPE_FIELD] == "CreateTodoIntent"
    assert data["projectId"] == "p-1"
    assert registry.intent_from_json(data) == intent


@pytest.mark.parametrize(
    "model",
    [
        TodoCreatedEvent(title="x", created_at=NOW, priority=TodoPriority.HIGH),
        TodoAggregate(id="t", title="x", created_at=NOW, is_completed=True),
        CreateTodoDirective(
            payload=CreateTodoPayload(entity_id="t", title="x", created_at=NOW, priority=TodoPriority.LOW)
        ),
    ],
)
def test_events_aggregates_directives_round_trip(registry: TypeRegistry, model: object) -> None:
    data = model.to_json()  # type: ignore[attr-defined]
    kind = {TodoCreatedEvent: "event", TodoAggregate: "aggregate", CreateTodoDirective: "directive"}[type(model)]
    assert registry.decode(kind, data) == model


def test_unknown_type_name_is_named(registry: TypeRegistry) -> None:
    with pytest.raises(UnknownType, match="'NoSuchIntent'"):
        registry.intent_from_json({TYPE_FIELD: "NoSuchIntent"})


def test_missing_type_field_is_named(registry: TypeRegistry) -> None:
    with pytest.raises(SerializationError, match=TYPE_FIELD):
        registry.intent_from_json({"title": "x"})


def test_missing_field_is_named_by_its_json_name(registry: TypeRegistry) -> None:
    with pytest.raises(SerializationError, match="'createdAt'") as info:
        registry.event_from_json({TYPE_FIELD: "TodoCreatedEvent", "title": "x"})
    assert info.value.field == "createdAt"


def test_unknown_field_is_refused(registry: TypeRegistry) -> None:
    with pytest.raises(SerializationError, match="'colour'"):
        registry.intent_from_json({TYPE_FIELD: "CreateTodoIntent", "title": "x", "colour": "red"})


def test_non_object_json_is_refused(registry: TypeRegistry) -> None:
    with pytest.raises(SerializationError, match="JSON object"):
        registry.intent_from_json(["not", "an", "object"])


def test_a_type_name_registered_twice_is_refused() -> None:
    class CreateTodoIntent2(CreateTodoIntent):
        type_name = "CreateTodoIntent"

    from nomos_mongo import NomosModule

    with pytest.raises(TypeError, match="registered twice"):
        TypeRegistry([TODO_MODULE, NomosModule(name="dup", intents=(CreateTodoIntent2,))])


async def test_ledger_entry_round_trips_through_its_document(app: NomosApp, ctx) -> None:  # type: ignore[no-untyped-def]
    entry = await app.dispatch(CreateTodoIntent(title="Buy milk", project_id="p"), ctx)
    restored = entry_from_document(app.registry, entry_to_document(entry))
    assert restored == entry
    assert restored.client_timestamp.tzinfo is not None
