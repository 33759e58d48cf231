"""GraphQL enums made from the domain's enums, with UPPER_CASE values as GraphQL spells them.

The domain class is left untouched: a copy carries the GraphQL definition, and values
cross between the two by their wire value.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from typing import Any, cast

import strawberry

from .naming import TypeNames, enum_member_name
from .shapes import SchemaBuildError


def graphql_enum(name: str, members: Mapping[str, Any], description: str | None = None) -> type[Enum]:
    made = cast(type[Enum], Enum(name, dict(members)))  # type: ignore[misc]
    return strawberry.enum(made, name=name, description=description)


class EnumTypes:
    def __init__(self, names: TypeNames) -> None:
        self._names = names
        self._copies: dict[type[Enum], type[Enum]] = {}

    def graphql_type(self, domain: type[Enum]) -> type[Enum]:
        copy = self._copies.get(domain)
        if copy is None:
            members: dict[str, Any] = {}
            for member in domain:
                name = enum_member_name(member.name)
                if name in members:
                    raise SchemaBuildError(f"{domain.__name__}: two members become GraphQL value {name}")
                members[name] = member.value
            copy = graphql_enum(self._names.claim(domain.__name__, domain), members)
            self._copies[domain] = copy
        return copy

    def to_graphql(self, value: Enum, domain: type[Enum]) -> Enum:
        return self.graphql_type(domain)(getattr(value, "value", value))

    @staticmethod
    def to_domain(value: Enum, domain: type[Enum]) -> Enum:
        return domain(value.value)
