"""The GraphQL suite: what users run, over real HTTP, beside a trivial Strawberry floor.

Measured in one run, each at the same number of keep-alive connections:

    floor      a trivial Strawberry mutation on Starlette and uvicorn (floor.py)
    mutation   createTrackableAsset with a bearer token and the estate's owner role, on
               `nomos serve` (its default SQLite store) with an estate that already holds
               `Scale.estate_assets` assets
    by id      trackableAsset(aggregateId:) on that estate
    page       trackableAssets(first: 50, orderBy: NAME) on that estate
    live       1,000 websockets subscribed to one live query of that estate's first 50
               assets by name (watchTrackableAssets), and renames of listed assets
    todo       createTodo on an empty in-memory store, every request allowed (the engine's path)

Each is reported as requests/s, p50 and p99, and the real-path ones as a ratio to the floor
measured just before them (its server stays up through the suite: this machine's speed
drifts within a run, and a ratio of two loads minutes apart measured that drift).
The load generator is this process: its CPU share is reported beside each figure, and the
floor shows the rate it can at least drive, so a ratio below 1 is the server's, not its.
"""

from __future__ import annotations

import time

from .clients import LOAD_WARMUP_SECONDS, HttpConnection, Load, load, running_server
from .estate import ESTATE, served_estate
from .figures import Figure, Scale, SuiteResult, percentile
from .floor import FLOOR_MUTATION
from .server import graph_available
from .subscriptions import live_fanout, raise_file_limit

CREATE_TODO = "mutation($ws: ID!, $t: String!) { createTodo(workspaceId: $ws, input: {title: $t}) { sequence } }"
CREATE_ASSET = (
    "mutation($ws: ID!, $name: String!) { createTrackableAsset(workspaceId: $ws, "
    'input: {name: $name, assetType: "hvac"}) { sequence description } }'
)
BY_ID = (
    "query($ws: ID!, $id: ID!) { trackableAsset(workspaceId: $ws, aggregateId: $id) { id aggregateId name assetType } }"
)
PAGE = (
    "query($ws: ID!) { trackableAssets(workspaceId: $ws, first: 50, orderBy: NAME) "
    "{ nodes { id aggregateId name assetType } pageInfo { endCursor hasNextPage } } }"
)
LIVE_ASSETS = (
    "subscription($ws: ID!) { watchTrackableAssets(workspaceId: $ws, orderBy: NAME, limit: 50) "
    "{ id aggregateId name assetType } }"
)
FIRST_ASSETS = (
    "query($ws: ID!) { trackableAssets(workspaceId: $ws, first: 50, orderBy: NAME) { nodes { aggregateId name } } }"
)
RENAME_ASSET = (
    "mutation($ws: ID!, $id: ID!, $name: String!) { updateTrackableAsset(workspaceId: $ws, "
    "input: {assetId: $id, updates: {name: $name}}) { sequence } }"
)
CLIENTS = 16


def _report(
    result: SuiteResult,
    label: str,
    measured: Load,
    how: str,
    *,
    floor: Load | None = None,
    ratio_target: float | None = None,
    p99_target: float | None = None,
) -> None:
    how = f"{how}; {measured.describe()}"
    note = f"{measured.errors} failed requests" if measured.errors else ""
    result.add(Figure(f"{label}: requests/s", measured.rate, "requests/s", how, note=note))
    if floor is not None and floor.rate:
        beside = f"{how}; against the floor measured just before it: {floor.rate:,.0f} requests/s"
        result.add(Figure(f"{label}: ratio to the floor", measured.rate / floor.rate, "x", beside, target=ratio_target))
    if measured.latencies:
        result.add(Figure(f"{label}: p50", percentile(measured.latencies, 50) * 1000, "ms", how, better="lower"))
        result.add(
            Figure(
                f"{label}: p99",
                percentile(measured.latencies, 99) * 1000,
                "ms",
                how,
                target=p99_target,
                better="lower",
            )
        )


def _served(clients: int, seconds: float, what: str) -> str:
    return (
        f"{clients} concurrent keep-alive connections, each sending {what} back to back for {seconds:g} s "
        f"after {LOAD_WARMUP_SECONDS:g} s of warm-up; uvicorn (one worker, uvloop, httptools) in its own process "
        "on loopback, the load generator in this one"
    )


