"""graphql-core's execution, with a short path for the plainest fields: an attribute that is a scalar.

A page of 50 assets with four fields is some 200 such fields. For each one, graphql-core
builds a resolve info (Strawberry's, holding a dozen references), looks at the field's
arguments, calls Strawberry's resolver for a field without one, and walks `complete_value`
to find out that the value is a scalar to coerce: some 15 % of a page's CPU here.

For a field whose resolver is Strawberry's own for a basic field (no resolver, permission
or field extension of its own: `_is_default`), that takes no arguments and returns a scalar
or an enum, and while no schema extension hooks field resolution, the value is read and
coerced here (`coerce_output_value`, as `complete_leaf_value` does). Anything else, and
every case that would be an error (a null for a non-null field, a value the scalar
refuses), goes graphql-core's way, which reads it again and reports it at its path.

Written against the graphql-core releases in GRAPHQL_CORE_VERSIONS (`execute_field`'s
signature, `middleware_manager.middlewares`); tests/graph/test_execution.py checks them.
"""

from __future__ import annotations

from typing import Any

from graphql import GraphQLEnumType, GraphQLField, GraphQLLeafType, GraphQLNonNull, GraphQLObjectType, GraphQLScalarType
from graphql.pyutils import Path, Undefined
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

GRAPHQL_CORE_VERSIONS = (">=3.3.2", "<3.4")

Plain = tuple[Any, GraphQLLeafType, bool]  # the resolver, the leaf type, whether null is an error
#: by the field's id, with the field itself (which keeps the id from being reused): its Plain, or
#: None when it takes the long way. GraphQLField compares by value, so it is no dict key itself.
_PLAIN: dict[int, tuple[GraphQLField, Plain | None]] = {}


def _plain(field: GraphQLField) -> Plain | None:
    known = _PLAIN.get(id(field))
    if known is not None and known[0] is field:
        return known[1]
    resolve, field_type = field.resolve, field.type
    non_null = isinstance(field_type, GraphQLNonNull)
    leaf = field_type.of_type if isinstance(field_type, GraphQLNonNull) else field_type
    plain = None
    default = resolve is not None and getattr(resolve, "_is_default", False)
    if default and not field.args and isinstance(leaf, GraphQLScalarType | GraphQLEnumType):
        plain = (resolve, leaf, non_null)
    _PLAIN[id(field)] = (field, plain)
    return plain


class PlainFieldsExecutionContext(StrawberryGraphQLCoreExecutionContext):
    def execute_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: Any,
        path: Path,
        position_context: Any,
    ) -> Any:
        manager = self.middleware_manager
        if manager is None or not manager.middlewares:
            node = field_details_list[0].node
            field = self.schema.get_field(parent_type, node.name.value)
            plain = _plain(field) if field is not None and not node.arguments else None
            if plain is not None:
                resolve, leaf, non_null = plain
                value = resolve(source, None)  # Strawberry's basic-field resolver reads no info
                if value is None:
                    if not non_null:
                        return None
                elif self.is_awaitable(value):
                    close = getattr(value, "close", None)
                    if close is not None:
                        close()  # a coroutine in an attribute: graphql-core's way below makes its own
                else:
                    coerced = _coerced(leaf, value)
                    if coerced is not Undefined and coerced is not None:
                        return coerced
        return super().execute_field(parent_type, source, field_details_list, path, position_context)


def _coerced(leaf: GraphQLLeafType, value: Any) -> Any:
    """The value as `complete_leaf_value` would give it; Undefined where that raises (the long way reports it)."""
    try:
        return leaf.coerce_output_value(value)
    except Exception:
        return Undefined
