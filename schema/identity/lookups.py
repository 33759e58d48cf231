"""Reading roles for authorization, as schema/access.py's `estate_role` does for estates."""

from __future__ import annotations

from typing import TYPE_CHECKING

from nomos_mongo.context import MAIN_TIMELINE, utc_now
from schema.access import estate_role
from schema.contracts import ResourceType, Role, UserId

from .aggregates import ResourcePermissionsAggregate
from .values import permission_key

if TYPE_CHECKING:
    from nomos_mongo import NomosApp


async def resource_role(
    app: NomosApp, estate_id: str, resource_type: ResourceType, resource_id: str, user_id: str
) -> Role | None:
    """The role a user holds now on an estate, or on one of its sites, layers or features
    (None: no role of its own there; an estate admin or owner may still act on it)."""
    if resource_type is ResourceType.estate:
        return await estate_role(app, resource_id, user_id)
    permissions = await app.read_latest(
        ResourcePermissionsAggregate,
        estate_id,
        MAIN_TIMELINE,
        permission_key(resource_type, resource_id),
        include_optimistic=False,
    )
    return permissions.role_of(UserId(user_id), utc_now()) if permissions is not None else None
