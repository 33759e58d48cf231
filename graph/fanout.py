"""Identical subscriptions share one GraphQL execution per update and one encoded payload.

Subscribers are grouped by (normalized document, operation name, variables, workspace). A
group runs the operation once, with a context of its own, and hands each result, encoded
once, to every member; the member's protocol handler splices in its operation id and sends.

Authorization stays per subscriber: each one must be allowed to read the workspace to join,
and is re-checked (every `access_recheck_seconds`) before each delivery, as its own
subscription would be. One who loses access gets the same FORBIDDEN result and completes;
the others go on. The group's own context therefore allows everything: it serves no one
who was not checked.

A late joiner must see what a subscription of its own would. A live query's results
supersede one another, so a joiner gets the latest and follows; any other stream
(watchTimeline delivers every entry from `fromSequence` on) is joinable only until its
first result. What cannot be shared runs alone, through Strawberry's own path: a document
that does not parse or names no workspace, a subscriber not (yet) allowed, and a group
whose first result is an error - so such errors carry the subscriber's correlation id.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    GraphQLError,
    OperationType,
    StringValueNode,
    VariableNode,
    get_operation_ast,
    parse,
    print_ast,
)
from strawberry import Schema
from strawberry.types.execution import ExecutionResult, PreExecutionError
from strawberry.utils.aio import aclosing

from nomos_mongo import new_id

from .authorization import AllowAll, Need
from .context import RequestContext
from .errors import shape_errors
from .settings import Settings
from .visibility import shares_reads

log = logging.getLogger("nomos.graph")
Send = Callable[[str], Awaitable[None]]
Encode = Callable[[object], str | bytes]


class _Signal:
    """What a member's queue holds besides payloads."""


END = _Signal()  # the shared stream is over: complete
ALONE = _Signal()  # the group could not serve its first result: run the subscription alone


@dataclass(frozen=True)
class Shape:
    key: Hashable
    field: str
    workspace_id: str


@lru_cache(maxsize=1000)
def _parsed(query: str, max_tokens: int) -> tuple[DocumentNode, str] | None:
    try:
        document = parse(query, max_tokens=max_tokens)
    except GraphQLError:
        return None
    return document, print_ast(document)


def shape_of(query: object, variables: object, operation_name: object, max_tokens: int) -> Shape | None:
    """What makes a subscription shareable, or None when it is not one to share."""
    if (
        not isinstance(query, str)
        or not isinstance(variables, dict | None)
        or not isinstance(operation_name, str | None)
    ):
        return None
    parsed = _parsed(query, max_tokens)
    if parsed is None:
        return None
    document, normalized = parsed
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
    return Shape((normalized, operation_name, given, workspace_id), field.name.value, workspace_id)


def _argument(field: FieldNode, name: str, variables: dict[str, Any]) -> object:
    for argument in field.arguments or ():
        if argument.name.value == name:
            if isinstance(argument.value, StringValueNode):
                return argument.value.value
            if isinstance(argument.value, VariableNode):
                return variables.get(argument.value.name.value)
    return None


class FanOut:
    def __init__(self, schema: Schema, settings: Settings, *, live_queries: frozenset[str], encode: Encode) -> None:
        self.schema = schema
        self.settings = settings
        self.live_queries = live_queries
        self.encode = encode
        self.groups: dict[Hashable, Group] = {}
        self.executions = 0  # shared results produced; each served every member of its group

    async def join(
        self, context: RequestContext, query: str, variables: dict[str, Any] | None, operation_name: str | None
    ) -> Member | None:
        """A member of the group for this subscription, or None: run it alone."""
        shape = shape_of(query, variables, operation_name, self.settings.max_tokens)
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

    def payload(self, result: ExecutionResult) -> str:
        body: dict[str, object] = {"data": result.data}
        if result.errors:
            body["errors"] = [error.formatted for error in result.errors]
        if result.extensions:
            body["extensions"] = result.extensions
        return _text(self.encode(body))

    def refusal(self, error: Exception, context: RequestContext) -> str:
        """The result a subscription of its own yields when a re-check fails."""
        graphql_error = error if isinstance(error, GraphQLError) else GraphQLError(str(error), original_error=error)
        shape_errors([graphql_error], context.correlation_id)
        return _text(self.encode({"data": None, "errors": [graphql_error.formatted]}))


class Group:
    def __init__(self, fanout: FanOut, shape: Shape) -> None:
        self.fanout = fanout
        self.shape = shape
        self.replays_latest = shape.field in fanout.live_queries
        self.members: dict[Member, None] = {}  # in order of joining
        self.latest: str | None = None
        self.open = True
        self.task: asyncio.Task[None] | None = None

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
            _allowed={},
        )
        self.task = asyncio.create_task(self._run(own, query, variables, operation_name))

    def add(self, context: RequestContext) -> Member:
        member = Member(self, context)
        self.members[member] = None
        if self.latest is not None:
            member.queue.put_nowait(self.latest)
        return member

    def discard(self, member: Member) -> None:
        self.members.pop(member, None)
        if not self.members:
            self._close()
            if self.task is not None:
                self.task.cancel()  # its stream's `finally` releases the engine watch

    async def _run(
        self, context: RequestContext, query: str, variables: dict[str, Any] | None, operation_name: str | None
    ) -> None:
        last = END
        try:
            stream = await self.fanout.schema.stream(
                query, variable_values=variables, context_value=context, operation_name=operation_name
            )
            async with aclosing(stream):
                async for result in stream:
                    if not isinstance(result, ExecutionResult):  # incremental delivery: not for subscriptions
                        raise TypeError(f"a subscription streamed {type(result).__name__}")
                    if self.latest is None and (isinstance(result, PreExecutionError) or result.errors):
                        last = ALONE
                        return
                    self.latest = payload = self.fanout.payload(result)
                    self.fanout.executions += 1
                    for member in self.members:
                        member.queue.put_nowait(payload)
        except Exception:
            log.exception("shared subscription %s failed [%s]", self.shape.field, context.correlation_id)
        finally:
            self._close(last)

    def _close(self, last: _Signal = END) -> None:
        if self.fanout.groups.get(self.shape.key) is self:
            del self.fanout.groups[self.shape.key]
        if self.open:
            self.open = False
            for member in self.members:
                member.queue.put_nowait(last)


class Member:
    def __init__(self, group: Group, context: RequestContext) -> None:
        self.group = group
        self.context = context
        self.queue: asyncio.Queue[str | _Signal] = asyncio.Queue()

    async def relay(self, send: Send) -> bool:
        """Send each shared payload until the stream ends; False if this subscription must run alone."""
        fanout = self.group.fanout
        try:
            while True:
                payload = await self.queue.get()
                if isinstance(payload, _Signal):
                    return payload is END
                try:
                    await self.context.require(
                        self.group.shape.workspace_id, Need.READ, max_age=fanout.settings.access_recheck_seconds
                    )
                except Exception as exc:  # what the resolver would have raised
                    await send(fanout.refusal(exc, self.context))
                    return True
                await send(payload)
        finally:
            self.group.discard(self)


def _text(encoded: str | bytes) -> str:
    return encoded.decode() if isinstance(encoded, bytes) else encoded
