"""The GraphQL suite: mutation throughput and latency over real HTTP, 1 / 16 / 64 clients."""

from __future__ import annotations

import asyncio
import time

from .clients import HttpConnection, Server, running_server
from .figures import Figure, Scale, SuiteResult, percentile
from .server import graph_available

CREATE = "mutation($ws: ID!, $t: String!) { createTodo(workspaceId: $ws, input: {title: $t}) { sequence } }"
WARMUP_SECONDS = 0.5


async def load(server: Server, clients: int, seconds: float) -> tuple[int, list[float], int]:
    """Each client posts createTodo on its own keep-alive connection, one after another.

    Returns the mutations completed in the measured window, their latencies (s), and errors.
    """
    token = server.token()
    connections = [HttpConnection(server.port, token) for _ in range(clients)]
    await asyncio.gather(*(c.open() for c in connections))
    started = time.perf_counter()
    measure_from, stop_at = started + WARMUP_SECONDS, started + WARMUP_SECONDS + seconds
    latencies: list[float] = []
    errors = 0

    async def client(index: int, connection: HttpConnection) -> None:
        nonlocal errors
        n = 0
        while (sent := time.perf_counter()) < stop_at:
            n += 1
            try:
                await connection.graphql(CREATE, {"ws": f"bench-http-{clients}", "t": f"todo {index}.{n}"})
            except (RuntimeError, ConnectionError, OSError, asyncio.IncompleteReadError):
                errors += 1
                await connection.close()
                continue
            if sent >= measure_from:
                latencies.append(time.perf_counter() - sent)

    try:
        await asyncio.gather(*(client(i, c) for i, c in enumerate(connections)))
    finally:
        await asyncio.gather(*(c.close() for c in connections))
    return len(latencies), latencies, errors


async def run_graphql(scale: Scale) -> SuiteResult:
    result = SuiteResult("graphql", settings={"clients": list(scale.http_clients), "seconds": scale.http_seconds})
    reason = graph_available()
    if reason is not None:
        result.skipped = reason
        return result
    started = time.perf_counter()
    async with running_server() as server:
        for clients in scale.http_clients:
            count, latencies, errors = await load(server, clients, scale.http_seconds)
            how = (
                f"{clients} concurrent keep-alive connection(s), each posting createTodo back to back for "
                f"{scale.http_seconds:g} s after {WARMUP_SECONDS:g} s of warm-up; uvicorn (one worker, uvloop, "
                "httptools) in its own process on loopback, the load generator in this one"
            )
            note = f"{errors} failed requests" if errors else ""
            result.add(
                Figure(
                    f"mutations/s, {clients} client(s)",
                    count / scale.http_seconds,
                    "mutations/s",
                    how,
                    target=1_000 if clients == 16 else None,
                    note=note,
                )
            )
            if latencies:
                result.add(Figure(f"latency p50, {clients} client(s)", percentile(latencies, 50) * 1000, "ms", how))
                result.add(
                    Figure(
                        f"latency p99, {clients} client(s)",
                        percentile(latencies, 99) * 1000,
                        "ms",
                        how,
                        target=50 if clients == 16 else None,
                        better="lower",
                    )
                )
    result.seconds = time.perf_counter() - started
    return result
