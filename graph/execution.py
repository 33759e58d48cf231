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
response path or an `execute_field` call per field. Should any of its values be anything
but a coercible scalar, the object is executed graphql-core's way from the start (the reads
are attribute reads: reading again is harmless, and an awaitable the attribute holds is
left for graphql-core to await).

A list of such objects (a page of 50 assets, a live query's result) is completed in one
loop too: each item that is present and passes its type's `is_type_of` is read by the plan;
any other item (a null, an item of another type, a value the plan cannot read) is completed
by graphql-core's `complete_list_item_value`, which reports its error at its path. Lists
under `@stream` or `@defer`, and lists holding awaitables, go graphql-core's way whole.

Written against the graphql-core releases in GRAPHQL_CORE_VERSIONS (the signatures of
`execute_field`, `execute_fields` and `complete_iterable_value`, and the executor's
`collect_subfields`, `get_stream_usage`, `complete_list_item_value`, `settle_in_background`
and `middleware_manager.middlewares`) and Strawberry's field back-reference;
tests/graph/test_execution.py checks the signatures.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLLeafType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfo,
    GraphQLScalarType,
)
from graphql.pyutils import Path, Undefined, gather_with_cancel
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

    def complete_iterable_value(
        self,
        item_type: GraphQLOutputType,
        field_details_list: Any,
        info: GraphQLResolveInfo,
        path: Path,
        items: Iterable[Any],
        position_context: Any,
    ) -> Any:
        plain = self._plain_objects(item_type, field_details_list, path, items, position_context)
        if plain is None:
            return super().complete_iterable_value(item_type, field_details_list, info, path, items, position_context)
        object_type, plan = plain
        is_type_of, is_awaitable = object_type.is_type_of, self.is_awaitable
        completed: list[Any] = []
        awaited: list[int] = []
        try:
            for index, item in enumerate(items):
                if item is not None and (is_type_of is None or is_type_of(item, info) is True):
                    values = _read_all(plan, item, is_awaitable)
                    if values is not None:
                        completed.append(values)
                        continue
                # anything else as graphql-core completes a list item: its errors at its path
                item_path = path.add_key(index, None)
                if self.complete_list_item_value(
                    item, completed, item_type, field_details_list, info, item_path, position_context
                ):
                    awaited.append(index)
        except Exception:  # an error of a non-null item ends the list: settle what was started, as graphql-core does
            if awaited:
                self.settle_in_background([completed[index] for index in awaited])
            raise
        return _with_awaited(completed, awaited) if awaited else completed

    def _plain_objects(
        self, item_type: GraphQLOutputType, field_details_list: Any, path: Path, items: Any, position_context: Any
    ) -> tuple[GraphQLObjectType, list[Planned]] | None:
        """The items' type and plan, for a list of objects of plain fields only, nothing deferred or streamed."""
        object_type = item_type.of_type if isinstance(item_type, GraphQLNonNull) else item_type
        if not isinstance(object_type, GraphQLObjectType) or not isinstance(items, list | tuple):
            return None
        if position_context is not None or self.get_stream_usage(field_details_list, path):
            return None
        grouped_field_set, new_defer_usages, _ = self.collect_subfields(object_type, field_details_list)
        if new_defer_usages:
            return None
        plan = self._plan(object_type, grouped_field_set)
        if plan is None or any(map(self.is_awaitable, items)):
            return None
        return object_type, plan

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
        again = plain.read(source)
        if again is not value:  # a new awaitable at each read (a property): graphql-core's way makes its own
            for unused in (value, again):
                close = getattr(unused, "close", None)
                if close is not None:
                    close()
        return Undefined  # else the one awaitable the attribute holds: graphql-core's way awaits it
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


async def _with_awaited(completed: list[Any], awaited: list[int]) -> list[Any]:
    """The list, once the items whose completion is awaitable are complete (as graphql-core gathers them)."""
    values = await gather_with_cancel(*(completed[index] for index in awaited))
    for index, value in zip(awaited, values, strict=True):
        completed[index] = value
    return completed


def _coerced(leaf: GraphQLLeafType, value: Any) -> Any:
    """The value as `complete_leaf_value` would give it; Undefined where that raises (the long way reports it)."""
    try:
        return leaf.coerce_output_value(value)
    except Exception:
        return Undefined
