"""Read access to aggregate state that `Directive.plan` receives."""

from __future__ import annotations

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
