"""A large estate over real HTTP: `createTrackableAsset` on `nomos serve` with its SQLite default.

The estate (one user, one estate, `estate_assets` assets) is built in-process straight
into a fresh data directory; then `nomos serve --data-dir` starts on it as users run it
(authorization, the CO2 domain), and 16 keep-alive connections post createTrackableAsset
back to back. What it reports is what a user of a grown estate waits for.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import shutil
import socket
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

from ..app import NomosApp
from ..context import IntentContext
from .clients import HttpConnection, load, steady_client
from .figures import Figure, Scale, SuiteResult, percentile
from .server import graph_available
from .stores import ACTOR, sqlite_store, temporary_directory

ESTATE = "estate-bench"
CLIENTS = 16
BUILD_CONCURRENCY = 64
START_TIMEOUT = 120.0
CREATE_ASSET = """mutation($id: ID!, $name: String!) {
  createTrackableAsset(workspaceId: "estate-bench", input: {assetId: $id, name: $name, assetType: "HVAC"}) {
    sequence
  }
}"""


async def build_estate(directory: Path, assets: int) -> float:
    """One user, one estate, `assets` assets, dispatched as the API would; returns assets/s."""
    from graph.authorization import SYSTEM_WORKSPACE
    from graph.domain import load_modules
    from schema.assets.intents import CreateTrackableAssetIntent
    from schema.estates.intents import CreateEstateIntent
    from schema.identity.intents import CreateUserIntent

    app = NomosApp(sqlite_store(directory), modules=load_modules())
    async with app:
        system = IntentContext(workspace_id=SYSTEM_WORKSPACE, actor_id=ACTOR)
        await app.dispatch(CreateUserIntent(user_id=ACTOR, display_name="Bench", email="bench@example.com"), system)
        estate = IntentContext(workspace_id=ESTATE, actor_id=ACTOR)
        await app.dispatch(CreateEstateIntent(estate_id=ESTATE, name="Bench estate"), estate)
        started = time.perf_counter()
        report_every = max(BUILD_CONCURRENCY, assets // 10)
        for first in range(0, assets, BUILD_CONCURRENCY):
            batch = range(first, min(first + BUILD_CONCURRENCY, assets))
            # concurrent, as many clients would send them: the store writes each group in one transaction
            await asyncio.gather(
                *(
                    app.dispatch(
                        CreateTrackableAssetIntent(
                            asset_id=f"stored-{i}", name=f"Asset {i}", asset_type="HVAC", created_by_user_id=ACTOR
                        ),
                        estate,
                    )
                    for i in batch
                )
            )
            if (batch.stop // report_every) > (first // report_every):
                print(f"nomos bench: {batch.stop:,} assets in the estate", file=sys.stderr, flush=True)
        return assets / (time.perf_counter() - started)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.asynccontextmanager
async def serving(directory: Path, secret: str) -> AsyncIterator[tuple[int, int]]:
    """`nomos serve` on the data directory; yields its port and process id."""
    port = _free_port()
    env = {**os.environ, "NOMOS_JWT_SECRET": secret}
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "graph",
        "serve",
        "--data-dir",
        str(directory),
        "--port",
        str(port),
        "--log-level",
        "warning",
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
        env=env,
    )
    try:
        deadline = time.perf_counter() + START_TIMEOUT
        while True:
            if process.returncode is not None or time.perf_counter() > deadline:
                raise RuntimeError("nomos serve did not start on the built estate")
            with contextlib.suppress(OSError, ConnectionError, RuntimeError, asyncio.IncompleteReadError):
                probe = HttpConnection(port)
                status, _ = await probe.request("GET", "/readyz")
                await probe.close()
                if status == 200:
                    break
            await asyncio.sleep(0.2)
        with steady_client():
            yield port, process.pid
    finally:
        if process.returncode is None:
            process.terminate()
            try:
                await asyncio.wait_for(process.wait(), 30)
            except TimeoutError:
                process.kill()
                await process.wait()


@dataclass(frozen=True, slots=True)
class ServedEstate:
    port: int
    pid: int
    token: str  # the estate owner's bearer token
    build_rate: float  # assets/s while the estate was built


@contextlib.asynccontextmanager
async def served_estate(assets: int) -> AsyncIterator[ServedEstate]:
    """An estate of `assets` assets built in a fresh data directory, served by `nomos serve`."""
    from graph.auth import issue_token

    directory = temporary_directory()
    try:
        rate = await build_estate(directory, assets)
        secret = secrets.token_urlsafe(32)
        async with serving(directory, secret) as (port, pid):
            yield ServedEstate(port, pid, issue_token(secret, ACTOR, "Bench"), rate)
    finally:
        shutil.rmtree(directory, ignore_errors=True)


async def run_estate(scale: Scale) -> SuiteResult:
    result = SuiteResult("estate", settings={"assets": scale.estate_assets, "clients": CLIENTS})
    reason = graph_available()
    if reason is not None:
        result.skipped = reason
        return result
    started = time.perf_counter()
    seconds = max(scale.http_seconds, 1.0) * 2
    async with served_estate(scale.estate_assets) as estate:
        rate = estate.build_rate
        measured = await load(
            estate.port,
            estate.pid,
            CLIENTS,
            seconds,
            lambda i, n: (CREATE_ASSET, {"id": f"new-{i}-{n}", "name": f"New {i}.{n}"}),
            estate.token,
        )
    latencies, errors = measured.latencies, measured.errors
    how = (
        f"`nomos serve` (SQLite, one uvicorn worker) on an estate of {scale.estate_assets:,} assets (built "
        f"in-process at {rate:,.0f}/s); {CLIENTS} keep-alive connections post createTrackableAsset back to back "
        f"for {seconds:g} s after 0.5 s of warm-up, with the estate-role authorization"
    )
    note = f"{errors} failed requests" if errors else ""
    if latencies:
        result.add(Figure("createTrackableAsset/s", len(latencies) / seconds, "mutations/s", how, note=note))
        result.add(Figure("createTrackableAsset p50", percentile(latencies, 50) * 1000, "ms", how))
        result.add(
            Figure(
                "createTrackableAsset p99",
                percentile(latencies, 99) * 1000,
                "ms",
                how,
                target=50,
                better="lower",
                note=note,
            )
        )
    else:
        result.skipped = f"no request succeeded ({errors} failed)"
    result.seconds = time.perf_counter() - started
    return result
