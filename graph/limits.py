"""Depth and alias limits for an operation, through fragment spreads.

Each fragment is measured once and its result reused wherever it is spread, so a document
of fragments spreading fragments costs time in proportion to its size, however many times
its fragments multiply (a walk per spread, as simpler limiters do, is exponential there).
Depth counts nesting as graphql-depth-limit does (`{ a { b } }` is 1 deep). Introspection
fields are not counted: their depth is bounded by the schema.
"""

from __future__ import annotations

from dataclasses import dataclass

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
)


@dataclass(frozen=True, slots=True)
class Size:
    depth: int = 0
    aliases: int = 0


class _Measure:
    def __init__(self, fragments: dict[str, FragmentDefinitionNode]) -> None:
        self.fragments = fragments
        self.done: dict[str, Size] = {}

    def selections(self, node: SelectionSetNode | None, visiting: frozenset[str]) -> Size:
        depth = aliases = 0
        for selection in node.selections if node is not None else ():
            if isinstance(selection, FieldNode):
                if selection.name.value.startswith("__"):
                    continue
                inner = self.selections(selection.selection_set, visiting)
                depth = max(depth, 1 + inner.depth if selection.selection_set else 0)
                aliases += inner.aliases + (1 if selection.alias else 0)
            elif isinstance(selection, InlineFragmentNode):
                inner = self.selections(selection.selection_set, visiting)
                depth, aliases = max(depth, inner.depth), aliases + inner.aliases
            elif isinstance(selection, FragmentSpreadNode):
                inner = self.fragment(selection.name.value, visiting)
                depth, aliases = max(depth, inner.depth), aliases + inner.aliases
        return Size(depth, aliases)

    def fragment(self, name: str, visiting: frozenset[str]) -> Size:
        if name in self.done:
            return self.done[name]
        definition = self.fragments.get(name)
        if definition is None or name in visiting:
            return Size()  # unknown fragments and cycles are reported by the standard rules
        size = self.selections(definition.selection_set, visiting | {name})
        self.done[name] = size
        return size


def operation_limits(max_depth: int, max_aliases: int) -> type[ValidationRule]:
    class OperationLimits(ValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            definitions = context.document.definitions
            measure = _Measure({d.name.value: d for d in definitions if isinstance(d, FragmentDefinitionNode)})
            aliases = 0
            for definition in definitions:
                if not isinstance(definition, OperationDefinitionNode):
                    continue
                size = measure.selections(definition.selection_set, frozenset())
                aliases += size.aliases
                if size.depth > max_depth:
                    name = definition.name.value if definition.name else "the operation"
                    context.report_error(
                        GraphQLError(f"{name} is {size.depth} levels deep; at most {max_depth} are allowed", definition)
                    )
            if aliases > max_aliases:
                context.report_error(GraphQLError(f"{aliases} aliases used; at most {max_aliases} are allowed"))

    return OperationLimits
