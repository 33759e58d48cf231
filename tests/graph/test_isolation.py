"""Two users, two workspaces: neither sees nor touches the other's, by any operation."""

from __future__ import annotations

import pytest

from graph.nodes import NodePlace, global_id
from tests.graph.server_harness import Client, Running
from tests.graph.ws_client import open_socket

READS = [
    '{ todo(workspaceId: "w-alice", aggregateId: "t1") { id } }',
    '{ todos(workspaceId: "w-alice") { nodes { aggregateId } } }',
    '{ timeline(workspaceId: "w-alice") { sequence } }',
    '{ stateAtSequence(workspaceId: "w-alice", sequence: 1) { id } }',
    '{ aggregateHistory(workspaceId: "w-alice", aggregateId: "t1") { sequence } }',
    '{ head(workspaceId: "w-alice") }',
    '{ timelines(workspaceId: "w-alice") { timelineId } }',
    '{ canUndoLatest(workspaceId: "w-alice") }',
    '{ node(id: "' + global_id(NodePlace("Todo", "w-alice", "main", "t1")) + '") { id } }',
]
WRITES = [
    'mutation { createTodo(workspaceId: "w-alice", input: {title: "x"}) { sequence } }',
    'mutation { completeTodo(workspaceId: "w-alice", input: {todoId: "t1"}) { sequence } }',
    'mutation { undoLatest(workspaceId: "w-alice") { sequence } }',
    'mutation { redoLatest(workspaceId: "w-alice") { sequence } }',
    'mutation { createTimeline(workspaceId: "w-alice", timelineId: "b") { status } }',
    'mutation { mergeTimeline(workspaceId: "w-alice", source: "b") { source } }',
    'mutation { discardTimeline(workspaceId: "w-alice", timelineId: "b") { status } }',
]


@pytest.fixture
async def seeded(alice: Client) -> None:
    await alice.data(
        'mutation { createTodo(workspaceId: "w-alice", input: {title: "secret", todoId: "t1"}) { sequence } }'
    )


def assert_forbidden(body: dict) -> None:
    assert body.get("data") is None or all(v is None for v in body["data"].values()), body
    assert [e["extensions"]["code"] for e in body["errors"]] == ["FORBIDDEN"], body
    assert "secret" not in str(body)


@pytest.mark.parametrize("query", READS)
async def test_reads_of_another_workspace_are_forbidden(seeded: None, bob: Client, query: str) -> None:
    assert_forbidden(await bob.gql(query))


@pytest.mark.parametrize("query", WRITES)
async def test_writes_to_another_workspace_are_forbidden_and_write_nothing(
    seeded: None, alice: Client, bob: Client, query: str
) -> None:
    assert_forbidden(await bob.gql(query))
    assert (await alice.data('{ head(workspaceId: "w-alice") }'))["head"] == 1


@pytest.mark.parametrize("query", WRITES[:4])
async def test_read_access_does_not_allow_writing(seeded: None, alice: Client, carol: Client, query: str) -> None:
    assert_forbidden(await carol.gql(query))
    read = await carol.data('{ todo(workspaceId: "w-alice", aggregateId: "t1") { title } }')
    assert read["todo"]["title"] == "secret"


async def test_a_forbidden_intent_id_reveals_nothing_of_where_it_is_stored(
    seeded: None, alice: Client, bob: Client
) -> None:
    entry = await alice.data('{ timeline(workspaceId: "w-alice") { intentId } }')
    stolen = entry["timeline"][0]["intentId"]
    body = await bob.gql(
        'mutation($id: ID!) { createTodo(workspaceId: "w-bob", intentId: $id, '
        'input: {title: "mine"}) { sequence description } }',
        {"id": stolen},
    )
    assert body["errors"][0]["extensions"]["code"] == "CONFLICT"
    assert "w-alice" not in str(body) and "secret" not in str(body)


@pytest.mark.parametrize(
    "subscription",
    [
        'subscription { watchTimeline(workspaceId: "w-alice") { sequence } }',
        'subscription { watchTodos(workspaceId: "w-alice") { title } }',
    ],
)
async def test_subscriptions_to_another_workspace_are_forbidden(
    seeded: None, server: Running, bob: Client, subscription: str
) -> None:
    async with open_socket(server.ws_url, token=bob.token) as socket:
        await socket.subscribe("1", subscription)
        message = await socket.receive()
        assert message["payload"]["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        assert "secret" not in str(message)


async def test_each_user_sees_only_their_own_stream(seeded: None, server: Running, alice: Client, bob: Client) -> None:
    async with open_socket(server.ws_url, token=alice.token) as a, open_socket(server.ws_url, token=bob.token) as b:
        await a.subscribe("a", 'subscription { watchTimeline(workspaceId: "w-alice") { description } }')
        await b.subscribe("b", 'subscription { watchTimeline(workspaceId: "w-bob") { description } }')
        assert "secret" in (await a.next_data("a"))["watchTimeline"]["description"]
        await bob.data('mutation { createTodo(workspaceId: "w-bob", input: {title: "bobs"}) { sequence } }')
        assert "bobs" in (await b.next_data("b"))["watchTimeline"]["description"]
        await alice.data('mutation { createTodo(workspaceId: "w-alice", input: {title: "alices"}) { sequence } }')
        assert "alices" in (await a.next_data("a"))["watchTimeline"]["description"]
        await bob.data('mutation { createTodo(workspaceId: "w-bob", input: {title: "bobs again"}) { sequence } }')
        # bob's next message is his own: alice's entry never reached him
        assert "bobs again" in (await b.next_data("b"))["watchTimeline"]["description"]
