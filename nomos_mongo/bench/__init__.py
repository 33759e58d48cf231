"""`nomos bench`: measured figures of the engine, a peer library, the GraphQL API and subscriptions.

    engine         dispatch throughput, replay, snapshots, undo, memory (embedded store or MongoDB)
    peer           the same workload on the `eventsourcing` library, as a ratio
    graphql        the real path over HTTP (createTrackableAsset, by id, a page) on a large estate,
                   beside a trivial Strawberry floor
    subscriptions  watchTimeline delivery latency and live-query fan-out over real websockets
    embedded       SQLite against memory in one run: dispatch rate, event-loop stalls, RSS and disk
                   with many stored intents (run by name: it builds large stores)
    estate         createTrackableAsset over HTTP on `nomos serve` with a large estate (by name)

Every figure says how it was measured. The default run takes about two minutes on two cores;
each suite has a time limit, and the API server it starts is stopped when it ends.
"""

from __future__ import annotations

import asyncio
import json as json_module
import sys
import time
import traceback
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from .figures import Figure, Scale, SuiteResult
from .report import machine, print_table, to_json, write_markdown

SUITES = ("engine", "peer", "graphql", "subscriptions")
STORE_SUITES = ("embedded", "estate")  # not in the default run: they build large stores first
KNOWN_SUITES = (*SUITES, *STORE_SUITES)
TIME_LIMITS = {"engine": 240.0, "peer": 120.0, "graphql": 300.0, "subscriptions": 120.0}  # seconds; total < 10 min
TIME_LIMITS.update(embedded=7200.0, estate=7200.0)  # a million stored intents take a while to build


def _runner(name: str, scale: Scale, mongo_uri: str | None, store: str) -> Callable[[], Awaitable[SuiteResult]]:
    if name == "engine":
        from .engine import run_engine

        return lambda: run_engine(scale, mongo_uri, store)  # type: ignore[arg-type]
    if name == "embedded":
        from .embedded import run_embedded

        return lambda: run_embedded(scale)
    if name == "estate":
        from .estate import run_estate

        return lambda: run_estate(scale)
    if name == "peer":
        from .peer import run_peer

        return lambda: run_peer(scale)
    if name == "graphql":
        from .graphql_http import run_graphql

        return lambda: run_graphql(scale)
    from .subscriptions import run_subscriptions

    return lambda: run_subscriptions(scale)


async def run_suite(name: str, scale: Scale, mongo_uri: str | None = None, store: str = "memory") -> SuiteResult:
    if name not in KNOWN_SUITES:
        raise ValueError(f"unknown suite {name!r}; choose from {', '.join(KNOWN_SUITES)}")
    limit = TIME_LIMITS[name]
    started = time.perf_counter()
    try:
        return await asyncio.wait_for(_runner(name, scale, mongo_uri, store)(), limit)
    except TimeoutError:
        return SuiteResult(name, skipped=f"stopped at its time limit of {limit:.0f} s", seconds=limit)
    except ImportError as exc:
        return SuiteResult(
            name,
            skipped=f"a package it needs is missing: {exc} (pip install 'nomos-mongo[bench]')",
            seconds=time.perf_counter() - started,
        )
    except Exception as exc:  # one broken suite must not lose the figures of the others
        traceback.print_exc(file=sys.stderr)
        return SuiteResult(name, skipped=f"failed: {type(exc).__name__}: {exc}", seconds=time.perf_counter() - started)


async def run_bench(
    suites: Iterable[str] = SUITES,
    *,
    mongo_uri: str | None = None,
    quick: bool = False,
    json: bool = False,
    markdown: str | None = None,
    store: str = "memory",
    scale: Scale | None = None,
) -> dict[str, Any]:
    """Run the suites in order, print the table (or JSON with `json=True`), return the JSON document.

    `quick` shrinks every workload for smoke tests: its figures mean nothing. `markdown`
    names a file to write the table to, with the machine it was taken on. `store` is what
    the engine suite runs on ("memory" or "sqlite"; `mongo_uri` for MongoDB); `scale`
    overrides the workload sizes.
    """
    names = list(dict.fromkeys(suites))
    for name in names:
        if name not in KNOWN_SUITES:
            raise ValueError(f"unknown suite {name!r}; choose from {', '.join(KNOWN_SUITES)}")
    scale = scale or (Scale.quick() if quick else Scale())
    info = {**machine(), "store": "mongodb" if mongo_uri else "embedded", "quick": quick}
    if not mongo_uri:
        info["embedded_store"] = store  # what the engine suite ran on
    stand_in = False
    if mongo_uri:
        from ..stores.mongo.connecting import describe_server
        from ..stores.mongo.translate import redact

        server = await describe_server(mongo_uri)
        stand_in = server.stand_in
        info["server"] = f"{redact(mongo_uri)}: {server.server}"
        if stand_in:
            info["server"] += "; a stand-in's figures say nothing about MongoDB's speed"
    results = []
    for name in names:
        print(f"nomos bench: running {name} ...", file=sys.stderr, flush=True)
        result = await run_suite(name, scale, mongo_uri, store)
        print(f"nomos bench: {name} done in {result.seconds:.1f} s", file=sys.stderr, flush=True)
        if stand_in and result.settings.get("store") == "mongodb":
            result.settings["store"] = "the mongoeco wire-protocol stand-in, not MongoDB"
        results.append(result)
    document = to_json(results, info)
    if json:
        sys.stdout.write(json_module.dumps(document, indent=2) + "\n")
    else:
        print_table(results, info)
    if markdown:
        write_markdown(markdown, results, info)
    return document


__all__ = ["KNOWN_SUITES", "STORE_SUITES", "SUITES", "Figure", "Scale", "SuiteResult", "run_bench", "run_suite"]
