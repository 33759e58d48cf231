"""Access re-checked on the commit that changes roles, not on a timer.

Each workspace has an access epoch, moved by every commit that may change who may read it:
one touching an aggregate type the authorizer names in `access_aggregates` (any commit
there, for an authorizer that names none). A decision an open stream reuses holds only
within its epoch (`RequestContext.require`), and the epoch moves as soon as the commit's
notice is published, before any later commit can be delivered; so no result read after a
revocation rides on the decision made before it. The streams reading the workspace are
re-checked at once too: a revoked subscriber's streams end with FORBIDDEN even when nothing
more is written.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING, Protocol, TypeVar

from nomos_mongo import CommitNotice, NomosApp

from .authorization import Authorizer, Need

if TYPE_CHECKING:
    from .context import RequestContext

log = logging.getLogger("nomos.graph")
T = TypeVar("T")
Refuse = Callable[[Exception], None]


class Closable(Protocol):
    def close(self) -> None: ...


class AccessWatch:
    def __init__(self, app: NomosApp, authorizer: Authorizer) -> None:
        declared = getattr(authorizer, "access_aggregates", None)
        self.access_types: frozenset[str] | None = None if declared is None else frozenset(declared)
        self._epochs: dict[str, int] = {}
        self._streams: dict[str, dict[object, tuple[RequestContext, Refuse]]] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._stop = app.live.on_commit(self._on_commit)

    def epoch(self, workspace_id: str) -> int:
        return self._epochs.get(workspace_id, 0)

    def _on_commit(self, notice: CommitNotice) -> None:
        types = notice.aggregate_types  # empty: a wake-up that does not say what changed
        if self.access_types is not None and types and not types & self.access_types:
            return
        workspace_id = notice.workspace_id
        self._epochs[workspace_id] = self.epoch(workspace_id) + 1
        for context, refuse in list(self._streams.get(workspace_id, {}).values()):
            task = asyncio.get_running_loop().create_task(self._recheck(context, workspace_id, refuse))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _recheck(self, context: RequestContext, workspace_id: str, refuse: Refuse) -> None:
        try:
            await context.require(workspace_id, Need.READ)
        except Exception as exc:  # what the stream's own check would raise
            refuse(exc)

    def watch(self, workspace_id: str, context: RequestContext, refuse: Refuse) -> Callable[[], None]:
        """Call `refuse` when a commit takes `context`'s read access to the workspace away."""
        key = object()
        self._streams.setdefault(workspace_id, {})[key] = (context, refuse)

        def stop() -> None:
            streams = self._streams.get(workspace_id)
            if streams is not None:
                streams.pop(key, None)
                if not streams:
                    del self._streams[workspace_id]

        return stop

    def close(self) -> None:
        self._stop()
        for task in list(self._tasks):
            task.cancel()


async def guarded(
    context: RequestContext, workspace_id: str, source: AsyncIterator[T], closable: Closable
) -> AsyncIterator[T]:
    """`source`'s items while `context` may read the workspace; ends with its Forbidden when not."""
    refused: list[Exception] = []

    def refuse(error: Exception) -> None:
        refused.append(error)
        closable.close()  # ends the iteration below, even while it waits for the next item

    access = context.access
    stop = access.watch(workspace_id, context, refuse) if access is not None else (lambda: None)
    try:
        async for item in source:
            if refused:
                break
            await context.require(workspace_id, Need.READ, max_age=context.settings.access_recheck_seconds)
            yield item
        if refused:
            raise refused[0]
    finally:
        stop()
