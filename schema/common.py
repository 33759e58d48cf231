"""What every CO2 intent declares beyond the engine: who may dispatch it, and where.

`access` is the estate role the actor needs in the intent's workspace (an estate is a
workspace). `scope` says whether the intent lives in an estate's workspace
(`Scope.WORKSPACE`) or in the one system workspace that holds what belongs to no estate
(users, organizations, licences, catalogues, taxonomies, funding programs). Both are the
engine's declarations (`nomos_mongo.access`); the estate roles decide them (schema.access).
"""

from __future__ import annotations

from nomos_mongo import Intent
from nomos_mongo.access import SYSTEM_WORKSPACE, Access, Scope

__all__ = ["SYSTEM_WORKSPACE", "Access", "Co2Intent", "Scope"]


class Co2Intent(Intent):
    """Base of every CO2 intent: estate-scoped, needing `write` unless it declares otherwise."""
