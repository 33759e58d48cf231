"""`nomos bench`, as a typer sub-app: `cli.add_typer(bench_app, name="bench")`.

Options may come before or after the suite's name (`nomos bench --quick engine` is
`nomos bench engine --quick`): the group's options are kept in the context and each
suite's own options are added to them.
"""

from __future__ import annotations

import asyncio
import importlib.util
from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from . import SUITES, run_bench
from .figures import Scale
from .server import loop_factory


class StoreName(StrEnum):
    sqlite = "sqlite"
    memory = "memory"
    mongo = "mongo"


MongoUri = Annotated[
    str | None,
    typer.Option(
        "--mongo-uri", help="Measure the engine on this MongoDB (throwaway databases nomos_bench_*, dropped after)."
    ),
]
Store = Annotated[
    StoreName | None,
    typer.Option("--store", help="The store the engine suite runs on (default memory; mongo needs --mongo-uri)."),
]
Json = Annotated[bool, typer.Option("--json", help="Print the figures as JSON instead of a table.", metavar="")]
Quick = Annotated[
    bool, typer.Option("--quick", help="Tiny workloads to check that it runs; no meaningful figures.", metavar="")
]
Markdown = Annotated[Path | None, typer.Option("--markdown", help="Also write the table to this Markdown file.")]
Intents = Annotated[
    int | None, typer.Option("--intents", help="embedded: how many intents to store first (default 100,000).")
]
Assets = Annotated[
    int | None, typer.Option("--assets", help="estate: how many assets to build first (default 100,000).")
]


@dataclass(frozen=True)
class Options:
    mongo_uri: str | None = None
    store: StoreName | None = None
    json: bool = False
    quick: bool = False
    markdown: Path | None = None
    intents: int | None = None
    assets: int | None = None

    def merged(self, other: Options) -> Options:
        """These options with what `other` (the suite's own) sets on top."""
        return Options(
            mongo_uri=other.mongo_uri or self.mongo_uri,
            store=other.store or self.store,
            json=other.json or self.json,
            quick=other.quick or self.quick,
            markdown=other.markdown or self.markdown,
            intents=other.intents or self.intents,
            assets=other.assets or self.assets,
        )


bench_app = typer.Typer(
    help="Measure the engine, the eventsourcing peer, the GraphQL API and subscriptions (all by default).",
    add_completion=False,
    rich_markup_mode=None,  # plain help: no "<bool>" placeholder beside flags
)


#: what the `bench` extra installs; `nomos serve` needs none of them
BENCH_PACKAGES = ("eventsourcing", "psutil", "httpx", "websockets")


def _require_bench_extra() -> None:
    missing = [name for name in BENCH_PACKAGES if importlib.util.find_spec(name) is None]
    if missing:
        typer.echo(f"nomos bench needs {', '.join(missing)}: pip install 'nomos-mongo[bench]'", err=True)
        raise typer.Exit(1)


def _run(ctx: typer.Context, suites: Sequence[str], own: Options) -> None:
    _require_bench_extra()
    parent: Options = ctx.obj if isinstance(ctx.obj, Options) else Options()
    options = parent.merged(own)
    store = options.store or (StoreName.mongo if options.mongo_uri else StoreName.memory)
    if store is StoreName.mongo and not options.mongo_uri:
        raise typer.BadParameter("--store mongo needs --mongo-uri", param_hint="--store")
    scale = Scale.quick() if options.quick else Scale()
    if options.intents:
        scale = replace(scale, stored_intents=options.intents)
    if options.assets:
        scale = replace(scale, estate_assets=options.assets)
    with asyncio.Runner(loop_factory=loop_factory()) as runner:
        runner.run(
            run_bench(
                suites,
                mongo_uri=options.mongo_uri,
                quick=options.quick,
                json=options.json,
                markdown=str(options.markdown) if options.markdown else None,
                store=store.value if store is not StoreName.mongo else "memory",
                scale=scale,
            )
        )


@bench_app.callback(invoke_without_command=True)
def bench(
    ctx: typer.Context,
    mongo_uri: MongoUri = None,
    store: Store = None,
    json: Json = False,
    quick: Quick = False,
    markdown: Markdown = None,
    intents: Intents = None,
    assets: Assets = None,
) -> None:
    """Measure speed on this machine and print the table (every default suite unless one is named)."""
    ctx.obj = Options(mongo_uri, store, json, quick, markdown, intents, assets)
    if ctx.invoked_subcommand is None:
        _run(ctx, SUITES, Options())


@bench_app.command("all")
def all_suites(
    ctx: typer.Context,
    mongo_uri: MongoUri = None,
    store: Store = None,
    json: Json = False,
    quick: Quick = False,
    markdown: Markdown = None,
) -> None:
    """Every default suite: engine, peer, graphql, subscriptions (under ten minutes on two cores)."""
    _run(ctx, SUITES, Options(mongo_uri, store, json, quick, markdown))


@bench_app.command()
def engine(
    ctx: typer.Context,
    mongo_uri: MongoUri = None,
    store: Store = None,
    json: Json = False,
    quick: Quick = False,
    markdown: Markdown = None,
) -> None:
    """Dispatch throughput, state_at_sequence with and without snapshots, undo_latest, memory per intent."""
    _run(ctx, ["engine"], Options(mongo_uri, store, json, quick, markdown))


@bench_app.command()
def peer(ctx: typer.Context, json: Json = False, quick: Quick = False, markdown: Markdown = None) -> None:
    """The same Todo workload on Nomos and on the eventsourcing library, as a ratio."""
    _run(ctx, ["peer"], Options(json=json, quick=quick, markdown=markdown))


@bench_app.command()
def graphql(ctx: typer.Context, json: Json = False, quick: Quick = False, markdown: Markdown = None) -> None:
    """Mutations over real HTTP (uvicorn, one worker, loopback) with 1, 16 and 64 concurrent clients."""
    _run(ctx, ["graphql"], Options(json=json, quick=quick, markdown=markdown))


@bench_app.command()
def subscriptions(ctx: typer.Context, json: Json = False, quick: Quick = False, markdown: Markdown = None) -> None:
    """watchTimeline delivery latency (1, 100, 1,000 subscribers) and live-query fan-out over websockets."""
    _run(ctx, ["subscriptions"], Options(json=json, quick=quick, markdown=markdown))


@bench_app.command()
def embedded(
    ctx: typer.Context, json: Json = False, quick: Quick = False, markdown: Markdown = None, intents: Intents = None
) -> None:
    """SQLite against memory in one run: dispatch rate, then event-loop stalls, RSS and disk with --intents stored."""
    _run(ctx, ["embedded"], Options(json=json, quick=quick, markdown=markdown, intents=intents))


@bench_app.command()
def estate(
    ctx: typer.Context, json: Json = False, quick: Quick = False, markdown: Markdown = None, assets: Assets = None
) -> None:
    """createTrackableAsset over HTTP at 16 connections on `nomos serve` (SQLite) with --assets in the estate."""
    _run(ctx, ["estate"], Options(json=json, quick=quick, markdown=markdown, assets=assets))


def main() -> None:
    bench_app()
