"""Query fields: per aggregate type one by id and one Relay connection; the ledger; the viewer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import strawberry
from strawberry.types import Info
from strawberry.types.field import StrawberryField
from strawberry.types.nodes import SelectedField

from nomos_mongo import MAIN_TIMELINE, InvalidArgument

from .authorization import Need
from .catalog import AggregateKind, Catalog, timeline_info
from .context import context_of
from .fields import Argument, Attribute, make_type, resolver_field
from .filters import Filters, Listing, build_query, encode_cursor
from .ledger import AggregateNode, LedgerEntry, PageInfo, TimelineInfo, Viewer
from .settings import Settings
from .visibility import may_see, visible

ID = strawberry.ID


def workspace_arguments() -> list[Argument]:
    return [
        Argument("workspace_id", ID, description="The estate (or `system`)."),
        Argument("timeline_id", ID, MAIN_TIMELINE),
    ]


def listing_arguments(listing: Listing) -> list[Argument]:
    arguments = []
    if listing.filter_type is not None:
        arguments.append(Argument("filter", listing.filter_type | None, None))
    if listing.order_type is not None:
        arguments.append(Argument("order_by", listing.order_type | None, None))
    arguments.append(Argument("descending", bool, False))
    return arguments


def check_size(name: str, value: int, settings: Settings) -> int:
    if not 1 <= value <= settings.max_page_size:
        raise InvalidArgument(name, f"must be from 1 to {settings.max_page_size}")
    return value


@dataclass(frozen=True)
class PageWindow:
    size: int
    cursor: str | None
    cursor_argument: str  # after / before, for errors about the cursor
    backward: bool


def page_window(
    first: int | None, after: str | None, last: int | None, before: str | None, settings: Settings
) -> PageWindow:
    """Forward (`first`/`after`) or backward (`last`/`before`): one direction per request.

    Without `first` or `last` a page holds `unpaged_list_size` items, what the cost limit counts."""
    default = settings.unpaged_list_size
    if last is None and before is None:
        size = check_size("first", default if first is None else first, settings)
        return PageWindow(size, after, "after", False)
    if first is not None or after is not None:
        raise InvalidArgument("last", "page forward (first/after) or backward (last/before), not both at once")
    return PageWindow(check_size("last", default if last is None else last, settings), before, "before", True)


def aggregate_queries(
    catalog: Catalog, filters: Filters, settings: Settings
) -> tuple[list[StrawberryField], dict[str, Listing]]:
    fields: list[StrawberryField] = []
    listings: dict[str, Listing] = {}
    for kind in catalog.aggregates:
        listing = filters.listing(kind.model, kind.type_name)
        listings[kind.model.type_name] = listing
        fields.append(_by_id(kind, catalog))
        fields.append(_connection(kind, listing, catalog, settings))
    return fields, listings


def _by_id(kind: AggregateKind, catalog: Catalog) -> StrawberryField:
    async def resolve(info: Info, workspace_id: str, timeline_id: str, aggregate_id: str) -> Any:
        ctx = context_of(info)
        await ctx.require(workspace_id, Need.READ)
        state = await ctx.app.read_latest(kind.model, workspace_id, timeline_id, aggregate_id)
        if state is None or not await may_see(ctx, workspace_id, state):
            return None
        return catalog.aggregate(state, workspace_id, timeline_id)

    arguments = [*workspace_arguments(), Argument("aggregate_id", ID, description="The domain id.")]
    return resolver_field(
        kind.single,
        resolve,
        arguments,
        kind.graphql_type | None,
        description=f"One {kind.type_name} by its domain id; null if there is none (or it is deleted).",
    )


def _connection(kind: AggregateKind, listing: Listing, catalog: Catalog, settings: Settings) -> StrawberryField:
    edge = make_type(
        catalog.names.claim(f"{kind.type_name}Edge", kind.model),
        [
            Attribute("node", "node", kind.graphql_type),
            Attribute("cursor", "cursor", str),
        ],
    )
    connection = make_type(
        catalog.names.claim(f"{kind.type_name}Connection", kind.model),
        [
            Attribute("edges", "edges", list[edge]),  # type: ignore[valid-type]
            Attribute("nodes", "nodes", list[kind.graphql_type]),  # type: ignore[name-defined]
            Attribute("page_info", "pageInfo", PageInfo),
        ],
    )

    async def resolve(
        info: Info,
        workspace_id: str,
        timeline_id: str,
        filter: Any = None,
        order_by: Any = None,
        descending: bool = False,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Any:
        ctx = context_of(info)
        await ctx.require(workspace_id, Need.READ)
        window = page_window(first, after, last, before, settings)
        query = build_query(
            listing,
            filter=filter,
            order_by=order_by,
            descending=descending,
            limit=window.size + 1,
            after=window.cursor,
            cursor_argument=window.cursor_argument,
            backward=window.backward,
        )
        states = await ctx.app.query(kind.model, workspace_id, timeline_id, query)
        more = len(states) > window.size
        page = await visible(ctx, workspace_id, states[: window.size])
        if window.backward:
            page.reverse()  # fetched nearest-first from `before`; a page reads in the listing's order
        order_field = query.order_by_field
        nodes = [catalog.aggregate(s, workspace_id, timeline_id) for s in page]
        # a cursor per row only for a selection that has edges; pageInfo needs the two ends
        if _selects(info, "edges"):
            cursors = [encode_cursor(s, order_field, descending) for s in page]
            edges = [edge(node=n, cursor=c) for n, c in zip(nodes, cursors, strict=True)]
        else:
            cursors = [encode_cursor(s, order_field, descending) for s in (page[0], page[-1])] if page else []
            edges = []
        page_info = PageInfo(
            # the far side of the page is known exactly; the near side exists because the client's
            # cursor was a row of it (Relay allows answering that side without a query)
            has_next_page=window.cursor is not None if window.backward else more,
            has_previous_page=more if window.backward else window.cursor is not None,
            end_cursor=cursors[-1] if cursors else None,
            start_cursor=cursors[0] if cursors else None,
        )
        return connection(edges=edges, nodes=nodes, page_info=page_info)

    arguments = [
        *workspace_arguments(),
        *listing_arguments(listing),
        Argument(
            "first", int | None, None, description=f"Page forward: this many (default {settings.unpaged_list_size})."
        ),
        Argument("after", str | None, None, description="endCursor of the previous page."),
        Argument("last", int | None, None, description="Page backward: the last this many (before `before`)."),
        Argument("before", str | None, None, description="startCursor of the next page, paging backward."),
    ]
    return resolver_field(
        kind.many,
        resolve,
        arguments,
        connection,
        description=f"{kind.plural_name}, filtered and ordered, a page at a time (Relay cursor connection).",
    )


def _selects(info: Info, name: str) -> bool:
    """Whether the resolved field's own selection names the field `name`, through fragments too."""
    pending: list[Any] = [selection for field in info.selected_fields for selection in field.selections]
    while pending:
        selection = pending.pop()
        if isinstance(selection, SelectedField):
            if selection.name == name:
                return True
        else:  # a fragment spread or an inline fragment: its selections are the field's too
            pending.extend(selection.selections)
    return False


