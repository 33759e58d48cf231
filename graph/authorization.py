"""Who may do what in a workspace. An estate is a workspace; its roles decide.

`Authorizer.allows` answers one question: may this user act in this workspace with this
need. The CO2 implementation reads the event-sourced estate roles (schema.access); tests
and other domains plug in their own.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from enum import StrEnum
from typing import Protocol

from nomos_mongo import Intent, IntentLedgerEntry, NomosApp

log = logging.getLogger("nomos.graph")
SYSTEM_WORKSPACE = "system"


class Need(StrEnum):
    """What an operation needs, lowest first; the names match schema.common.Access."""

    AUTHENTICATED = "authenticated"
    READ = "read"
    WRITE = "write"
    ADMIN = "admin"
    OWNER = "owner"

    @property
    def rank(self) -> int:
        return list(Need).index(self)


def need_of(intent_type: type[Intent]) -> Need:
    """The `access` ClassVar of a CO2 intent; WRITE for intents that declare none."""
    access = getattr(intent_type, "access", None)
    if access is None:
        return Need.WRITE
    return Need(str(getattr(access, "value", access)).lower())


def is_system_scoped(intent_type: type[Intent]) -> bool:
    scope = getattr(intent_type, "scope", None)
    return scope is not None and str(getattr(scope, "value", scope)).lower() == SYSTEM_WORKSPACE


def highest(needs: list[Need]) -> Need:
    return max(needs, key=lambda n: n.rank, default=Need.WRITE)


class Authorizer(Protocol):
    async def allows(self, app: NomosApp, user_id: str, workspace_id: str, need: Need) -> bool: ...


def undo_need(authorizer: Authorizer, entry: IntentLedgerEntry | None) -> Need:
    """What undoing or redoing `entry` needs: what it needed, and more if the authorizer says so.

    An authorizer may define `undo_need(entry)`: the estate roles' one asks for the owner
    when the entry changed roles, because reverting a grant or a revoke is granting, and
    the role rules of the domain do not run on an undo.
    """
    if entry is None:
        return Need.WRITE
    needs = [Need.WRITE, need_of(type(entry.intent))]
    extra = getattr(authorizer, "undo_need", None)
    if extra is not None:
        needs.append(extra(entry))
    return highest(needs)


class AllowAll:
    """Every authenticated user may do everything: for tests and single-user tools."""

    async def allows(self, app: NomosApp, user_id: str, workspace_id: str, need: Need) -> bool:
        return True


class RoleTable:
    """Fixed roles: (workspace, user) -> the highest need granted there."""

    def __init__(self, roles: Mapping[tuple[str, str], Need]) -> None:
        self.roles = dict(roles)

    async def allows(self, app: NomosApp, user_id: str, workspace_id: str, need: Need) -> bool:
        if need is Need.AUTHENTICATED:
            return True
        held = self.roles.get((workspace_id, user_id))
        return held is not None and held.rank >= need.rank


class EstateAuthorizer:
    """Estate roles from schema.access; the system workspace is readable by every user.

    The system workspace holds what belongs to no estate (users, organizations, licences,
    catalogues, taxonomies, funding programs): shared reference data that every signed-in
    user needs to read. Writing there needs the role each intent declares; the system
    administrators named by NOMOS_SYSTEM_ADMINS hold every role there.
    """

    ROLE_AGGREGATES = frozenset({"EstateAccessAggregate", "ResourcePermissionsAggregate"})

    def __init__(self, system_admins: frozenset[str] = frozenset()) -> None:
        # who administers the system workspace (NOMOS_SYSTEM_ADMINS): it has no creator to own it
        self.system_admins = system_admins

    def undo_need(self, entry: IntentLedgerEntry) -> Need:
        return Need.OWNER if any(ref.type in self.ROLE_AGGREGATES for ref in entry.touched) else Need.WRITE

    async def allows(self, app: NomosApp, user_id: str, workspace_id: str, need: Need) -> bool:
        from schema.access import estate_role, satisfies
        from schema.common import Access

        if need is Need.AUTHENTICATED or (workspace_id == SYSTEM_WORKSPACE and need is Need.READ):
            return True
        if workspace_id == SYSTEM_WORKSPACE and user_id in self.system_admins:
            return True
        role = await estate_role(app, workspace_id, user_id)
        return satisfies(role, Access(need.value))


def default_authorizer(app: NomosApp, system_admins: frozenset[str] = frozenset()) -> Authorizer:
    if "EstateAccessAggregate" in app.registry.aggregates:
        return EstateAuthorizer(system_admins)
    log.warning(
        "no estate permissions module is registered: every signed-in user may read and write "
        "every workspace. Load schema.CO2_MODULES or pass an Authorizer."
    )
    return AllowAll()
