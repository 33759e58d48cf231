"""The embedded stores side by side, in one run: SQLite (the default of `nomos serve`) and memory.

- dispatch rate on each, interleaved (memory, SQLite, memory, SQLite) so that the other
  load on the machine weighs on both alike; one client after another, and 16 at once on
  16 workspaces (where SQLite's group commit shares transactions);
- with `stored_intents` in the store: the longest event-loop stall (a probe task sleeps
  1 ms again and again and records how late it wakes) while 16 clients dispatch and one
  lists todos; the process's RSS; and for SQLite the disk it takes per stored intent.
"""

from __future__ import annotations

import asyncio
import gc
import os
import sys
import time
from pathlib import Path

import psutil

from ..app import NomosApp
from ..context import IntentContext
from ..examples.todo import TODO_MODULE, CreateTodoIntent, RenameTodoIntent, TodoAggregate
from ..persistence import Persistence
from ..query import BasicQuery
from ..stores.memory import MemoryPersistence
from .engine import Rates, create_todos
from .figures import Figure, Scale, SuiteResult, median
from .stores import ACTOR, StoreKind, Stores, sqlite_store, temporary_directory

CLIENTS = 16
BUILD_WORKSPACES = 64


def _context(workspace: str) -> IntentContext:
    return IntentContext(workspace_id=workspace, actor_id=ACTOR)


