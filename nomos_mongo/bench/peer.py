"""The peer suite: the same workload on Nomos and on the `eventsourcing` library, in one run.

Both do command -> event -> store -> reconstruct on the same Todo: create todos, rename them
(each rename reads the current state first), then read every todo back. eventsourcing runs
its in-memory (POPO) application as configured by default, and once more with snapshotting
every 5 events, which is what Nomos's default history snapshots amount to.
"""

from __future__ import annotations

import gc
import random
import time
from collections.abc import Callable
from typing import Any

from ..context import MAIN_TIMELINE
from ..examples.todo import CreateTodoIntent, RenameTodoIntent, TodoAggregate
from .figures import Figure, Scale, SuiteResult, median
from .stores import WORKSPACE, Stores

PHASES = ("create", "update", "read")
# what Nomos should be, in the same run: 4x eventsourcing on the whole workload, 2x on creates
WHOLE_TARGET = 4.0
CREATE_TARGET = 2.0


def _es_application(snapshots: bool) -> Any:
    from .es_todo import SnapshottingTodos, Todos

    return SnapshottingTodos() if snapshots else Todos()


def _plan(scale: Scale) -> list[tuple[int, str]]:
    rng = random.Random(7)
    return [(rng.randrange(scale.peer_aggregates), f"renamed {k}") for k in range(scale.peer_updates)]


def _phase_times(run: Callable[[str], None]) -> dict[str, float]:
    times = {}
    for phase in PHASES:
        gc.collect()
        started = time.perf_counter()
        run(phase)
        times[phase] = time.perf_counter() - started
    return times


def run_eventsourcing(scale: Scale, snapshots: bool) -> dict[str, float]:
    app = _es_application(snapshots)
    plan = _plan(scale)
    ids: list[Any] = []

    def run(phase: str) -> None:
        if phase == "create":
            ids.extend(app.create(f"todo {i}") for i in range(scale.peer_aggregates))
        elif phase == "update":
            for index, title in plan:
                app.rename(ids[index], title)
        else:
            for todo_id in ids:
                app.read(todo_id)

    return _phase_times(run)


async def run_nomos(scale: Scale) -> dict[str, float]:
    stores = Stores()
    app = await stores.app()
    plan = _plan(scale)
    ids: list[str] = []
    times = {}
    try:
        for phase in PHASES:
            gc.collect()
            started = time.perf_counter()
            if phase == "create":
                for i in range(scale.peer_aggregates):
                    ids.append((await app.dispatch(CreateTodoIntent(title=f"todo {i}"))).touched[0].id)
            elif phase == "update":
                for index, title in plan:
                    await app.dispatch(RenameTodoIntent(todo_id=ids[index], title=title))
            else:
                for todo_id in ids:
                    await app.read_latest(TodoAggregate, WORKSPACE, MAIN_TIMELINE, todo_id)
            times[phase] = time.perf_counter() - started
    finally:
        await stores.close()
    return times


async def run_peer(scale: Scale) -> SuiteResult:
    result = SuiteResult("peer", settings={"aggregates": scale.peer_aggregates, "updates": scale.peer_updates})
    try:
        import eventsourcing  # noqa: F401
    except ImportError:
        result.skipped = "the eventsourcing library is not installed (pip install 'nomos-mongo[bench]')"
        return result
    started = time.perf_counter()
    samples: dict[str, list[dict[str, float]]] = {"nomos": [], "es": [], "es-snapshots": []}
    for _ in range(scale.peer_runs):  # interleaved, so that a busy moment hits all three alike
        samples["nomos"].append(await run_nomos(scale))
        samples["es"].append(run_eventsourcing(scale, snapshots=False))
        samples["es-snapshots"].append(run_eventsourcing(scale, snapshots=True))
    times = {name: {p: median([s[p] for s in runs]) for p in PHASES} for name, runs in samples.items()}
    counts = {"create": scale.peer_aggregates, "update": scale.peer_updates, "read": scale.peer_aggregates}
    total = sum(counts.values())
    workload = (
        f"{scale.peer_aggregates:,} todos created, {scale.peer_updates:,} renames spread at random over them "
        f"(each reads the current state), {scale.peer_aggregates:,} reads; median of {scale.peer_runs} "
        "interleaved runs, each on a fresh application, no warm-up"
    )
    for name, label in (("nomos", "Nomos"), ("es", "eventsourcing"), ("es-snapshots", "eventsourcing+snapshots")):
        result.add(
            Figure(
                f"{label}: whole workload",
                total / sum(times[name].values()),
                "ops/s",
                workload,
                note="" if name != "es-snapshots" else "eventsourcing with snapshotting every 5 events",
            )
        )
    for name, label in (("es", "eventsourcing"), ("es-snapshots", "eventsourcing+snapshots")):
        result.add(
            Figure(
                f"ratio to {label}: whole workload",
                sum(times[name].values()) / sum(times["nomos"].values()),
                "x",
                f"{label} time / Nomos time for the same workload",
                target=WHOLE_TARGET if name == "es" else None,
            )
        )
        for phase in PHASES:
            result.add(
                Figure(
                    f"ratio to {label}: {phase}",
                    times[name][phase] / times["nomos"][phase],
                    "x",
                    f"{counts[phase]:,} {phase} operations: {label} time / Nomos time "
                    f"(Nomos {counts[phase] / times['nomos'][phase]:,.0f}/s, "
                    f"{label} {counts[phase] / times[name][phase]:,.0f}/s)",
                    target=CREATE_TARGET if name == "es" and phase == "create" else None,
                )
            )
    result.seconds = time.perf_counter() - started
    return result
