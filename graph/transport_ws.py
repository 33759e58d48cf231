"""Sending a shared result straight to a graphql-transport-ws subscriber's socket.

A live query's update goes to every subscriber of its group. Through Strawberry, each
delivery wakes the subscriber's operation task, runs its result stream, and passes the
frame down Strawberry's, Starlette's and uvicorn's send: with 1,000 subscribers, most of
the server's CPU for one update went there (RESULTS.md, fourth pass). A group can instead
write the frame itself (fanout.py, `Member.deliver_now`), from its own task, for each
subscriber whose operation task is idle; everything else (the first result, a re-check of
access, a socket that cannot take more) still goes the operation task's way.

Two things make that possible:
- `OperationTransportWSHandler` (Strawberry's documented `graphql_transport_ws_handler_class`
  hook) makes each operation known to the schema call it runs (`current_operation`), so a
  group member knows its operation id and whether Strawberry completed it already;
- `send_eagerly` runs a send coroutine at once, as a task with `eager_start` would: it
  ends within the call unless the socket has to wait, and only then does a task finish it.

Written against the Strawberry releases in sharing.STRAWBERRY_VERSIONS (`Operation.id`,
`Operation.completed`, `run_operation`); tests/graph/test_sharing.py checks them.
"""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Coroutine
from typing import Any

from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import BaseGraphQLTransportWSHandler, Operation

_operation: contextvars.ContextVar[Operation[Any, Any] | None] = contextvars.ContextVar("operation", default=None)


def current_operation() -> Operation[Any, Any] | None:
    """The graphql-transport-ws operation whose task is running (None on HTTP and graphql-ws)."""
    return _operation.get()


class OperationTransportWSHandler(BaseGraphQLTransportWSHandler[Any, Any]):
    async def run_operation(self, operation: Operation[Any, Any]) -> None:
        _operation.set(operation)  # in the operation's own task: its schema.stream call sees it
        await super().run_operation(operation)


def send_eagerly(send: Coroutine[Any, Any, None]) -> asyncio.Future[None] | None:
    """Run `send` now; None if it finished, else the task that finishes it once the socket can take more.

    The common case costs no task and no trip through the event loop: the frame is in the
    socket's buffer when this returns. An error of the send is raised here, or by the task.
    """
    try:
        waiting = send.send(None)
    except StopIteration:
        return None
    return asyncio.ensure_future(_resume(send, waiting))


async def _resume(send: Coroutine[Any, Any, None], waiting: Any) -> None:
    """Go on with a coroutine that yielded `waiting` (what it awaits), as its task would have."""
    try:
        while True:
            if isinstance(waiting, asyncio.Future):
                waiting._asyncio_future_blocking = False  # taken over from the coroutine's await
                await asyncio.wait([waiting])  # its outcome reaches the coroutine when resumed
            else:  # a bare yield (sleep(0)): one turn of the loop
                await asyncio.sleep(0)
            try:
                waiting = send.send(None)
            except StopIteration:
                return
    finally:
        send.close()
