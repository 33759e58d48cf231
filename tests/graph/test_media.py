"""The GraphQL-over-HTTP response media type and its status codes."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from graph.media import GRAPHQL_RESPONSE, response_type
from tests.graph.server_harness import Running

MODERN = "application/graphql-response+json, application/json;q=0.9"  # what Apollo Client 4 sends


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (MODERN, GRAPHQL_RESPONSE),
        ("application/graphql-response+json", GRAPHQL_RESPONSE),
        ("application/json", "application/json"),
        ("*/*", "application/json"),
        (None, "application/json"),
        ("application/json, application/graphql-response+json;q=0.5", "application/json"),
        ("application/graphql-response+json;q=0", "application/json"),
    ],
)
def test_the_media_type_follows_the_accept_header(accept: str | None, expected: str) -> None:
    assert response_type(accept) == expected


async def post(server: Running, http: httpx.AsyncClient, body: dict[str, Any], accept: str) -> httpx.Response:
    headers = {"authorization": f"Bearer {server.token('alice')}", "accept": accept}
    return await http.post("/graphql", json=body, headers=headers)


REQUEST_ERRORS = [
    ({"query": "{ head(workspaceId: "}, "GRAPHQL_PARSE_FAILED"),
    ({"query": "{ nope }"}, "GRAPHQL_VALIDATION_FAILED"),
    ({"query": 'query($unused: Int) { head(workspaceId: "w-alice") }'}, "GRAPHQL_VALIDATION_FAILED"),
    ({"query": "query($ws: ID!) { head(workspaceId: $ws) }", "variables": {}}, "BAD_USER_INPUT"),
    (
        {
            "query": 'query($n: Int) { todos(workspaceId: "w-alice", first: $n) { nodes { id } } }',
            "variables": {"n": "many"},
        },
        "BAD_USER_INPUT",
    ),
]


@pytest.mark.parametrize(("body", "code"), REQUEST_ERRORS)
async def test_request_errors_are_400_without_data(
    server: Running, http: httpx.AsyncClient, body: dict[str, Any], code: str
) -> None:
    response = await post(server, http, body, MODERN)
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/graphql-response+json; charset=utf-8"
    answer = response.json()
    assert "data" not in answer
    assert [e["extensions"]["code"] for e in answer["errors"]] == [code]


@pytest.mark.parametrize(("body", "code"), REQUEST_ERRORS)
async def test_plain_json_clients_get_200_as_before(
    server: Running, http: httpx.AsyncClient, body: dict[str, Any], code: str
) -> None:
    response = await post(server, http, body, "application/json")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json()["data"] is None
    assert [e["extensions"]["code"] for e in response.json()["errors"]] == [code]


async def test_errors_during_execution_are_200_with_data(server: Running, http: httpx.AsyncClient) -> None:
    ok = await post(server, http, {"query": '{ head(workspaceId: "w-alice") }'}, MODERN)
    assert (ok.status_code, ok.json()) == (200, {"data": {"head": 0}})
    forbidden = await post(server, http, {"query": '{ head(workspaceId: "w-bob") }'}, MODERN)
    assert forbidden.status_code == 200
    assert forbidden.json()["data"] is None and forbidden.json()["errors"][0]["path"] == ["head"]
    assert forbidden.headers["content-type"].startswith(GRAPHQL_RESPONSE)


async def test_a_persisted_query_miss_is_what_apq_links_expect_under_both_types(
    server: Running, http: httpx.AsyncClient
) -> None:
    body = {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "a" * 64}}}
    for accept in (MODERN, "application/json"):
        response = await post(server, http, body, accept)
        assert response.status_code == 200
        assert response.json()["errors"] == [
            {"message": "PersistedQueryNotFound", "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"}}
        ]
