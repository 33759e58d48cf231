"""Subscriptions: the ledger of a timeline as it grows, and live queries per aggregate type.

Each subscription holds one engine watch and releases it in `finally`, which runs when the
client completes the operation, disconnects, or the server shuts down. Identical subscriptions
run these resolvers once for all their subscribers (see fanout.py). Live queries go
through `app.watch_query`, so identical queries share one evaluation for all subscribers.
A subscriber whose access is revoked stops receiving: access is re-checked before each result
and on the commit that changes roles (revocation.py), and the stream ends with FORBIDDEN.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Any

from strawberry.types import Info
from strawberry.types.field import StrawberryField

from nomos_mongo import InvalidArgument

from .authorization import Need
from .catalog import AggregateKind, Catalog
from .context import context_of
from .fields import Argument, resolver_field
from .filters import Listing, build_query
from .ledger import LedgerEntry
from .naming import upper_first
from .queries import check_size, listing_arguments, workspace_arguments
from .revocation import guarded
from .settings import Settings
from .visibility import may_see, visible

DEFAULT_LIMIT = 50


def timeline_subscription(catalog: Catalog, settings: Settings) -> StrawberryField:
    async def watch_timeline(
        info: Info, workspace_id: str, timeline_id: str, from_sequence: int = 1
    ) -> AsyncGenerator[LedgerEntry, None]:
        ctx = context_of(info)
        await ctx.require(workspace_id, Need.READ)
        if from_sequence < 0:
            raise InvalidArgument("fromSequence", "must not be negative")
        await ctx.app.head(workspace_id, timeline_id)  # a missing timeline fails here, not silently
        watch = ctx.app.watch_timeline(workspace_id, timeline_id, from_sequence)
        ctx.subscriptions.add(watch)
        try:
            async for entry in guarded(ctx, workspace_id, watch, watch):
                if await may_see(ctx, workspace_id, entry):
                    yield catalog.entry(entry)
        finally:
            ctx.subscriptions.discard(watch)
            watch.close()

    arguments = [*workspace_arguments(), Argument("from_sequence", int, 1)]
    return resolver_field(
        "watchTimeline",
        watch_timeline,
        arguments,
        AsyncGenerator[LedgerEntry, None],
        subscription=True,
        description="Every entry from `fromSequence` on, in order, then each new one.",
    )


def live_query_subscriptions(catalog: Catalog, listings: dict[str, Listing], settings: Settings) -> list[Any]:
    return [_live_query(kind, listings[kind.model.type_name], catalog, settings) for kind in catalog.aggregates]


def _live_query(kind: AggregateKind, listing: Listing, catalog: Catalog, settings: Settings) -> StrawberryField:
    async def watch(
        info: Info,
        workspace_id: str,
        timeline_id: str,
        filter: Any = None,
        order_by: Any = None,
        descending: bool = False,
        limit: int = DEFAULT_LIMIT,
    ) -> AsyncGenerator[list[Any], None]:
        ctx = context_of(info)
        await ctx.require(workspace_id, Need.READ)
        check_size("limit", limit, settings)
        query = build_query(listing, filter=filter, order_by=order_by, descending=descending, limit=limit)
        await ctx.app.head(workspace_id, timeline_id)
        subscription = ctx.app.watch_query(kind.model, workspace_id, timeline_id, query)
        ctx.subscriptions.add(subscription)
        try:
            async for states in guarded(ctx, workspace_id, subscription, subscription):
                shown = await visible(ctx, workspace_id, states)
                yield [catalog.aggregate(s, workspace_id, timeline_id) for s in shown]
        finally:
            ctx.subscriptions.discard(subscription)
            subscription.close()

    arguments = [*workspace_arguments(), *listing_arguments(listing), Argument("limit", int, DEFAULT_LIMIT)]
    name = f"watch{upper_first(kind.many)}"
    returns = AsyncGenerator[list[kind.graphql_type], None]  # type: ignore[name-defined]
    return resolver_field(
        name,
        watch,
        arguments,
        returns,
        subscription=True,
        description=f"The {kind.plural_name} matching the query now, then again on each change.",
    )
