"""Which operation of a document runs: the one named by `operationName`, or the only one.

Strawberry runs the first operation when no name is given; the GraphQL specification
(GetOperation) makes several operations without a name a request error, so a client never
runs an operation it did not choose.
"""

from __future__ import annotations

from collections.abc import Iterator

from graphql import GraphQLError, OperationDefinitionNode
from strawberry.extensions import SchemaExtension

BAD_REQUEST = "BAD_REQUEST"


class OperationNameRequired(SchemaExtension):
    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        # the name the client sent: Strawberry's `operation_name` falls back to the first operation's
        provided = getattr(context, "_provided_operation_name", None)
        if document is not None and provided is None:
            count = sum(isinstance(d, OperationDefinitionNode) for d in document.definitions)
            if count > 1:
                raise GraphQLError(
                    f"the document has {count} operations: say which to run with operationName",
                    extensions={"code": BAD_REQUEST},
                )
        yield
