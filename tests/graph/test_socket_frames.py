"""Shared results written as whole frames to a uvicorn websocket's transport (graph/socket_frames.py).

What must hold: the bytes are the frame the websockets library itself would send; the writer
is used only while nothing else can be on its way to the socket and the connection is open;
a server or release it does not know gets no writer (every frame then goes the ASGI way);
and on the uvicorn this project runs, subscribers get every update in order from it.
"""

from __future__ import annotations

import asyncio
import contextlib
from importlib.metadata import version
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.client import ClientProtocol
from websockets.frames import Frame, Opcode
from websockets.protocol import State
from websockets.uri import parse_uri

from graph import socket_frames
from graph.fanout import SOCKET_FRAMES_KEPT, Member, SharedData, next_frame
from graph.socket_frames import (
    CONNECTION_ATTRIBUTES,
    PROTOCOL_ATTRIBUTES,
    RAW_SEND,
    TESTED_RELEASES,
    FrameWriter,
    frame_writer,
    releases_tested,
    text_frame,
)
from nomos_mongo.examples.todo import TODO_MODULE
from tests.graph.server_harness import Client, Running, running_server
from tests.graph.ws_client import open_socket

NEWEST = 'subscription { watchTodos(workspaceId: "w-alice", orderBy: TITLE, descending: true, limit: 2) { title } }'
CREATE = 'mutation($t: String!) { createTodo(workspaceId: "w-alice", input: {title: $t}) { sequence } }'


@pytest.mark.parametrize("text", ["{}", "é" * 200, '{"payload":"' + "x" * 70_000 + '"}'])
def test_a_text_frame_is_read_back_by_a_websockets_client_as_the_same_text(text: str) -> None:
    client = ClientProtocol(parse_uri("ws://localhost/graphql"), state=State.OPEN)
    client.receive_data(text_frame(text))
    [frame] = client.events_received()
    assert isinstance(frame, Frame) and frame.opcode is Opcode.TEXT and frame.fin
    assert frame.data.decode() == text


class Transport:
    def __init__(self) -> None:
        self.written: list[bytes] = []
        self.closing = False

    def write(self, data: bytes) -> None:
        self.written.append(data)

    def is_closing(self) -> bool:
        return self.closing


def open_protocol() -> Any:
    """A stand-in with what FrameWriter reads of uvicorn's protocol, in the state of an open socket."""
    writable = asyncio.Event()
    writable.set()
    conn = SimpleNamespace(state=State.OPEN, writes=[], expect_continuation_frame=False, extensions=[])
    return SimpleNamespace(
        handshake_complete=True,
        initial_response=None,
        close_sent=False,
        disconnected=False,
        writable=writable,
        transport=Transport(),
        conn=conn,
    )


@pytest.mark.parametrize(
    "spoil",
    [
        pytest.param(lambda p: setattr(p, "handshake_complete", False), id="handshake under way"),
        pytest.param(lambda p: setattr(p, "initial_response", (403, [], b"")), id="refused with HTTP"),
        pytest.param(lambda p: setattr(p, "close_sent", True), id="close sent"),
        pytest.param(lambda p: setattr(p, "disconnected", True), id="disconnected"),
        pytest.param(lambda p: p.writable.clear(), id="transport paused"),
        pytest.param(lambda p: setattr(p.conn, "state", State.CLOSING), id="close received"),
        pytest.param(lambda p: p.conn.writes.append(b"\x89\x00"), id="bytes buffered"),
        pytest.param(lambda p: setattr(p.conn, "expect_continuation_frame", True), id="fragment under way"),
        pytest.param(lambda p: p.conn.extensions.append(object()), id="compression"),
        pytest.param(lambda p: setattr(p.transport, "closing", True), id="transport closing"),
    ],
)
def test_the_writer_stands_aside_whenever_the_asgi_send_would_wait_refuse_or_transform(spoil: Any) -> None:
    protocol = open_protocol()
    writer = FrameWriter(protocol)
    assert writer.ready()
    spoil(protocol)
    assert not writer.ready()


def test_a_ready_writer_puts_the_bytes_on_the_transport_as_they_are() -> None:
    protocol = open_protocol()
    FrameWriter(protocol).write(text_frame("{}"))
    assert protocol.transport.written == [text_frame("{}")]


def test_the_installed_uvicorn_and_websockets_are_releases_the_writer_was_checked_against() -> None:
    assert releases_tested(), (
        f"installed uvicorn {version('uvicorn')} / websockets {version('websockets')} are outside "
        f"{TESTED_RELEASES}: check FrameWriter.ready against their send path, then widen TESTED_RELEASES"
    )


