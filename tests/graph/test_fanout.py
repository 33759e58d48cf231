"""Identical subscriptions share one GraphQL execution per update; authorization stays per subscriber."""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from strawberry.extensions import SchemaExtension

from graph.authorization import Need, RoleTable
from graph.settings import Settings
from nomos_mongo.examples.todo import TODO_MODULE
from tests.graph.server_harness import Client, Running, running_server
from tests.graph.ws_client import LEGACY_WS, TRANSPORT_WS, Socket, open_socket

WATCH = (
    "subscription($ws: ID!, $from: Int!) { watchTimeline(workspaceId: $ws, fromSequence: $from) "
    "{ sequence description } }"
)
LIVE = 'subscription { watchTodos(workspaceId: "w-alice", orderBy: TITLE, limit: 5) { aggregateId title } }'
CREATE = "mutation($ws: ID!, $t: String!) { createTodo(workspaceId: $ws, input: {title: $t}) { sequence } }"


@pytest.fixture
def roles() -> RoleTable:
    return RoleTable({("w-alice", "alice"): Need.OWNER, ("w-alice", "carol"): Need.READ, ("w-bob", "bob"): Need.OWNER})


@pytest.fixture
async def server(roles: RoleTable) -> AsyncIterator[Running]:
    # re-check access before every delivery, so that a revocation shows at the next entry
    async with running_server([TODO_MODULE], authorizer=roles, settings=Settings(access_recheck_seconds=0)) as running:
        yield running


@pytest.fixture
async def writer(server: Running) -> AsyncIterator[Client]:
    async with httpx.AsyncClient(base_url=server.url, timeout=10) as http:
        yield Client(http, server.token("alice"))


@pytest.fixture
def resolved(server: Running) -> Counter[str]:
    """How often each field was resolved: one GraphQL execution resolves `LedgerEntry.sequence` once."""
    counts: Counter[str] = Counter()

    class CountResolutions(SchemaExtension):
        def resolve(self, _next: Any, root: Any, info: Any, *args: Any, **kwargs: Any) -> Any:
            counts[f"{info.parent_type.name}.{info.field_name}"] += 1
            return _next(root, info, *args, **kwargs)

    schema = server.asgi.state.schema
    schema.extensions = [*schema.extensions, CountResolutions]
    return counts


async def create(client: Client, workspace: str, title: str) -> int:
    return (await client.data(CREATE, {"ws": workspace, "t": title}))["createTodo"]["sequence"]  # type: ignore[no-any-return]


async def wait_until(condition, what: str) -> None:  # type: ignore[no-untyped-def]
    for _ in range(500):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"never happened: {what}")


def members(server: Running) -> list[int]:
    return sorted(len(group.members) for group in server.asgi.state.fanout.groups.values())


async def sequences(socket: Socket, op_id: str, count: int) -> list[int]:
    return [(await socket.next_data(op_id))["watchTimeline"]["sequence"] for _ in range(count)]


async def test_identical_subscriptions_share_one_execution_per_update(
    server: Running, writer: Client, resolved: Counter[str]
) -> None:
    head = await create(writer, "w-alice", "before")
    users = ["alice", "carol", "alice", "carol", "alice", "carol"]
    protocols = [TRANSPORT_WS, LEGACY_WS] * 3
    async with contextlib.AsyncExitStack() as stack:
        sockets = [
            await stack.enter_async_context(open_socket(server.ws_url, token=server.token(user), protocol=protocol))
            for user, protocol in zip(users, protocols, strict=True)
        ]
        for index, socket in enumerate(sockets):
            await socket.subscribe(f"op-{index}", WATCH, {"ws": "w-alice", "from": head + 1})
        await wait_until(lambda: members(server) == [len(sockets)], "every subscriber joined one group")
        written = [await create(writer, "w-alice", f"todo {k}") for k in range(5)]
        for index, socket in enumerate(sockets):
            assert await sequences(socket, f"op-{index}", 5) == written
    assert written == list(range(head + 1, head + 6))
    assert resolved["LedgerEntry.sequence"] == 5  # one execution per update, not one per subscriber
    assert server.asgi.state.fanout.executions == 5


async def test_different_variables_or_workspaces_do_not_share(server: Running, writer: Client) -> None:
    async with httpx.AsyncClient(base_url=server.url, timeout=10) as http:
        bobs = Client(http, server.token("bob"))
        await create(writer, "w-alice", "a1")
        await create(bobs, "w-bob", "b1")
        async with (
            open_socket(server.ws_url, token=server.token("alice")) as alice,
            open_socket(server.ws_url, token=server.token("bob")) as bob,
            open_socket(server.ws_url, token=server.token("carol")) as carol,
        ):
            await alice.subscribe("a", WATCH, {"ws": "w-alice", "from": 2})
            await carol.subscribe("c", WATCH, {"ws": "w-alice", "from": 1})
            await bob.subscribe("b", WATCH, {"ws": "w-bob", "from": 2})
            await bob.subscribe("forbidden", WATCH, {"ws": "w-alice", "from": 2})  # same as alice's, not allowed
            message = await bob.receive()
            assert message["id"] == "forbidden"
            assert message["payload"]["errors"][0]["extensions"]["code"] == "FORBIDDEN"
            assert (await bob.receive()) == {"id": "forbidden", "type": "complete"}
            assert await sequences(carol, "c", 1) == [1]
            await wait_until(lambda: members(server) == [1, 1, 1], "three groups of one")
            await create(writer, "w-alice", "a2")
            await create(bobs, "w-bob", "b2")
            assert await sequences(alice, "a", 1) == [2]
            assert await sequences(carol, "c", 1) == [2]
            data = await bob.next_data("b")
            assert data["watchTimeline"]["sequence"] == 2
            assert "b2" in data["watchTimeline"]["description"]


