"""Pre-deploy checks behind `nomos check-ledger` and `nomos export-schema --check`."""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path

from graphql import GraphQLError, build_schema, find_breaking_changes, find_dangerous_changes
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from nomos_mongo import NomosApp, NomosModule
from nomos_mongo.ledger_check import LedgerCheck, check_lines, check_store, count_entries
from nomos_mongo.ledger_files import read_lines

PROGRESS_FROM = 1_000  # entries: shorter scans finish before a bar would help


# check-ledger --------------------------------------------------------------------------------
def domain_modules(spec: str) -> list[NomosModule]:
    """`package.module:NAME`, NAME being one NomosModule or a list of them."""
    module_name, _, attribute = spec.partition(":")
    if not attribute:
        raise ValueError(f"--domain {spec!r}: expected package.module:NAME")
    found = getattr(importlib.import_module(module_name), attribute)
    modules = [found] if isinstance(found, NomosModule) else list(found)
    if not all(isinstance(m, NomosModule) for m in modules):
        raise ValueError(f"--domain {spec!r} is not a NomosModule or a list of them")
    return modules


async def scan_store(app: NomosApp, console: Console, *, progress_from: int = PROGRESS_FROM) -> LedgerCheck:
    total = await count_entries(app)
    if total < progress_from:
        return await check_store(app)
    with _progress(console) as progress:
        task = progress.add_task("reading the ledger", total=total)
        return await check_store(app, lambda count: progress.advance(task, count))


def scan_file(app: NomosApp, path: Path, console: Console) -> LedgerCheck:
    lines = list(read_lines(path))
    if len(lines) < PROGRESS_FROM:
        return check_lines(app.registry, lines)
    with _progress(console) as progress:
        task = progress.add_task(f"reading {path.name}", total=len(lines))

        def counted():  # type: ignore[no-untyped-def]
            for line in lines:
                yield line
                progress.advance(task)

        return check_lines(app.registry, counted())


def _progress(console: Console) -> Progress:
    return Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), console=console
    )


def print_check(check: LedgerCheck, console: Console) -> None:
    table = Table(title="Stored documents by type and schema version", title_justify="left")
    for column in ("kind", "type", "version", "load", "fail", "first failing"):
        table.add_column(column, justify="right" if column in ("version", "load", "fail") else "left")
    for (kind, type_name, version), tally in sorted(check.tallies.items()):
        style = "red" if tally.failed else None
        cells = (kind, type_name, str(version), str(tally.loaded), str(tally.failed), tally.first_failure or "")
        table.add_row(*cells, style=style)
    console.print(table)
    console.print(f"{check.entries} ledger entries read, {check.decoded} documents decoded", highlight=False)
    for (kind, type_name, version), tally in sorted(check.tallies.items()):
        if tally.failed:
            console.print(f"[red]{type_name} v{version}[/] ({kind}): {tally.error}", highlight=False, soft_wrap=True)
    for where, error in check.unreadable:
        console.print(f"[red]unreadable[/] {where}: {error}", highlight=False, soft_wrap=True)
    for workspace_id, timeline_id in check.stale:
        console.print(
            f"[yellow]stale snapshots[/] on {workspace_id}/{timeline_id}: an aggregate's schema version rose; "
            "run `nomos rebuild-snapshots` (they are rebuilt from the ledger, never upcast)",
            highlight=False,
            soft_wrap=True,
        )
    if check.ok:
        console.print("[green]every document loads with this code[/]")


STALE_ONLY = 2  # exit code: every entry loads, some snapshots must be rebuilt


def check_exit_code(check: LedgerCheck) -> int:
    return 0 if check.ok else 1 if check.unreadable else STALE_ONLY


# export-schema --check -----------------------------------------------------------------------
SAFE_CHANGES = 2  # exit code of a stale SDL whose changes no existing client notices


@dataclass
class SdlChanges:
    breaking: list[str] = field(default_factory=list)
    dangerous: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return 1 if self.breaking else SAFE_CHANGES


def sdl_changes(committed: str, current: str) -> SdlChanges:
    """What regenerating the committed SDL changes for clients built against it."""
    try:
        old = build_schema(committed)
    except GraphQLError as exc:
        return SdlChanges(breaking=[f"the committed SDL does not parse: {exc.message}"])
    new = build_schema(current)
    return SdlChanges(
        breaking=[f"{c.type.name}: {c.description}" for c in find_breaking_changes(old, new)],
        dangerous=[f"{c.type.name}: {c.description}" for c in find_dangerous_changes(old, new)],
    )


def print_sdl_changes(changes: SdlChanges, output: Path, console: Console) -> None:
    for line in changes.breaking:
        console.print(f"[red]breaking[/] {line}", highlight=False, soft_wrap=True)
    for line in changes.dangerous:
        console.print(f"[yellow]dangerous[/] {line}", highlight=False, soft_wrap=True)
    kind = "with changes that break existing clients" if changes.breaking else "with safe changes only"
    console.print(f"{output} is stale {kind}: run `nomos export-schema --output {output}`", highlight=False)
