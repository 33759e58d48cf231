"""Can the running code read this store? `nomos check-ledger` and the repair of stale snapshots.

The scan goes through the persistence port, so it runs on every store: each timeline's
entries page by page, then its current snapshots of every registered aggregate type and
the history snapshots `state_at_sequence` reads at the head. The registry's decode
observer tallies every document by the type name and schema version it was stored with.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .codec import entry_from_document, snapshot_from_document
from .errors import SchemaVersionError, SerializationError, StaleSnapshot
from .ledger_files import Line, timelines_of
from .query import BasicQuery
from .registry import TypeRegistry

if TYPE_CHECKING:
    from .app import NomosApp

PAGE = 500
UNREADABLE = (SerializationError, SchemaVersionError)
Progress = Callable[[int], None]  # called with how many more entries were read


@dataclass
class Tally:
    loaded: int = 0
    failed: int = 0
    first_failure: str | None = None  # where: a ledger entry's id, or timeline and aggregate
    error: str | None = None


@dataclass
class LedgerCheck:
    #: (kind, type name as stored, schema version as stored) -> how those documents decode
    tallies: dict[tuple[str, str, int], Tally] = field(default_factory=dict)
    entries: int = 0
    unreadable: list[tuple[str, str]] = field(default_factory=list)  # (where, error)
    stale: list[tuple[str, str]] = field(default_factory=list)  # timelines to rebuild snapshots of

    @property
    def ok(self) -> bool:
        return not self.unreadable and not self.stale

    @property
    def decoded(self) -> int:
        return sum(t.loaded + t.failed for t in self.tallies.values())


class _Recorder:
    """Decode notes of one port call, kept only once it is known which document they belong to."""

    def __init__(self, check: LedgerCheck) -> None:
        self.check = check
        self.pending: list[tuple[str, str, int, BaseException | None]] = []

    def __call__(self, kind: str, type_name: object, version: object, error: BaseException | None) -> None:
        self.pending.append((kind, str(type_name), version if isinstance(version, int) else 0, error))

    def keep(self, where: str | None = None, *, failures_only: bool = False) -> None:
        for kind, type_name, version, error in self.pending:
            if failures_only and error is None:
                continue
            tally = self.check.tallies.setdefault((kind, type_name, version), Tally())
            if error is None:
                tally.loaded += 1
            else:
                tally.failed += 1
                if tally.first_failure is None:
                    tally.first_failure = getattr(error, "document_id", None) or where
                    tally.error = str(error)
        self.pending.clear()

    def drop(self) -> None:
        self.pending.clear()


async def check_store(app: NomosApp, progress: Progress | None = None) -> LedgerCheck:
    """Read every timeline of `app`'s store with `app`'s code; nothing is written."""
    check = LedgerCheck()
    recorder = _Recorder(check)
    registry = app.registry
    previous, registry.observer = registry.observer, recorder
    try:
        for workspace_id, timeline_id, fork in await _timelines(app):
            await _check_entries(app, recorder, workspace_id, timeline_id, fork, progress)
            await _check_snapshots(app, recorder, workspace_id, timeline_id)
    finally:
        registry.observer = previous
    return check


async def count_entries(app: NomosApp) -> int:
    """How many entries a scan will read (for a progress bar)."""
    total = 0
    for workspace_id, timeline_id, fork in await _timelines(app):
        total += max(0, await app.persistence.head(workspace_id, timeline_id) - fork)
    return total


async def _timelines(app: NomosApp) -> list[tuple[str, str, int]]:
    found = []
    persistence = app.persistence
    for workspace_id in await persistence.list_workspaces():
        for timeline_id in await timelines_of(persistence, workspace_id):
            record = await persistence.load_timeline(workspace_id, timeline_id)
            found.append((workspace_id, timeline_id, record.fork_sequence if record is not None else 0))
    return found


async def _check_entries(
    app: NomosApp, recorder: _Recorder, ws: str, tl: str, fork: int, progress: Progress | None
) -> None:
    persistence, check = app.persistence, recorder.check
    head = await persistence.head(ws, tl)
    after = fork
    while after < head:
        try:
            page = await persistence.load_entries(ws, tl, after=after, limit=PAGE)
        except UNREADABLE:
            recorder.drop()
            page_end = min(after + PAGE, head)
            for sequence in range(after + 1, page_end + 1):  # one by one, to name the document
                await _check_one(app, recorder, ws, tl, sequence)
            if progress is not None:
                progress(page_end - after)
            after = page_end
            continue
        recorder.keep()
        if not page:
            break
        check.entries += len(page)
        if progress is not None:
            progress(len(page))
        after = page[-1].sequence


async def _check_one(app: NomosApp, recorder: _Recorder, ws: str, tl: str, sequence: int) -> None:
    where = f"{ws}/{tl}#{sequence}"
    try:
        found = await app.persistence.load_entries(ws, tl, after=sequence - 1, up_to=sequence)
    except UNREADABLE as exc:
        recorder.keep(where, failures_only=True)
        recorder.check.unreadable.append((exc.document_id or where, str(exc)))
        return
    recorder.keep()
    recorder.check.entries += len(found)


async def _check_snapshots(app: NomosApp, recorder: _Recorder, ws: str, tl: str) -> None:
    persistence, check = app.persistence, recorder.check
    reads: list[tuple[str, Any]] = [
        (f"{ws}/{tl} {aggregate_type.type_name} snapshots", (aggregate_type,))
        for aggregate_type in app.registry.aggregates.values()
    ]
    reads.append((f"{ws}/{tl} history snapshots", None))
    stale = False
    for where, arguments in reads:
        try:
            if arguments is None:
                await persistence.load_history_snapshots_at(ws, tl, await persistence.head(ws, tl))
            else:
                await persistence.query_snapshots(ws, tl, arguments[0], BasicQuery())
        except StaleSnapshot:
            recorder.keep(where)
            stale = True
            continue
        except UNREADABLE as exc:
            recorder.keep(where)
            check.unreadable.append((where, str(exc)))
            continue
        recorder.keep()
    if stale:
        check.stale.append((ws, tl))


def check_lines(registry: TypeRegistry, lines: Iterable[Line]) -> LedgerCheck:
    """The same check on an exported file (`ledger_files.py`), document by document."""
    check = LedgerCheck()
    recorder = _Recorder(check)
    previous, registry.observer = registry.observer, recorder
    stale: set[tuple[str, str]] = set()
    try:
        for number, line in enumerate(lines, start=1):
            collection, document = line["collection"], line["document"]
            if collection == "timelines":
                continue
            where = str(document.get("_id") or f"line {number}")
            try:
                if collection == "ledger":
                    entry_from_document(registry, document)
                    check.entries += 1
                else:
                    snapshot_from_document(registry, document)
            except StaleSnapshot:
                recorder.keep(f"line {number}")
                stale.add((document["workspace_id"], document["timeline_id"]))
                continue
            except UNREADABLE as exc:
                recorder.keep(f"line {number}", failures_only=True)
                check.unreadable.append((exc.document_id or where, str(exc)))
                continue
            recorder.keep()
    finally:
        registry.observer = previous
    check.stale = sorted(stale)
    return check


async def rebuild_stale_snapshots(app: NomosApp) -> list[tuple[str, str]]:
    """Rebuild from the ledger the snapshots of every timeline that holds stale ones (parents first)."""
    rebuilt = []
    for workspace_id, timeline_id, _ in await _timelines(app):
        if await _has_stale_snapshots(app, workspace_id, timeline_id):
            await app.rebuild_snapshots(workspace_id, timeline_id)
            rebuilt.append((workspace_id, timeline_id))
    return rebuilt


async def _has_stale_snapshots(app: NomosApp, ws: str, tl: str) -> bool:
    persistence = app.persistence
    try:
        for aggregate_type in app.registry.aggregates.values():
            await persistence.query_snapshots(ws, tl, aggregate_type, BasicQuery())
        await persistence.load_history_snapshots_at(ws, tl, await persistence.head(ws, tl))
    except StaleSnapshot:
        return True
    return False


__all__ = ["LedgerCheck", "Tally", "check_lines", "check_store", "count_entries", "rebuild_stale_snapshots"]