def uvicorn_protocol(state: Any | None) -> Any:
    """A WebSocketsSansIOProtocol built without a server, holding `state`'s attributes (None: none)."""
    protocol = object.__new__(WebSocketsSansIOProtocol)
    for name, value in vars(state or SimpleNamespace()).items():
        setattr(protocol, name, value)
    return protocol


def test_outside_the_tested_releases_no_connection_gets_a_writer(monkeypatch: pytest.MonkeyPatch) -> None:
    protocol = uvicorn_protocol(open_protocol())
    monkeypatch.setattr(socket_frames, "RELEASES_TESTED", False)
    assert frame_writer({"type": "websocket", RAW_SEND: protocol.send}) is None


def test_only_a_uvicorn_websockets_sansio_connection_with_the_expected_state_gets_a_writer() -> None:
    assert frame_writer({"type": "websocket"}) is None

    async def some_send(message: Any) -> None: ...

    assert frame_writer({"type": "websocket", RAW_SEND: some_send}) is None

    bare = uvicorn_protocol(None)  # a release that keeps its state elsewhere
    assert frame_writer({"type": "websocket", RAW_SEND: bare.send}) is None

    expected = uvicorn_protocol(open_protocol())
    assert isinstance(frame_writer({"type": "websocket", RAW_SEND: expected.send}), FrameWriter)
    assert {*PROTOCOL_ATTRIBUTES, "conn"} == set(vars(open_protocol()))
    assert set(CONNECTION_ATTRIBUTES) == set(vars(open_protocol().conn))


@pytest.fixture
async def server() -> Any:
    async with running_server([TODO_MODULE]) as running:
        yield running


def members(server: Running) -> list[Member]:
    return [m for g in server.asgi.state.fanout.groups.values() for m in g.members]


async def test_on_uvicorn_every_subscriber_gets_every_update_in_order_from_the_transport(server: Running) -> None:
    async with httpx.AsyncClient(base_url=server.url, timeout=10) as http:
        writer = Client(http, server.token("alice"))
        await writer.data(CREATE, {"t": "t00"})
        async with contextlib.AsyncExitStack() as stack:
            sockets = [
                await stack.enter_async_context(open_socket(server.ws_url, token=server.token("alice")))
                for _ in range(3)
            ]
            for socket in sockets:
                await socket.subscribe("live", NEWEST)
                assert (await socket.next_data("live"))["watchTodos"] == [{"title": "t00"}]
            assert all(m.connection.frames is not None for m in members(server))  # this uvicorn: a writer each
            await asyncio.gather(*(writer.data(CREATE, {"t": f"t{k:02}"}) for k in range(1, 11)))
            for socket in sockets:
                newest_seen: list[str] = []
                while not newest_seen or newest_seen[-1] != "t10":
                    newest_seen.append((await socket.next_data("live"))["watchTodos"][0]["title"])
                assert newest_seen == sorted(newest_seen), "a newer result came before an older one"
    assert server.asgi.state.fanout.written_to_transport > 0


async def test_a_subscriber_that_drops_its_connection_leaves_the_others_their_updates(server: Running) -> None:
    async with httpx.AsyncClient(base_url=server.url, timeout=10) as http:
        writer = Client(http, server.token("alice"))
        await writer.data(CREATE, {"t": "t00"})
        async with open_socket(server.ws_url, token=server.token("alice")) as staying:
            await staying.subscribe("live", NEWEST)
            await staying.next_data("live")
            async with open_socket(server.ws_url, token=server.token("alice")) as leaving:
                await leaving.subscribe("live", NEWEST)
                await leaving.next_data("live")
                leaving.connection.transport.abort()  # gone without a close frame, as when a network falls
            for k in range(1, 4):
                await writer.data(CREATE, {"t": f"t{k:02}"})
                assert (await staying.next_data("live"))["watchTodos"][0]["title"] == f"t{k:02}"


def test_a_shared_result_keeps_the_frames_of_a_few_operation_ids_only() -> None:
    data = SharedData({"watchTodos": []}, '{"data":{"watchTodos":[]}}')
    frames = [data.socket_frame(f"op-{k}") for k in range(SOCKET_FRAMES_KEPT + 3)]
    assert len(data._socket_frames) == SOCKET_FRAMES_KEPT  # the others are framed each time
    assert data.socket_frame("op-0") is frames[0]
    assert data.socket_frame(f"op-{SOCKET_FRAMES_KEPT + 1}") == frames[SOCKET_FRAMES_KEPT + 1]
    client = ClientProtocol(parse_uri("ws://localhost/graphql"), state=State.OPEN)
    client.receive_data(frames[-1])
    [frame] = client.events_received()
    assert frame.data.decode() == next_frame(f"op-{SOCKET_FRAMES_KEPT + 2}", data)
