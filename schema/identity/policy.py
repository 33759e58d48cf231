"""Routes of the identity and permission intents, and the "user" and "organization" name resolvers."""

from __future__ import annotations

from datetime import datetime

from nomos_mongo import Directive, DirectiveContext, IntentRejected, SnapshotReader
from schema.access import ChangeEstateRoleDirective, EstateRolePayload
from schema.common import SYSTEM_WORKSPACE
from schema.contracts import (
    OrganizationId,
    PermissionReasonDescription,
    ResourceId,
    ResourceType,
    Role,
    UserId,
)
from schema.identity.group import GROUP

from .aggregates import OrganizationAggregate, UserAggregate
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
from .intents import AddUserToOrganizationIntent, CreateOrganizationIntent, CreateUserIntent
from .permission_directives import (
    ChangeExistingEstateRoleDirective,
    ChangeResourceRoleDirective,
    ResourceRolePayload,
    RoleChange,
)
from .permission_intents import (
    GrantEstateAccessIntent,
    GrantPermissionToUserIntent,
    GrantSiteAccessIntent,
    RevokeEstateAccessIntent,
    RevokePermissionFromUserIntent,
    RevokeSiteAccessIntent,
    UpdateUserPermissionRoleIntent,
)
from .values import OrganizationRole

Directives = list[Directive]  # type: ignore[type-arg]


# users and organizations -------------------------------------------------------------------
@GROUP.route(CreateUserIntent)
def create_user(intent: CreateUserIntent, ctx: DirectiveContext) -> Directives:
    payload = CreateUserPayload(
        user_id=intent.user_id,
        display_name=intent.display_name,
        email=intent.email,
        created_by=UserId(ctx.actor_id),
        created_at=ctx.now,
    )
    return [CreateUserDirective(payload=payload)]


@GROUP.route(CreateOrganizationIntent)
def create_organization(intent: CreateOrganizationIntent, ctx: DirectiveContext) -> Directives:
    organization_id = intent.organization_id or OrganizationId(ctx.derive_id("organization"))
    return [
        CreateOrganizationDirective(
            payload=CreateOrganizationPayload(
                organization_id=organization_id, name=intent.name, created_by=intent.created_by, created_at=ctx.now
            )
        ),
        JoinOrganizationDirective(
            payload=JoinOrganizationPayload(
                user_id=intent.created_by,
                organization_id=organization_id,
                role=OrganizationRole.admin,
                field="createdBy",
            )
        ),
    ]


@GROUP.route(AddUserToOrganizationIntent)
def add_user_to_organization(intent: AddUserToOrganizationIntent, ctx: DirectiveContext) -> Directives:
    return [
        AddOrganizationMemberDirective(
            payload=AddOrganizationMemberPayload(
                organization_id=intent.organization_id,
                user_id=intent.user_id,
                role=intent.role,
                added_by=intent.added_by,
                added_at=ctx.now,
            )
        ),
        JoinOrganizationDirective(
            payload=JoinOrganizationPayload(
                user_id=intent.user_id, organization_id=intent.organization_id, role=intent.role, field="userId"
            )
        ),
    ]


# permissions ---------------------------------------------------------------------------
def _check_expiry(expires_at: datetime | None, ctx: DirectiveContext) -> None:
    if expires_at is not None and expires_at <= ctx.now:
        raise IntentRejected(
            "permissions.expiry_in_past",
            f"expiresAt {expires_at.isoformat()} is not in the future; give a later time or none",
            field="expiresAt",
        )


def _estate_role_change(
    ctx: DirectiveContext,
    *,
    estate_id: str,
    field: str,
    user: UserId,
    role: Role | None,
    actor: UserId,
    expires_at: datetime | None = None,
    existing: bool = False,
) -> Directives:
    if estate_id != ctx.workspace_id:
        raise IntentRejected(
            "estate.workspace_mismatch",
            f"estate {estate_id} is not the estate of workspace {ctx.workspace_id}; "
            f"dispatch it in workspace {estate_id}",
            field=field,
        )
    _check_expiry(expires_at, ctx)
    directives: Directives = []
    if role is not None:
        directives.append(RequireUserDirective(payload=RequireUserPayload(user_id=user, field="targetUserId")))
    change = ChangeExistingEstateRoleDirective if existing else ChangeEstateRoleDirective
    payload = EstateRolePayload(
        estate_id=estate_id, user_id=user, role=role, actor_id=actor, expires_at=expires_at, now=ctx.now
    )
    directives.append(change(payload=payload))
    return directives


def _resource_role_change(
    ctx: DirectiveContext,
    *,
    resource_type: ResourceType,
    resource_id: ResourceId,
    field: str,
    user: UserId,
    change: RoleChange,
    role: Role | None,
    actor: UserId,
    reason: PermissionReasonDescription | None,
    expires_at: datetime | None = None,
) -> Directives:
    _check_expiry(expires_at, ctx)
    directives: Directives = []
    if role is not None:
        directives.append(RequireUserDirective(payload=RequireUserPayload(user_id=user, field="targetUserId")))
    payload = ResourceRolePayload(
        estate_id=ctx.workspace_id,
        resource_type=resource_type,
        resource_id=resource_id,
        resource_field=field,
        user_id=user,
        change=change,
        role=role,
        actor_id=actor,
        now=ctx.now,
        reason=reason,
        expires_at=expires_at,
    )
    directives.append(ChangeResourceRoleDirective(payload=payload))
    return directives


