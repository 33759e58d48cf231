"""Limits, CSRF, origins, production switches, health and correlation ids."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import httpx
import pytest
from websockets.exceptions import InvalidStatus

from graph.authorization import AllowAll
from graph.settings import Settings
from nomos_mongo.examples.todo import TODO_MODULE
from tests.graph.server_harness import Client, Running, running_server
from tests.graph.ws_client import open_socket


def codes(body: dict) -> list[str]:
    return [e["extensions"]["code"] for e in body.get("errors", [])]


@pytest.fixture
async def strict() -> AsyncIterator[Client]:
    settings = Settings(max_depth=3, max_aliases=5)
    async with (
        running_server([TODO_MODULE], authorizer=AllowAll(), settings=settings) as srv,
        httpx.AsyncClient(base_url=srv.url) as http,
    ):
        yield Client(http, srv.token("alice"))


async def test_depth_limit_holds_directly_and_through_fragments(strict: Client) -> None:
    assert "errors" not in await strict.gql('{ timeline(workspaceId: "w") { events { aggregateId } } }')
    deep = 'mutation { mergeTimeline(workspaceId: "w", source: "b") { outcomes { result { entry { sequence } } } } }'
    body = await strict.gql(deep)
    assert codes(body) == ["GRAPHQL_VALIDATION_FAILED"] and "4 levels deep" in body["errors"][0]["message"]
    via_fragments = (
        'mutation { mergeTimeline(workspaceId: "w", source: "b") { ...A } } '
        "fragment A on MergeReport { outcomes { ...B } } "
        "fragment B on MergeOutcome { result { ... on IntentResult { entry { sequence } } } }"
    )
    assert codes(await strict.gql(via_fragments)) == ["GRAPHQL_VALIDATION_FAILED"]
    introspection = "{ __schema { types { fields { type { ofType { ofType { name } } } } } } }"
    assert "errors" not in await strict.gql(introspection)


async def test_alias_limit_holds_through_fragments(strict: Client) -> None:
    fragment = "fragment F on LedgerEntry { a: sequence b: sequence c: sequence }"
    once = f'{fragment} {{ timeline(workspaceId: "w") {{ ...F }} }}'
    assert "errors" not in await strict.gql(once)
    twice = f'{fragment} {{ timeline(workspaceId: "w") {{ ...F ...F }} }}'
    body = await strict.gql(twice)
    assert codes(body) == ["GRAPHQL_VALIDATION_FAILED"] and "6 aliases" in body["errors"][0]["message"]


async def test_a_fragment_bomb_is_measured_quickly(alice: Client) -> None:
    levels = 60  # 2**60 spreads if walked naively
    fragments = " ".join(f"fragment F{i} on LedgerEntry {{ ...F{i + 1} ...F{i + 1} }}" for i in range(levels))
    query = (
        f"{fragments} fragment F{levels} on LedgerEntry {{ x: sequence }} "
        '{ timeline(workspaceId: "w-alice") { ...F0 } }'
    )
    body = await alice.gql(query)
    assert codes(body) == ["GRAPHQL_VALIDATION_FAILED"]


async def test_token_limit(alice: Client) -> None:
    query = "{ " + " ".join("__typename" for _ in range(6000)) + " }"
    assert codes(await alice.gql(query)) == ["GRAPHQL_PARSE_FAILED"]


async def test_request_body_limit() -> None:
    settings = Settings(max_body_bytes=2000)
    async with (
        running_server([TODO_MODULE], authorizer=AllowAll(), settings=settings) as srv,
        httpx.AsyncClient(base_url=srv.url) as http,
    ):
        big = json.dumps({"query": "{ me { id } }", "variables": {"pad": "x" * 5000}})
        response = await http.post("/graphql", content=big, headers={"content-type": "application/json"})
        assert response.status_code == 413

        async def chunks() -> AsyncIterator[bytes]:
            for _ in range(10):
                yield b" " * 500
            yield b'{"query": "{ __typename }"}'

        streamed = await http.post("/graphql", content=chunks(), headers={"content-type": "application/json"})
        assert streamed.status_code == 413


async def test_get_queries_need_a_preflight_header_and_mutations_are_refused(
    http: httpx.AsyncClient, alice: Client
) -> None:
    auth = {"authorization": f"Bearer {alice.token}"}
    plain = await http.get("/graphql", params={"query": "{ me { id } }"}, headers=auth)
    assert plain.status_code == 400 and "forged" in plain.text
    guarded = await http.get(
        "/graphql", params={"query": "{ me { id } }"}, headers={**auth, "graphql-require-preflight": "1"}
    )
    assert guarded.json()["data"]["me"]["id"] == "alice"
    mutation = await http.get(
        "/graphql",
        params={"query": 'mutation { createTodo(workspaceId: "w-alice", input: {title: "x"}) { sequence } }'},
        headers={**auth, "graphql-require-preflight": "1"},
    )
    assert mutation.status_code in (400, 405)
    assert (await alice.data('{ head(workspaceId: "w-alice") }'))["head"] == 0
    form = await http.post("/graphql", data={"query": "{ me { id } }"}, headers=auth)
    assert form.status_code == 400


async def test_graphiql_is_served_in_development(http: httpx.AsyncClient) -> None:
    page = await http.get("/graphql", headers={"accept": "text/html"})
    assert page.status_code == 200 and "graphiql" in page.text.lower()


async def test_production_switches_off_introspection_and_graphiql() -> None:
    settings = Settings(production=True)
    async with (
        running_server([TODO_MODULE], authorizer=AllowAll(), settings=settings) as srv,
        httpx.AsyncClient(base_url=srv.url) as http,
    ):
        page = await http.get("/graphql", headers={"accept": "text/html"})
        assert page.status_code == 404
        client = Client(http, srv.token("alice"))
        body = await client.gql("{ __schema { queryType { name } } }")
        assert set(codes(body)) == {"GRAPHQL_VALIDATION_FAILED"}
        misspelt = await client.gql("{ mee { id } }")
        assert "Did you mean" not in str(misspelt)


async def test_websocket_origins(server: Running, alice: Client) -> None:
    with pytest.raises(InvalidStatus) as refused:
        async with open_socket(server.ws_url, token=alice.token, origin="https://evil.example"):
            pass
    assert refused.value.response.status_code == 403
    async with open_socket(server.ws_url, token=alice.token, origin=server.url) as socket:
        await socket.subscribe("1", "{ me { id } }")
        assert (await socket.next_data("1"))["me"]["id"] == "alice"


async def test_allowed_origins_are_configurable() -> None:
    settings = Settings(allowed_origins=("https://app.example",))
    async with (
        running_server([TODO_MODULE], authorizer=AllowAll(), settings=settings) as srv,
        open_socket(srv.ws_url, token=srv.token("alice"), origin="https://app.example") as socket,
    ):
        await socket.subscribe("1", "{ me { id } }")
        assert (await socket.next_data("1"))["me"]["id"] == "alice"


async def test_health_and_readiness(http: httpx.AsyncClient, server: Running, monkeypatch: pytest.MonkeyPatch) -> None:
    assert (await http.get("/healthz")).json() == {"status": "ok"}
    assert (await http.get("/readyz")).json() == {"status": "ready"}

    async def down() -> None:
        from nomos_mongo import PersistenceError

        raise PersistenceError("cannot reach MongoDB")

    monkeypatch.setattr(server.app.persistence, "ping", down)
    not_ready = await http.get("/readyz")
    assert not_ready.status_code == 503 and "cannot reach" in not_ready.text


async def test_correlation_ids_reach_the_ledger_and_the_response(alice: Client) -> None:
    response = await alice.post(
        'mutation { createTodo(workspaceId: "w-alice", input: {title: "x"}) { entry { correlationId } } }',
        headers={"x-correlation-id": "checkout-7"},
    )
    assert response.headers["x-correlation-id"] == "checkout-7"
    assert response.json()["data"]["createTodo"]["entry"]["correlationId"] == "checkout-7"
    made_up = await alice.post("{ me { id } }", headers={"x-correlation-id": "has spaces and ; stuff"})
    assert made_up.headers["x-correlation-id"] != "has spaces and ; stuff"


async def test_the_full_introspection_query_passes_the_default_limits(anonymous: Client) -> None:
    from graphql import get_introspection_query

    query = get_introspection_query(
        descriptions=True,
        input_value_deprecation=True,
        directive_is_repeatable=True,
        schema_description=True,
        specified_by_url=True,
    )
    body = await anonymous.gql(query)
    assert "errors" not in body and body["data"]["__schema"]["queryType"]["name"] == "Query"


async def test_a_database_outage_is_a_clear_retryable_error(
    alice: Client, server: Running, monkeypatch: pytest.MonkeyPatch
) -> None:
    from nomos_mongo import PersistenceError

    async def unreachable(*args: object, **kwargs: object) -> None:
        raise PersistenceError("MongoDB is unreachable (mongo:27017: connection refused)")

    monkeypatch.setattr(server.app.persistence, "commit", unreachable)
    response = await alice.post('mutation { createTodo(workspaceId: "w-alice", input: {title: "x"}) { sequence } }')
    assert response.status_code == 200
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "UNAVAILABLE" and error["extensions"]["retryable"] is True
    assert "retried" in error["message"] and "mongo:27017" not in error["message"]
    monkeypatch.undo()  # the database is back: service resumes with nothing half-written
    created = await alice.data('mutation { createTodo(workspaceId: "w-alice", input: {title: "x"}) { sequence } }')
    assert created["createTodo"]["sequence"] == 1
