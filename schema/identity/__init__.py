"""Identity and permissions: users, organizations, and who holds which role on an estate and
on what it contains. These aggregates, with schema/access.py's EstateAccessAggregate, are
what the API authorizes from.

Users and organizations live in the system workspace; permission intents live in the
workspace of the estate they are about.
"""

from __future__ import annotations

from nomos_mongo import NomosModule

from .aggregates import OrganizationAggregate, ResourcePermissionsAggregate, UserAggregate
from .directives import (
    AddOrganizationMemberDirective,
    AddOrganizationMemberPayload,
    CreateOrganizationDirective,
    CreateOrganizationPayload,
    CreateUserDirective,
    CreateUserPayload,
    JoinOrganizationDirective,
    JoinOrganizationPayload,
    RequireUserDirective,
    RequireUserPayload,
)
from .events import (
    OrganizationCreatedEvent,
    OrganizationMemberAddedEvent,
    ResourcePermissionGrantedEvent,
    ResourcePermissionRevokedEvent,
    UserCreatedEvent,
    UserJoinedOrganizationEvent,
)
from .intents import AddUserToOrganizationIntent, CreateOrganizationIntent, CreateUserIntent
from .lookups import resource_role
from .permission_directives import (
    ChangeExistingEstateRoleDirective,
    ChangeResourceRoleDirective,
    ResourceRolePayload,
    RoleChange,
)
from .permission_intents import (
    PERMISSION_INTENTS,
    GrantEstateAccessIntent,
    GrantPermissionToUserIntent,
    GrantSiteAccessIntent,
    RevokeEstateAccessIntent,
    RevokePermissionFromUserIntent,
    RevokeSiteAccessIntent,
    UpdateUserPermissionRoleIntent,
)
from .policy import NAME_RESOLVERS, ROUTES, organization_name, user_name
from .values import OrganizationMember, OrganizationRole, ResourceGrant, permission_key

INTENTS = (CreateUserIntent, CreateOrganizationIntent, AddUserToOrganizationIntent, *PERMISSION_INTENTS)

MODULE = NomosModule(
    name="co2.identity",
    intents=INTENTS,
    directives=(
        CreateUserDirective,
        CreateOrganizationDirective,
        AddOrganizationMemberDirective,
        JoinOrganizationDirective,
        RequireUserDirective,
        ChangeResourceRoleDirective,
        ChangeExistingEstateRoleDirective,
    ),
    events=(
        UserCreatedEvent,
        UserJoinedOrganizationEvent,
        OrganizationCreatedEvent,
        OrganizationMemberAddedEvent,
        ResourcePermissionGrantedEvent,
        ResourcePermissionRevokedEvent,
    ),
    aggregates=(UserAggregate, OrganizationAggregate, ResourcePermissionsAggregate),
    payloads=(
        CreateUserPayload,
        CreateOrganizationPayload,
        AddOrganizationMemberPayload,
        JoinOrganizationPayload,
        RequireUserPayload,
        ResourceRolePayload,
    ),
    routes=ROUTES,
    name_resolvers=NAME_RESOLVERS,
)

__all__ = [
    "INTENTS",
    "MODULE",
    "AddUserToOrganizationIntent",
    "CreateOrganizationIntent",
    "CreateUserIntent",
    "GrantEstateAccessIntent",
    "GrantPermissionToUserIntent",
    "GrantSiteAccessIntent",
    "OrganizationAggregate",
    "OrganizationMember",
    "OrganizationRole",
    "ResourceGrant",
    "ResourcePermissionsAggregate",
    "RevokeEstateAccessIntent",
    "RevokePermissionFromUserIntent",
    "RevokeSiteAccessIntent",
    "RoleChange",
    "UpdateUserPermissionRoleIntent",
    "UserAggregate",
    "organization_name",
    "permission_key",
    "resource_role",
    "user_name",
]
