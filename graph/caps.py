"""List caps checked on the request as sent, before graphql-core coerces a single item.

Each list field of a domain input declares its cap (`Field(max_length=...)`, read by
graph.shapes into `InputTypes.list_caps`). A 10 MiB body can hold a million ids; coercing
them all, then converting and validating them, only to refuse the list for its length, is
work a client should not be able to ask for. This walk follows the operation's arguments
and the variables they use along the input types, so it is as deep as the schema's inputs
(never as deep as the JSON), and it looks inside a list only once the list's length passed.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLSchema,
    InlineFragmentNode,
    ListValueNode,
    ObjectValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValueNode,
    VariableNode,
    get_named_type,
    get_nullable_type,
    get_operation_ast,
)
from strawberry.extensions import SchemaExtension

Caps = Mapping[str, Mapping[str, int]]
Path = tuple[str, ...]


def too_long(path: Path, count: int, limit: int) -> GraphQLError:
    field = ".".join(path)
    return GraphQLError(
        f"{field}: at most {limit} items, got {count}; split the work over several requests",
        extensions={"code": "BAD_USER_INPUT", "field": field, "maxItems": limit},
    )


class _Walk:
    def __init__(self, caps: Caps, variables: Mapping[str, Any]) -> None:
        self.caps = caps
        self.variables = variables

    def node(self, node: ValueNode, type_: GraphQLInputType, cap: int | None, path: Path) -> None:
        if isinstance(node, VariableNode):
            self.raw(self.variables.get(node.name.value), type_, cap, path)
            return
        nullable = get_nullable_type(type_)  # type: ignore[type-var]
        if isinstance(nullable, GraphQLList):
            items = node.values if isinstance(node, ListValueNode) else (node,)
            if cap is not None and len(items) > cap:
                raise too_long(path, len(items), cap)
            if isinstance(get_named_type(nullable), GraphQLInputObjectType):
                for i, item in enumerate(items):
                    self.node(item, nullable.of_type, None, (*path, str(i)))
        elif isinstance(nullable, GraphQLInputObjectType) and isinstance(node, ObjectValueNode):
            caps = self.caps.get(nullable.name, {})
            for field in node.fields:
                definition = nullable.fields.get(field.name.value)
                if definition is not None:
                    name = field.name.value
                    self.node(field.value, definition.type, caps.get(name), (*path, name))

    def raw(self, value: Any, type_: GraphQLInputType, cap: int | None, path: Path) -> None:
        nullable = get_nullable_type(type_)  # type: ignore[type-var]
        if isinstance(nullable, GraphQLList):
            items = value if isinstance(value, list) else (value,)
            if cap is not None and len(items) > cap:
                raise too_long(path, len(items), cap)
            if isinstance(get_named_type(nullable), GraphQLInputObjectType):
                for i, item in enumerate(items):
                    self.raw(item, nullable.of_type, None, (*path, str(i)))
        elif isinstance(nullable, GraphQLInputObjectType) and isinstance(value, dict):
            caps = self.caps.get(nullable.name, {})
            for name, definition in nullable.fields.items():
                if name in value:
                    self.raw(value[name], definition.type, caps.get(name), (*path, name))


Fragments = Mapping[str, FragmentDefinitionNode]


def _root_fields(selections: SelectionSetNode, fragments: Fragments, seen: set[str]) -> Iterator[FieldNode]:
    for selection in selections.selections:
        if isinstance(selection, FieldNode):
            yield selection
        elif isinstance(selection, InlineFragmentNode):
            yield from _root_fields(selection.selection_set, fragments, seen)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            if name not in seen and name in fragments:
                seen.add(name)
                yield from _root_fields(fragments[name].selection_set, fragments, seen)


def check_list_caps(
    schema: GraphQLSchema, operation: OperationDefinitionNode, fragments: Fragments, variables: Any, caps: Caps
) -> None:
    root = schema.get_root_type(operation.operation)
    if root is None:
        return
    walk = _Walk(caps, variables if isinstance(variables, dict) else {})
    for field in _root_fields(operation.selection_set, fragments, set()):
        definition = root.fields.get(field.name.value)
        if definition is None:
            continue
        for argument in field.arguments or ():
            declared = definition.args.get(argument.name.value)
            if declared is not None:
                walk.node(argument.value, declared.type, None, (argument.name.value,))


class InputListCaps(SchemaExtension):
    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        caps = getattr(getattr(context.schema, "catalog", None), "inputs", None)
        if document is not None and caps is not None:
            operation = get_operation_ast(document, context.operation_name)
            if operation is not None:
                fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
                check_list_caps(context.schema._schema, operation, fragments, context.variables, caps.list_caps)
        yield
