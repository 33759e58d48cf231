"""Whole websocket frames written to a subscriber's transport: the cheapest send of a shared result.

A live query's update goes to every subscriber of its group. Through the ASGI send (Starlette's
WebSocket, the exception handler's wrapper, uvicorn's `send`, the websockets protocol) each
subscriber costs some 30 µs of Python besides the `write` itself. The frame is the same for
every subscriber whose operation has the same id, so a group frames it once (`text_frame`,
by the websockets library's own `Frame.serialize`) and writes those bytes to each idle
subscriber's transport (`FrameWriter.write`).

That is only sound when nothing else can be half-way onto the socket and the connection is
open, so `FrameWriter.ready` asks what uvicorn's own `send` checks: the handshake is done, no
close was sent or received, the transport takes more without waiting (uvicorn's `writable`),
the websockets protocol is OPEN with nothing buffered and no fragmented message under way,
and no extension (permessage-deflate) would have to transform the frame. Otherwise the
result goes the ASGI way, which waits for the socket as it should.

The writer exists only for uvicorn's websockets-sansio protocol (what `ws="auto"` runs with
websockets installed, `uvicorn_config` in server.py), and only for the uvicorn and websockets
releases in TESTED_RELEASES; any other server, protocol or release sends the ASGI way.
`RawSendMiddleware` keeps the server's own `send` in the scope, the one handle on the
connection that ASGI gives. tests/graph/test_socket_frames.py checks the attributes read here
and fails when the installed releases leave the range; pyproject bounds both dependencies the
same way, so widening it (after reading their send path again) is a deliberate step.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import Any

from packaging.specifiers import SpecifierSet
from starlette.types import ASGIApp, Receive, Scope, Send
from websockets.frames import Frame, Opcode
from websockets.protocol import State

try:
    from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
except ImportError:  # a uvicorn without it: every frame goes the ASGI way
    WebSocketsSansIOProtocol = None  # type: ignore[assignment,misc]

#: the releases whose send path `FrameWriter.ready` mirrors (read and tested against these)
TESTED_RELEASES = {"uvicorn": ">=0.54,<0.55", "websockets": ">=17,<18"}
RAW_SEND = "nomos.raw_send"  # scope key: the server's send, before any middleware wrapped it
# what `FrameWriter.ready` reads, on uvicorn's protocol and on its websockets connection
PROTOCOL_ATTRIBUTES = ("handshake_complete", "initial_response", "close_sent", "disconnected", "writable", "transport")
CONNECTION_ATTRIBUTES = ("state", "writes", "expect_continuation_frame", "extensions")


class RawSendMiddleware:
    """Keep a websocket scope's server `send` in the scope; the outermost middleware."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            scope[RAW_SEND] = send
        await self.app(scope, receive, send)


def text_frame(text: str) -> bytes:
    """One unmasked, final text frame (a server's), exactly as the websockets library writes it."""
    return Frame(Opcode.TEXT, text.encode()).serialize(mask=False)


class FrameWriter:
    """Writes whole frames to one uvicorn websockets-sansio connection, when that is safe."""

    __slots__ = ("_protocol",)

    def __init__(self, protocol: Any) -> None:
        self._protocol = protocol  # a WebSocketsSansIOProtocol

    def ready(self) -> bool:
        protocol = self._protocol
        conn = protocol.conn
        return (
            protocol.handshake_complete
            and protocol.initial_response is None
            and not protocol.close_sent
            and not protocol.disconnected
            and protocol.writable.is_set()
            and conn.state is State.OPEN
            and not conn.writes
            and not conn.expect_continuation_frame
            and not conn.extensions
            and not protocol.transport.is_closing()
        )

    def write(self, frame: bytes) -> None:
        self._protocol.transport.write(frame)


def releases_tested() -> bool:
    """Whether the installed uvicorn and websockets are releases this module was written against."""
    try:
        return all(version(name) in SpecifierSet(spec) for name, spec in TESTED_RELEASES.items())
    except PackageNotFoundError:
        return False


RELEASES_TESTED = releases_tested()


def frame_writer(scope: Scope) -> FrameWriter | None:
    """The connection's writer, if uvicorn's websockets-sansio protocol serves it as this module expects."""
    send: Any = scope.get(RAW_SEND)
    protocol = getattr(send, "__self__", None)
    if not RELEASES_TESTED or WebSocketsSansIOProtocol is None or not isinstance(protocol, WebSocketsSansIOProtocol):
        return None
    connection = getattr(protocol, "conn", None)
    if not all(hasattr(protocol, name) for name in PROTOCOL_ATTRIBUTES) or not all(
        hasattr(connection, name) for name in CONNECTION_ATTRIBUTES
    ):
        return None  # a release that keeps its state elsewhere: the ASGI way is always right
    return FrameWriter(protocol)
