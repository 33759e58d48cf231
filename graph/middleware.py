"""ASGI middleware: correlation ids, the request body limit, and CSRF protection."""

from __future__ import annotations

import re
from typing import Any

from starlette.datastructures import Headers, QueryParams
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from nomos_mongo import new_id

from .logs import correlation_id

CORRELATION_HEADER = "x-correlation-id"
_CLIENT_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
# Any of these headers makes a browser send a CORS preflight first (Apollo's convention).
PREFLIGHT_HEADERS = ("graphql-require-preflight", "apollo-require-preflight", "x-apollo-operation-name")


class CorrelationIdMiddleware:
    """Take the client's X-Correlation-Id (if it is a sane one) or make one; echo it back."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        given = Headers(scope=scope).get(CORRELATION_HEADER, "")
        value = given if _CLIENT_ID.fullmatch(given) else new_id()
        scope.setdefault("state", {})["correlation_id"] = value
        token = correlation_id.set(value)

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (CORRELATION_HEADER.encode(), value.encode())]
            await send(message)

        # a websocket's frames carry no headers: its sends go straight through, one await fewer each
        try:
            await self.app(scope, receive, send_with_id if scope["type"] == "http" else send)
        finally:
            correlation_id.reset(token)


class _TooLarge(Exception):
    pass


class BodyLimitMiddleware:
    """Refuse request bodies over `max_bytes` with 413, whether announced or streamed."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = Headers(scope=scope).get("content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_bytes):
            await self._refuse(scope, receive, send)
            return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise _TooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except _TooLarge:
            if started:
                raise
            await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = PlainTextResponse(f"request body larger than {self.max_bytes} bytes", status_code=413)
        await response(scope, receive, send)


class CsrfMiddleware:
    """Requests a browser may send cross-site without a preflight must prove they are not forged.

    That is a GET carrying an operation, and a POST whose content type is not JSON (multipart
    uploads, forms, plain text): they need one of PREFLIGHT_HEADERS, which no cross-site page
    can add without the server's CORS consent.
    """

    def __init__(self, app: ASGIApp, path: str = "/graphql") -> None:
        self.app = app
        self.path = path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] == self.path and self._needs_preflight(scope):
            headers = Headers(scope=scope)
            if not any(headers.get(name) for name in PREFLIGHT_HEADERS):
                response = PlainTextResponse(
                    "this request could have been forged by another site: send it as a JSON POST, or add "
                    "the header GraphQL-Require-Preflight: 1",
                    status_code=400,
                )
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)

    @staticmethod
    def _needs_preflight(scope: Scope) -> bool:
        method: Any = scope["method"]
        if method == "GET":  # an operation in full, or by its persisted-query hash
            params = QueryParams(scope["query_string"])
            return "query" in params or "extensions" in params
        if method == "POST":
            content_type = Headers(scope=scope).get("content-type", "").split(";")[0].strip().lower()
            return content_type != "application/json"
        return False
