"""What every CO2 intent declares beyond the engine: who may dispatch it, and where.

`access` is the estate role the actor needs in the intent's workspace (an estate is a
workspace). `scope` says whether the intent lives in an estate's workspace or in the one
system workspace that holds what belongs to no estate (users, organizations, licences,
catalogues, taxonomies, funding programs).
"""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar

from nomos_mongo import Intent

SYSTEM_WORKSPACE = "system"


class Access(StrEnum):
    AUTHENTICATED = "authenticated"  # any signed-in user; the domain checks the rest
    READ = "read"
    WRITE = "write"
    ADMIN = "admin"
    OWNER = "owner"


class Scope(StrEnum):
    ESTATE = "estate"
    SYSTEM = "system"


class Co2Intent(Intent):
    """Base of every CO2 intent."""

    access: ClassVar[Access] = Access.WRITE
    scope: ClassVar[Scope] = Scope.ESTATE