@pytest.mark.parametrize("protocol", [TRANSPORT_WS, LEGACY_WS])
async def test_a_subscriber_losing_access_stops_while_the_others_go_on(
    server: Running, writer: Client, roles: RoleTable, protocol: str
) -> None:
    head = await create(writer, "w-alice", "before")
    async with (
        open_socket(server.ws_url, token=server.token("alice"), protocol=protocol) as alice,
        open_socket(server.ws_url, token=server.token("carol"), protocol=protocol) as carol,
    ):
        await alice.subscribe("1", WATCH, {"ws": "w-alice", "from": head + 1})
        await carol.subscribe("1", WATCH, {"ws": "w-alice", "from": head + 1})
        await wait_until(lambda: members(server) == [2], "both joined one group")
        await create(writer, "w-alice", "seen by both")
        assert await sequences(carol, "1", 1) == [head + 1]
        del roles.roles[("w-alice", "carol")]
        await create(writer, "w-alice", "alice only")
        refused = await carol.receive()
        assert refused["type"] in ("next", "data")
        assert refused["payload"]["data"] is None
        assert refused["payload"]["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        assert (await carol.receive()) == {"id": "1", "type": "complete"}
        await create(writer, "w-alice", "still alice")
        assert await sequences(alice, "1", 3) == [head + 1, head + 2, head + 3]
        await wait_until(lambda: members(server) == [1], "the refused subscriber left the group")


async def test_a_late_subscriber_to_a_timeline_gets_every_entry_from_its_start(server: Running, writer: Client) -> None:
    for k in range(3):
        await create(writer, "w-alice", f"todo {k}")
    async with (
        open_socket(server.ws_url, token=server.token("alice")) as early,
        open_socket(server.ws_url, token=server.token("carol")) as late,
    ):
        await early.subscribe("1", WATCH, {"ws": "w-alice", "from": 1})
        assert await sequences(early, "1", 3) == [1, 2, 3]
        await late.subscribe("1", WATCH, {"ws": "w-alice", "from": 1})  # the early group is under way
        assert await sequences(late, "1", 3) == [1, 2, 3]
        await create(writer, "w-alice", "both")
        assert await sequences(early, "1", 1) == [4]
        assert await sequences(late, "1", 1) == [4]


async def test_a_late_subscriber_to_a_live_query_gets_the_latest_result(server: Running, writer: Client) -> None:
    await create(writer, "w-alice", "b")
    async with (
        open_socket(server.ws_url, token=server.token("alice")) as early,
        open_socket(server.ws_url, token=server.token("carol")) as late,
    ):
        await early.subscribe("1", LIVE)
        assert [t["title"] for t in (await early.next_data("1"))["watchTodos"]] == ["b"]
        await create(writer, "w-alice", "a")
        assert [t["title"] for t in (await early.next_data("1"))["watchTodos"]] == ["a", "b"]
        await late.subscribe("1", LIVE)
        assert [t["title"] for t in (await late.next_data("1"))["watchTodos"]] == ["a", "b"]
        assert members(server) == [2]
        await create(writer, "w-alice", "c")
        assert [t["title"] for t in (await early.next_data("1"))["watchTodos"]] == ["a", "b", "c"]
        assert [t["title"] for t in (await late.next_data("1"))["watchTodos"]] == ["a", "b", "c"]


async def test_disconnects_release_the_group_and_the_last_one_the_engine_watch(server: Running, writer: Client) -> None:
    live = server.app.live
    before = live.listener_count()
    head = await create(writer, "w-alice", "before")
    async with open_socket(server.ws_url, token=server.token("alice")) as staying:
        async with open_socket(server.ws_url, token=server.token("carol")) as leaving:
            await staying.subscribe("1", WATCH, {"ws": "w-alice", "from": head + 1})
            await leaving.subscribe("1", WATCH, {"ws": "w-alice", "from": head + 1})
            await wait_until(lambda: members(server) == [2], "both joined one group")
            assert live.listener_count() == before + 1  # one engine watch for the group
        await wait_until(lambda: members(server) == [1], "the disconnected subscriber left the group")
        await create(writer, "w-alice", "after")
        assert await sequences(staying, "1", 1) == [head + 1]
        await staying.complete("1")
        await wait_until(lambda: not server.asgi.state.fanout.groups, "completing the last member ends the group")
        await wait_until(lambda: live.listener_count() == before, "the engine watch is released")
    assert len(server.asgi.state.subscriptions) == 0
