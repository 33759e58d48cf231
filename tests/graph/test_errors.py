"""Every error code, and no input a client can send gives a 500."""

from __future__ import annotations

import httpx
import jwt
import pytest

from tests.graph.server_harness import SECRET, Client, Running


def codes(body: dict) -> list[str]:
    return [e["extensions"]["code"] for e in body.get("errors", [])]


async def test_unauthenticated_without_or_with_a_bad_token(
    anonymous: Client, server: Running, http: httpx.AsyncClient
) -> None:
    body = await anonymous.gql('{ todos(workspaceId: "w-alice") { nodes { aggregateId } } }')
    assert codes(body) == ["UNAUTHENTICATED"]
    expired = jwt.encode({"sub": "alice", "exp": 1}, SECRET, algorithm="HS256")
    foreign = jwt.encode({"sub": "alice"}, "another secret, just as long as ours", algorithm="HS256")
    for token in ("garbage", expired, foreign):
        body = await Client(http, token).gql("{ me { id } }")
        assert codes(body) == ["UNAUTHENTICATED"], body
        assert "invalid bearer token" in body["errors"][0]["message"]


async def test_introspection_needs_no_token(anonymous: Client) -> None:
    body = await anonymous.gql("{ __schema { queryType { name } } __typename }")
    assert body["data"]["__schema"]["queryType"]["name"] == "Query"


async def test_forbidden(bob: Client) -> None:
    assert codes(await bob.gql('{ head(workspaceId: "w-alice") }')) == ["FORBIDDEN"]


async def test_bad_user_input_names_the_field(alice: Client) -> None:
    body = await alice.gql(
        'mutation { createTodo(workspaceId: "w-alice", intentId: " ", input: {title: "x"}) { sequence } }'
    )
    assert codes(body) == ["BAD_USER_INPUT"] and body["errors"][0]["extensions"]["field"] == "intentId"
    body = await alice.gql('{ todos(workspaceId: "w-alice", first: 0) { nodes { aggregateId } } }')
    assert codes(body) == ["BAD_USER_INPUT"] and body["errors"][0]["extensions"]["field"] == "first"
    body = await alice.gql('{ todos(workspaceId: "w-alice", after: "bm90IGEgY3Vyc29y") { nodes { aggregateId } } }')
    assert codes(body) == ["BAD_USER_INPUT"] and body["errors"][0]["extensions"]["field"] == "after"
    body = await alice.gql(
        'mutation { attachToTodo(workspaceId: "w-alice", input: {todoId: "t", '
        'attachment: {base64: "***"}}) { sequence } }'
    )
    assert codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["extensions"]["field"] == "input.attachment.inline"
    body = await alice.gql(
        'mutation { attachToTodo(workspaceId: "w-alice", input: {todoId: "t", '
        'attachment: {sha256: "00"}}) { sequence } }'
    )
    assert body["errors"][0]["extensions"] == {
        **body["errors"][0]["extensions"],
        "code": "BAD_USER_INPUT",
        "field": "input.attachment.sha256",
    }
    body = await alice.gql(
        'query($n: Int!) { todos(workspaceId: "w-alice", first: $n) { nodes { aggregateId } } }', {"n": "many"}
    )
    assert codes(body) == ["BAD_USER_INPUT"]


async def test_intent_rejected_names_the_rule_and_writes_nothing(alice: Client) -> None:
    body = await alice.gql('mutation { completeTodo(workspaceId: "w-alice", input: {todoId: "missing"}) { sequence } }')
    assert codes(body) == ["INTENT_REJECTED"]
    assert body["errors"][0]["extensions"]["rule"] == "todo.not_found"
    assert (await alice.data('{ head(workspaceId: "w-alice") }'))["head"] == 0


