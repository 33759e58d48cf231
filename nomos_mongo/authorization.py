"""The hook through which a domain says who may do what: one `Authorizer` per API.

A domain supplies its authorizer through the module that holds its permissions
(`NomosModule(authorizer=...)`, built with the system administrators' ids), or a caller
passes one to the API directly. What each operation needs comes from the declarations of
`nomos_mongo.access`: an intent's `access` and `scope`, an aggregate's `undo_access`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from .access import Access, highest

if TYPE_CHECKING:
    from .ledger import IntentLedgerEntry
    from .reading import Reading
    from .registry import TypeRegistry


@runtime_checkable
class Authorizer(Protocol):
    async def allows(self, app: Reading, user_id: str, workspace_id: str, need: Access) -> bool:
        """May `user_id` act with `need` in `workspace_id`, as the stored state says now."""
        ...


def undo_access(registry: TypeRegistry, entry: IntentLedgerEntry | None) -> Access:
    """What undoing or redoing `entry` needs: what it needed, and what its aggregates declare.

    An aggregate declares `undo_access` above WRITE when reverting a change to it is itself
    a privileged act that its domain rules would not check on an undo (reverting a role
    grant is granting).
    """
    if entry is None:
        return Access.WRITE
    aggregates = registry.aggregates
    declared = [aggregates[ref.type].undo_access for ref in entry.touched if ref.type in aggregates]
    return highest([Access.WRITE, type(entry.intent).access, *declared])


class AllowAll:
    """Every authenticated user may do everything: for tests and single-user tools."""

    access_aggregates: frozenset[str] = frozenset()  # no commit changes who may read

    async def allows(self, app: Reading, user_id: str, workspace_id: str, need: Access) -> bool:
        return True


class RoleTable:
    """Fixed levels: (workspace, user) -> the highest level granted there."""

    access_aggregates: frozenset[str] = frozenset()  # fixed: no commit changes who may read

    def __init__(self, roles: Mapping[tuple[str, str], Access]) -> None:
        self.roles = dict(roles)

    async def allows(self, app: Reading, user_id: str, workspace_id: str, need: Access) -> bool:
        if need is Access.AUTHENTICATED:
            return True
        held = self.roles.get((workspace_id, user_id))
        return held is not None and held.rank >= need.rank
