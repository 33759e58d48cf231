"""Identity and permissions: users, organizations, and who holds which role on an estate and
on what it contains. These aggregates, with schema/access.py's EstateAccessAggregate, are
what the API authorizes from.

Users and organizations live in the system workspace; permission intents live in the
workspace of the estate they are about.
"""

from __future__ import annotations

# importing a module declares its classes in GROUP
from . import (  # noqa: F401
    aggregates,
    directives,
    events,
    intents,
    lookups,
    permission_directives,
    permission_intents,
    policy,
    values,
)
from .group import GROUP
from .lookups import resource_role
from .permission_directives import RoleChange
from .policy import organization_name, user_name
from .values import OrganizationMember, OrganizationRole, ResourceGrant, permission_key

MODULE = GROUP.module()

# the group's classes by name: `from schema.identity import AddOrganizationMemberDirective`
__getattr__ = GROUP.member

__all__ = [
    "GROUP",
    "MODULE",
    "OrganizationMember",
    "OrganizationRole",
    "ResourceGrant",
    "RoleChange",
    "organization_name",
    "permission_key",
    "resource_role",
    "user_name",
]