async def test_conflict(alice: Client) -> None:
    await alice.data('mutation { createTodo(workspaceId: "w-alice", input: {title: "a", todoId: "t1"}) { sequence } }')
    await alice.data('mutation { renameTodo(workspaceId: "w-alice", input: {todoId: "t1", title: "b"}) { sequence } }')
    await alice.data('mutation { createTimeline(workspaceId: "w-alice", timelineId: "b") { status } }')
    again = await alice.gql('mutation { createTimeline(workspaceId: "w-alice", timelineId: "b") { status } }')
    assert codes(again) == ["CONFLICT"]
    used = await alice.gql(
        'mutation { completeTodo(workspaceId: "w-alice", intentId: "i-1", input: {todoId: "t1"}) { sequence } }'
    )
    assert "errors" not in used
    reused = await alice.gql(
        'mutation { renameTodo(workspaceId: "w-alice", intentId: "i-1", '
        'input: {todoId: "t1", title: "c"}) { sequence } }'
    )
    assert codes(reused) == ["CONFLICT"]


async def test_not_found(alice: Client) -> None:
    body = await alice.gql('{ todos(workspaceId: "w-alice", timelineId: "nope") { nodes { aggregateId } } }')
    assert codes(body) == ["NOT_FOUND"]


async def test_internal_errors_are_masked_and_carry_the_correlation_id(
    server: Running, alice: Client, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(*args: object, **kwargs: object) -> int:
        raise RuntimeError("database password is hunter2")

    monkeypatch.setattr(server.app, "head", broken)
    response = await alice.post('{ head(workspaceId: "w-alice") }', headers={"x-correlation-id": "req-42"})
    assert response.status_code == 200
    error = response.json()["errors"][0]
    assert error["extensions"] == {"code": "INTERNAL", "correlationId": "req-42"}
    assert "hunter2" not in response.text and "req-42" in error["message"]
    assert response.headers["x-correlation-id"] == "req-42"
    assert any("hunter2" in (r.exc_text or "") or "req-42" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize(
    "request_kwargs",
    [
        {"content": b"{not json", "headers": {"content-type": "application/json"}},
        {"content": b"[]", "headers": {"content-type": "application/json"}},
        {"content": b'{"query": 5}', "headers": {"content-type": "application/json"}},
        {"content": b'{"query": "{ me { id } }", "variables": "x"}', "headers": {"content-type": "application/json"}},
        {"content": b'{"query": "{ me { id "}', "headers": {"content-type": "application/json"}},
        {"content": b'{"query": "{ nope }"}', "headers": {"content-type": "application/json"}},
        {"content": b'{"query": "{ ...Missing }"}', "headers": {"content-type": "application/json"}},
        {
            "content": b'{"query": "query A { me { id } } query B { me { id } }"}',
            "headers": {"content-type": "application/json"},
        },
        {
            "content": b'{"query": "mutation { undoLatest(workspaceId: \\"\\\\u0000\\") { sequence } }"}',
            "headers": {"content-type": "application/json"},
        },
        {"content": "x" * 100, "headers": {"content-type": "text/plain", "graphql-require-preflight": "1"}},
        {"content": b"", "headers": {"content-type": "application/json"}},
        {
            "content": b'{"query": "{ me { id } }"}',
            "headers": {"content-type": "multipart/form-data; boundary=x", "graphql-require-preflight": "1"},
        },
    ],
)
async def test_malformed_requests_are_never_a_500(
    http: httpx.AsyncClient, server: Running, request_kwargs: dict
) -> None:
    headers = {"authorization": f"Bearer {server.token('alice')}", **request_kwargs.pop("headers")}
    response = await http.post("/graphql", headers=headers, **request_kwargs)
    assert 200 <= response.status_code < 500, response.text
    if response.headers.get("content-type", "").startswith("application/json"):
        assert "INTERNAL" not in response.text, response.text


@pytest.mark.parametrize("value", ["", " padded ", "a" * 300, "tab\there", "\u0000", "ünïcødé"])
async def test_odd_ids_are_bad_input_or_fine_never_internal(alice: Client, value: str) -> None:
    for query in (
        "query($v: ID!) { todo(workspaceId: $v, aggregateId: $v) { id } }",
        'query($v: ID!) { todos(workspaceId: "w-alice", timelineId: $v) { nodes { aggregateId } } }',
        'mutation($v: ID!) { createTodo(workspaceId: "w-alice", intentId: $v, input: {title: $v, todoId: $v}) '
        "{ sequence } }",
    ):
        body = await alice.gql(query, {"v": value})
        assert "INTERNAL" not in codes(body), body
