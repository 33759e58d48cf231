"""The Starlette application: GraphQL over HTTP and websockets, health checks, lifecycle."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import logging
import socket
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from datetime import timedelta
from typing import Any, TypeGuard

import uvicorn
from cross_web import HTTPException
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import HTTPConnection, Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.types import Receive, Scope, Send
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http import GraphQLRequestData
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL, GRAPHQL_WS_PROTOCOL
from strawberry.types import ExecutionResult
from strawberry.types.unset import UNSET, UnsetType

from nomos_mongo import NomosApp, PersistenceError, new_id

from . import media
from .auth import TokenVerifier, bearer_token
from .authorization import Authorizer, default_authorizer
from .bodies import BAD_REQUEST, decode_request_json, error_body, over_the_cap, too_large_body
from .context import RequestContext
from .fanout import FanOut
from .ide import graphiql_html
from .middleware import BodyLimitMiddleware, CorrelationIdMiddleware, CsrfMiddleware
from .revocation import AccessWatch
from .schema import NomosSchema, build_schema, cached_parse
from .settings import Settings
from .sharing import shared_frame
from .socket_frames import RawSendMiddleware, frame_writer
from .sockets import Connection
from .tracking import Subscriptions
from .transport_ws import OperationTransportWSHandler

log = logging.getLogger("nomos.graph")
Hook = Callable[[], Awaitable[None]]
HTTP_ERROR_CODES = {404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED"}


def is_result_message(message: object) -> TypeGuard[dict[str, Any]]:
    """A websocket frame carrying a result (graphql-transport-ws `next`, graphql-ws `data`)."""
    return isinstance(message, dict) and message.get("type") in ("next", "data") and "payload" in message


class NomosGraphQL(GraphQL[RequestContext, None]):
    graphql_transport_ws_handler_class = OperationTransportWSHandler  # operations known to fanout.py

    def __init__(
        self,
        schema: NomosSchema,
        *,
        app: NomosApp,
        settings: Settings,
        authorizer: Authorizer,
        tokens: TokenVerifier,
        subscriptions: Subscriptions,
        access: AccessWatch,
    ) -> None:
        super().__init__(
            schema,
            graphql_ide="graphiql" if settings.graphiql_enabled else None,
            allow_queries_via_get=True,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL, GRAPHQL_WS_PROTOCOL),
            connection_init_wait_timeout=timedelta(seconds=10),
            max_subscriptions_per_connection=None,  # counted in sharing.py, with a coded error
            multipart_uploads_enabled=True,
            allowed_origins=settings.allowed_origins,
        )
        self.app = app
        self.settings = settings
        self.authorizer = authorizer
        self.tokens = tokens
        self.subscriptions = subscriptions
        self.access = access
        self._ide_html = graphiql_html()
        self.fanout = schema.fanout = FanOut(
            schema, settings, live_queries=schema.live_queries, encode=self.encode_json, parse=cached_parse()
        )

    def encode_json(self, data: object) -> str | bytes:
        frame = shared_frame(data)
        if frame is not None:
            return frame
        encoded = super().encode_json(data)
        if is_result_message(data):  # a subscription's result: capped as a response is
            refused = over_the_cap(len(encoded), self.settings.max_response_bytes)
            if refused is not None:
                return super().encode_json({**data, "payload": refused})
        return encoded

    async def run(self, request: Any, context: Any = UNSET, root_value: Any = UNSET) -> Any:
        if not self.is_websocket_request(request):
            return await super().run(request, context, root_value)
        connection = request.state.connection = Connection(
            request, self.settings.max_queued_bytes, frames=frame_writer(request.scope)
        )
        try:
            return await super().run(request, context, root_value)
        finally:
            connection.end()

    async def render_graphql_ide(self, request: Request) -> Response:
        return HTMLResponse(self._ide_html)

    # request bodies ---------------------------------------------------------------------
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        try:
            response = await self.run(Request(scope=scope, receive=receive))
        except HTTPException as exc:  # Strawberry answers these in plain text; clients expect GraphQL errors
            code = HTTP_ERROR_CODES.get(exc.status_code, BAD_REQUEST)
            response = JSONResponse(error_body(exc.reason, code), status_code=exc.status_code)
        await response(scope, receive, send)

    def decode_json(self, data: str | bytes) -> object:
        return decode_request_json(data)

    def parse_json(self, data: str | bytes) -> Any:
        try:
            return self.decode_json(data)
        except json.JSONDecodeError as exc:
            raise HTTPException(400, f"the body is not a GraphQL request: {exc.msg}") from None

    def create_response(self, response_data: Any, sub_response: Response) -> Response:
        response = super().create_response(media.finish(response_data, sub_response), sub_response)
        size, limit = len(response.body), self.settings.max_response_bytes
        if size > limit:
            log.warning("response of %d bytes refused (NOMOS_MAX_RESPONSE_BYTES=%d)", size, limit)
            response = super().create_response(too_large_body(size, limit), sub_response)  # type: ignore[arg-type]
        media.apply(response, sub_response)
        return response

    def should_render_graphql_ide(self, request: Any) -> bool:
        # a GET naming a persisted query has no `query` parameter, yet is an operation
        return super().should_render_graphql_ide(request) and "extensions" not in request.query_params

    async def execute_single(  # the media type and status follow the result (graph/media.py)
        self,
        request: Request,
        request_adapter: Any,
        sub_response: Response,
        context: RequestContext,
        root_value: None,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        result = await super().execute_single(
            request=request,
            request_adapter=request_adapter,
            sub_response=sub_response,
            context=context,
            root_value=root_value,
            request_data=request_data,
        )
        media.prepare(request.headers.get("accept"), result, sub_response)
        return result

    async def get_context(self, request: Any, response: Any) -> RequestContext:
        state = request.scope.get("state") or {}
        context = RequestContext(
            app=self.app,
            settings=self.settings,
            authorizer=self.authorizer,
            tokens=self.tokens,
            subscriptions=self.subscriptions,
            correlation_id=state.get("correlation_id") or new_id(),
            request=request,
            response=response,
            access=self.access,
            connection=getattr(request.state, "connection", None),
        )
        context.authenticate(dict(request.headers))
        return context

    async def on_ws_connect(self, context: RequestContext) -> UnsetType | dict[str, object] | None:
        params = context.connection_params or {}
        if bearer_token(params) is not None:
            context.authenticate(params)
            if context.user is None:
                raise ConnectionRejectionError({"message": f"invalid bearer token: {context.auth_error}"})
        if context.user is not None and context.connection is not None:
            context.connection.expire_at(context.user.expires_at)  # a socket lives no longer than its token
        return UNSET


async def healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


def readyz(app: NomosApp) -> Callable[[Request], Awaitable[Response]]:
    async def check(request: Request) -> Response:
        try:
            await app.start()
            await app.persistence.ping()
        except PersistenceError as exc:
            return JSONResponse({"status": "unavailable", "reason": str(exc)}, status_code=503)
        return JSONResponse({"status": "ready"})

    return check


def create_app(
    app: NomosApp,
    settings: Settings,
    *,
    authorizer: Authorizer | None = None,
    on_startup: Sequence[Hook] = (),
) -> Starlette:
    """The ASGI application serving `app`; its lifespan starts the engine and closes it."""
    tokens = TokenVerifier(
        secret=settings.jwt_secret,
        public_key=settings.jwt_public_key,
        audience=settings.jwt_audience,
        issuer=settings.jwt_issuer,
        leeway_seconds=settings.jwt_leeway_seconds,
        max_lifetime_seconds=settings.jwt_max_lifetime_seconds,
    )
    schema = build_schema(app.registry, settings)
    subscriptions = Subscriptions()
    authorizer = authorizer or default_authorizer(app, frozenset(settings.system_admins))
    access = AccessWatch(app, authorizer)
    view = NomosGraphQL(
        schema,
        app=app,
        settings=settings,
        authorizer=authorizer,
        tokens=tokens,
        subscriptions=subscriptions,
        access=access,
    )

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        await app.start()
        for hook in on_startup:
            await hook()
        try:
            yield
        finally:
            subscriptions.close_all()
            access.close()
            await app.close()

    async def home(connection: HTTPConnection) -> Response:
        return RedirectResponse("/graphql")

    middleware = [
        Middleware(RawSendMiddleware),  # first: it keeps the server's own send (socket_frames.py)
        Middleware(CorrelationIdMiddleware),
        Middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes),
        Middleware(CsrfMiddleware, path="/graphql"),
    ]
    if settings.allowed_origins:
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=list(settings.allowed_origins),
                allow_methods=["GET", "POST"],
                allow_headers=["*"],
            )
        )
    routes = [
        Route("/", home),
        Route("/healthz", healthz),
        Route("/readyz", readyz(app)),
        Route("/graphql", view, methods=["GET", "POST"]),
        WebSocketRoute("/graphql", view),
    ]
    starlette = Starlette(routes=routes, middleware=middleware, lifespan=lifespan)
    starlette.state.schema = schema
    starlette.state.subscriptions = subscriptions
    starlette.state.fanout = view.fanout
    return starlette


# Young collections once 10,000 more objects live than before (Python's default is 700):
# each pass stays a few milliseconds, and the full passes, which walk every open socket's
# objects (~200 ms with 1,000 websockets on a 2-core machine), come about a hundred times
# more rarely. Request garbage is mostly freed by reference counting and never counts.
COLLECTOR_THRESHOLDS = (10_000, 10, 10)


def settle_heap() -> None:
    """Ready the collector for a long-running server, once the app is built.

    The schema, the domain's types and the modules live as long as the process: frozen, the
    collector's full passes skip them (~190,000 objects, ~300 ms a pass on a 2-core machine)
    and walk only what requests made since (see gc.freeze in the Python documentation).
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(*COLLECTOR_THRESHOLDS)


class NomosServer(uvicorn.Server):
    """A uvicorn server that says when it listens (the banner, tests waiting for it)."""

    def __init__(self, config: uvicorn.Config, on_ready: Callable[[], None] | None = None) -> None:
        super().__init__(config)
        self.on_ready = on_ready
        self.ready = asyncio.Event()

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if self.started:
            self.ready.set()
            if self.on_ready is not None:
                self.on_ready()

    @property
    def port(self) -> int:
        return int(self.servers[0].sockets[0].getsockname()[1])


def uvicorn_config(asgi: Any, settings: Settings, **overrides: Any) -> uvicorn.Config:
    options: dict[str, Any] = {
        "host": settings.host,
        "port": settings.port,
        "ws_max_size": settings.max_body_bytes,
        "lifespan": "on",
        "log_level": "info",
        "timeout_graceful_shutdown": 5,
        "proxy_headers": False,
        # subscription frames are small JSON: compressing each one for each subscriber cost more
        # CPU than it saved bytes (measured with `nomos bench subscriptions`)
        "ws_per_message_deflate": False,
    }
    return uvicorn.Config(asgi, **{**options, **overrides})
