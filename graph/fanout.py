"""Identical subscriptions share one GraphQL execution per update and one encoded payload.

Subscribers are grouped by (document, operation name, variables, workspace). A group runs
the operation once, with a context of its own, encodes each result once, and hands it to
every member. A graphql-transport-ws member whose stream is idle, with its access decided
recently enough, gets the frame written to its socket by the group at once (`deliver_now`,
transport_ws.py): the frame head for its operation id, then the shared payload. Any other
member's own protocol handler sends it (sharing.py splices the payload into that frame).

Authorization stays per subscriber: each one must be allowed to read the workspace to join,
and is re-checked before each delivery as its own subscription would be, and at once when
a commit may have changed roles (revocation.py). One who loses access gets the same
FORBIDDEN result and completes; the others go on. The group's own context therefore allows
everything: it serves no one who was not checked.

What waits for a member counts against its connection's bound (sockets.py). A live query's
results supersede one another, so a member holds only the latest, and a late joiner gets it
and follows. Any other stream (watchTimeline delivers every entry from `fromSequence` on) is
joinable only until its first result, and its group reads on only while some member has
room (PACE results), so a catch-up runs at its fastest reader's pace; a member left behind
by the others runs its connection past the bound and is closed.

What cannot be shared runs alone, through Strawberry's own path: a document that does not
parse or names no workspace, a subscriber not (yet) allowed, and a group whose first result
is an error - so such errors carry the subscriber's correlation id.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import json
import logging
from collections import deque
from collections.abc import AsyncGenerator, Awaitable, Callable, Hashable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from graphql import (
    DocumentNode,
    FieldNode,
    GraphQLError,
    OperationType,
    StringValueNode,
    VariableNode,
    get_operation_ast,
)
from strawberry.types.execution import ExecutionResult, PreExecutionError
from strawberry.utils.aio import aclosing

from nomos_mongo import new_id

from .authorization import AllowAll, Need
from .bodies import over_the_cap
from .context import RequestContext
from .errors import shape_errors
from .settings import Settings
from .socket_frames import text_frame
from .sockets import Connection
from .transport_ws import current_operation, send_eagerly
from .visibility import shares_reads

if TYPE_CHECKING:
    from .sharing import SharingSchema

log = logging.getLogger("nomos.graph")
Encode = Callable[[object], str | bytes]
Parse = Callable[..., DocumentNode]
Stream = AsyncGenerator[ExecutionResult, None]
PACE = 16  # results a timeline group may read ahead of its fastest member
SOCKET_FRAMES_KEPT = 4  # framed bytes a shared result keeps, one per operation id


class SharedData(dict[str, Any]):
    """A shared result's data, with its payload encoded once for every member's frame."""

    __slots__ = ("_socket_frames", "encoded")

    def __init__(self, data: dict[str, Any], encoded: str) -> None:
        super().__init__(data)
        self.encoded = encoded
        self._socket_frames: dict[str, bytes] = {}

    def socket_frame(self, operation_id: str) -> bytes:
        """The websocket frame of this result's `next` message for an operation id.

        Kept for the first few ids, which most subscribers share (clients number their
        operations alike): a result may be kept as its group's latest, and every id kept
        holds a copy of the payload.
        """
        frame = self._socket_frames.get(operation_id)
        if frame is None:
            frame = text_frame(next_frame(operation_id, self))
            if len(self._socket_frames) < SOCKET_FRAMES_KEPT:
                self._socket_frames[operation_id] = frame
        return frame


def next_frame(operation_id: str, data: SharedData) -> str:
    """The graphql-transport-ws `next` frame of a shared result for one operation."""
    return f'{_next_head(operation_id)}"payload":{data.encoded}}}'


@functools.lru_cache(maxsize=4096)
def _next_head(operation_id: str) -> str:
    """The start of a `next` frame for an operation id: the same for each of its results."""
    return f'{{"id":{json.dumps(operation_id)},"type":"next",'


class _Signal:
    """How a member's stream ends, besides its results."""


END = _Signal()  # the shared stream is over: complete
ALONE = _Signal()  # the group could not serve its first result: run the subscription alone
EVICTED = _Signal()  # its connection fell past the bound and is being closed
REFUSED = _Signal()  # a re-check refused access


@dataclass(frozen=True)
class Shape:
    key: Hashable
    field: str
    workspace_id: str