def ledger_queries(catalog: Catalog, settings: Settings) -> list[StrawberryField]:
    async def timeline(
        info: Info, workspace_id: str, timeline_id: str, after: int = 0, first: int = 100
    ) -> list[LedgerEntry]:
        ctx = context_of(info)
        await ctx.require(workspace_id, Need.READ)
        check_size("first", first, settings)
        entries = await ctx.app.read_timeline(workspace_id, timeline_id, after=after, limit=first)
        return [catalog.entry(e) for e in await visible(ctx, workspace_id, entries)]

    async def state_at_sequence(info: Info, workspace_id: str, timeline_id: str, sequence: int) -> list[Any]:
        ctx = context_of(info)
        await ctx.require(workspace_id, Need.READ)
        states = await ctx.app.state_at_sequence(workspace_id, timeline_id, inclusive_sequence=sequence)
        shown = await visible(ctx, workspace_id, (states[ref] for ref in sorted(states)))
        return [catalog.aggregate(state, workspace_id, timeline_id, sequence) for state in shown]

    async def aggregate_history(
        info: Info, workspace_id: str, timeline_id: str, aggregate_id: str, start: int = 0, end: int | None = None
    ) -> list[LedgerEntry]:
        ctx = context_of(info)
        await ctx.require(workspace_id, Need.READ)
        entries = await ctx.app.aggregate_intent_history(workspace_id, timeline_id, aggregate_id, start=start, end=end)
        return [catalog.entry(e) for e in await visible(ctx, workspace_id, entries)]

    async def head(info: Info, workspace_id: str, timeline_id: str) -> int:
        ctx = context_of(info)
        await ctx.require(workspace_id, Need.READ)
        return await ctx.app.head(workspace_id, timeline_id)

    async def can_undo_latest(info: Info, workspace_id: str, timeline_id: str, only_mine: bool = False) -> bool:
        ctx = context_of(info)
        user = await ctx.require(workspace_id, Need.WRITE)
        return await ctx.app.can_undo_latest(workspace_id, timeline_id, user.id if only_mine else None)

    async def can_redo_latest(info: Info, workspace_id: str, timeline_id: str, only_mine: bool = False) -> bool:
        ctx = context_of(info)
        user = await ctx.require(workspace_id, Need.WRITE)
        return await ctx.app.can_redo_latest(workspace_id, timeline_id, user.id if only_mine else None)

    async def timelines(info: Info, workspace_id: str) -> list[TimelineInfo]:
        ctx = context_of(info)
        await ctx.require(workspace_id, Need.READ)
        records = await ctx.app.list_timelines(workspace_id)
        return [timeline_info(None, workspace_id), *(timeline_info(r, workspace_id) for r in records)]

    async def me(info: Info) -> Viewer:
        ctx = context_of(info)
        user = ctx.require_user()
        readable = []
        for workspace_id in sorted(await ctx.app.persistence.list_workspaces()):
            if await ctx.authorizer.allows(ctx.app, user.id, workspace_id, Need.READ):
                readable.append(workspace_id)
        return Viewer(id=ID(user.id), name=user.name, workspaces=[ID(w) for w in readable])

    only_mine = Argument("only_mine", bool, False, description="Only intents of the signed-in user.")
    return [
        resolver_field(
            "timeline",
            timeline,
            [*workspace_arguments(), Argument("after", int, 0), Argument("first", int, 100)],
            list[LedgerEntry],
            description="Ledger entries with sequence > after, oldest first.",
        ),
        resolver_field(
            "stateAtSequence",
            state_at_sequence,
            [*workspace_arguments(), Argument("sequence", int)],
            list[AggregateNode],
            description="Every aggregate as it was right after `sequence`.",
        ),
        resolver_field(
            "aggregateHistory",
            aggregate_history,
            [
                *workspace_arguments(),
                Argument("aggregate_id", ID, description="The domain id."),
                Argument("start", int, 0),
                Argument("end", int | None, None),
            ],
            list[LedgerEntry],
            description="The entries that touched one aggregate.",
        ),
        resolver_field("head", head, workspace_arguments(), int, description="The timeline's latest sequence."),
        resolver_field("canUndoLatest", can_undo_latest, [*workspace_arguments(), only_mine], bool),
        resolver_field("canRedoLatest", can_redo_latest, [*workspace_arguments(), only_mine], bool),
        resolver_field("timelines", timelines, [Argument("workspace_id", ID)], list[TimelineInfo]),
        resolver_field("me", me, [], Viewer),
    ]
