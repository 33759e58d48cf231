"""A live query's update is written to each idle subscriber's socket by its group, in order.

Through Strawberry alone, every delivery wakes the subscriber's operation task; the group
writes the frame itself when nothing else of that operation is on its way (fanout.py,
`Member.deliver_now`). What must still hold: every subscriber gets every result in order,
over both protocols; access is re-checked as often as `access_recheck_seconds` says; an
operation the client completed gets no frame after.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import httpx
import pytest

from graph.authorization import Need, RoleTable
from graph.settings import Settings
from nomos_mongo.examples.todo import TODO_MODULE
from tests.graph.server_harness import Client, Running, running_server
from tests.graph.ws_client import LEGACY_WS, TRANSPORT_WS, Socket, open_socket

NEWEST = 'subscription { watchTodos(workspaceId: "w-alice", orderBy: TITLE, descending: true, limit: 3) { title } }'
CREATE = 'mutation($t: String!) { createTodo(workspaceId: "w-alice", input: {title: $t}) { sequence } }'
RECHECK_SECONDS = 0.3


@pytest.fixture
def roles() -> RoleTable:
    return RoleTable({("w-alice", "alice"): Need.OWNER, ("w-alice", "carol"): Need.READ})


@pytest.fixture
async def server(roles: RoleTable) -> AsyncIterator[Running]:
    settings = Settings(access_recheck_seconds=RECHECK_SECONDS)
    async with running_server([TODO_MODULE], authorizer=roles, settings=settings) as running:
        yield running


@pytest.fixture
async def writer(server: Running) -> AsyncIterator[Client]:
    async with httpx.AsyncClient(base_url=server.url, timeout=10) as http:
        yield Client(http, server.token("alice"))


async def create(writer: Client, title: str) -> None:
    await writer.data(CREATE, {"t": title})


async def titles(socket: Socket, op_id: str) -> list[str]:
    return [todo["title"] for todo in (await socket.next_data(op_id))["watchTodos"]]


def written_directly(server: Running) -> int:
    return server.asgi.state.fanout.written_directly  # type: ignore[no-any-return]


async def test_every_subscriber_gets_every_update_and_the_group_writes_most_frames(
    server: Running, writer: Client
) -> None:
    await create(writer, "t00")
    protocols = [TRANSPORT_WS, TRANSPORT_WS, TRANSPORT_WS, LEGACY_WS]
    async with contextlib.AsyncExitStack() as stack:
        sockets = [
            await stack.enter_async_context(open_socket(server.ws_url, token=server.token(user), protocol=protocol))
            for user, protocol in zip(["alice", "carol", "alice", "carol"], protocols, strict=True)
        ]
        for socket in sockets:
            await socket.subscribe("live", NEWEST)
            assert await titles(socket, "live") == ["t00"]
        for k in range(1, 9):
            await create(writer, f"t{k:02}")
            expected = [f"t{j:02}" for j in range(k, max(k - 3, -1), -1)]
            for socket in sockets:
                assert await titles(socket, "live") == expected
    # the three graphql-transport-ws subscribers took their updates from the group, except
    # where a decision older than RECHECK_SECONDS sent one through the member's own re-check;
    # on uvicorn the group wrote those frames to the transport itself (socket_frames.py)
    assert written_directly(server) >= 3 * 4
    assert server.asgi.state.fanout.written_to_transport >= 3 * 4


@contextlib.asynccontextmanager
async def alice_and_carol(server: Running, writer: Client) -> AsyncIterator[tuple[Socket, Socket]]:
    """Both subscribed to NEWEST over graphql-transport-ws, each with its first result (one todo, t00)."""
    await create(writer, "t00")
    async with (
        open_socket(server.ws_url, token=server.token("alice")) as alice,
        open_socket(server.ws_url, token=server.token("carol")) as carol,
    ):
        for socket in (alice, carol):
            await socket.subscribe("live", NEWEST)
            assert await titles(socket, "live") == ["t00"]
        yield alice, carol


async def test_a_burst_of_updates_never_reaches_a_subscriber_out_of_order(server: Running, writer: Client) -> None:
    async with alice_and_carol(server, writer) as (alice, carol):
        await asyncio.gather(*(create(writer, f"t{k:02}") for k in range(1, 21)))
        for socket in (alice, carol):
            newest_seen: list[str] = []
            while not newest_seen or newest_seen[-1] != "t20":
                newest_seen.append((await titles(socket, "live"))[0])
            assert newest_seen == sorted(newest_seen), "a newer result came before an older one"
    assert written_directly(server) > 0


async def test_a_subscriber_who_lost_access_is_refused_within_the_recheck_interval(
    server: Running, writer: Client, roles: RoleTable
) -> None:
    async with alice_and_carol(server, writer) as (alice, carol):
        await create(writer, "t01")
        assert await titles(carol, "live") == ["t01", "t00"]
        del roles.roles[("w-alice", "carol")]
        await asyncio.sleep(RECHECK_SECONDS + 0.1)  # her last decision is stale now
        await create(writer, "t02")
        refused = await carol.receive()
        assert refused["payload"]["data"] is None
        assert refused["payload"]["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        assert (await carol.receive()) == {"id": "live", "type": "complete"}
        assert await titles(alice, "live") == ["t01", "t00"]
        assert await titles(alice, "live") == ["t02", "t01", "t00"]


async def test_an_operation_the_client_completed_gets_no_frame_after(server: Running, writer: Client) -> None:
    await create(writer, "t00")
    async with open_socket(server.ws_url, token=server.token("alice")) as socket:
        await socket.subscribe("first", NEWEST)
        assert await titles(socket, "first") == ["t00"]
        await socket.subscribe("second", NEWEST)  # the same query: both in one group
        assert await titles(socket, "second") == ["t00"]
        await socket.complete("first")
        for title in ("t01", "t02"):
            await create(writer, title)
            message = await socket.receive()  # a frame for "first" would come before this one
            assert message["id"] == "second", message
            assert message["payload"]["data"]["watchTodos"][0]["title"] == title
