"""What an intent or aggregate declares about who may touch it, and where it lives.

The engine does not decide who holds which level: a domain's `Authorizer`
(`nomos_mongo.authorization`) does. These are the typed declarations it decides on.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

#: the one workspace for what belongs to no tenant workspace (users, shared reference data)
SYSTEM_WORKSPACE = "system"


class Access(StrEnum):
    """A level of access in one workspace, lowest first."""

    AUTHENTICATED = "authenticated"  # any signed-in user; the domain's own rules check the rest
    READ = "read"
    WRITE = "write"
    ADMIN = "admin"
    OWNER = "owner"

    @property
    def rank(self) -> int:
        return _RANKS[self]


_RANKS = {level: rank for rank, level in enumerate(Access)}


class Scope(StrEnum):
    """Where an intent is dispatched: the workspace the caller names, or the system workspace."""

    WORKSPACE = "workspace"
    SYSTEM = "system"


def highest(levels: Iterable[Access]) -> Access:
    """The highest of `levels`, WRITE when there are none (every change needs at least that)."""
    return max(levels, key=lambda level: level.rank, default=Access.WRITE)