async def _live_estate(result: SuiteResult, port: int, pid: int, token: str, scale: Scale, estate: str) -> None:
    """The estate's first 50 assets as a live query, on many sockets; each rename changes it."""
    count, updates = max(scale.subscribers), scale.subscription_updates
    http = HttpConnection(port, token)
    try:
        listed = (await http.graphql(FIRST_ASSETS, {"ws": ESTATE}))["trackableAssets"]["nodes"]

        def rename(k: int) -> tuple[str, dict[str, object]]:
            asset = listed[k % len(listed)]  # " vK" sorts right after the name: the asset stays listed
            return RENAME_ASSET, {"ws": ESTATE, "id": asset["aggregateId"], "name": f"{asset['name']} v{k}"}

        live = await live_fanout(
            f"ws://127.0.0.1:{port}/graphql", token, http, pid, count, updates, (LIVE_ASSETS, {"ws": ESTATE}), rename
        )
    finally:
        await http.close()
    how = (
        f"{count} websockets (graphql-transport-ws) subscribed to watchTrackableAssets(orderBy: NAME, limit: 50) "
        f"{estate}, with the owner's token; {updates} renames of a listed asset over HTTP, one at a time, each "
        f"awaited until every subscriber has the new result; {live.describe()}"
    )
    label = f"live query of 50 assets, {count} subscribers"
    result.add(
        Figure(
            f"{label}: server CPU per update",
            live.cpu_ms_per_update,
            "ms",
            f"{how}; the server process's user+system CPU time / updates, the mutation included",
            target=25,
            better="lower",
        )
    )
    result.add(Figure(f"{label}: p50", live.p50_ms, "ms", f"{how}; includes the 16 ms debounce"))
    result.add(
        Figure(
            f"{label}: p99",
            live.p99_ms,
            "ms",
            f"{how}; includes the 16 ms debounce",
            target=100,
            better="lower",
        )
    )


async def run_graphql(scale: Scale) -> SuiteResult:
    clients, seconds, assets = min(CLIENTS, max(scale.http_clients)), scale.http_seconds, scale.estate_assets
    result = SuiteResult("graphql", settings={"clients": clients, "seconds": seconds, "estate_assets": assets})
    reason = graph_available()
    if reason is not None:
        result.skipped = reason
        return result

    raise_file_limit(max(scale.subscribers) * 2 + 256)  # before the server starts: it inherits the limit
    started = time.perf_counter()
    async with running_server("floor") as floor_server:

        async def floor_now() -> Load:
            """The floor again, right before a load: this machine's speed drifts within a run."""
            return await load(
                floor_server.port,
                floor_server.pid,
                clients,
                seconds,
                lambda i, n: (FLOOR_MUTATION, {"name": f"item {i}.{n}"}),
            )

        floor = await floor_now()
        _report(
            result, f"floor (trivial Strawberry mutation), {clients} clients", floor, _served(clients, seconds, "it")
        )
        async with served_estate(assets) as served:
            estate = (
                f"on an estate of {assets:,} assets (nomos serve, SQLite; built in-process at "
                f"{served.build_rate:,.0f}/s)"
            )
            loads = (  # label, what each connection sends, the request, ratio target, p99 target
                (
                    "createTrackableAsset",
                    "createTrackableAsset with a bearer token and the owner role",
                    lambda i, n: (CREATE_ASSET, {"ws": ESTATE, "name": f"New asset {i}.{n}"}),
                    0.6,
                    50.0,
                ),
                (
                    "trackableAsset by id",
                    "trackableAsset(aggregateId:) for assets spread over the estate",
                    lambda i, n: (BY_ID, {"ws": ESTATE, "id": f"stored-{(i * 7919 + n * 104729) % assets}"}),
                    0.8,
                    None,
                ),
                (
                    "trackableAssets page of 50",
                    "trackableAssets(first: 50, orderBy: NAME)",
                    lambda i, n: (PAGE, {"ws": ESTATE}),
                    None,
                    50.0,
                ),
            )
            for name, what, request, ratio_target, p99_target in loads:
                beside = await floor_now()
                measured = await load(served.port, served.pid, clients, seconds, request, served.token)
                how = _served(clients, seconds, f"{what} {estate}")
                label = f"{name}, {clients} clients"
                _report(result, label, measured, how, floor=beside, ratio_target=ratio_target, p99_target=p99_target)
            await _live_estate(result, served.port, served.pid, served.token, scale, estate)

        beside = await floor_now()
        async with running_server("todo") as server:
            todo = await load(
                server.port,
                server.pid,
                clients,
                seconds,
                lambda i, n: (CREATE_TODO, {"ws": "bench-http", "t": f"todo {i}.{n}"}),
                server.token(),
            )
    how = _served(clients, seconds, "createTodo on an empty in-memory store, every request allowed")
    _report(result, f"createTodo (engine path), {clients} clients", todo, how, floor=beside)
    result.seconds = time.perf_counter() - started
    return result
