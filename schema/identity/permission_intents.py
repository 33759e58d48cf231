"""Granting, revoking and changing roles on an estate and on what it contains.

These intents live in the estate's workspace. Their API access is `Access.READ`: the actor
must be a member of the estate to dispatch anything there, and whether they may grant is
the domain's decision (`Role.can_grant`), because a site admin who is only an estate reader
may still grant roles on their site. `Access.AUTHENTICATED` would let strangers probe an
estate's members; `Access.ADMIN` would lock out resource admins.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar

from pydantic import ValidationInfo, field_validator

from nomos_mongo import ACTOR, DescribeContext, IntentDescription
from schema.common import Access, Co2Intent, Scope
from schema.contracts import (
    EstateId,
    PermissionReasonDescription,
    ResourceId,
    ResourceType,
    Role,
    SiteId,
    UserId,
)
from schema.identity.group import GROUP

from .values import RESOURCE_LABELS, AwareTime, check_grantable, check_role_fits


class _PermissionIntent(Co2Intent):
    access: ClassVar[Access] = Access.READ
    scope: ClassVar[Scope] = Scope.WORKSPACE

    target_user_id: UserId

    def _subject(self, ctx: DescribeContext, kind: ResourceType, resource_id: str) -> dict[str, Any]:
        return {
            "user": ctx.user_name(self.target_user_id.value),
            "kind": RESOURCE_LABELS[kind],
            "resource": ctx.resource_name(kind.value, resource_id),
        }


def _until(intent: Any) -> str:
    return f" until {intent.expires_at.date().isoformat()}" if intent.expires_at is not None else ""


class _OnAnyResource(_PermissionIntent):
    resource_type: ResourceType
    resource_id: ResourceId

    @field_validator("resource_type")
    @classmethod
    def _grantable(cls, value: ResourceType) -> ResourceType:
        return check_grantable(value)


def _role_fits_resource(role: Role, info: ValidationInfo) -> Role:
    return check_role_fits(role, info.data.get("resource_type"))


@GROUP.intent
class GrantPermissionToUserIntent(_OnAnyResource):
    role: Role
    granted_by: Annotated[UserId, ACTOR]
    reason: PermissionReasonDescription | None = None
    expires_at: AwareTime | None = None

    _role_fits = field_validator("role")(_role_fits_resource)

    def describe(self, ctx: DescribeContext) -> IntentDescription:
        return IntentDescription(
            "{actor} granted {user} the {role} role on {kind} {resource}{until}",
            {
                "actor": ctx.actor_name(fallback=self.granted_by.value),
                "role": self.role.value.value,
                "until": _until(self),
                **self._subject(ctx, self.resource_type, self.resource_id.value),
            },
        )


@GROUP.intent
class RevokePermissionFromUserIntent(_OnAnyResource):
    revoked_by: Annotated[UserId, ACTOR]
    reason: PermissionReasonDescription | None = None

    def describe(self, ctx: DescribeContext) -> IntentDescription:
        return IntentDescription(
            "{actor} revoked {user}'s role on {kind} {resource}",
            {
                "actor": ctx.actor_name(fallback=self.revoked_by.value),
                **self._subject(ctx, self.resource_type, self.resource_id.value),
            },
        )


@GROUP.intent
class UpdateUserPermissionRoleIntent(_OnAnyResource):
    """Change the role of a user who already holds one; the actor must be able to grant both."""

    role: Role
    updated_by: Annotated[UserId, ACTOR]
    reason: PermissionReasonDescription | None = None

    _role_fits = field_validator("role")(_role_fits_resource)

    def describe(self, ctx: DescribeContext) -> IntentDescription:
        return IntentDescription(
            "{actor} changed {user}'s role on {kind} {resource} to {role}",
            {
                "actor": ctx.actor_name(fallback=self.updated_by.value),
                "role": self.role.value.value,
                **self._subject(ctx, self.resource_type, self.resource_id.value),
            },
        )


def _estate_role(role: Role) -> Role:
    return check_role_fits(role, ResourceType.estate)


def _site_role(role: Role) -> Role:
    return check_role_fits(role, ResourceType.site)


@GROUP.intent
class GrantEstateAccessIntent(_PermissionIntent):
    estate_id: EstateId
    role: Role
    granted_by: Annotated[UserId, ACTOR]
    reason: PermissionReasonDescription | None = None
    expires_at: AwareTime | None = None

    _role_is_an_estate_role = field_validator("role")(_estate_role)

    def describe(self, ctx: DescribeContext) -> IntentDescription:
        return IntentDescription(
            "{actor} granted {user} the {role} role on {kind} {resource}{until}",
            {
                "actor": ctx.actor_name(fallback=self.granted_by.value),
                "role": self.role.value.value,
                "until": _until(self),
                **self._subject(ctx, ResourceType.estate, self.estate_id.value),
            },
        )


@GROUP.intent
class RevokeEstateAccessIntent(_PermissionIntent):
    estate_id: EstateId
    revoked_by: Annotated[UserId, ACTOR]
    reason: PermissionReasonDescription | None = None

    def describe(self, ctx: DescribeContext) -> IntentDescription:
        return IntentDescription(
            "{actor} revoked {user}'s access to {kind} {resource}",
            {
                "actor": ctx.actor_name(fallback=self.revoked_by.value),
                **self._subject(ctx, ResourceType.estate, self.estate_id.value),
            },
        )


@GROUP.intent
class GrantSiteAccessIntent(_PermissionIntent):
    site_id: SiteId
    role: Role
    granted_by: Annotated[UserId, ACTOR]
    reason: PermissionReasonDescription | None = None
    expires_at: AwareTime | None = None

    _role_is_a_site_role = field_validator("role")(_site_role)

    def describe(self, ctx: DescribeContext) -> IntentDescription:
        return IntentDescription(
            "{actor} granted {user} the {role} role on {kind} {resource}{until}",
            {
                "actor": ctx.actor_name(fallback=self.granted_by.value),
                "role": self.role.value.value,
                "until": _until(self),
                **self._subject(ctx, ResourceType.site, self.site_id.value),
            },
        )


@GROUP.intent
class RevokeSiteAccessIntent(_PermissionIntent):
    site_id: SiteId
    revoked_by: Annotated[UserId, ACTOR]
    reason: PermissionReasonDescription | None = None

    def describe(self, ctx: DescribeContext) -> IntentDescription:
        return IntentDescription(
            "{actor} revoked {user}'s access to {kind} {resource}",
            {
                "actor": ctx.actor_name(fallback=self.revoked_by.value),
                **self._subject(ctx, ResourceType.site, self.site_id.value),
            },
        )
