"""Automatic persisted queries, as Apollo's and urql's links speak them, and registered operations."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from graph.persisted import PersistedQueries, sha256_of
from graph.settings import Settings
from nomos_mongo.examples.todo import TODO_MODULE
from tests.graph.conftest import ROLES
from tests.graph.server_harness import Running, running_server
from tests.graph.ws_client import open_socket

QUERY = 'query Head { head(workspaceId: "w-alice") }'
HASH = sha256_of(QUERY)
APQ = {"persistedQuery": {"version": 1, "sha256Hash": HASH}}
NOT_FOUND = {"message": "PersistedQueryNotFound", "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"}}


def auth(server: Running) -> dict[str, str]:
    return {"authorization": f"Bearer {server.token('alice')}"}


def get_params(extensions: dict, query: str | None = None) -> dict[str, str]:
    params = {"operationName": "Head", "variables": "{}", "extensions": json.dumps(extensions)}
    return {**params, "query": query} if query else params


async def test_the_apollo_link_flow_over_post(server: Running, http: httpx.AsyncClient) -> None:
    hashed = {"operationName": "Head", "variables": {}, "extensions": APQ}
    miss = await http.post("/graphql", json=hashed, headers=auth(server))
    assert miss.status_code == 200
    assert miss.json() == {"data": None, "errors": [NOT_FOUND]}
    assert miss.headers["cache-control"] == "private, no-cache, must-revalidate"

    full = await http.post("/graphql", json={**hashed, "query": QUERY}, headers=auth(server))
    assert full.json() == {"data": {"head": 0}}
    again = await http.post("/graphql", json=hashed, headers=auth(server))
    assert again.json() == {"data": {"head": 0}}


async def test_the_apollo_link_flow_over_get_keeps_the_csrf_rule(server: Running, http: httpx.AsyncClient) -> None:
    preflight = {**auth(server), "graphql-require-preflight": "1", "accept": "application/json"}
    forged = await http.get("/graphql", params=get_params(APQ), headers={**auth(server), "accept": "*/*"})
    assert forged.status_code == 400 and "forged" in forged.text  # a hash alone is an operation too

    miss = await http.get("/graphql", params=get_params(APQ), headers=preflight)
    assert miss.json() == {"data": None, "errors": [NOT_FOUND]}
    full = await http.get("/graphql", params=get_params(APQ, QUERY), headers=preflight)
    assert full.json() == {"data": {"head": 0}}
    hit = await http.get("/graphql", params=get_params(APQ), headers=preflight)
    assert hit.json() == {"data": {"head": 0}}
    # a browser asking for the page with a hash gets the operation, not the IDE
    html_accepting = await http.get(
        "/graphql", params=get_params(APQ), headers={**preflight, "accept": "text/html,*/*"}
    )
    assert html_accepting.json() == {"data": {"head": 0}}


async def test_a_hash_that_does_not_match_or_a_bad_extension_is_refused(
    server: Running, http: httpx.AsyncClient
) -> None:
    wrong = {"query": QUERY, "extensions": {"persistedQuery": {"version": 1, "sha256Hash": "0" * 64}}}
    body = (await http.post("/graphql", json=wrong, headers=auth(server))).json()
    assert body["errors"][0]["message"] == "provided sha does not match query"
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    for extension in ({"version": 2, "sha256Hash": HASH}, {"version": 1, "sha256Hash": "xyz"}, "yes"):
        body = (await http.post("/graphql", json={"extensions": {"persistedQuery": extension}})).json()
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", body


async def test_only_documents_that_validate_are_kept(server: Running, http: httpx.AsyncClient) -> None:
    broken = "query Head { nope }"
    extensions = {"persistedQuery": {"version": 1, "sha256Hash": sha256_of(broken)}}
    first = await http.post("/graphql", json={"query": broken, "extensions": extensions}, headers=auth(server))
    assert first.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    body = (await http.post("/graphql", json={"extensions": extensions}, headers=auth(server))).json()
    assert body["errors"] == [NOT_FOUND]


def test_the_store_is_bounded_and_forgets_the_least_recently_used() -> None:
    store = PersistedQueries("auto", max_bytes=30)
    documents = {name: f"{{ {name:<10} }}" for name in ("a", "b", "c")}  # 14 characters each
    for document in documents.values():
        store.learn(sha256_of(document), document)
    assert store.find(sha256_of(documents["a"])) is None  # evicted: 42 > 30
    assert store.find(sha256_of(documents["b"])) == documents["b"]
    store.learn(sha256_of("x" * 31), "x" * 31)  # larger than the whole store: never kept
    assert len(store) == 2


@pytest.fixture
async def registered(tmp_path: Path) -> AsyncIterator[Running]:
    manifest = {
        "format": "apollo-persisted-query-manifest",
        "version": 1,
        "operations": [{"id": HASH, "name": "Head", "type": "query", "body": QUERY}],
    }
    path = tmp_path / "operations.json"
    path.write_text(json.dumps(manifest), encoding="utf-8")
    settings = Settings(persisted_queries="registered", persisted_queries_file=str(path))
    async with running_server([TODO_MODULE], authorizer=ROLES, settings=settings) as running:
        yield running


async def test_registered_mode_runs_the_listed_operations_only(registered: Running) -> None:
    headers = auth(registered)
    async with httpx.AsyncClient(base_url=registered.url, timeout=10) as http:
        by_hash = await http.post("/graphql", json={"extensions": APQ}, headers=headers)
        assert by_hash.json() == {"data": {"head": 0}}
        by_text = await http.post("/graphql", json={"query": QUERY}, headers=headers)
        assert by_text.json() == {"data": {"head": 0}}
        for request in (
            {"query": '{ head(workspaceId: "w-alice") }'},
            {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": sha256_of("{ me { id } }")}}},
        ):
            body = (await http.post("/graphql", json=request, headers=headers)).json()
            assert body["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_IN_LIST", body
    async with open_socket(registered.ws_url, token=registered.token("alice")) as socket:
        await socket.subscribe("1", 'subscription { watchTodos(workspaceId: "w-alice") { id } }')
        message = await socket.receive()
        assert message["type"] == "error", message
        assert message["payload"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_IN_LIST"


def test_a_manifest_entry_must_hash_to_its_id(tmp_path: Path) -> None:
    path = tmp_path / "operations.json"
    path.write_text(json.dumps({"0" * 64: QUERY}), encoding="utf-8")
    with pytest.raises(ValueError, match="does not hash to its id"):
        PersistedQueries("registered", manifest=str(path))
    with pytest.raises(ValueError, match="need a manifest"):
        PersistedQueries("registered")
