"""Every list of every mutation input is capped where it enters: ten times the cap is a plain
BAD_USER_INPUT naming the list, refused before any of its items is coerced or validated."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLSchema,
    get_named_type,
    get_nullable_type,
)
from pydantic import ValidationError

from graph.authorization import AllowAll
from tests.graph.server_harness import Client, Running, running_server

schema = pytest.importorskip("schema")
TIMES = 10


@pytest.fixture(scope="module")
def co2_caps() -> tuple[GraphQLSchema, dict[str, dict[str, int]]]:
    from graph.schema import build_schema
    from nomos_mongo import MemoryPersistence, NomosApp

    built = build_schema(NomosApp(MemoryPersistence(), modules=list(schema.CO2_MODULES)).registry)
    return built._schema, built.catalog.inputs.list_caps


def capped_lists(
    input_type: GraphQLInputObjectType, caps: dict[str, dict[str, int]], path: tuple[str, ...], seen: frozenset[str]
) -> Iterator[tuple[tuple[str, ...], GraphQLNamedType, int]]:
    """(path, item type, cap) of every capped list reachable from `input_type`."""
    for name, field in input_type.fields.items():
        named = get_named_type(field.type)
        cap = caps.get(input_type.name, {}).get(name)
        if cap is not None:
            yield (*path, name), named, cap
        if isinstance(named, GraphQLInputObjectType) and named.name not in seen:
            listed = isinstance(get_nullable_type(field.type), GraphQLList)  # type: ignore[type-var]
            inner = (*path, name, "0") if listed else (*path, name)
            yield from capped_lists(named, caps, inner, seen | {named.name})


def item(named: GraphQLNamedType) -> Any:
    if isinstance(named, GraphQLEnumType):
        return next(iter(named.values))
    if isinstance(named, GraphQLInputObjectType):
        return {}
    return {"Int": 1, "Float": 1.0, "Boolean": True}.get(named.name, "x")


def value_at(path: tuple[str, ...], leaf: list[Any]) -> Any:
    """The input holding `leaf` at `path`; a "0" segment is the one item of a list."""
    if not path:
        return leaf
    head, *rest = path
    inner = value_at(tuple(rest), leaf)
    return [inner] if head == "0" else {head: inner}


def cases(gql: GraphQLSchema, caps: dict[str, dict[str, int]]) -> list[tuple[str, str, tuple[str, ...], Any, int]]:
    found = []
    assert gql.mutation_type is not None
    for mutation, field in gql.mutation_type.fields.items():
        argument = field.args.get("input")
        if argument is None:
            continue
        input_type = get_named_type(argument.type)
        assert isinstance(input_type, GraphQLInputObjectType)
        for path, named, cap in capped_lists(input_type, caps, (), frozenset({input_type.name})):
            found.append((mutation, input_type.name, path, item(named), cap))
    return found


def test_every_list_of_every_mutation_input_has_a_cap(co2_caps: tuple[GraphQLSchema, dict]) -> None:
    gql, caps = co2_caps
    uncapped = []
    assert gql.mutation_type is not None
    for mutation, field in gql.mutation_type.fields.items():
        argument = field.args.get("input")
        if argument is None:
            continue
        stack = [get_named_type(argument.type)]
        seen: set[str] = set()
        while stack:
            current = stack.pop()
            if not isinstance(current, GraphQLInputObjectType) or current.name in seen:
                continue
            seen.add(current.name)
            for name, inner in current.fields.items():
                if isinstance(get_nullable_type(inner.type), GraphQLList) and name not in caps.get(current.name, {}):  # type: ignore[type-var]
                    uncapped.append(f"{mutation}: {current.name}.{name}")
                stack.append(get_named_type(inner.type))
    assert uncapped == []


@pytest.fixture
async def co2() -> AsyncIterator[tuple[Running, Client]]:
    async with (
        running_server(list(schema.CO2_MODULES), authorizer=AllowAll()) as running,
        httpx.AsyncClient(base_url=running.url, timeout=60) as http,
    ):
        yield running, Client(http, running.token("alice"))


async def test_ten_times_the_cap_is_bad_user_input_naming_the_list(
    co2: tuple[Running, Client], co2_caps: tuple[GraphQLSchema, dict]
) -> None:
    _, client = co2
    checked = 0
    for mutation, input_type, path, one, cap in cases(*co2_caps):
        document = f'mutation($i: {input_type}!) {{ {mutation}(workspaceId: "w", input: $i) {{ success }} }}'
        if "workspaceId" not in str(co2_caps[0].mutation_type.fields[mutation].args):  # type: ignore[union-attr]
            document = f"mutation($i: {input_type}!) {{ {mutation}(input: $i) {{ success }} }}"
        body = await client.gql(document, {"i": value_at(path, [one] * (cap * TIMES))})
        where = f"{mutation} {'.'.join(path)}"
        assert [e["extensions"]["code"] for e in body["errors"]] == ["BAD_USER_INPUT"], (where, body["errors"])
        error = body["errors"][0]
        assert error["extensions"]["field"] == ".".join(("input", *path)), where
        assert error["extensions"]["maxItems"] == cap and f"got {cap * TIMES}" in error["message"], where
        checked += 1
    assert checked >= 20  # the CO2 inputs hold that many capped lists


async def test_a_literal_list_over_its_cap_is_refused_too(co2: tuple[Running, Client]) -> None:
    from schema.custom_fields import MAX_ASSETS_PER_APPLY

    ids = ", ".join(f'"a-{n}"' for n in range(MAX_ASSETS_PER_APPLY + 1))
    body = await co2[1].gql(
        f'mutation {{ bulkApplyLayerDefaults(workspaceId: "w", input: {{layerId: "l", assetIds: [{ids}]}}) '
        "{ success } }"
    )
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert body["errors"][0]["extensions"]["field"] == "input.assetIds"


def test_pydantic_sees_the_same_caps() -> None:
    """A list over its cap fails the model itself, whoever builds it (the engine, a script)."""
    from schema.contracts.base import MaxItems

    checked = 0
    for module in schema.CO2_MODULES:
        for intent in module.intents:
            for name, info in intent.model_fields.items():
                cap = next((m.max_length for m in info.metadata if isinstance(m, MaxItems)), None)
                if cap is None:
                    continue
                wire = info.alias or name
                with pytest.raises(ValidationError) as refused:
                    intent.model_validate({wire: ["x"] * (cap * TIMES)})  # items that would not validate either
                about = [e for e in refused.value.errors() if e["loc"][0] == wire]
                assert [(e["type"], e["loc"]) for e in about] == [("too_long", (wire,))], (intent, name)
                checked += 1
    assert checked >= 10


def test_repeated_values_are_found_in_one_pass() -> None:
    from schema.contracts.base import repeated

    assert repeated(["b", "a", "b", "c", "a"]) == ["a", "b"]
    assert repeated(str(n) for n in range(100_000)) == []


def test_every_list_of_every_query_argument_has_a_cap(co2_caps: tuple[GraphQLSchema, dict]) -> None:
    gql, caps = co2_caps
    assert gql.query_type is not None
    uncapped = []
    for query, field in gql.query_type.fields.items():
        stack = [get_named_type(argument.type) for argument in field.args.values()]
        seen: set[str] = set()
        while stack:
            current = stack.pop()
            if not isinstance(current, GraphQLInputObjectType) or current.name in seen:
                continue
            seen.add(current.name)
            for name, inner in current.fields.items():
                if isinstance(get_nullable_type(inner.type), GraphQLList) and name not in caps.get(current.name, {}):  # type: ignore[type-var]
                    uncapped.append(f"{query}: {current.name}.{name}")
                stack.append(get_named_type(inner.type))
    assert uncapped == []


async def test_an_in_filter_over_its_cap_is_bad_user_input(co2: tuple[Running, Client]) -> None:
    from graph.filters import IN_LIST_CAP

    document = 'query($f: TrackableAssetFilter) { trackableAssets(workspaceId: "w", filter: $f) { nodes { id } } }'
    values = [f"a-{n}" for n in range(IN_LIST_CAP * TIMES)]
    body = await co2[1].gql(document, {"f": {"aggregateId": {"in": values}}})
    assert [e["extensions"]["code"] for e in body["errors"]] == ["BAD_USER_INPUT"], body["errors"]
    assert body["errors"][0]["extensions"]["maxItems"] == IN_LIST_CAP
