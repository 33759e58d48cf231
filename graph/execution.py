"""graphql-core's execution, with a short path for the plainest fields: an attribute that is a scalar.

A page of 50 assets with four fields is some 200 such fields. For each one, graphql-core
builds a resolve info (Strawberry's, holding a dozen references), looks at the field's
arguments, calls Strawberry's resolver for a field without one, and walks `complete_value`
to find out that the value is a scalar to coerce: some 15 % of a page's CPU here.

For a field whose resolver is Strawberry's own for a basic field (no resolver, permission
or field extension of its own: `_is_default`), that takes no arguments and returns a scalar
or an enum, and while no schema extension hooks field resolution, the value is read and
coerced here (`coerce_output_value`, as `complete_leaf_value` does). The read is what
Strawberry's resolver would do: its field's `default_resolver` with the Python name, taken
as one `attrgetter` when that is `getattr` (Strawberry's default). Anything else, and
every case that would be an error (a null for a non-null field, a value the scalar
refuses), goes graphql-core's way, which reads it again and reports it at its path.

An object whose selected fields are all such fields (or `__typename`) goes further:
`execute_fields` reads them in one loop from a plan made once per selection set, without a
response path or an `execute_field` call per field. A page of 50 assets is 50 such objects
(their `is_type_of` check and the list's completion stay graphql-core's). Should any of its
values be anything but a coercible scalar, the object is executed graphql-core's way from
the start (the reads are attribute reads: reading again is harmless).

Written against the graphql-core releases in GRAPHQL_CORE_VERSIONS (the signatures of
`execute_field` and `execute_fields`, `middleware_manager.middlewares`) and Strawberry's
field back-reference; tests/graph/test_execution.py checks them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

from graphql import GraphQLEnumType, GraphQLField, GraphQLLeafType, GraphQLNonNull, GraphQLObjectType, GraphQLScalarType
from graphql.pyutils import Path, Undefined
from graphql.type.scalars import serialize_id, serialize_string
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter

GRAPHQL_CORE_VERSIONS = (">=3.3.2", "<3.4")
TYPENAME = "__typename"
# scalars whose output coercion gives a `str` back as it is (String and ID)
_TEXT_AS_IS = (serialize_string, serialize_id)


@dataclass(frozen=True, slots=True)
class Plain:
    read: Callable[[Any], Any]  # the source's value, as Strawberry's resolver reads it
    leaf: GraphQLLeafType
    non_null: bool  # whether null is an error
    text_as_is: bool  # a `str` needs no coercion


#: a selection set read in one loop: (response name, its Plain), or (response name, the type
#: name) for `__typename`
Planned = tuple[str, Plain | str]
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
        text_as_is = isinstance(leaf, GraphQLScalarType) and leaf.serialize in _TEXT_AS_IS
        plain = Plain(_reader(field, resolve), leaf, non_null, text_as_is)
    _PLAIN[id(field)] = (field, plain)
    return plain


def _reader(field: GraphQLField, resolve: Any) -> Callable[[Any], Any]:
    """`resolve(source, None)` (Strawberry's basic-field resolver reads no info), in one call if it can be."""
    definition = (field.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
    if definition is not None and not definition.base_resolver and definition.default_resolver is getattr:
        return attrgetter(definition.python_name)
    return lambda source: resolve(source, None)


class PlainFieldsExecutionContext(StrawberryGraphQLCoreExecutionContext):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # by the id of a grouped field set (kept alive beside its plan, as graphql-core keeps
        # the field lists it memoizes on): the plan, or None when some field is not plain
        self._plans: dict[int, tuple[Any, list[Planned] | None]] = {}

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: Any,
        position_context: Any,
    ) -> Any:
        plan = self._plan(parent_type, grouped_field_set)
        if plan is not None:
            results = _read_all(plan, source_value, self.is_awaitable)
            if results is not None:
                return results
        return super().execute_fields(parent_type, source_value, path, grouped_field_set, position_context)

    def _plan(self, parent_type: GraphQLObjectType, grouped_field_set: Any) -> list[Planned] | None:
        known = self._plans.get(id(grouped_field_set))
        if known is not None and known[0] is grouped_field_set:
            return known[1]
        plan: list[Planned] | None = [] if self._resolves_plainly() else None
        for response_name, field_details_list in grouped_field_set.items():
            if plan is None:
                break
            node = field_details_list[0].node
            if node.name.value == TYPENAME:
                plan.append((response_name, parent_type.name))
                continue
            plain = self._plain_field(parent_type, node)
            if plain is None:
                plan = None
            else:
                plan.append((response_name, plain))
        self._plans[id(grouped_field_set)] = (grouped_field_set, plan)
        return plan

    def _resolves_plainly(self) -> bool:
        """No middleware (a schema extension's `resolve` hook) sees field resolution."""
        manager = self.middleware_manager
        return manager is None or not manager.middlewares

    def _plain_field(self, parent_type: GraphQLObjectType, node: Any) -> Plain | None:
        field = self.schema.get_field(parent_type, node.name.value)
        return _plain(field) if field is not None and not node.arguments else None

    def execute_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: Any,
        path: Path,
        position_context: Any,
    ) -> Any:
        if self._resolves_plainly():
            plain = self._plain_field(parent_type, field_details_list[0].node)
            if plain is not None:
                value = _read(plain, source, self.is_awaitable)
                if value is not Undefined:
                    return value
        return super().execute_field(parent_type, source, field_details_list, path, position_context)


def _read(plain: Plain, source: Any, is_awaitable: Callable[[Any], bool]) -> Any:
    """The field's value as graphql-core would complete it; Undefined where it needs graphql-core's way."""
    value = plain.read(source)
    if value is None:
        return Undefined if plain.non_null else None
    if plain.text_as_is and type(value) is str:
        return value
    if is_awaitable(value):
        close = getattr(value, "close", None)
        if close is not None:
            close()  # a coroutine in an attribute: graphql-core's way makes its own
        return Undefined
    coerced = _coerced(plain.leaf, value)
    return Undefined if coerced is None else coerced


def _read_all(plan: list[Planned], source: Any, is_awaitable: Callable[[Any], bool]) -> dict[str, Any] | None:
    """The object's fields as graphql-core would complete them; None where one of them needs its way."""
    results: dict[str, Any] = {}
    for response_name, planned in plan:
        if isinstance(planned, str):  # __typename
            results[response_name] = planned
            continue
        value = _read(planned, source, is_awaitable)
        if value is Undefined:
            return None
        results[response_name] = value
    return results


def _coerced(leaf: GraphQLLeafType, value: Any) -> Any:
    """The value as `complete_leaf_value` would give it; Undefined where that raises (the long way reports it)."""
    try:
        return leaf.coerce_output_value(value)
    except Exception:
        return Undefined
