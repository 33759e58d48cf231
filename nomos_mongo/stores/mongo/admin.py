"""Maintenance: `nomos init-db` and `nomos rebuild-snapshots` call these."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from ...context import MAIN_TIMELINE
from ...persistence import Persistence
from .persistence import MongoPersistence

Progress = Callable[[int, int], None]


class Rebuilds(Protocol):
    async def rebuild_snapshots(self, workspace_id: str, timeline_id: str) -> object: ...


async def init_db(persistence: MongoPersistence) -> None:
    """Create every collection index; idempotent. Bind the registry first for snapshot indexes."""
    await persistence.ensure_indexes()


async def timelines_to_rebuild(persistence: Persistence) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for workspace_id in await persistence.list_workspaces():
        branches = [t.timeline_id for t in await persistence.list_timelines(workspace_id)]
        names = [MAIN_TIMELINE, *(name for name in branches if name != MAIN_TIMELINE)]
        pairs += [(workspace_id, name) for name in names]
    return pairs


async def rebuild_snapshots(app: Rebuilds, persistence: Persistence, progress: Progress | None = None) -> int:
    """Recompute every timeline's snapshots from its ledger; returns how many timelines."""
    pairs = await timelines_to_rebuild(persistence)
    if progress is not None:
        progress(0, len(pairs))
    for done, (workspace_id, timeline_id) in enumerate(pairs, start=1):
        await app.rebuild_snapshots(workspace_id, timeline_id)
        if progress is not None:
            progress(done, len(pairs))
    return len(pairs)
