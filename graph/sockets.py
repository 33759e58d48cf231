"""Strawberry's two websocket protocols, sending shared subscription results (see fanout.py).

A subscription that joins a group never executes GraphQL itself: it wraps each shared,
already-encoded payload in its protocol's frame with its own operation id. One that cannot
join runs exactly as Strawberry runs it.
"""

from __future__ import annotations

import asyncio
import json
from typing import TYPE_CHECKING, Any, cast

from starlette.websockets import WebSocketDisconnect
from strawberry.asgi import ASGIWebSocketAdapter
from strawberry.http.exceptions import WebSocketDisconnected
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
    Operation,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import ErrorMessage as TransportError
from strawberry.subscriptions.protocols.graphql_transport_ws.types import SubscribeMessage
from strawberry.subscriptions.protocols.graphql_ws.handlers import BaseGraphQLWSHandler
from strawberry.subscriptions.protocols.graphql_ws.types import ErrorMessage as LegacyError
from strawberry.subscriptions.protocols.graphql_ws.types import StartMessage

from .context import RequestContext
from .errors import subscription_limit_error
from .fanout import FanOut, Send

if TYPE_CHECKING:
    from strawberry.http.async_base_view import AsyncWebSocketAdapter


def _fanout(view: object) -> FanOut:
    return cast("FanOut", view.fanout)  # type: ignore[attr-defined]


def _sender(websocket: AsyncWebSocketAdapter, prefix: str) -> Send:
    ws = cast("ASGIWebSocketAdapter", websocket).ws

    async def send(payload: str) -> None:
        try:
            await ws.send_text(f"{prefix}{payload}}}")
        except WebSocketDisconnect as exc:
            raise WebSocketDisconnected from exc

    return send


def _full(handler: Any, running: int) -> bool:
    limit = handler.max_subscriptions_per_connection
    return limit is not None and running >= limit


class TransportWSHandler(BaseGraphQLTransportWSHandler[RequestContext, None]):
    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        if self.connection_acknowledged and message["id"] not in self.operations and _full(self, len(self.operations)):
            limit = subscription_limit_error(self.max_subscriptions_per_connection or 0)
            await self.send_message(TransportError(id=message["id"], type="error", payload=[limit]))
            return
        await super().handle_subscribe(message)

    async def run_operation(self, operation: Operation[RequestContext, None]) -> None:
        try:
            member = await _fanout(self.view).join(
                self.context, operation.query, operation.variables, operation.operation_name
            )
            if member is not None:
                prefix = f'{{"id":{json.dumps(operation.id)},"type":"next","payload":'
                if await member.relay(_sender(self.websocket, prefix)):
                    await operation.send_operation_message({"id": operation.id, "type": "complete"})
                    return
        except Exception as error:
            await self.handle_task_exception(error)
            self.operations.pop(operation.id, None)
            raise
        await super().run_operation(operation)


class LegacyWSHandler(BaseGraphQLWSHandler[RequestContext, None]):
    async def handle_start(self, message: StartMessage) -> None:
        if self.connection_acknowledged and message["id"] not in self.tasks and _full(self, len(self.tasks)):
            limit = subscription_limit_error(self.max_subscriptions_per_connection or 0)
            await self.send_message(LegacyError(type="error", id=message["id"], payload=limit))
            return
        await super().handle_start(message)

    async def handle_async_results(
        self, operation_id: str, query: str, operation_name: str | None, variables: dict[str, Any] | None
    ) -> None:
        try:
            try:
                member = await _fanout(self.view).join(self.context, query, variables, operation_name)
                prefix = f'{{"type":"data","id":{json.dumps(operation_id)},"payload":'
                shared = member is not None and await member.relay(_sender(self.websocket, prefix))
            except asyncio.CancelledError:
                shared = True  # stopped: Strawberry answers with complete too
            if not shared:
                await super().handle_async_results(operation_id, query, operation_name, variables)
                return
            await self.send_message({"type": "complete", "id": operation_id})
        finally:
            self.tasks.pop(operation_id, None)
