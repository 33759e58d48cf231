"""The engine suite: dispatch throughput, replay, snapshots, undo and memory, in-process."""

from __future__ import annotations

import gc
import random
import time
import tracemalloc
from collections.abc import Sequence
from dataclasses import replace

import psutil

from ..app import NomosApp
from ..context import MAIN_TIMELINE
from ..examples.todo import CreateTodoIntent, RenameTodoIntent, ToggleTodoIntent
from ..model import Intent
from .figures import Figure, Scale, SuiteResult, median
from .stores import WORKSPACE, StoreKind, Stores, context

SEED = 20261122
EARLY_ACTOR = "early-bird"


async def create_todos(app: NomosApp, count: int, prefix: str = "todo") -> list[str]:
    ids = []
    for i in range(count):
        entry = await app.dispatch(CreateTodoIntent(title=f"{prefix} {i}"))
        ids.append(entry.touched[0].id)
    return ids


class Rates:
    """Throughputs of repeated runs, and how much of a core this process had during them."""

    def __init__(self) -> None:
        self.rates: list[float] = []
        self.cpu: list[float] = []

    async def timed(self, app: NomosApp, intents: Sequence[Intent]) -> None:
        """Dispatch one after the other; record intents per (wall-clock) second."""
        gc.collect()
        started, cpu = time.perf_counter(), time.process_time()
        for intent in intents:
            await app.dispatch(intent)
        elapsed = time.perf_counter() - started
        self.rates.append(len(intents) / elapsed)
        self.cpu.append((time.process_time() - cpu) / elapsed)

    @property
    def median(self) -> float:
        return median(self.rates)

    @property
    def note(self) -> str:
        share = median(self.cpu)
        return "" if share >= 0.95 else f"this process had {share:.0%} of a core: other processes were busy"


async def build_timeline(app: NomosApp, aggregates: int, changes: int, seed: int = SEED) -> list[str]:
    """`aggregates` todos, then each changed `changes - 1` times in a shuffled order (70% renames)."""
    rng = random.Random(seed)
    ids = await create_todos(app, aggregates)
    order = [todo_id for todo_id in ids for _ in range(changes - 1)]
    rng.shuffle(order)
    for k, todo_id in enumerate(order):
        if rng.random() < 0.7:
            await app.dispatch(RenameTodoIntent(todo_id=todo_id, title=f"todo renamed {k}"))
        else:
            await app.dispatch(ToggleTodoIntent(todo_id=todo_id))
    return ids


def rss() -> int:
    gc.collect()
    return int(psutil.Process().memory_info().rss)


async def dispatch_figures(stores: Stores, scale: Scale, result: SuiteResult) -> None:
    creates, renames, multis = Rates(), Rates(), Rates()
    for _ in range(scale.runs):
        app = await stores.app()
        ids = await create_todos(app, scale.warmup, "warm-up")
        n, m = scale.dispatches, scale.multi_dispatches
        await creates.timed(app, [CreateTodoIntent(title=f"todo {i}") for i in range(n)])
        await renames.timed(app, [RenameTodoIntent(todo_id=ids[i % len(ids)], title=f"t{i}") for i in range(n)])
        await multis.timed(app, [CreateTodoIntent(title=f"p{i}", project_id=f"p{i // 3}") for i in range(m)])
        await stores.release(app)
    runs = f"median of {scale.runs} runs, each on a fresh app after {scale.warmup:,} warm-up intents"
    result.add(
        Figure(
            "dispatch: create (1 aggregate)",
            creates.median,
            "intents/s",
            f"{scale.dispatches:,} CreateTodo dispatched one after another (engine-derived ids); {runs}",
            target=20_000,
            note=creates.note,
        )
    )
    result.add(
        Figure(
            "dispatch: update (1 aggregate)",
            renames.median,
            "intents/s",
            f"{scale.dispatches:,} RenameTodo on existing todos (reads the snapshot, resolves a name); {runs}",
            target=20_000,
            note=renames.note,
        )
    )
    result.add(
        Figure(
            "dispatch: multi-aggregate",
            multis.median,
            "intents/s",
            f"{scale.multi_dispatches:,} CreateTodo with a project (2 aggregates, one atomic commit); {runs}",
            note=multis.note,
        )
    )


