"""A real uvicorn server on a loopback port, started inside the test's event loop."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx

from graph.auth import issue_token
from graph.authorization import Authorizer
from graph.server import NomosServer, create_app, uvicorn_config
from graph.settings import Settings
from nomos_mongo import MemoryPersistence, NomosApp, NomosModule

SECRET = "test-secret-that-is-long-enough-for-hs256"


@dataclass
class Running:
    app: NomosApp
    asgi: Any
    server: NomosServer
    url: str

    @property
    def ws_url(self) -> str:
        return self.url.replace("http://", "ws://") + "/graphql"

    def token(self, user_id: str, name: str | None = None) -> str:
        return issue_token(SECRET, user_id, name)


@contextlib.asynccontextmanager
async def running_server(
    modules: list[NomosModule],
    *,
    authorizer: Authorizer | None = None,
    settings: Settings | None = None,
    app: NomosApp | None = None,
) -> AsyncIterator[Running]:
    settings = settings or Settings()
    settings = Settings(**{**settings.__dict__, "host": "127.0.0.1", "port": 0, "jwt_secret": SECRET})
    app = app or NomosApp(MemoryPersistence(), modules=modules)
    asgi = create_app(app, settings, authorizer=authorizer)
    server = NomosServer(uvicorn_config(asgi, settings, log_level="warning"))
    task = asyncio.create_task(server.serve())
    ready = asyncio.create_task(server.ready.wait())
    await asyncio.wait([task, ready], return_when=asyncio.FIRST_COMPLETED)
    if task.done():
        ready.cancel()
        task.result()
        raise RuntimeError("the server did not start")
    try:
        yield Running(app, asgi, server, f"http://127.0.0.1:{server.port}")
    finally:
        server.should_exit = True
        await task


class Client:
    """GraphQL over HTTP as a user (or anonymously)."""

    def __init__(self, http: httpx.AsyncClient, token: str | None = None) -> None:
        self.http = http
        self.token = token

    async def post(
        self, query: str, variables: dict[str, Any] | None = None, headers: dict[str, str] | None = None
    ) -> httpx.Response:
        headers = dict(headers or {})
        if self.token:
            headers.setdefault("authorization", f"Bearer {self.token}")
        return await self.http.post("/graphql", json={"query": query, "variables": variables or {}}, headers=headers)

    async def gql(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        response = await self.post(query, variables)
        assert response.status_code == 200, response.text
        return response.json()  # type: ignore[no-any-return]

    async def data(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        body = await self.gql(query, variables)
        assert "errors" not in body, body["errors"]
        return body["data"]  # type: ignore[no-any-return]
