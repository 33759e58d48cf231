"""Which items of a readable workspace the user may see, when the authorizer says it varies.

Reading a workspace is one decision (`Authorizer.allows`); a shared workspace may still hold
items that belong to someone (the CO2 system workspace keeps estates' funding applications).
An authorizer that knows such items defines `visibility(app, user_id, workspace_id)`, giving
an object whose `may_see(item)` judges an aggregate state or a ledger entry (or None: all
may be seen), and `shares_reads(workspace_id)`: False where what one sees differs by user, so
subscriptions there are not shared between subscribers.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol, TypeVar

from .context import RequestContext

T = TypeVar("T")


class Visibility(Protocol):
    async def may_see(self, item: object) -> bool: ...


def visibility_of(ctx: RequestContext, workspace_id: str) -> Visibility | None:
    decide = getattr(ctx.authorizer, "visibility", None)
    if decide is None or ctx.user is None:
        return None
    return decide(ctx.app, ctx.user.id, workspace_id)  # type: ignore[no-any-return]


async def visible(ctx: RequestContext, workspace_id: str, items: Iterable[T]) -> list[T]:
    """The items the user may see (a fresh decision each call: roles change)."""
    visibility = visibility_of(ctx, workspace_id)
    if visibility is None:
        return list(items)
    return [item for item in items if await visibility.may_see(item)]


async def may_see(ctx: RequestContext, workspace_id: str, item: object) -> bool:
    visibility = visibility_of(ctx, workspace_id)
    return visibility is None or await visibility.may_see(item)


def shares_reads(ctx: RequestContext, workspace_id: str) -> bool:
    decide = getattr(ctx.authorizer, "shares_reads", None)
    return decide is None or bool(decide(workspace_id))
