"""A store's documents as JSON lines, written and read through the persistence port.

Each line is `{"collection": ..., "document": ...}` with the documents of `codec.py`, as
every encoding store keeps them: `timelines`, `ledger`, `snapshots` and `history`. Export
reads any store through the port; import decodes every document with the running code
(upcasting older versions) and commits it through the port, so it works on any store,
the in-memory one included. Snapshots of an older aggregate version are not imported:
the timeline's snapshots are rebuilt from its ledger instead.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .codec import (
    entry_from_document,
    entry_to_document,
    snapshot_from_document,
    snapshot_to_document,
    timeline_from_document,
    timeline_to_document,
)
from .context import MAIN_TIMELINE
from .errors import SerializationError, StaleSnapshot
from .persistence import Commit, Persistence, SnapshotRecord
from .registry import TypeRegistry

if TYPE_CHECKING:
    from .app import NomosApp

COLLECTIONS = ("timelines", "ledger", "snapshots", "history")
Line = dict[str, Any]


def write_lines(path: Path, lines: Iterable[Line]) -> int:
    count = 0
    with path.open("w", encoding="utf-8") as out:
        for line in lines:
            out.write(json.dumps(line, sort_keys=True, ensure_ascii=False) + "\n")
            count += 1
    return count


def read_lines(path: Path) -> Iterator[Line]:
    with path.open(encoding="utf-8") as source:
        for number, text in enumerate(source, start=1):
            if not text.strip():
                continue
            line = json.loads(text)
            if not isinstance(line, dict) or line.get("collection") not in COLLECTIONS:
                raise SerializationError(f"{path}:{number}: expected {{'collection': one of {COLLECTIONS}, ...}}")
            yield line


async def timelines_of(persistence: Persistence, workspace_id: str) -> list[str]:
    """Main first, then branches in the order they were created: parents before children."""
    records = sorted(await persistence.list_timelines(workspace_id), key=lambda r: (r.created_at, r.timeline_id))
    names = [r.timeline_id for r in records if r.timeline_id != MAIN_TIMELINE]
    return [MAIN_TIMELINE, *names]


async def export_lines(persistence: Persistence, registry: TypeRegistry) -> list[Line]:
    """Every document of a store; history snapshots found by probing each sequence (small stores)."""
    lines: list[Line] = []
    for workspace_id in await persistence.list_workspaces():
        for record in await persistence.list_timelines(workspace_id):
            lines.append({"collection": "timelines", "document": timeline_to_document(record)})
        for timeline_id in await timelines_of(persistence, workspace_id):
            entries = await persistence.load_entries(workspace_id, timeline_id)
            lines += [{"collection": "ledger", "document": entry_to_document(e)} for e in entries]
            refs = {(ref.type, ref.id) for e in entries for ref in e.touched}
            for type_name, aggregate_id in sorted(refs):
                aggregate_type = registry.aggregate_type(type_name)
                latest = await persistence.load_snapshot(workspace_id, timeline_id, aggregate_type, aggregate_id)
                if latest is not None:
                    lines.append({"collection": "snapshots", "document": snapshot_to_document(latest)})
                seen: set[int] = set()
                for entry in entries:
                    found = await persistence.load_history_snapshot(
                        workspace_id, timeline_id, aggregate_type, aggregate_id, entry.sequence
                    )
                    if found is not None and found.sequence not in seen:
                        seen.add(found.sequence)
                        lines.append({"collection": "history", "document": snapshot_to_document(found)})
    return lines


@dataclass
class ImportReport:
    entries: int = 0
    snapshots: int = 0
    rebuilt: list[tuple[str, str]] = field(default_factory=list)  # timelines whose snapshots were stale


async def import_lines(app: NomosApp, lines: Iterable[Line]) -> ImportReport:
    """Decode (and upcast) every document with `app`'s code and store it in `app`'s store."""
    persistence, registry = app.persistence, app.registry
    ledger: dict[tuple[str, str], list[dict[str, Any]]] = {}
    derived: dict[tuple[str, str], list[tuple[str, dict[str, Any]]]] = {}
    report = ImportReport()
    for line in lines:
        collection, document = line["collection"], line["document"]
        if collection == "timelines":
            await persistence.save_timeline(timeline_from_document(document))
        elif collection == "ledger":
            ledger.setdefault((document["workspace_id"], document["timeline_id"]), []).append(document)
        else:
            derived.setdefault((document["workspace_id"], document["timeline_id"]), []).append((collection, document))
    for documents in ledger.values():
        for document in sorted(documents, key=lambda d: int(d["seq"])):
            entry = entry_from_document(registry, document)
            await persistence.commit(Commit(entry, strike_outs={entry.intent_id: True} if entry.struck_out else {}))
            report.entries += 1
    stale: set[tuple[str, str]] = set()
    for (workspace_id, timeline_id), stored in derived.items():
        snapshots: list[SnapshotRecord] = []
        history: list[SnapshotRecord] = []
        try:
            for collection, document in stored:
                (snapshots if collection == "snapshots" else history).append(snapshot_from_document(registry, document))
        except StaleSnapshot:
            stale.add((workspace_id, timeline_id))
            continue
        await persistence.replace_snapshots(workspace_id, timeline_id, snapshots, history)
        report.snapshots += len(snapshots)
    for workspace_id in sorted({ws for ws, _ in stale}):
        for timeline_id in await timelines_of(persistence, workspace_id):
            if (workspace_id, timeline_id) in stale:
                await app.rebuild_snapshots(workspace_id, timeline_id)
                report.rebuilt.append((workspace_id, timeline_id))
    return report


__all__ = ["COLLECTIONS", "ImportReport", "export_lines", "import_lines", "read_lines", "write_lines"]