def shape_of(parse: Parse, query: str, variables: object, operation_name: object, max_tokens: int) -> Shape | None:
    """What makes a subscription shareable, or None when it is not one to share."""
    if not isinstance(variables, dict | None) or not isinstance(operation_name, str | None):
        return None
    try:
        document = parse(query, max_tokens=max_tokens)  # Strawberry's own parser cache
    except GraphQLError:
        return None
    operation = get_operation_ast(document, operation_name)
    if operation is None or operation.operation is not OperationType.SUBSCRIPTION:
        return None
    selections = operation.selection_set.selections
    if len(selections) != 1 or not isinstance(selections[0], FieldNode):
        return None
    field = selections[0]
    workspace_id = _argument(field, "workspaceId", variables or {})
    if not isinstance(workspace_id, str):
        return None
    try:
        given = json.dumps(variables, sort_keys=True)
    except (TypeError, ValueError):
        return None
    return Shape((query, operation_name, given, workspace_id), field.name.value, workspace_id)


def _argument(field: FieldNode, name: str, variables: dict[str, Any]) -> object:
    for argument in field.arguments or ():
        if argument.name.value == name:
            if isinstance(argument.value, StringValueNode):
                return argument.value.value
            if isinstance(argument.value, VariableNode):
                return variables.get(argument.value.name.value)
    return None


class FanOut:
    def __init__(
        self,
        schema: SharingSchema,
        settings: Settings,
        *,
        live_queries: frozenset[str],
        encode: Encode,
        parse: Parse,
    ) -> None:
        self.schema = schema
        self.settings = settings
        self.live_queries = live_queries
        self.encode = encode
        self.parse = parse
        self.groups: dict[Hashable, Group] = {}
        self.executions = 0  # shared results produced; each served every member of its group
        self.written_directly = 0  # frames a group wrote to a member's socket itself (Member.deliver_now)
        self.written_to_transport = 0  # of those, frames written as bytes to the transport (socket_frames.py)

    async def join(
        self, context: RequestContext, query: str, variables: dict[str, Any] | None, operation_name: str | None
    ) -> Member | None:
        """A member of the group for this subscription, or None: run it alone."""
        shape = shape_of(self.parse, query, variables, operation_name, self.settings.max_tokens)
        if shape is None or context.user is None or not shares_reads(context, shape.workspace_id):
            return None
        try:
            await context.require(shape.workspace_id, Need.READ)
        except Exception:  # run alone, the subscription reports it with its own correlation id
            return None
        group = self.groups.get(shape.key)
        if group is None or not group.joinable:
            group = self.groups[shape.key] = Group(self, shape)
            group.start(context, query, variables, operation_name)
        return group.add(context)

    def shared(self, result: ExecutionResult) -> tuple[ExecutionResult, int]:
        """The result every member sends, its payload encoded once, and the payload's size."""
        body: dict[str, object] = {"data": result.data}
        if result.errors:
            body["errors"] = [error.formatted for error in result.errors]
        if result.extensions:
            body["extensions"] = result.extensions
        encoded = self.encode(body)
        text = encoded.decode() if isinstance(encoded, bytes) else encoded
        refused = over_the_cap(len(text), self.settings.max_response_bytes)
        if refused is not None:  # every member gets the coded error instead, and the group goes on
            (error,) = refused["errors"]
            result = ExecutionResult(data=None, errors=[GraphQLError(error["message"], extensions=error["extensions"])])
            return result, len(error["message"])
        data = None if result.data is None else SharedData(result.data, text)
        return ExecutionResult(data=data, errors=result.errors, extensions=result.extensions), len(text)


