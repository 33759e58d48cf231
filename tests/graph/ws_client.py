"""Minimal graphql-transport-ws and graphql-ws clients over real websockets."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

TRANSPORT_WS = "graphql-transport-ws"
LEGACY_WS = "graphql-ws"


class Socket:
    def __init__(self, connection: ClientConnection, protocol: str) -> None:
        self.connection = connection
        self.protocol = protocol

    async def send(self, message: dict[str, Any]) -> None:
        await self.connection.send(json.dumps(message))

    async def receive(self) -> dict[str, Any]:
        while True:
            message = json.loads(await self.connection.recv())
            if message.get("type") not in ("ka", "ping", "pong"):
                return message  # type: ignore[no-any-return]

    async def subscribe(self, op_id: str, query: str, variables: dict[str, Any] | None = None) -> None:
        kind = "subscribe" if self.protocol == TRANSPORT_WS else "start"
        await self.send({"id": op_id, "type": kind, "payload": {"query": query, "variables": variables or {}}})

    async def complete(self, op_id: str) -> None:
        await self.send({"id": op_id, "type": "complete" if self.protocol == TRANSPORT_WS else "stop"})

    async def next_data(self, op_id: str) -> dict[str, Any]:
        """The data of the next result of `op_id`; fails on an error."""
        message = await self.receive()
        assert message.get("id") == op_id, message
        assert message["type"] in ("next", "data"), message
        assert not message["payload"].get("errors"), message
        return message["payload"]["data"]  # type: ignore[no-any-return]


@asynccontextmanager
async def open_socket(
    url: str,
    *,
    token: str | None = None,
    payload: dict[str, Any] | None = None,
    protocol: str = TRANSPORT_WS,
    origin: str | None = None,
    expect_ack: bool = True,
) -> AsyncIterator[Socket]:
    headers = {"Origin": origin} if origin else None
    async with connect(url, subprotocols=[protocol], additional_headers=headers) as connection:  # type: ignore[list-item]
        socket = Socket(connection, protocol)
        init_payload = payload if payload is not None else ({"Authorization": f"Bearer {token}"} if token else {})
        await socket.send({"type": "connection_init", "payload": init_payload})
        if expect_ack:
            ack = await socket.receive()
            assert ack["type"] == "connection_ack", ack
        yield socket
