"""Subscriptions over real websockets: ledger order, live queries, release, shutdown."""

from __future__ import annotations

import asyncio

import pytest
from websockets.exceptions import ConnectionClosed

from tests.graph.server_harness import Client, Running
from tests.graph.ws_client import LEGACY_WS, TRANSPORT_WS, open_socket

WATCH = (
    'subscription($from: Int!) { watchTimeline(workspaceId: "w-alice", fromSequence: $from) '
    "{ sequence intentType actorId description } }"
)
LIVE = 'subscription { watchTodos(workspaceId: "w-alice", orderBy: TITLE, limit: 2) { aggregateId title } }'


async def create(client: Client, title: str, todo_id: str) -> None:
    await client.data(
        'mutation($t: String!, $id: ID!) { createTodo(workspaceId: "w-alice", '
        "input: {title: $t, todoId: $id}) { sequence } }",
        {"t": title, "id": todo_id},
    )


async def wait_until(condition, what: str) -> None:  # type: ignore[no-untyped-def]
    for _ in range(500):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"never happened: {what}")


@pytest.mark.parametrize("protocol", [TRANSPORT_WS, LEGACY_WS])
async def test_a_subscriber_gets_every_entry_of_a_concurrent_writer_in_order(
    server: Running, alice: Client, protocol: str
) -> None:
    await create(alice, "before", "t0")
    count = 30

    async def writer() -> None:
        for i in range(1, count):
            await create(alice, f"todo {i}", f"t{i}")

    async with open_socket(server.ws_url, token=alice.token, protocol=protocol) as socket:
        await socket.subscribe("1", WATCH, {"from": 1})
        writing = asyncio.create_task(writer())
        seen = [(await socket.next_data("1"))["watchTimeline"] for _ in range(count)]
        await writing
        await socket.complete("1")
    assert [e["sequence"] for e in seen] == list(range(1, count + 1))
    assert seen[0]["description"] == 'Alice created todo "before"'
    assert {e["actorId"] for e in seen} == {"alice"}


async def test_a_live_query_is_seeded_then_follows_changes(server: Running, alice: Client) -> None:
    await create(alice, "b", "t2")
    async with open_socket(server.ws_url, token=alice.token) as socket:
        await socket.subscribe("live", LIVE)
        assert (await socket.next_data("live"))["watchTodos"] == [{"aggregateId": "t2", "title": "b"}]
        await create(alice, "a", "t1")
        assert (await socket.next_data("live"))["watchTodos"] == [
            {"aggregateId": "t1", "title": "a"},
            {"aggregateId": "t2", "title": "b"},
        ]
        await alice.data('mutation { undoLatest(workspaceId: "w-alice") { sequence } }')
        assert (await socket.next_data("live"))["watchTodos"] == [{"aggregateId": "t2", "title": "b"}]


async def test_identical_live_queries_share_one_evaluator(server: Running, alice: Client, carol: Client) -> None:
    await create(alice, "a", "t1")
    async with (
        open_socket(server.ws_url, token=alice.token) as one,
        open_socket(server.ws_url, token=carol.token) as two,
    ):
        await one.subscribe("x", LIVE)
        await two.subscribe("y", LIVE)
        await one.next_data("x")
        await two.next_data("y")
        assert len(server.app.live.evaluators) == 1
        (evaluator,) = server.app.live.evaluators.values()
        assert len(evaluator.subscribers) == 1  # the two share one GraphQL execution too (see test_fanout)
        (group,) = server.asgi.state.fanout.groups.values()
        assert len(group.members) == 2
        await one.complete("x")
        await wait_until(lambda: len(group.members) == 1, "the completed subscriber is released")
    await wait_until(lambda: not server.app.live.evaluators, "a disconnect releases the evaluator")


async def test_completing_or_disconnecting_releases_the_engine_watch(server: Running, alice: Client) -> None:
    live = server.app.live
    before = live.listener_count()
    async with open_socket(server.ws_url, token=alice.token) as socket:
        await create(alice, "a", "t1")
        await socket.subscribe("1", WATCH, {"from": 1})
        await socket.next_data("1")
        assert len(server.asgi.state.subscriptions) == 1
        await socket.complete("1")
        await wait_until(lambda: live.listener_count() == before, "complete releases the watch")
        await socket.subscribe("2", WATCH, {"from": 1})
        await socket.next_data("2")
    await wait_until(lambda: live.listener_count() == before, "a disconnect releases the watch")
    assert len(server.asgi.state.subscriptions) == 0


async def test_graceful_shutdown_closes_open_subscriptions(server: Running, alice: Client) -> None:
    await create(alice, "a", "t1")
    async with open_socket(server.ws_url, token=alice.token) as socket:
        await socket.subscribe("1", WATCH, {"from": 1})
        await socket.next_data("1")
        server.server.should_exit = True
        with pytest.raises(ConnectionClosed):  # the server completes the operation, then closes
            while True:
                await socket.receive()
    await wait_until(lambda: server.app.live.listener_count() == 0, "shutdown releases every watch")


async def test_subscriptions_need_authentication(server: Running) -> None:
    async with open_socket(server.ws_url) as socket:
        await socket.subscribe("1", WATCH, {"from": 1})
        message = await socket.receive()
        errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
        assert errors[0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_auth_token_in_the_init_payload_is_accepted(server: Running, alice: Client) -> None:
    await create(alice, "a", "t1")
    async with open_socket(server.ws_url, payload={"authToken": alice.token}) as socket:
        await socket.subscribe("1", WATCH, {"from": 1})
        assert (await socket.next_data("1"))["watchTimeline"]["sequence"] == 1


async def test_an_invalid_token_in_connection_init_closes_with_4403(server: Running) -> None:
    async with open_socket(server.ws_url, token="not-a-jwt", expect_ack=False) as socket:
        with pytest.raises(ConnectionClosed) as closed:
            await socket.receive()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4403


async def test_a_missing_timeline_is_not_found(server: Running, alice: Client) -> None:
    async with open_socket(server.ws_url, token=alice.token) as socket:
        await socket.subscribe(
            "1", 'subscription { watchTimeline(workspaceId: "w-alice", timelineId: "nope") { sequence } }'
        )
        message = await socket.receive()
        assert message["payload"]["errors"][0]["extensions"]["code"] == "NOT_FOUND"
