"""A client that does not read holds a bounded queue, then is closed with 1013; the others go on."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import urlparse

import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from graph.authorization import Need, RoleTable
from graph.fanout import Member
from graph.settings import Settings
from graph.sockets import TOO_SLOW, Connection
from nomos_mongo.examples.todo import TODO_MODULE
from tests.graph.server_harness import Client, Running, running_server
from tests.graph.ws_client import TRANSPORT_WS, open_socket

BOUND = 64 * 1024
WATCH = 'subscription($from: Int!) { watchTimeline(workspaceId: "w-alice", fromSequence: $from) { sequence } }'
LIVE = 'subscription($limit: Int!) { watchTodos(workspaceId: "w-alice", orderBy: TITLE, limit: $limit) { title } }'
CREATE = 'mutation($t: String!) { createTodo(workspaceId: "w-alice", input: {title: $t}) { sequence } }'
ROLES = RoleTable({("w-alice", "alice"): Need.OWNER, ("w-alice", "carol"): Need.READ})


@pytest.fixture
async def server() -> AsyncIterator[Running]:
    async with running_server([TODO_MODULE], authorizer=ROLES, settings=Settings(max_queued_bytes=BOUND)) as running:
        yield running


@asynccontextmanager
async def never_reading(server: Running, token: str) -> AsyncIterator[ClientConnection]:
    """A websocket whose client reads the ack, then nothing: a small receive buffer, one queued frame."""
    url = urlparse(server.ws_url)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.setblocking(False)
    await asyncio.get_running_loop().sock_connect(sock, (url.hostname, url.port))
    async with connect(server.ws_url, sock=sock, subprotocols=[TRANSPORT_WS], max_queue=1) as connection:  # type: ignore[list-item]
        await connection.send(json.dumps({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}}))
        assert json.loads(await connection.recv())["type"] == "connection_ack"
        yield connection


def members_of(server: Running, user: str) -> list[Member]:
    groups = server.asgi.state.fanout.groups.values()
    return [m for g in groups for m in g.members if m.context.user is not None and m.context.user.id == user]


async def wait_until(condition, what: str) -> None:  # type: ignore[no-untyped-def]
    for _ in range(1000):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"never happened: {what}")


async def test_a_client_that_never_reads_is_bounded_then_closed(server: Running) -> None:
    async with httpx.AsyncClient(base_url=server.url, timeout=10) as http:
        writer = Client(http, server.token("alice"))

        async def write(k: int) -> int:
            title = f"{k:05d} " + "x" * 200  # big live-query results fill a queue fast
            return (await writer.data(CREATE, {"t": title}))["createTodo"]["sequence"]  # type: ignore[no-any-return]

        head = await write(0)
        async with (
            never_reading(server, server.token("carol")) as carol,
            open_socket(server.ws_url, token=server.token("alice")) as alice,
        ):
            for n in range(10):  # ten live queries, and the timeline alice reads too
                await carol.send(json.dumps(subscribe(f"live-{n}", LIVE, {"limit": 491 + n})))
            await carol.send(json.dumps(subscribe("watch", WATCH, {"from": head + 1})))
            await alice.subscribe("watch", WATCH, {"from": head + 1})
            await wait_until(lambda: len(members_of(server, "carol")) == 11, "carol joined eleven groups")
            connection: Connection = members_of(server, "carol")[0].connection

            written = []
            while not connection.overflowed and len(written) < 2000:
                written.append(await write(len(written) + 1))
                assert (await alice.next_data("watch"))["watchTimeline"]["sequence"] == written[-1]
                live = [m for m in members_of(server, "carol") if m.group.replays_latest]
                assert all(len(m.pending) <= 1 for m in live)  # live results coalesce to the latest
                assert connection.queued <= BOUND

            assert connection.overflowed, "the queue never reached its bound"
            assert connection.peak <= BOUND
            await wait_until(lambda: not members_of(server, "carol"), "carol's subscriptions were dropped")
            assert connection.queued == 0
            written.append(await write(len(written) + 1))  # the others go on
            assert (await alice.next_data("watch"))["watchTimeline"]["sequence"] == written[-1]

            with pytest.raises(ConnectionClosed) as closed:  # carol reads at last: what was sent, then the close
                while True:
                    await carol.recv()
            assert closed.value.rcvd is not None and closed.value.rcvd.code == TOO_SLOW


def subscribe(op_id: str, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    return {"id": op_id, "type": "subscribe", "payload": {"query": query, "variables": variables}}