class Group:
    def __init__(self, fanout: FanOut, shape: Shape) -> None:
        self.fanout = fanout
        self.shape = shape
        self.replays_latest = shape.field in fanout.live_queries
        self.members: dict[Member, None] = {}  # in order of joining
        self.latest: tuple[ExecutionResult, int] | None = None
        self.open = True
        self.task: asyncio.Task[None] | None = None
        self.room = asyncio.Event()

    @property
    def joinable(self) -> bool:
        return self.open and (self.replays_latest or self.latest is None)

    def start(
        self, context: RequestContext, query: str, variables: dict[str, Any] | None, operation_name: str | None
    ) -> None:
        own = dataclasses.replace(
            context,
            authorizer=AllowAll(),
            correlation_id=new_id(),
            request=None,
            response=None,
            connection_params=None,
            access=None,
            connection=None,
            _allowed={},
        )
        self.task = asyncio.create_task(self._run(own, query, variables, operation_name))

    def add(self, context: RequestContext) -> Member:
        member = Member(self, context)
        self.members[member] = None
        if self.latest is not None:
            member.offer(*self.latest)
        return member

    def discard(self, member: Member) -> None:
        self.members.pop(member, None)
        self.room.set()
        if not self.members:
            self._close()
            if self.task is not None:
                self.task.cancel()  # its stream's `finally` releases the engine watch

    async def _run(
        self, context: RequestContext, query: str, variables: dict[str, Any] | None, operation_name: str | None
    ) -> None:
        last = END
        try:
            stream = await self.fanout.schema.stream_alone(
                query, variable_values=variables, context_value=context, operation_name=operation_name
            )
            async with aclosing(stream):
                async for result in stream:
                    if not isinstance(result, ExecutionResult):  # incremental delivery: not for subscriptions
                        raise TypeError(f"a subscription streamed {type(result).__name__}")
                    if self.latest is None and (isinstance(result, PreExecutionError) or result.errors):
                        last = ALONE
                        return
                    self.latest = shared = self.fanout.shared(result)
                    self.fanout.executions += 1
                    for member in list(self.members):
                        if not member.deliver_now(*shared):
                            member.offer(*shared)
                    if not self.replays_latest:
                        await self._wait_for_room()
        except Exception:
            log.exception("shared subscription %s failed [%s]", self.shape.field, context.correlation_id)
        finally:
            self._close(last)

    async def _wait_for_room(self) -> None:
        while self.members and all(len(member.pending) >= PACE for member in self.members):
            self.room.clear()
            await self.room.wait()

    def _close(self, last: _Signal = END) -> None:
        if self.fanout.groups.get(self.shape.key) is self:
            del self.fanout.groups[self.shape.key]
        if self.open:
            self.open = False
            for member in self.members:
                member.end(last)


def _sent(sending: asyncio.Future[None]) -> None:
    """A frame that had to wait for its socket: a socket that closed meanwhile is no error."""
    if not sending.cancelled() and sending.exception() is not None:
        log.debug("a shared result could not be written to a closing socket", exc_info=sending.exception())


