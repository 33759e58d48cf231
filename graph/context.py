"""The context of one request or websocket connection, and the checks resolvers make with it."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from strawberry.types import Info

from nomos_mongo import IntentContext, NomosApp

from .auth import InvalidToken, TokenVerifier, User, bearer_token
from .authorization import Authorizer, Need
from .errors import Forbidden, Unauthenticated
from .settings import Settings
from .tracking import Subscriptions


@dataclass
class RequestContext:
    app: NomosApp
    settings: Settings
    authorizer: Authorizer
    tokens: TokenVerifier
    subscriptions: Subscriptions
    correlation_id: str
    user: User | None = None
    auth_error: str | None = None
    request: Any = None
    response: Any = None
    connection_params: dict[str, Any] | None = None  # set by Strawberry on connection_init
    _allowed: dict[tuple[str, Need], float] = field(default_factory=dict)

    def authenticate(self, headers: dict[str, Any] | Any) -> None:
        token = bearer_token(headers)
        if token is None:
            return
        try:
            self.user = self.tokens.verify(token)
            self.auth_error = None
        except InvalidToken as exc:
            self.user = None
            self.auth_error = str(exc)

    def require_user(self) -> User:
        if self.user is None:
            reason = f"invalid bearer token: {self.auth_error}" if self.auth_error else "no bearer token"
            raise Unauthenticated(f"{reason}; send Authorization: Bearer <JWT>")
        return self.user

    async def require(self, workspace_id: str, need: Need, *, max_age: float | None = None) -> User:
        """The user, if allowed `need` in the workspace; a decision is reused up to `max_age` seconds."""
        user = self.require_user()
        key = (workspace_id, need)
        decided = self._allowed.get(key)
        if decided is not None and max_age is not None and time.monotonic() - decided <= max_age:
            return user
        if not await self.authorizer.allows(self.app, user.id, workspace_id, need):
            self._allowed.pop(key, None)
            raise Forbidden(f"you hold no {need.value} access to workspace {workspace_id!r}", need=need.value)
        self._allowed[key] = time.monotonic()
        return user

    def intent_context(self, workspace_id: str, timeline_id: str) -> IntentContext:
        user = self.require_user()
        return IntentContext(
            workspace_id=workspace_id,
            timeline_id=timeline_id,
            actor_id=user.id,
            actor_name=user.name,
            correlation_id=self.correlation_id,
        )


def context_of(info: Info) -> RequestContext:
    return info.context  # type: ignore[no-any-return]
