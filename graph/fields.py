"""Making Strawberry types and resolver fields at run time, from names and annotations."""

from __future__ import annotations

import inspect
import types
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any

import strawberry
from strawberry.types import Info
from strawberry.types.field import StrawberryField

EMPTY = inspect.Parameter.empty


@dataclass(frozen=True)
class Attribute:
    """One field of a type being made: python name, GraphQL name, annotation."""

    python_name: str
    graphql_name: str
    annotation: Any
    description: str | None = None
    default: Any = EMPTY


def make_type(
    name: str,
    attributes: Sequence[Attribute],
    *,
    bases: tuple[type, ...] = (),
    is_input: bool = False,
    is_interface: bool = False,
    one_of: bool = False,
    description: str | None = None,
) -> type:
    namespace: dict[str, Any] = {}
    annotations: dict[str, Any] = {}
    for attribute in attributes:
        options: dict[str, Any] = {"name": attribute.graphql_name, "description": attribute.description}
        if attribute.default is not EMPTY:
            options["default"] = attribute.default
        namespace[attribute.python_name] = strawberry.field(**options)
        annotations[attribute.python_name] = attribute.annotation
    namespace["__annotations__"] = annotations
    cls = types.new_class(name, bases, {}, lambda ns: ns.update(namespace))
    if is_input:
        return strawberry.input(cls, name=name, description=description, one_of=one_of or None)
    if is_interface:
        return strawberry.interface(cls, name=name, description=description)
    return strawberry.type(cls, name=name, description=description)


@dataclass(frozen=True)
class Argument:
    python_name: str  # Strawberry camelCases it for GraphQL
    annotation: Any
    default: Any = EMPTY
    description: str | None = None


def resolver_field(
    name: str,
    resolve: Callable[..., Any],
    arguments: Sequence[Argument],
    returns: Any,
    *,
    description: str | None = None,
    subscription: bool = False,
) -> StrawberryField:
    """A field whose resolver takes `info` and the arguments as keywords.

    The signature is set explicitly because the arguments are only known at run time.
    """
    parameters = [inspect.Parameter("info", inspect.Parameter.KEYWORD_ONLY, annotation=Info)]
    for argument in arguments:
        annotation = argument.annotation
        if argument.description:
            annotation = Annotated[annotation, strawberry.argument(description=argument.description)]
        parameters.append(
            inspect.Parameter(
                argument.python_name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation, default=argument.default
            )
        )
    resolve.__signature__ = inspect.Signature(parameters, return_annotation=returns)  # type: ignore[attr-defined]
    resolve.__annotations__ = {p.name: p.annotation for p in parameters} | {"return": returns}
    resolve.__name__ = name
    make = strawberry.subscription if subscription else strawberry.field
    return make(resolver=resolve, name=name, description=description)  # type: ignore[no-any-return]


def docstring(cls: type) -> str | None:
    doc = cls.__dict__.get("__doc__")
    return inspect.cleandoc(doc) if isinstance(doc, str) and doc.strip() else None
