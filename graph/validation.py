"""Validation cached by the query text, not by its parsed document.

Strawberry's `ValidationCache` keys an LRU by the parsed document, and a graphql-core
document hashes itself by walking every node, on every request: some seventy hash calls for
a query of four fields, the largest single cost of a small query after execution. The
document is the parse of the query text (`ParserCache` returns the same one for the same
text), and the schema and rules are fixed for the extensions built for one schema, so the
text is key enough: Python hashes a str once and keeps the hash.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document


def validation_by_text(maxsize: int) -> type[SchemaExtension]:
    """An extension class whose instances share one LRU of `maxsize` query texts."""
    known: OrderedDict[str, list[GraphQLError]] = OrderedDict()

    class ValidationByText(SchemaExtension):
        def on_validate(self) -> Iterator[None]:
            context = self.execution_context
            text, document = context.query, context.graphql_document
            errors = known.get(text) if text is not None else None
            if errors is not None:
                known.move_to_end(text)  # type: ignore[arg-type]
            elif document is not None:
                errors = validate_document(context.schema._schema, document, context.validation_rules)
                if text is not None:
                    known[text] = errors
                    while len(known) > maxsize:
                        known.popitem(last=False)
            context.pre_execution_errors = errors
            yield

    return ValidationByText