@GROUP.route(GrantPermissionToUserIntent)
def grant_permission(intent: GrantPermissionToUserIntent, ctx: DirectiveContext) -> Directives:
    if intent.resource_type is ResourceType.estate:
        return _estate_role_change(
            ctx,
            estate_id=intent.resource_id.value,
            field="resourceId",
            user=intent.target_user_id,
            role=intent.role,
            actor=intent.granted_by,
            expires_at=intent.expires_at,
        )
    return _resource_role_change(
        ctx,
        resource_type=intent.resource_type,
        resource_id=intent.resource_id,
        field="resourceId",
        user=intent.target_user_id,
        change=RoleChange.grant,
        role=intent.role,
        actor=intent.granted_by,
        reason=intent.reason,
        expires_at=intent.expires_at,
    )


@GROUP.route(RevokePermissionFromUserIntent)
def revoke_permission(intent: RevokePermissionFromUserIntent, ctx: DirectiveContext) -> Directives:
    if intent.resource_type is ResourceType.estate:
        return _estate_role_change(
            ctx,
            estate_id=intent.resource_id.value,
            field="resourceId",
            user=intent.target_user_id,
            role=None,
            actor=intent.revoked_by,
        )
    return _resource_role_change(
        ctx,
        resource_type=intent.resource_type,
        resource_id=intent.resource_id,
        field="resourceId",
        user=intent.target_user_id,
        change=RoleChange.revoke,
        role=None,
        actor=intent.revoked_by,
        reason=intent.reason,
    )


@GROUP.route(UpdateUserPermissionRoleIntent)
def update_role(intent: UpdateUserPermissionRoleIntent, ctx: DirectiveContext) -> Directives:
    if intent.resource_type is ResourceType.estate:
        return _estate_role_change(
            ctx,
            estate_id=intent.resource_id.value,
            field="resourceId",
            user=intent.target_user_id,
            role=intent.role,
            actor=intent.updated_by,
            existing=True,
        )
    return _resource_role_change(
        ctx,
        resource_type=intent.resource_type,
        resource_id=intent.resource_id,
        field="resourceId",
        user=intent.target_user_id,
        change=RoleChange.update,
        role=intent.role,
        actor=intent.updated_by,
        reason=intent.reason,
    )


@GROUP.route(GrantEstateAccessIntent)
def grant_estate_access(intent: GrantEstateAccessIntent, ctx: DirectiveContext) -> Directives:
    return _estate_role_change(
        ctx,
        estate_id=intent.estate_id.value,
        field="estateId",
        user=intent.target_user_id,
        role=intent.role,
        actor=intent.granted_by,
        expires_at=intent.expires_at,
    )


@GROUP.route(RevokeEstateAccessIntent)
def revoke_estate_access(intent: RevokeEstateAccessIntent, ctx: DirectiveContext) -> Directives:
    return _estate_role_change(
        ctx,
        estate_id=intent.estate_id.value,
        field="estateId",
        user=intent.target_user_id,
        role=None,
        actor=intent.revoked_by,
    )


@GROUP.route(GrantSiteAccessIntent)
def grant_site_access(intent: GrantSiteAccessIntent, ctx: DirectiveContext) -> Directives:
    return _resource_role_change(
        ctx,
        resource_type=ResourceType.site,
        resource_id=ResourceId(intent.site_id.value),
        field="siteId",
        user=intent.target_user_id,
        change=RoleChange.grant,
        role=intent.role,
        actor=intent.granted_by,
        reason=intent.reason,
        expires_at=intent.expires_at,
    )


@GROUP.route(RevokeSiteAccessIntent)
def revoke_site_access(intent: RevokeSiteAccessIntent, ctx: DirectiveContext) -> Directives:
    return _resource_role_change(
        ctx,
        resource_type=ResourceType.site,
        resource_id=ResourceId(intent.site_id.value),
        field="siteId",
        user=intent.target_user_id,
        change=RoleChange.revoke,
        role=None,
        actor=intent.revoked_by,
        reason=intent.reason,
    )


# names ---------------------------------------------------------------------------------
@GROUP.name_resolver("user")
async def user_name(reader: SnapshotReader, user_id: str) -> str | None:
    """Every actor's name in every audit sentence comes through here."""
    user = await reader.get(UserAggregate, user_id, include_deleted=True, workspace_id=SYSTEM_WORKSPACE)
    return user.display_name.value or None if user is not None else None


@GROUP.name_resolver("organization")
async def organization_name(reader: SnapshotReader, organization_id: str) -> str | None:
    organization = await reader.get(
        OrganizationAggregate, organization_id, include_deleted=True, workspace_id=SYSTEM_WORKSPACE
    )
    return organization.name.value or None if organization is not None else None
