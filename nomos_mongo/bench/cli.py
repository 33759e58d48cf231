"""`nomos bench`, as a typer sub-app: `cli.add_typer(bench_app, name="bench")`."""

from __future__ import annotations

import asyncio
import importlib.util
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated

import typer

from . import SUITES, run_bench
from .server import loop_factory

MongoUri = Annotated[
    str | None,
    typer.Option(
        "--mongo-uri", help="Measure the engine on this MongoDB (throwaway databases nomos_bench_*, dropped after)."
    ),
]
Json = Annotated[bool, typer.Option("--json", help="Print the figures as JSON instead of a table.")]
Quick = Annotated[bool, typer.Option("--quick", help="Tiny workloads to check that it runs; no meaningful figures.")]
Markdown = Annotated[Path | None, typer.Option("--markdown", help="Also write the table to this Markdown file.")]

bench_app = typer.Typer(
    help="Measure the engine, the eventsourcing peer, the GraphQL API and subscriptions (all by default).",
    add_completion=False,
)


#: what the `bench` extra installs; `nomos serve` needs none of them
BENCH_PACKAGES = ("eventsourcing", "psutil", "httpx", "websockets")


def _require_bench_extra() -> None:
    missing = [name for name in BENCH_PACKAGES if importlib.util.find_spec(name) is None]
    if missing:
        typer.echo(f"nomos bench needs {', '.join(missing)}: pip install 'nomos-mongo[bench]'", err=True)
        raise typer.Exit(1)


def _run(suites: Sequence[str], mongo_uri: str | None, json: bool, quick: bool, markdown: Path | None) -> None:
    _require_bench_extra()
    with asyncio.Runner(loop_factory=loop_factory()) as runner:
        runner.run(
            run_bench(suites, mongo_uri=mongo_uri, quick=quick, json=json, markdown=str(markdown) if markdown else None)
        )


@bench_app.callback(invoke_without_command=True)
def bench(
    ctx: typer.Context, mongo_uri: MongoUri = None, json: Json = False, quick: Quick = False, markdown: Markdown = None
) -> None:
    """Measure speed on this machine and print the table (every suite unless one is named)."""
    if ctx.invoked_subcommand is None:
        _run(SUITES, mongo_uri, json, quick, markdown)


@bench_app.command("all")
def all_suites(mongo_uri: MongoUri = None, json: Json = False, quick: Quick = False, markdown: Markdown = None) -> None:
    """Every suite: engine, peer, graphql, subscriptions (under ten minutes on two cores)."""
    _run(SUITES, mongo_uri, json, quick, markdown)


@bench_app.command()
def engine(mongo_uri: MongoUri = None, json: Json = False, quick: Quick = False, markdown: Markdown = None) -> None:
    """Dispatch throughput, state_at_sequence with and without snapshots, undo_latest, memory per intent."""
    _run(["engine"], mongo_uri, json, quick, markdown)


@bench_app.command()
def peer(json: Json = False, quick: Quick = False, markdown: Markdown = None) -> None:
    """The same Todo workload on Nomos and on the eventsourcing library, as a ratio."""
    _run(["peer"], None, json, quick, markdown)


@bench_app.command()
def graphql(json: Json = False, quick: Quick = False, markdown: Markdown = None) -> None:
    """Mutations over real HTTP (uvicorn, one worker, loopback) with 1, 16 and 64 concurrent clients."""
    _run(["graphql"], None, json, quick, markdown)


@bench_app.command()
def subscriptions(json: Json = False, quick: Quick = False, markdown: Markdown = None) -> None:
    """watchTimeline delivery latency (1, 100, 1,000 subscribers) and live-query fan-out over websockets."""
    _run(["subscriptions"], None, json, quick, markdown)


def main() -> None:
    bench_app()
