"""What one commit writes, in order: the ledger insert (the commit point), then what derives from it.

The same writes run inside a transaction on a replica set, and one after the other where
the server has no transactions; there the ledger insert alone decides the commit, and a
snapshot write never replaces a snapshot of a later sequence (readers catch up meanwhile:
see `snapshots_may_lag`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from typing import Any

from pymongo.errors import DuplicateKeyError, PyMongoError

from ...codec import entry_to_document, snapshot_to_document
from ...errors import DuplicateIntent, PersistenceError, SequenceConflict
from ...persistence import Commit, SnapshotRecord
from .indexes import HEADS, LEDGER, SNAPSHOT_HISTORY, snapshot_collection
from .queries import queryable
from .transactions import conflict_of, duplicated_index
from .translate import describe, translate, translated


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
        raise (conflict or translate(exc)) from exc
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
        if session is not None:
            await database[snapshot_collection(record.aggregate_type)].replace_one(
                snapshot_key(record), snapshot_document(record), upsert=True, session=session
            )
        else:
            await write_forward(database, record)
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


async def write_forward(database: Any, record: SnapshotRecord) -> None:
    """Replace the stored snapshot only with a later one: without a transaction, another
    process may have written a snapshot of a later commit before this one got here."""
    collection = database[snapshot_collection(record.aggregate_type)]
    # a duplicate key: the key exists with this or a later sequence, and that snapshot stays
    with contextlib.suppress(DuplicateKeyError):
        await collection.replace_one(
            {**snapshot_key(record), "seq": {"$lt": record.sequence}}, snapshot_document(record), upsert=True
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
