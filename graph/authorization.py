"""What the API checks before it reads or writes, from the engine's typed declarations.

Who holds which level is the domain's answer: its `Authorizer` (nomos_mongo.authorization),
supplied by the module holding its permissions or passed to `create_app`. This module
knows no domain: it reads an intent's `access` and `scope` and asks the authorizer.
"""

from __future__ import annotations

import logging

from nomos_mongo import Intent, IntentLedgerEntry, NomosApp, TypeRegistry
from nomos_mongo.access import SYSTEM_WORKSPACE, Access, Scope, highest
from nomos_mongo.authorization import AllowAll, Authorizer, RoleTable, undo_access

__all__ = [
    "SYSTEM_WORKSPACE",
    "AllowAll",
    "Authorizer",
    "Need",
    "RoleTable",
    "default_authorizer",
    "highest",
    "is_system_scoped",
    "need_of",
    "undo_need",
]

log = logging.getLogger("nomos.graph")

#: what an operation needs: a level of access in its workspace
Need = Access


def need_of(intent_type: type[Intent]) -> Access:
    return intent_type.access


def is_system_scoped(intent_type: type[Intent]) -> bool:
    return intent_type.scope is Scope.SYSTEM


def undo_need(registry: TypeRegistry, entry: IntentLedgerEntry | None) -> Access:
    return undo_access(registry, entry)


def default_authorizer(app: NomosApp, system_admins: frozenset[str] = frozenset()) -> Authorizer:
    """The authorizer of the registered module that declares one; every user may do all without."""
    declaring = [module for module in app.registry.modules if module.authorizer is not None]
    if len(declaring) > 1:
        names = ", ".join(module.name for module in declaring)
        raise ValueError(f"several modules declare an authorizer ({names}); pass one to create_app")
    if declaring and declaring[0].authorizer is not None:
        built = declaring[0].authorizer(system_admins)
        if not isinstance(built, Authorizer):
            raise TypeError(f"module {declaring[0].name}'s authorizer has no `allows` method")
        return built
    log.warning(
        "no registered module declares an authorizer: every signed-in user may read and write "
        "every workspace. Register the domain's permissions module or pass an Authorizer."
    )
    return AllowAll()
