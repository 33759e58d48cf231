"""Human-readable audit sentences: `Intent.describe` returns a template with variables.

Names are resolved after `describe` returns: a variable may be a `NameRef`, which the app
resolves through its name resolvers (a user's display name, an estate's name) and replaces
by its fallback when nothing is found.
"""

from __future__ import annotations

import functools
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .frozen import quick_init


@quick_init
@dataclass(frozen=True, slots=True)
class NameRef:
    kind: str
    id: str
    fallback: str

    def __str__(self) -> str:
        return self.fallback


@quick_init
@dataclass(frozen=True, slots=True)
class IntentDescription:
    template: str
    variables: Mapping[str, Any] = field(default_factory=dict)

    def name_refs(self) -> list[NameRef]:
        return [value for value in self.variables.values() if isinstance(value, NameRef)]

    def render(self, names: Mapping[tuple[str, str], str] | None = None) -> str:
        names = names or {}
        values: dict[str, str] = {}
        for key, value in self.variables.items():
            if isinstance(value, NameRef):
                values[key] = names.get((value.kind, value.id)) or value.fallback
            else:
                values[key] = "" if value is None else str(value)
        return _render(self.template, values)


@functools.lru_cache(maxsize=1024)
def _parse(template: str) -> tuple[tuple[str, str | None], ...]:
    return tuple((literal, name) for literal, name, _spec, _conv in string.Formatter().parse(template))


def _render(template: str, values: Mapping[str, str]) -> str:
    out: list[str] = []
    for literal, name in _parse(template):
        out.append(literal)
        if name is not None:
            out.append(values.get(name, "{" + name + "}"))
    return "".join(out)


@quick_init
@dataclass(frozen=True, slots=True)
class DescribeContext:
    actor_id: str
    workspace_id: str
    timeline_id: str
    actor_display_name: str | None = None  # from the actor's token; a user record's name wins

    def actor_name(self, fallback: str | None = None) -> NameRef:
        return self.user_name(self.actor_id, fallback)

    def user_name(self, user_id: str, fallback: str | None = None) -> NameRef:
        if fallback and fallback != user_id:
            return NameRef("user", user_id, fallback)
        known = self.actor_display_name if user_id == self.actor_id else None
        return NameRef("user", user_id, known or user_id)

    def resource_name(self, resource_type: str, resource_id: str, fallback: str | None = None) -> NameRef:
        return NameRef(resource_type, resource_id, fallback or resource_id)