async def timeline_figures(stores: Stores, scale: Scale, result: SuiteResult) -> None:
    intents = scale.timeline_intents
    before = rss()
    app = await stores.app()
    # one intent by another actor first: undoing it later must look back through the whole timeline
    await app.dispatch(CreateTodoIntent(title="before everything"), replace(context(), actor_id=EARLY_ACTOR))
    started = time.perf_counter()
    ids = await build_timeline(app, scale.aggregates, scale.changes_per_aggregate)
    build_rate = intents / (time.perf_counter() - started)
    rss_per_intent = (rss() - before) / intents
    timeline = f"{scale.aggregates:,} todos x {scale.changes_per_aggregate} changes = {intents:,} intents"
    result.add(
        Figure(
            "timeline build",
            build_rate,
            "intents/s",
            f"dispatching the {timeline} (creates, then 70% renames / 30% toggles in shuffled order); one run",
        )
    )
    head = await app.head(WORKSPACE, MAIN_TIMELINE)
    events = sum(len(e.events) for e in await app.read_timeline(WORKSPACE, MAIN_TIMELINE))

    replays = []
    for _ in range(scale.replays):
        gc.collect()
        started = time.perf_counter()
        full = await app.state_at_sequence(WORKSPACE, MAIN_TIMELINE, inclusive_sequence=head, use_snapshots=False)
        replays.append(time.perf_counter() - started)
    result.add(
        Figure(
            "state_at_sequence, no snapshots",
            events / median(replays),
            "events/s",
            f"full replay of the {timeline} ({events:,} events) at the head; median of {scale.replays} runs, "
            "no warm-up",
            target=200_000,
        )
    )

    rng = random.Random(SEED)
    samples = [*rng.sample(range(1, head + 1), min(scale.snapshot_samples, head)), head]
    await app.state_at_sequence(WORKSPACE, MAIN_TIMELINE, inclusive_sequence=max(1, head // 2))  # warm-up
    timings = []
    for sequence in samples:
        started = time.perf_counter()
        await app.state_at_sequence(WORKSPACE, MAIN_TIMELINE, inclusive_sequence=sequence)
        timings.append((time.perf_counter() - started) * 1000)
    how = f"{len(samples)} sequences: {len(samples) - 1} drawn at random over the {timeline}, and the head"
    how += "; each timed once, after one warm-up call"
    result.add(Figure("state_at_sequence, snapshots (median)", median(timings), "ms", f"{how}; the median"))
    result.add(
        Figure(
            "state_at_sequence, snapshots (worst)",
            max(timings),
            "ms",
            f"{how}; the slowest",
            target=20,
            better="lower",
        )
    )
    for sequence in (samples[0], head):  # figures of a wrong answer would be worthless
        with_snapshots = await app.state_at_sequence(WORKSPACE, MAIN_TIMELINE, inclusive_sequence=sequence)
        replayed = await app.state_at_sequence(
            WORKSPACE, MAIN_TIMELINE, inclusive_sequence=sequence, use_snapshots=False
        )
        if with_snapshots != replayed:
            raise AssertionError(f"state_at_sequence({sequence}) differs with and without snapshots")
    del full

    undo_timings = []
    for i in range(scale.undo_samples + 3):
        await app.dispatch(RenameTodoIntent(todo_id=rng.choice(ids), title=f"undo me {i}"))
        started = time.perf_counter()
        undone = await app.undo_latest(WORKSPACE, MAIN_TIMELINE)
        elapsed = (time.perf_counter() - started) * 1000
        if undone is None:
            raise AssertionError("undo_latest found nothing to undo")
        if i >= 3:
            undo_timings.append(elapsed)
    how = f"dispatch a rename, then time undo_latest, on the {timeline}; {scale.undo_samples} samples after 3 warm-up"
    result.add(Figure("undo_latest (median)", median(undo_timings), "ms", how, target=10, better="lower"))
    result.add(Figure("undo_latest (worst)", max(undo_timings), "ms", how))
    started = time.perf_counter()
    undone = await app.undo_latest(WORKSPACE, MAIN_TIMELINE, actor_id=EARLY_ACTOR)
    elapsed = (time.perf_counter() - started) * 1000
    if undone is None:
        raise AssertionError("undo_latest found nothing to undo for the early actor")
    result.add(
        Figure(
            "undo_latest of one actor, far back",
            elapsed,
            "ms",
            f"undo_latest(actor_id=...) of an actor whose only intent precedes the whole {timeline}: "
            "the search walks back over every entry; one sample",
            target=10,
            better="lower",
        )
    )
    if stores.store == "memory":
        result.add(
            Figure(
                "memory per stored intent (RSS)",
                rss_per_intent,
                "bytes",
                f"process RSS growth (after gc) while building the {timeline}, divided by its intents",
                note="includes allocator slack and freed-but-kept arenas",
            )
        )
    await stores.release(app)


async def memory_figure(stores: Stores, scale: Scale, result: SuiteResult) -> None:
    app = await stores.app()
    intents = scale.memory_aggregates * scale.changes_per_aggregate
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        await build_timeline(app, scale.memory_aggregates, scale.changes_per_aggregate)
        gc.collect()
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    result.add(
        Figure(
            "memory per stored intent",
            (after - before) / intents,
            "bytes",
            f"Python heap (tracemalloc) retained after gc by a timeline of {scale.memory_aggregates:,} todos x "
            f"{scale.changes_per_aggregate} changes ({intents:,} intents), one run: ledger entry, intent, "
            "directives, events, snapshots, history and indexes",
            target=2048,
            better="lower",
        )
    )
    await stores.release(app)


async def run_engine(scale: Scale, mongo_uri: str | None = None, store: StoreKind = "memory") -> SuiteResult:
    stores = Stores(mongo_uri, store)
    if mongo_uri is not None:  # every write is a network round trip: keep the run bounded
        scale = replace(
            scale,
            aggregates=max(1, scale.aggregates // 5),
            dispatches=max(1, scale.dispatches // 5),
            multi_dispatches=max(1, scale.multi_dispatches // 5),
            runs=min(scale.runs, 3),
        )
    result = SuiteResult("engine", settings={"store": stores.kind, "timeline_intents": scale.timeline_intents})
    started = time.perf_counter()
    try:
        await dispatch_figures(stores, scale, result)
        await timeline_figures(stores, scale, result)
        if stores.store != "mongo":
            await memory_figure(stores, scale, result)
    finally:
        await stores.close()
    result.seconds = time.perf_counter() - started
    return result
