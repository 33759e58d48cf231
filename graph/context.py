"""The context of one request or websocket connection, and the checks resolvers make with it."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from strawberry.types import Info

from nomos_mongo import IntentContext, NomosApp

from .auth import InvalidToken, TokenVerifier, User, bearer_token
from .authorization import Authorizer, Need
from .errors import Forbidden, Unauthenticated
from .settings import Settings
from .tracking import Subscriptions

if TYPE_CHECKING:
    from .revocation import AccessWatch
    from .sockets import Connection


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
    access: AccessWatch | None = None  # moves decisions on when roles change (revocation.py)
    connection: Connection | None = None  # the websocket's send budget and lifetime (sockets.py)
    _allowed: dict[tuple[str, Need], tuple[float, int]] = field(default_factory=dict)

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
        if self.user.expires_at <= time.time():  # a socket outliving its token
            raise Unauthenticated("the bearer token expired; sign in again and reconnect")
        return self.user

    async def require(self, workspace_id: str, need: Need, *, max_age: float | None = None) -> User:
        """The user, if allowed `need` in the workspace.

        A decision is reused up to `max_age` seconds, and never past a commit that may have
        changed roles in the workspace (its access epoch, see revocation.py).
        """
        user = self.require_user()
        if max_age is not None and self.decided_within(workspace_id, need, max_age):
            return user
        key = (workspace_id, need)
        epoch = self._epoch(workspace_id)
        if not await self.authorizer.allows(self.app, user.id, workspace_id, need):
            self._allowed.pop(key, None)
            raise Forbidden(f"you hold no {need.value} access to workspace {workspace_id!r}", need=need.value)
        self._allowed[key] = (time.monotonic(), epoch)
        return user

    def decided_within(self, workspace_id: str, need: Need, max_age: float) -> bool:
        """Whether `require` would reuse a decision that allowed it (no await, no authorizer call)."""
        user = self.user
        if user is None or user.expires_at <= time.time():
            return False
        decided = self._allowed.get((workspace_id, need))
        return (
            decided is not None and decided[1] == self._epoch(workspace_id) and time.monotonic() - decided[0] <= max_age
        )

    def _epoch(self, workspace_id: str) -> int:
        return self.access.epoch(workspace_id) if self.access is not None else 0

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
