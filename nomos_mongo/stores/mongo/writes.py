"""What one commit writes, in order: the ledger insert (the commit point), then what derives from it.

The same writes run inside a transaction on a replica set, and one after the other where
the server has no transactions; there the ledger insert alone decides the commit.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pymongo.errors import DuplicateKeyError, PyMongoError

from ...codec import entry_to_document, snapshot_to_document
from ...errors import DuplicateIntent, PersistenceError, SequenceConflict
from ...persistence import Commit, SnapshotRecord
from .indexes import HEADS, LEDGER, SNAPSHOT_HISTORY, snapshot_collection
from .queries import queryable
from .transactions import conflict_of, duplicated_index
from .translate import describe, translated


async def write_commit(database: Any, commit: Commit, session: Any) -> None:
    await database[LEDGER].insert_one(entry_to_document(commit.entry), session=session)
    await write_derived(database, commit, session)


async def write_in_order(database: Any, commit: Commit) -> None:
    entry = commit.entry
    try:
        await database[LEDGER].insert_one(entry_to_document(entry))
    except PyMongoError as exc:
        conflict = conflict_of(exc, entry)
        if isinstance(exc, DuplicateKeyError) and duplicated_index(exc) is None:
            # mongomock does not say which index refused the key
            with translated():
                stored = await database[LEDGER].find_one({"_id": entry.intent_id}, {"_id": 1})
            conflict = (
                DuplicateIntent(entry.intent_id)
                if stored
                else SequenceConflict(entry.workspace_id, entry.timeline_id, entry.sequence)
            )
        raise (conflict or PersistenceError(describe(exc))) from exc
    try:
        await write_derived(database, commit, None)
    except PyMongoError as exc:
        raise PersistenceError(
            f"intent {entry.intent_id} is in the ledger but its snapshots were not all written "
            f"({describe(exc)}); run `nomos rebuild-snapshots` to repair them"
        ) from exc


async def write_derived(database: Any, commit: Commit, session: Any) -> None:
    options = {"session": session} if session is not None else {}
    entry = commit.entry
    for record in commit.snapshots:
        await database[snapshot_collection(record.aggregate_type)].replace_one(
            snapshot_key(record), snapshot_document(record), upsert=True, **options
        )
    if commit.history:
        await database[SNAPSHOT_HISTORY].insert_many([snapshot_to_document(r) for r in commit.history], **options)
    for struck in (True, False):
        ids = [i for i, s in commit.strike_outs.items() if s is struck]
        if ids:
            await database[LEDGER].update_many({"_id": {"$in": ids}}, {"$set": {"struck_out": struck}}, **options)
    await database[HEADS].update_one(
        {"workspace_id": entry.workspace_id, "timeline_id": entry.timeline_id},
        {"$max": {"seq": entry.sequence}},
        upsert=True,
        **options,
    )


def by_type(records: Iterable[SnapshotRecord]) -> dict[str, list[SnapshotRecord]]:
    grouped: dict[str, list[SnapshotRecord]] = {}
    for record in records:
        grouped.setdefault(record.aggregate_type, []).append(record)
    return grouped


def snapshot_key(record: SnapshotRecord) -> dict[str, str]:
    return {
        "workspace_id": record.workspace_id,
        "timeline_id": record.timeline_id,
        "aggregate_id": record.aggregate_id,
    }


def snapshot_document(record: SnapshotRecord) -> dict[str, Any]:
    return {**snapshot_to_document(record), "q": queryable(record.state)}
