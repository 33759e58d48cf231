"""Users and organizations: they belong to no estate and live in the system workspace.

Who may write there: any authenticated user may dispatch these intents (`Access.AUTHENTICATED`),
and the domain decides the rest: a user creates only their own user record (the engine
refuses a `userId` naming someone else unless the actor is "system"), anyone may create an
organization and becomes its admin, and only an organization's admins add members.
Reading users and organizations is open to authenticated users (names appear in audit
sentences of every estate).
"""

from __future__ import annotations

from typing import Annotated, ClassVar

from pydantic import field_validator

from nomos_mongo import ACTOR, DescribeContext, IntentDescription
from schema.common import Access, Co2Intent, Scope
from schema.contracts import EmailAddress, OrganizationId, OrganizationName, UserDisplayName, UserId
from schema.identity.group import GROUP

from .values import OrganizationRole


class _SystemIntent(Co2Intent):
    access: ClassVar[Access] = Access.AUTHENTICATED
    scope: ClassVar[Scope] = Scope.SYSTEM


def _required_name(value: UserDisplayName | OrganizationName) -> UserDisplayName | OrganizationName:
    if value.is_unresolved:
        raise ValueError("must not be empty")
    return value


@GROUP.intent
class CreateUserIntent(_SystemIntent):
    # The new user's id is the actor's own: the API fills it from the token.
    user_id: Annotated[UserId, ACTOR]
    display_name: UserDisplayName
    email: EmailAddress

    _display_name_required = field_validator("display_name")(_required_name)

    def describe(self, ctx: DescribeContext) -> IntentDescription:
        if self.user_id.value == ctx.actor_id:
            return IntentDescription(
                "{user} signed up", {"user": ctx.user_name(self.user_id.value, fallback=self.display_name.value)}
            )
        return IntentDescription(
            "{actor} created user {name}", {"actor": ctx.actor_name(), "name": self.display_name.value}
        )


@GROUP.intent
class CreateOrganizationIntent(_SystemIntent):
    name: OrganizationName
    created_by: Annotated[UserId, ACTOR]
    organization_id: OrganizationId | None = None

    _name_required = field_validator("name")(_required_name)

    def describe(self, ctx: DescribeContext) -> IntentDescription:
        return IntentDescription(
            "{actor} created organization {name}",
            {"actor": ctx.actor_name(fallback=self.created_by.value), "name": self.name.value},
        )


@GROUP.intent
class AddUserToOrganizationIntent(_SystemIntent):
    organization_id: OrganizationId
    user_id: UserId
    added_by: Annotated[UserId, ACTOR]
    role: OrganizationRole = OrganizationRole.member

    def describe(self, ctx: DescribeContext) -> IntentDescription:
        return IntentDescription(
            "{actor} added {user} to {organization} as {role}",
            {
                "actor": ctx.actor_name(fallback=self.added_by.value),
                "user": ctx.user_name(self.user_id.value),
                "organization": ctx.resource_name("organization", self.organization_id.value),
                "role": "an admin" if self.role is OrganizationRole.admin else "a member",
            },
        )