async def concurrent_rate(app: NomosApp, intents: int) -> float:
    per_client = max(1, intents // CLIENTS)

    async def client(index: int) -> None:
        ctx = _context(f"bench-concurrent-{index}")
        for i in range(per_client):
            await app.dispatch(CreateTodoIntent(title=f"c{index}.{i}"), ctx)

    started = time.perf_counter()
    await asyncio.gather(*(client(i) for i in range(CLIENTS)))
    return per_client * CLIENTS / (time.perf_counter() - started)


async def dispatch_figures(scale: Scale, result: SuiteResult) -> None:
    sequential: dict[str, Rates] = {"memory": Rates(), "sqlite": Rates()}
    concurrent: dict[str, list[float]] = {"memory": [], "sqlite": []}
    order: list[StoreKind] = ["memory", "sqlite"] * max(2, scale.runs // 2)
    for kind in order:
        stores = Stores(store=kind)
        try:
            app = await stores.app()
            await create_todos(app, scale.warmup, "warm-up")
            await sequential[kind].timed(app, [CreateTodoIntent(title=f"todo {i}") for i in range(scale.dispatches)])
            concurrent[kind].append(await concurrent_rate(app, scale.dispatches))
        finally:
            await stores.close()
    runs = f"median of {len(order) // 2} runs per store, interleaved, on fresh stores after {scale.warmup:,} warm-up"
    for kind in ("memory", "sqlite"):
        result.add(
            Figure(
                f"dispatch on {kind}, one client",
                sequential[kind].median,
                "intents/s",
                f"{scale.dispatches:,} CreateTodo one after another; {runs}",
                note=sequential[kind].note,
            )
        )
        result.add(
            Figure(
                f"dispatch on {kind}, {CLIENTS} clients",
                median(concurrent[kind]),
                "intents/s",
                f"{CLIENTS} clients at once, each on its own workspace, {scale.dispatches:,} CreateTodo in all; {runs}",
            )
        )
    result.add(
        Figure(
            "SQLite / memory dispatch rate, one client",
            100 * sequential["sqlite"].median / sequential["memory"].median,
            "%",
            "the two figures above, in the same run",
            target=80,
        )
    )
    result.add(
        Figure(
            f"SQLite / memory dispatch rate, {CLIENTS} clients",
            100 * median(concurrent["sqlite"]) / median(concurrent["memory"]),
            "%",
            "the two figures above, in the same run",
            target=80,
        )
    )


async def build(app: NomosApp, intents: int) -> list[str]:
    """`intents` CreateTodo over 64 workspaces at once (as many clients would write them)."""
    per_workspace = max(1, intents // BUILD_WORKSPACES)
    report_every = max(1, per_workspace // 10)

    async def writer(index: int) -> None:
        ctx = _context(f"bench-stored-{index}")
        for i in range(per_workspace):
            await app.dispatch(CreateTodoIntent(title=f"stored {i}"), ctx)
            if index == 0 and i % report_every == report_every - 1:
                print(f"nomos bench: stored ~{(i + 1) * BUILD_WORKSPACES:,} intents", file=sys.stderr, flush=True)

    await asyncio.gather(*(writer(i) for i in range(BUILD_WORKSPACES)))
    return [f"bench-stored-{i}" for i in range(BUILD_WORKSPACES)]


async def worst_stall(app: NomosApp, workspaces: list[str], seconds: float) -> tuple[float, int]:
    """The longest the loop kept a 1 ms sleeper waiting, while 16 clients dispatch and one lists."""
    stop = asyncio.Event()
    dispatched = 0

    async def probe() -> float:
        worst = 0.0
        while not stop.is_set():
            started = time.perf_counter()
            await asyncio.sleep(0.001)
            worst = max(worst, time.perf_counter() - started - 0.001)
        return worst

    async def client(index: int) -> None:
        nonlocal dispatched
        ctx = _context(workspaces[index % len(workspaces)])
        todo_id = (await app.dispatch(CreateTodoIntent(title=f"probe {index}"), ctx)).touched[0].id
        n = 0
        while not stop.is_set():
            n += 1
            intent = RenameTodoIntent(todo_id=todo_id, title=f"r{n}") if n % 2 else CreateTodoIntent(title=f"p{n}")
            await app.dispatch(intent, ctx)
            dispatched += 1
            await asyncio.sleep(0)  # as a request arriving on a socket would; the memory store never waits

    async def lister() -> None:
        query = BasicQuery(order_by_field="title", descending=True, limit=50)
        while not stop.is_set():
            await app.persistence.query_snapshots(workspaces[0], "main", TodoAggregate, query)
            await asyncio.sleep(0)

    probing = asyncio.create_task(probe())
    load = [asyncio.create_task(client(i)) for i in range(CLIENTS)] + [asyncio.create_task(lister())]
    await asyncio.sleep(seconds)
    stop.set()
    await asyncio.gather(*load)
    return await probing * 1000, dispatched


def disk_bytes(directory: Path) -> int:
    return sum(entry.stat().st_size for entry in directory.iterdir() if entry.is_file())


async def stored_figures(kind: StoreKind, scale: Scale, result: SuiteResult) -> None:
    directory = temporary_directory() if kind == "sqlite" else None
    persistence: Persistence = sqlite_store(directory) if directory is not None else MemoryPersistence()
    app = NomosApp(persistence, modules=[TODO_MODULE])
    await app.start()
    try:
        started = time.perf_counter()
        workspaces = await build(app, scale.stored_intents)
        stored = sum([await persistence.head(ws, "main") for ws in workspaces])
        build_rate = stored / (time.perf_counter() - started)
        gc.collect()
        rss = psutil.Process().memory_info().rss
        stall, dispatched = await worst_stall(app, workspaces, scale.stall_seconds)
        what = f"{stored:,} stored intents (CreateTodo on {BUILD_WORKSPACES} workspaces, built at {build_rate:,.0f}/s)"
        result.add(
            Figure(
                f"longest event-loop stall, {kind}",
                stall,
                "ms",
                f"with {what}: a task sleeping 1 ms records its worst lateness over {scale.stall_seconds:g} s while "
                f"{CLIENTS} clients dispatch ({dispatched:,} intents) and one lists 50 todos again and again",
                target=20,
                better="lower",
            )
        )
        result.add(
            Figure(
                f"process RSS, {kind}",
                rss / 1e6,
                "MB",
                f"this process after building {what} (after gc; the bench's own modules included)",
            )
        )
        if directory is not None:
            await app.close()
            result.add(
                Figure(
                    "disk per stored intent, SQLite",
                    disk_bytes(directory) / stored,
                    "bytes",
                    f"database file (checkpointed) / {stored:,} intents: ledger row, touches, snapshot, history, "
                    "field indexes",
                )
            )
    finally:
        await app.close()
        if directory is not None:
            for entry in directory.iterdir():
                os.unlink(entry)
            directory.rmdir()


async def run_embedded(scale: Scale) -> SuiteResult:
    result = SuiteResult(
        "embedded", settings={"stored_intents": scale.stored_intents, "stall_seconds": scale.stall_seconds}
    )
    started = time.perf_counter()
    await dispatch_figures(scale, result)
    await stored_figures("sqlite", scale, result)  # first: the memory store's objects would weigh on it
    gc.collect()
    await stored_figures("memory", scale, result)
    result.seconds = time.perf_counter() - started
    return result
