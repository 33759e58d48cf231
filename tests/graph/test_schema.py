"""The schema is derived from the registry: one mutation per intent, typed inputs and outputs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import pytest
from pydantic import Field

from graph.auth import TokenVerifier, User
from graph.authorization import AllowAll
from graph.catalog import ENGINE_INTENTS
from graph.cli import current_sdl
from graph.context import RequestContext
from graph.naming import enum_member_name, mutation_name, plural
from graph.schema import build_schema
from graph.settings import Settings
from graph.shapes import SchemaBuildError
from graph.tracking import Subscriptions
from nomos_mongo import (
    ACTOR,
    Aggregate,
    Event,
    Intent,
    IntentContext,
    MemoryPersistence,
    NomosApp,
    NomosModule,
    Payload,
    SingleAggregateDirective,
)
from nomos_mongo.examples.todo import TODO_MODULE
from schema.contracts import CustomFieldMap, Money, Role

SDL_PATH = Path(__file__).parents[2] / "schema" / "schema.graphql"


def field_names(schema: Any, type_name: str) -> set[str]:
    return {f.graphql_name or f.name for f in schema.get_type_by_name(type_name).fields}


def mutation_names(schema: Any) -> set[str]:
    return field_names(schema, "Mutation")


@pytest.mark.parametrize(
    ("type_name", "expected"),
    [
        ("CreateTrackableAssetIntent", "createTrackableAsset"),
        ("CreateAttachmentIntentV2", "createAttachmentV2"),
        ("UndoIntent", "undo"),
        ("Rename", "rename"),
    ],
)
def test_mutation_names(type_name: str, expected: str) -> None:
    assert mutation_name(type_name) == expected


def test_plurals_and_enum_values() -> None:
    assert [plural(w) for w in ("TrackableAsset", "Property", "Day", "Address", "Box")] == [
        "TrackableAssets",
        "Properties",
        "Days",
        "Addresses",
        "Boxes",
    ]
    assert [enum_member_name(v) for v in ("multi_select", "multiSelect", "userAdded", "2d")] == [
        "MULTI_SELECT",
        "MULTI_SELECT",
        "USER_ADDED",
        "_2D",
    ]


def test_one_mutation_per_registered_intent_for_the_todo_domain() -> None:
    app = NomosApp(MemoryPersistence(), modules=[TODO_MODULE])
    schema = build_schema(app.registry)
    intents = {mutation_name(n) for n, cls in app.registry.intents.items() if cls not in ENGINE_INTENTS}
    system = {"undoLatest", "redoLatest", "createTimeline", "mergeTimeline", "discardTimeline", "uploadBlob"}
    assert mutation_names(schema) == intents | system


def test_the_co2_schema_builds_with_a_mutation_for_every_intent() -> None:
    schema_module = pytest.importorskip("schema")
    modules = list(schema_module.CO2_MODULES)
    app = NomosApp(MemoryPersistence(), modules=modules)
    schema = build_schema(app.registry)
    expected = {mutation_name(n) for n, cls in app.registry.intents.items() if cls not in ENGINE_INTENTS}
    assert expected <= mutation_names(schema)
    for name in ("createTrackableAsset", "createAttachmentV2", "createEstate", "grantEstateAccess"):
        if name in expected:
            assert name in mutation_names(schema)
    query_fields = field_names(schema, "Query")
    for aggregate in app.registry.aggregates:
        assert any(f.lower() == aggregate.removesuffix("Aggregate").lower() for f in query_fields), aggregate


def test_the_committed_sdl_is_current() -> None:
    assert SDL_PATH.exists(), "run `nomos export-schema`"
    assert SDL_PATH.read_text(encoding="utf-8") == current_sdl(), (
        "schema/schema.graphql is stale: run `nomos export-schema` and commit it"
    )


# a small domain using every kind of field the generator knows ----------------------------
class Mood(StrEnum):
    calm = "calm"
    over_the_moon = "overTheMoon"


class ThingAggregate(Aggregate):
    price: Money | None = None
    fields: CustomFieldMap = Field(default_factory=CustomFieldMap.empty)
    role: Role | None = None
    mood: Mood = Mood.calm
    tags: tuple[str, ...] = ()
    due: dt.date | None = None
    scores: dict[str, int] = Field(default_factory=dict)

    def apply(self, event: Event) -> ThingAggregate:
        if isinstance(event, ThingMadeEvent):
            return self.evolve(**{k: getattr(event, k) for k in ThingMadeEvent.model_fields})
        return self


class ThingMadeEvent(Event):
    price: Money | None
    fields: CustomFieldMap
    role: Role | None
    mood: Mood
    tags: tuple[str, ...]
    due: dt.date | None
    scores: dict[str, int]


class MakeThingIntent(Intent):
    thing_id: str
    made_by: Annotated[str, ACTOR]
    price: Money | None = None
    fields: CustomFieldMap = Field(default_factory=CustomFieldMap.empty)
    role: Role | None = None
    mood: Mood = Mood.calm
    tags: tuple[str, ...] = ()
    due: dt.date | None = None
    scores: dict[str, int] = Field(default_factory=dict)


class ThingPayload(Payload):
    event: ThingMadeEvent


class MakeThingDirective(SingleAggregateDirective[ThingAggregate, ThingPayload]):
    aggregate_type = ThingAggregate

    def target_id(self) -> str:
        return "thing"

    def execute(self, snapshot: ThingAggregate, payload: ThingPayload) -> Sequence[Event]:
        return [payload.event]


def make_thing(intent: MakeThingIntent, ctx: Any) -> list[Any]:
    event = ThingMadeEvent(**{k: getattr(intent, k) for k in ThingMadeEvent.model_fields})
    return [MakeThingDirective(payload=ThingPayload(event=event))]


THINGS = NomosModule(
    name="things",
    intents=(MakeThingIntent,),
    events=(ThingMadeEvent,),
    aggregates=(ThingAggregate,),
    payloads=(ThingPayload,),
    directives=(MakeThingDirective,),
    routes={MakeThingIntent: make_thing},
)


@pytest.fixture
async def things() -> Any:
    app = NomosApp(MemoryPersistence(), modules=[THINGS])
    schema = build_schema(app.registry)
    context = RequestContext(
        app=app,
        settings=Settings(),
        authorizer=AllowAll(),
        tokens=TokenVerifier(secret="x" * 32),
        subscriptions=Subscriptions(),
        correlation_id="c-1",
        user=User("alice"),
    )
    yield app, schema, context
    await app.close()


MAKE = """mutation($input: MakeThingInput!) {
  makeThing(workspaceId: "w", input: $input) {
    changedAggregates { ... on Thing {
      price { amountInMinorUnits currency }
      fields { __typename ... on TextCustomField { key value source }
               ... on MoneyCustomField { key money: value { amountInMinorUnits currency } } }
      role { type value } mood tags due scores { key value }
    } }
  }
}"""


async def test_every_kind_of_input_converts_and_comes_back_typed(things: Any) -> None:
    app, schema, context = things
    variables = {
        "input": {
            "thingId": "thing",
            "price": {"amountInMinorUnits": 1999, "currency": "eur"},
            "fields": [
                {"text": {"key": "note", "value": "hello"}},
                {"money": {"key": "budget", "value": {"amountInMinorUnits": 5, "currency": "USD"}}},
            ],
            "role": {"type": "ESTATE", "value": "ADMIN"},
            "mood": "OVER_THE_MOON",
            "tags": ["a", "b"],
            "due": "2026-12-24",
            "scores": [{"key": "x", "value": 1}],
        }
    }
    result = await schema.execute(MAKE, variable_values=variables, context_value=context)
    assert result.errors is None, result.errors
    thing = result.data["makeThing"]["changedAggregates"][0]
    assert thing["price"] == {"amountInMinorUnits": 1999, "currency": "EUR"}
    assert thing["fields"] == [
        {"__typename": "TextCustomField", "key": "note", "value": "hello", "source": "USER_ADDED"},
        {"__typename": "MoneyCustomField", "key": "budget", "money": {"amountInMinorUnits": 5, "currency": "USD"}},
    ]
    assert thing["role"] == {"type": "ESTATE", "value": "ADMIN"}
    assert (thing["mood"], thing["tags"], thing["due"]) == ("OVER_THE_MOON", ["a", "b"], "2026-12-24")
    assert thing["scores"] == [{"key": "x", "value": 1}]
    stored = (await app.read_timeline("w", "main"))[0].intent
    assert stored.made_by == "alice" and stored.mood is Mood.over_the_moon


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        ({"price": {"amountInMinorUnits": 1, "currency": "EURO"}}, "input.price.currency"),
        ({"role": {"type": "SITE", "value": "OWNER"}}, "input.role"),
        ({"fields": [{"text": {"key": "no spaces", "value": "x"}}]}, "input.fields"),
        ({"fields": [{"text": {"key": "k", "value": "x"}}, {"text": {"key": "k", "value": "y"}}]}, "input.fields.1"),
    ],
)
async def test_domain_validation_is_bad_user_input_naming_the_field(things: Any, bad: dict, field: str) -> None:
    _, schema, context = things
    result = await schema.execute(MAKE, variable_values={"input": {"thingId": "thing", **bad}}, context_value=context)
    assert result.errors is not None
    error = result.errors[0]
    assert error.extensions["code"] == "BAD_USER_INPUT", error
    assert error.extensions["field"].startswith(field), error.extensions


async def test_one_of_inputs_take_exactly_one_member(things: Any) -> None:
    _, schema, context = things
    both = {"thingId": "thing", "fields": [{"text": {"key": "a", "value": "x"}, "number": {"key": "b", "value": 1}}]}
    result = await schema.execute(MAKE, variable_values={"input": both}, context_value=context)
    assert result.errors is not None and result.errors[0].extensions["code"] == "BAD_USER_INPUT"


def test_actor_fields_are_not_inputs(things: Any) -> None:
    _, schema, _ = things
    fields = field_names(schema, "MakeThingInput")
    assert "madeBy" not in fields and "thingId" in fields and "id" not in fields


def test_an_unknown_field_type_fails_when_the_schema_is_built() -> None:
    class OddIntent(Intent):
        when: dt.timedelta

    app = NomosApp(MemoryPersistence(), modules=[NomosModule(name="odd", intents=(OddIntent,))])
    with pytest.raises(SchemaBuildError, match=r"OddIntent\.when"):
        build_schema(app.registry)


async def test_intent_context_carries_the_user_and_correlation_id(things: Any) -> None:
    _, _, context = things
    assert context.intent_context("w", "main") == IntentContext(
        workspace_id="w", actor_id="alice", correlation_id="c-1"
    )
