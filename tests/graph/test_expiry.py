"""A websocket lives no longer than its token: closed with 4403, and no subscription after expiry."""

from __future__ import annotations

import asyncio
import math
import time

import jwt
import pytest
from websockets.exceptions import ConnectionClosed

from graph.auth import LEEWAY_SECONDS, TokenVerifier, User
from graph.authorization import AllowAll
from graph.context import RequestContext
from graph.schema import build_schema
from graph.settings import Settings
from graph.sockets import TOKEN_EXPIRED, Connection
from graph.tracking import Subscriptions
from nomos_mongo import MemoryPersistence, NomosApp
from nomos_mongo.examples.todo import TODO_MODULE
from tests.graph.server_harness import SECRET, Client, Running
from tests.graph.ws_client import open_socket

WATCH = 'subscription { watchTimeline(workspaceId: "w-alice") { sequence } }'


def expiring_token(user_id: str, seconds_left: int) -> str:
    """A token the server accepts for `seconds_left` more seconds (its exp is in the leeway)."""
    exp = int(time.time()) + seconds_left - LEEWAY_SECONDS
    return jwt.encode({"sub": user_id, "exp": exp}, SECRET, algorithm="HS256")


class FakeSocket:
    def __init__(self) -> None:
        self.closed: list[tuple[int, str | None]] = []

    async def close(self, code: int = 1000, reason: str | None = None) -> None:
        self.closed.append((code, reason))


async def test_the_socket_closes_when_its_token_expires_by_the_clock() -> None:
    now = [1000.0]
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    socket = FakeSocket()
    connection = Connection(socket, 1024, clock=lambda: now[0], sleep=sleep)
    connection.expire_at(1042.5)
    connection.expire_at(math.inf)  # a token without exp sets no timer
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    assert slept == [42.5]
    assert socket.closed == [(TOKEN_EXPIRED, "Forbidden: the token expired")]


async def test_a_connection_that_ends_first_stops_its_timer() -> None:
    socket = FakeSocket()
    connection = Connection(socket, 1024)
    connection.expire_at(time.time() + 3600)
    connection.end()
    await asyncio.sleep(0)
    assert socket.closed == []


async def test_an_open_socket_is_closed_with_4403_when_its_token_expires(server: Running, alice: Client) -> None:
    await alice.data('mutation { createTodo(workspaceId: "w-alice", input: {title: "a"}) { sequence } }')
    async with open_socket(server.ws_url, token=expiring_token("alice", 1)) as socket:
        await socket.subscribe("1", WATCH)
        assert (await socket.next_data("1"))["watchTimeline"]["sequence"] == 1
        with pytest.raises(ConnectionClosed) as closed:
            while True:
                await socket.receive()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == TOKEN_EXPIRED


async def test_no_subscription_starts_after_the_token_expired() -> None:
    app = NomosApp(MemoryPersistence(), modules=[TODO_MODULE])
    context = RequestContext(
        app=app,
        settings=Settings(),
        authorizer=AllowAll(),
        tokens=TokenVerifier(secret="x" * 32),
        subscriptions=Subscriptions(),
        correlation_id="c-1",
        user=User("alice", expires_at=time.time() - 1),  # the socket's timer has not fired yet
    )
    stream = await build_schema(app.registry).subscribe(WATCH, context_value=context)
    result = await anext(stream)  # type: ignore[arg-type]
    assert result.errors and result.errors[0].extensions["code"] == "UNAUTHENTICATED"
    assert "expired" in result.errors[0].message
    await app.close()
