"""Read access to aggregate state that `Directive.plan` receives."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol, TypeVar

from .model import Aggregate
from .query import BasicQuery

A = TypeVar("A", bound=Aggregate)


class SnapshotReader(Protocol):
    async def get(
        self,
        aggregate_type: type[A],
        aggregate_id: str,
        *,
        include_deleted: bool = False,
        workspace_id: str | None = None,
    ) -> A | None:
        """The latest state on the intent's timeline (or on `workspace_id`'s main timeline)."""
        ...

    async def query(
        self, aggregate_type: type[A], query: BasicQuery, *, workspace_id: str | None = None
    ) -> list[A]: ...


Staged = Mapping[tuple[str, str], Aggregate]


async def latest_state(
    aggregate_type: type[A], aggregate_id: str, snapshots: SnapshotReader, staged: Staged
) -> A | None:
    """An aggregate as this intent has left it so far (staged by an earlier directive), else as stored.

    Deleted aggregates are included: a directive decides what a deleted one means for it.
    """
    found = staged.get((aggregate_type.type_name, aggregate_id))
    if found is not None:
        return found  # type: ignore[return-value]
    return await snapshots.get(aggregate_type, aggregate_id, include_deleted=True)
