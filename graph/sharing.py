"""The one place that extends Strawberry beyond its documented hooks: shared subscriptions.

Strawberry has no extension point for serving identical subscriptions from one execution,
so `SharingSchema` overrides `Schema.stream`, through which both websocket protocols run
every operation (graphql-transport-ws calls it, graphql-ws calls `subscribe`, which calls
it). A subscription that joins a group (fanout.py) streams the group's results instead of
executing. The same place counts a connection's running operations, so that one past the
limit gets a coded error (Strawberry's own limit answers without `extensions.code`).

The frames are encoded with the view's `encode_json`, a documented hook: a shared result's
data carries its payload encoded once, and `shared_frame` splices it into each member's frame.

Written against the Strawberry releases in STRAWBERRY_VERSIONS (the same range bounds the
dependency in pyproject.toml); tests/graph/test_sharing.py fails outside it, or when the
signature of `Schema.stream` changes, so an upgrade is a deliberate step.
"""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator, Iterable
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.schema.schema import StreamResult
from strawberry.types.execution import ExecutionResult, PreExecutionError
from strawberry.types.graphql import OperationType

from .context import RequestContext
from .errors import subscription_limit_error
from .fanout import FanOut, SharedData, next_frame
from .sockets import Connection

STRAWBERRY_VERSIONS = (">=0.319", "<0.342")  # Schema.stream appeared in 0.319; tested up to 0.341


class SharingSchema(strawberry.Schema):
    fanout: FanOut | None = None

    async def stream(
        self,
        query: str | None,
        variable_values: dict[str, Any] | None = None,
        context_value: Any | None = None,
        root_value: Any | None = None,
        operation_name: str | None = None,
        operation_extensions: dict[str, Any] | None = None,
        allowed_operation_types: Iterable[OperationType] | None = None,
    ) -> StreamResult:
        connection = context_value.connection if isinstance(context_value, RequestContext) else None
        if connection is None or connection.websocket is None:
            return await self._shared_or_alone(
                query,
                variable_values,
                context_value,
                root_value,
                operation_name,
                operation_extensions,
                allowed_operation_types,
            )
        if not connection.admit():  # before any await: operations are counted in the order they came
            return _refused(subscription_limit_error(connection.max_operations))
        try:
            source = await self._shared_or_alone(
                query,
                variable_values,
                context_value,
                root_value,
                operation_name,
                operation_extensions,
                allowed_operation_types,
            )
        except BaseException:
            connection.done()
            raise
        return _counted(source, connection)

    async def _shared_or_alone(
        self,
        query: str | None,
        variable_values: dict[str, Any] | None,
        context_value: Any | None,
        root_value: Any | None,
        operation_name: str | None,
        operation_extensions: dict[str, Any] | None,
        allowed_operation_types: Iterable[OperationType] | None,
    ) -> StreamResult:
        fanout = self.fanout
        if fanout is not None and query is not None and isinstance(context_value, RequestContext):
            member = await fanout.join(context_value, query, variable_values, operation_name)
            if member is not None:

                async def alone() -> Any:
                    return await self.stream_alone(
                        query,
                        variable_values,
                        context_value,
                        root_value,
                        operation_name,
                        operation_extensions,
                        allowed_operation_types,
                    )

                return member.results(alone)
        return await self.stream_alone(
            query,
            variable_values,
            context_value,
            root_value,
            operation_name,
            operation_extensions,
            allowed_operation_types,
        )

    async def stream_alone(
        self,
        query: str | None,
        variable_values: dict[str, Any] | None = None,
        context_value: Any | None = None,
        root_value: Any | None = None,
        operation_name: str | None = None,
        operation_extensions: dict[str, Any] | None = None,
        allowed_operation_types: Iterable[OperationType] | None = None,
    ) -> StreamResult:
        """Strawberry's own execution, unshared."""
        return await strawberry.Schema.stream(
            self,
            query,
            variable_values,
            context_value,
            root_value,
            operation_name,
            operation_extensions,
            allowed_operation_types,
        )


async def _counted(source: StreamResult, connection: Connection) -> AsyncGenerator[Any, None]:
    try:
        async for result in source:
            yield result
    finally:
        connection.done()
        await source.aclose()


async def _refused(formatted: Any) -> AsyncGenerator[ExecutionResult, None]:
    error = GraphQLError(formatted["message"], extensions=formatted.get("extensions"))
    yield PreExecutionError(data=None, errors=[error])


def shared_frame(message: object) -> str | None:
    """A protocol frame around a shared result, its payload spliced in; None for any other."""
    if not isinstance(message, dict):
        return None
    payload = message.get("payload")
    if not isinstance(payload, dict):
        return None
    data = payload.get("data")
    if not isinstance(data, SharedData):
        return None
    operation_id = message.get("id")
    if len(message) == 3 and message.get("type") == "next" and isinstance(operation_id, str):
        return next_frame(operation_id, data)
    head = "".join(f"{json.dumps(key)}:{json.dumps(value)}," for key, value in message.items() if key != "payload")
    return f'{{{head}"payload":{data.encoded}}}'