class Member:
    def __init__(self, group: Group, context: RequestContext) -> None:
        self.group = group
        self.context = context
        self.connection = context.connection or Connection(None, context.settings.max_queued_bytes)
        self.pending: deque[tuple[ExecutionResult, int]] = deque()
        self.signal: _Signal | None = None
        self.refusal: Exception | None = None
        self.wake = asyncio.Event()
        self._stop_watching: Callable[[], None] | None = None
        self.connection.members.add(self)
        # graphql-transport-ws: the operation, for frames the group writes itself (deliver_now)
        self.operation = current_operation() if self.connection.websocket is not None else None
        self.idle = False  # its stream waits for a result: its operation task sends nothing meanwhile
        self.sending: asyncio.Future[None] | None = None  # a frame written here, still waiting for the socket

    def deliver_now(self, result: ExecutionResult, size: int) -> bool:
        """Write the result's frame to the socket from here, if nothing else is on its way to it.

        Only while the member's own stream waits, with nothing queued, and its socket open:
        then no frame of its operation can come before or after this one out of order, and
        the member's task need not wake. Access is re-checked first when the last decision
        is older than `access_recheck_seconds`, as the member's stream would before it
        yields; a refusal ends the member's stream as there. False: offer the result instead.
        """
        operation, data, connection = self.operation, result.data, self.connection
        if (
            operation is None
            or not self.idle
            or self.pending
            or self.signal is not None
            or operation.completed
            or not isinstance(data, SharedData)
            or (self.sending is not None and not self.sending.done())
            or connection.overflowed
            or connection.closed_with is not None
        ):
            return False
        workspace_id, max_age = self.group.shape.workspace_id, self.context.settings.access_recheck_seconds
        self.group.fanout.written_directly += 1
        fresh = self.context.decided_within(workspace_id, Need.READ, max_age)
        if fresh and self._write_to_transport(operation.id, data):
            return True  # the common case: no coroutine, no await
        try:
            self.sending = send_eagerly(self._send(operation.id, data, workspace_id, max_age))
        except Exception:  # the socket is going: its operation task ends with it
            log.debug("a shared result could not be written to a closing socket", exc_info=True)
        else:
            if self.sending is not None:
                self.sending.add_done_callback(_sent)
        return True

    def _write_to_transport(self, operation_id: str, data: SharedData) -> bool:
        """Put the frame's bytes on the socket's transport, when its writer says that is safe now."""
        frames = self.connection.frames
        if frames is None or not frames.ready():
            return False
        frames.write(data.socket_frame(operation_id))
        self.group.fanout.written_to_transport += 1
        return True

    async def _send(self, operation_id: str, data: SharedData, workspace_id: str, max_age: float) -> None:
        """The frame as the member's stream would send it: access re-checked if its decision is stale."""
        try:
            await self.context.require(workspace_id, Need.READ, max_age=max_age)  # a fresh one: no await
        except Exception as exc:  # what the resolver would have raised
            self.refuse(exc)
            return
        # nothing of this operation went out meanwhile: its stream waits for `sending`, which is this
        if not self._write_to_transport(operation_id, data):
            websocket: Any = self.connection.websocket
            await websocket.send_text(next_frame(operation_id, data))

    def offer(self, result: ExecutionResult, size: int) -> None:
        if self.signal is not None:
            return
        if self.group.replays_latest:
            while self.pending:  # a newer result supersedes what is still waiting
                self.connection.release(self.pending.pop()[1])
        if self.connection.reserve(size):
            self.pending.append((result, size))
            self.wake.set()

    def end(self, signal: _Signal) -> None:
        if self.signal is None:
            self.signal = signal
        self.wake.set()

    def _drop_pending(self) -> None:
        while self.pending:
            self.connection.release(self.pending.pop()[1])
        self.group.room.set()

    def evict(self) -> None:
        """Its connection is past the bound: hold nothing more, even while its sender is stuck."""
        self.end(EVICTED)
        self._leave()

    def refuse(self, error: Exception) -> None:
        self._drop_pending()
        self.refusal = error
        self.signal = REFUSED
        self.wake.set()

    async def results(self, alone: Callable[[], Awaitable[Stream]]) -> Stream:
        """The shared results, checked for this subscriber; `alone` runs the subscription itself."""
        workspace_id = self.group.shape.workspace_id
        access = self.context.access
        if access is not None:
            self._stop_watching = access.watch(workspace_id, self.context, self.refuse)
        try:
            while True:
                if self.sending is not None and not self.sending.done():
                    await asyncio.wait([self.sending])  # a frame the group wrote goes before anything else
                if self.signal is REFUSED or self.signal is EVICTED:
                    break
                if self.pending:
                    result, size = self.pending.popleft()
                    self.connection.release(size)
                    self.group.room.set()
                    try:
                        await self.context.require(
                            workspace_id, Need.READ, max_age=self.context.settings.access_recheck_seconds
                        )
                    except Exception as exc:  # what the resolver would have raised
                        self.refusal, self.signal = exc, REFUSED
                        break
                    yield result
                elif self.signal is END:
                    return
                elif self.signal is ALONE:
                    self._leave()
                    stream = await alone()
                    async with aclosing(stream):
                        async for result in stream:
                            yield result
                    return
                else:
                    self.wake.clear()
                    self.idle = True
                    try:
                        await self.wake.wait()
                    finally:
                        self.idle = False
            if self.signal is REFUSED and self.refusal is not None:
                yield self._refused(self.refusal)
            elif self.connection.websocket is not None:
                self._leave()
                await asyncio.Event().wait()  # the socket is closing: end with it, not with a frame
        finally:
            self._leave()

    def _leave(self) -> None:
        if self._stop_watching is not None:
            self._stop_watching()
            self._stop_watching = None
        self._drop_pending()
        self.connection.members.discard(self)
        self.group.discard(self)

    def _refused(self, error: Exception) -> ExecutionResult:
        """The result a subscription of its own yields when a re-check fails."""
        graphql_error = error if isinstance(error, GraphQLError) else GraphQLError(str(error), original_error=error)
        shape_errors([graphql_error], self.context.correlation_id)
        return ExecutionResult(data=None, errors=[graphql_error])
