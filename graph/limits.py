"""Depth, alias and cost limits for an operation, through fragment spreads.

Each fragment is measured once per context and its result reused wherever it is spread, so a
document of fragments spreading fragments costs time in proportion to its size, however many
times its fragments multiply (a walk per spread, as simpler limiters do, is exponential there).

- Depth counts nesting as graphql-depth-limit does (`{ a { b } }` is 1 deep); introspection
  fields do not deepen an operation (their depth is bounded by the schema).
- Aliases are counted on every field, `__typename` and `__schema` included.
- Cost estimates how many fields execution resolves: every selection costs 1, and a list
  multiplies what is selected under it by its page size: its `first` / `last` / `limit`
  argument (a variable counts as the largest page allowed, an omitted one as its default), or
  the page size of the connection it belongs to. A list without a page size (an entry's events,
  an asset's custom fields) is bounded by what the domain lets one write, not by the reader,
  so it counts as `unpaged_list_size` items: the largest page would make every nested list
  cost 500 x 500 and refuse ordinary queries; the response-size cap bounds the rest.
- Introspection (`__schema`, `__type`) has a budget of its own: what the fullest standard
  introspection query costs on this schema, its lists multiplied by the schema's average sizes.
  One document may read the schema once, not once per alias.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLEnumType,
    GraphQLError,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
    get_introspection_query,
    get_named_type,
    get_nullable_type,
    is_list_type,
    parse,
)
from graphql.type.introspection import SchemaMetaFieldDef, TypeMetaFieldDef

PAGE_ARGUMENTS = ("first", "last", "limit")
QUERY_TOO_COSTLY = "QUERY_TOO_COSTLY"


@dataclass(frozen=True, slots=True)
class Size:
    depth: int = 0
    aliases: int = 0
    cost: float = 0
    introspection: float = 0  # fractional: introspection lists multiply by the schema's averages

    def __add__(self, other: Size) -> Size:
        return Size(
            max(self.depth, other.depth),
            self.aliases + other.aliases,
            self.cost + other.cost,
            self.introspection + other.introspection,
        )


def introspection_sizes(schema: GraphQLSchema) -> dict[str, float]:
    """How long each introspection list is on average in this schema."""
    types = list(schema.type_map.values())
    fields = [f for t in types if isinstance(t, GraphQLObjectType | GraphQLInterfaceType) for f in t.fields.values()]
    arguments = [len(f.args) for f in fields] + [len(d.args) for d in schema.directives]

    def mean(counts: Iterable[int], over: int) -> float:
        return sum(counts) / max(over, 1)

    objects = [t for t in types if isinstance(t, GraphQLObjectType | GraphQLInterfaceType)]
    return {
        "types": len(types),
        "fields": mean((len(t.fields) for t in objects), len(types)),
        "inputFields": mean((len(t.fields) for t in types if isinstance(t, GraphQLInputObjectType)), len(types)),
        "enumValues": mean((len(t.values) for t in types if isinstance(t, GraphQLEnumType)), len(types)),
        "interfaces": mean((len(t.interfaces) for t in objects), len(types)),
        "possibleTypes": mean((len(t.types) for t in types if isinstance(t, GraphQLUnionType)), len(types)),
        "args": mean(arguments, len(arguments)),
        "directives": len(schema.directives),
        "locations": mean((len(d.locations) for d in schema.directives), len(schema.directives)),
    }


class _Measure:
    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: dict[str, FragmentDefinitionNode],
        max_page_size: int,
        meta_sizes: dict[str, float],
        unpaged_list_size: int = 1,
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.max_page_size = max_page_size
        self.unpaged_list_size = unpaged_list_size
        self.meta_sizes = meta_sizes
        self.done: dict[tuple[str, int | None], Size] = {}

    def selections(
        self, node: SelectionSetNode | None, parent: GraphQLNamedType | None, page: int | None, visiting: frozenset[str]
    ) -> Size:
        size = Size()
        for selection in node.selections if node is not None else ():
            if isinstance(selection, FieldNode):
                size += self.field(selection, parent, page, visiting)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner = self.schema.get_type(condition.name.value) if condition is not None else parent
                size += self.selections(selection.selection_set, inner, page, visiting)
            elif isinstance(selection, FragmentSpreadNode):
                size += self.fragment(selection.name.value, page, visiting)
        return size

    def field(
        self, node: FieldNode, parent: GraphQLNamedType | None, page: int | None, visiting: frozenset[str]
    ) -> Size:
        aliases = 1 if node.alias else 0
        definition = self._definition(parent, node.name.value)
        if definition is None:  # __typename, or a field the standard rules report
            return Size(0, aliases, 1)
        named = get_named_type(definition.type)
        own_page = self._page_argument(node, definition)
        if is_list_type(get_nullable_type(definition.type)):  # type: ignore[arg-type]
            multiplier, inner_page = self._list_size(node, parent, own_page, page), None
        else:
            multiplier, inner_page = 1, own_page  # a connection hands its page size to its lists
        inner = self.selections(node.selection_set, named, inner_page, visiting)
        if node.name.value in ("__schema", "__type"):  # bounded by the schema: a budget of its own
            return Size(0, aliases + inner.aliases, 0, 1 + inner.cost + inner.introspection)
        depth = 0 if node.selection_set is None else 1 + inner.depth
        return Size(depth, aliases + inner.aliases, 1 + multiplier * inner.cost, multiplier * inner.introspection)

    def fragment(self, name: str, page: int | None, visiting: frozenset[str]) -> Size:
        key = (name, page)
        if key in self.done:
            return self.done[key]
        definition = self.fragments.get(name)
        if definition is None or name in visiting:
            return Size()  # unknown fragments and cycles are reported by the standard rules
        parent = self.schema.get_type(definition.type_condition.name.value)
        size = self.selections(definition.selection_set, parent, page, visiting | {name})
        self.done[key] = size
        return size

    def _definition(self, parent: GraphQLNamedType | None, name: str) -> GraphQLField | None:
        if name == "__schema":
            return SchemaMetaFieldDef
        if name == "__type":
            return TypeMetaFieldDef
        if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
            return parent.fields.get(name)
        return None

    def _page_argument(self, node: FieldNode, definition: GraphQLField) -> int | None:
        for argument in node.arguments or ():
            if argument.name.value in PAGE_ARGUMENTS:
                value = argument.value
                given = int(value.value) if isinstance(value, IntValueNode) else self.max_page_size
                return max(0, min(given, self.max_page_size))
        for name in PAGE_ARGUMENTS:
            declared = definition.args.get(name)
            if declared is not None and isinstance(declared.default_value, int):
                return min(declared.default_value, self.max_page_size)
        # none given nor declared: the field's default page (a connection's is NOMOS_UNPAGED_LIST_SIZE)
        return None

    def _list_size(self, node: FieldNode, parent: GraphQLNamedType | None, own: int | None, page: int | None) -> float:
        if parent is not None and parent.name.startswith("__"):
            return self.meta_sizes.get(node.name.value, 1)
        if own is not None:
            return own
        return page if page is not None else self.unpaged_list_size


def full_introspection_cost(schema: GraphQLSchema, meta_sizes: dict[str, float]) -> float:
    """What the fullest standard introspection query costs: the introspection budget of one document."""
    document = parse(
        get_introspection_query(
            descriptions=True,
            specified_by_url=True,
            directive_is_repeatable=True,
            schema_description=True,
            input_value_deprecation=True,
        )
    )
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    measure = _Measure(schema, fragments, 1, meta_sizes)
    operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
    return measure.selections(operation.selection_set, schema.query_type, None, frozenset()).introspection


def operation_limits(
    max_depth: int, max_aliases: int, max_cost: int, max_page_size: int, unpaged_list_size: int
) -> type[ValidationRule]:
    measured: dict[int, tuple[dict[str, float], float]] = {}  # per schema (there is one), once

    def facts(schema: GraphQLSchema) -> tuple[dict[str, float], float]:
        found = measured.get(id(schema))
        if found is None:
            sizes = introspection_sizes(schema)
            found = measured[id(schema)] = (sizes, full_introspection_cost(schema, sizes))
        return found

    def too_costly(name: str, what: str, cost: int, limit: int, node: OperationDefinitionNode) -> GraphQLError:
        return GraphQLError(
            f"{name} may resolve {cost} {what}; at most {limit} are allowed. Ask for smaller pages "
            "(first/last/limit), fewer fields or fewer aliases",
            node,
            extensions={"code": QUERY_TOO_COSTLY, "cost": cost, "maxCost": limit},
        )

    class OperationLimits(ValidationRule):
        """Depth and alias errors first: the cost of a document beyond them says nothing new."""

        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            definitions = context.document.definitions
            fragments = {d.name.value: d for d in definitions if isinstance(d, FragmentDefinitionNode)}
            meta_sizes, introspection_budget = facts(context.schema)
            measure = _Measure(context.schema, fragments, max_page_size, meta_sizes, unpaged_list_size)
            aliases = 0
            shape_errors: list[GraphQLError] = []
            cost_errors: list[GraphQLError] = []
            for definition in definitions:
                if not isinstance(definition, OperationDefinitionNode):
                    continue
                root = context.schema.get_root_type(definition.operation)
                size = measure.selections(definition.selection_set, root, None, frozenset())
                aliases += size.aliases
                name = definition.name.value if definition.name else "the operation"
                if size.depth > max_depth:
                    message = f"{name} is {size.depth} levels deep; at most {max_depth} are allowed"
                    shape_errors.append(GraphQLError(message, definition))
                if size.cost > max_cost:
                    cost_errors.append(too_costly(name, "fields", math.ceil(size.cost), max_cost, definition))
                if size.introspection > introspection_budget:
                    used, budget = math.ceil(size.introspection), math.ceil(introspection_budget)
                    cost_errors.append(too_costly(name, "introspection fields", used, budget, definition))
            if aliases > max_aliases:
                shape_errors.append(GraphQLError(f"{aliases} aliases used; at most {max_aliases} are allowed"))
            for error in shape_errors or cost_errors:
                context.report_error(error)

    return OperationLimits
