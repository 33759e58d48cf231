"""The API server that the GraphQL and subscription suites measure, run as a process of its own.

`python -m nomos_mongo.bench.server` serves one scenario on 127.0.0.1 with one uvicorn worker,
prints `READY <port>` when it listens, and stops on SIGTERM. The scenario (NOMOS_BENCH_SCENARIO):

    todo   the Todo example domain, every request allowed (the engine's own path)
    floor  a trivial Strawberry mutation served the same way (see floor.py)

Besides /graphql it answers GET /bench/stats with the live-query evaluation counts.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import Callable
from typing import Any

from ..app import NomosApp
from ..examples.todo import TODO_MODULE
from ..stores.memory import MemoryPersistence

SECRET_VARIABLE = "NOMOS_BENCH_JWT_SECRET"
SCENARIO_VARIABLE = "NOMOS_BENCH_SCENARIO"


def graph_available() -> str | None:
    """None when the GraphQL API can be served, else why not."""
    try:
        from graph.auth import issue_token  # noqa: F401
        from graph.authorization import AllowAll  # noqa: F401
        from graph.server import NomosServer, create_app, settle_heap, uvicorn_config  # noqa: F401
        from graph.settings import Settings  # noqa: F401
    except (ImportError, AttributeError) as exc:
        return f"GraphQL API not available ({exc})"
    return None


def with_stats(asgi: Any, app: NomosApp) -> Any:
    async def serve(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["path"] == "/bench/stats":
            evaluators = list(app.live.evaluators.values())
            body = json.dumps(
                {
                    "evaluators": len(evaluators),
                    "evaluations": sum(e.evaluations for e in evaluators),
                    "subscribers": sum(len(e.subscribers) for e in evaluators),
                }
            ).encode()
            headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
            await send({"type": "http.response.start", "status": 200, "headers": headers})
            await send({"type": "http.response.body", "body": body})
            return
        await asgi(scope, receive, send)

    return serve


async def serve(secret: str, scenario: str = "todo") -> int:
    from graph.authorization import AllowAll
    from graph.server import NomosServer, create_app, settle_heap, uvicorn_config
    from graph.settings import Settings

    settings = Settings(host="127.0.0.1", port=0, jwt_secret=secret)
    if scenario == "floor":
        from .floor import floor_app

        asgi = floor_app()
    else:
        app = NomosApp(MemoryPersistence(), modules=[TODO_MODULE])
        asgi = with_stats(create_app(app, settings, authorizer=AllowAll()), app)
        settle_heap()  # as `nomos serve` does
    config = uvicorn_config(asgi, settings, log_level="warning", access_log=False, workers=1)
    server = NomosServer(config)
    server.on_ready = lambda: print(f"READY {server.port}", flush=True)
    await server.serve()
    return 0 if server.started else 3


def loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvicorn's choice of event loop (uvloop when installed), as `nomos serve` runs."""
    try:
        from uvicorn.loops.auto import auto_loop_factory
    except ImportError:
        return None
    return auto_loop_factory()


def main() -> int:
    secret = os.environ.get(SECRET_VARIABLE)
    if not secret:
        print(f"set {SECRET_VARIABLE}", file=sys.stderr)
        return 2
    with asyncio.Runner(loop_factory=loop_factory()) as runner:
        scenario = os.environ.get(SCENARIO_VARIABLE, "todo")
        return runner.run(serve(secret, scenario))


if __name__ == "__main__":
    sys.exit(main())
