"""Collection names and their indexes. Creating them is idempotent and runs at start-up.

A snapshot collection gets one index per field queries may filter or sort on:
the aggregate class's `query_indexes` (field paths) when it declares them, else each
top-level scalar field. Every such index leads with (workspace, timeline) and ends with the
aggregate id, the tie-break of every listing order. Field indexes are named `by_<path>`;
one the class no longer declares is dropped when its indexes are ensured, since every
commit that changes a snapshot writes every index of its collection.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from types import NoneType, UnionType
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, RootModel
from pymongo import ASCENDING, DESCENDING, IndexModel
from pymongo.errors import OperationFailure

from ...model import Aggregate

LEDGER = "ledger"
SNAPSHOT_HISTORY = "snapshot_history"
TIMELINES = "timelines"
HEADS = "heads"
BLOB_BUCKET = "blobs"
SNAPSHOT_PREFIX = "snapshots_"
LEDGER_SEQUENCE_INDEX = "ledger_sequence_unique"
MAX_FIELD_INDEXES = 24
FIELD_INDEX_PREFIX = "by_"
INDEX_NOT_FOUND = 27  # the server's code when an index to drop is already gone

_TIMELINE = [("workspace_id", ASCENDING), ("timeline_id", ASCENDING)]

LEDGER_INDEXES = [
    IndexModel([*_TIMELINE, ("seq", ASCENDING)], unique=True, name=LEDGER_SEQUENCE_INDEX),
    IndexModel([*_TIMELINE, ("touched", ASCENDING), ("seq", ASCENDING)], name="ledger_touched"),
    IndexModel([*_TIMELINE, ("kind", ASCENDING), ("seq", DESCENDING)], name="ledger_kind"),
]
HISTORY_INDEXES = [
    IndexModel(
        [*_TIMELINE, ("aggregate_type", ASCENDING), ("aggregate_id", ASCENDING), ("seq", DESCENDING)],
        name="history_aggregate_seq",
    )
]
TIMELINE_INDEXES = [IndexModel(_TIMELINE, unique=True, name="timeline_key")]
HEAD_INDEXES = [IndexModel(_TIMELINE, unique=True, name="head_key")]


def snapshot_collection(type_name: str) -> str:
    return SNAPSHOT_PREFIX + type_name


def snapshot_indexes(aggregate_type: type[Aggregate]) -> list[IndexModel]:
    models = [IndexModel([*_TIMELINE, ("aggregate_id", ASCENDING)], unique=True, name="snapshot_key")]
    for path in indexed_fields(aggregate_type):
        models.append(
            IndexModel(
                [*_TIMELINE, (f"q.{path}", ASCENDING), ("aggregate_id", ASCENDING)],
                name=f"{FIELD_INDEX_PREFIX}{path}",
            )
        )
    return models


def indexed_fields(aggregate_type: type[Aggregate]) -> list[str]:
    declared: Iterable[str] | None = getattr(aggregate_type, "query_indexes", None)
    if declared is not None:
        return list(declared)
    fields = [
        name
        for name, info in aggregate_type.model_fields.items()
        if name not in ("id", "deleted") and _is_scalar(info.annotation)
    ]
    return fields[:MAX_FIELD_INDEXES]


def _is_scalar(annotation: Any) -> bool:
    if get_origin(annotation) is Annotated:
        return _is_scalar(get_args(annotation)[0])
    if get_origin(annotation) in (Union, UnionType):
        members = [a for a in get_args(annotation) if a is not NoneType]
        return len(members) == 1 and _is_scalar(members[0])
    if not isinstance(annotation, type):
        return False
    if issubclass(annotation, RootModel):
        return _is_scalar(annotation.model_fields["root"].annotation)
    if issubclass(annotation, BaseModel):
        return False
    return issubclass(annotation, str | int | float | bool | datetime | date | Decimal | Enum)


async def ensure_indexes(database: Any, aggregate_types: Iterable[type[Aggregate]] = ()) -> None:
    for name, models in (
        (LEDGER, LEDGER_INDEXES),
        (SNAPSHOT_HISTORY, HISTORY_INDEXES),
        (TIMELINES, TIMELINE_INDEXES),
        (HEADS, HEAD_INDEXES),
    ):
        await database[name].create_indexes(models)
    for aggregate_type in aggregate_types:
        await ensure_snapshot_indexes(database, aggregate_type)


async def ensure_snapshot_indexes(database: Any, aggregate_type: type[Aggregate]) -> None:
    """Create the type's indexes and drop the field indexes it no longer declares."""
    collection = database[snapshot_collection(aggregate_type.type_name)]
    models = snapshot_indexes(aggregate_type)
    wanted = {model.document["name"] for model in models}
    present = await collection.index_information()
    for name in sorted(present):
        if name.startswith(FIELD_INDEX_PREFIX) and name not in wanted:
            try:
                await collection.drop_index(name)
            except OperationFailure as exc:
                if exc.code != INDEX_NOT_FOUND:  # another process dropped it first: as wanted
                    raise
    await collection.create_indexes(models)
