"""A subscription result over `max_response_bytes` is a coded error in its place; the subscription goes on.

HTTP responses over the cap were refused already (test_security.py); websocket frames were
not. Over both protocols, shared (fanout.py) or run alone (server.py `encode_json`), the
subscriber gets RESPONSE_TOO_LARGE with the sizes, and its socket and subscriptions stay.
One large result is never taken for a slow client (sockets.py `reserve`).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest

from graph.authorization import Need, RoleTable
from graph.settings import Settings
from graph.sockets import TOO_SLOW, Connection
from nomos_mongo.examples.todo import TODO_MODULE
from tests.graph.server_harness import Client, Running, running_server
from tests.graph.ws_client import LEGACY_WS, TRANSPORT_WS, Socket, open_socket

CAP = 3_000
ROLES = RoleTable({("w-alice", "alice"): Need.OWNER})
CREATE = 'mutation($t: String!) { createTodo(workspaceId: "w-alice", input: {title: $t}) { sequence } }'
TEN = 'subscription { watchTodos(workspaceId: "w-alice", orderBy: TITLE, limit: 10) { title } }'
ONE = 'subscription { watchTodos(workspaceId: "w-alice", orderBy: TITLE, limit: 1) { title } }'
# a fragment at the root is not shared (fanout.shape_of): it runs alone, through Strawberry's send
TEN_ALONE = (
    "subscription { ...Ten } "
    'fragment Ten on Subscription { watchTodos(workspaceId: "w-alice", orderBy: TITLE, limit: 10) { title } }'
)


@pytest.fixture
async def capped() -> AsyncIterator[tuple[Running, Client]]:
    settings = Settings(max_response_bytes=CAP)
    async with (
        running_server([TODO_MODULE], authorizer=ROLES, settings=settings) as running,
        httpx.AsyncClient(base_url=running.url, timeout=10) as http,
    ):
        writer = Client(http, running.token("alice"))
        for k in range(6):  # six titles of 900 characters: some 5.5 KB for ten, 0.9 KB for one
            await writer.data(CREATE, {"t": f"{k}" + "x" * 899})
        yield running, writer


def assert_too_large(message: dict, op_id: str) -> None:  # type: ignore[type-arg]
    assert message["id"] == op_id and message["type"] in ("next", "data"), message
    assert message["payload"]["data"] is None
    (error,) = message["payload"]["errors"]
    assert error["extensions"]["code"] == "RESPONSE_TOO_LARGE"
    assert error["extensions"]["maxBytes"] == CAP
    assert error["extensions"]["size"] > CAP
    assert "bytes" in error["message"]


async def titles(socket: Socket, op_id: str) -> list[str]:
    return [todo["title"][0] for todo in (await socket.next_data(op_id))["watchTodos"]]


@pytest.mark.parametrize("protocol", [TRANSPORT_WS, LEGACY_WS])
@pytest.mark.parametrize("query", [TEN, TEN_ALONE], ids=["shared", "alone"])
async def test_a_result_over_the_cap_is_a_coded_error_and_the_socket_goes_on(
    capped: tuple[Running, Client], protocol: str, query: str
) -> None:
    running, writer = capped
    async with open_socket(running.ws_url, token=running.token("alice"), protocol=protocol) as socket:
        await socket.subscribe("big", query)
        assert_too_large(await socket.receive(), "big")
        await socket.subscribe("small", ONE)
        assert await titles(socket, "small") == ["0"]
        await writer.data(CREATE, {"t": "!"})  # sorts first: both subscriptions have a new result
        received = {message["id"]: message for message in [await socket.receive(), await socket.receive()]}
        assert_too_large(received["big"], "big")  # still subscribed, still over the cap
        assert [t["title"] for t in received["small"]["payload"]["data"]["watchTodos"]] == ["!"]


class ClosedWith:
    def __init__(self) -> None:
        self.codes: list[int] = []

    async def close(self, code: int = 1000, reason: str | None = None) -> None:
        self.codes.append(code)


async def test_one_result_larger_than_the_queue_bound_waits_alone_and_a_second_one_closes_the_socket() -> None:
    socket = ClosedWith()
    connection = Connection(socket, 1_000)
    assert connection.reserve(5_000)  # one large result: the response cap bounds it, not the queue
    assert not connection.overflowed
    assert not connection.reserve(10)  # anything more behind it: the client is behind
    await asyncio.sleep(0)
    assert connection.overflowed and socket.codes == [TOO_SLOW]
