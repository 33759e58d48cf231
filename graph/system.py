"""The engine's own mutations: undo, redo, and branch timelines.

Undoing or redoing an intent changes what that intent changed, so it needs the role the
intent itself needed: write access, and more when the target intent asks for more, or an
aggregate it touched declares more (`undo_access`: reverting a grant is granting). A merge
needs what each intent it re-executes needs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import strawberry
from strawberry.types import Info
from strawberry.types.field import StrawberryField

from nomos_mongo import MAIN_TIMELINE, Authorize, IntentLedgerEntry, RedoPlanner, UndoPlanner, Written

from .authorization import Need, highest, need_of, undo_need
from .catalog import Catalog, timeline_info
from .context import RequestContext, context_of
from .fields import Argument, resolver_field
from .ledger import IntentResult, MergeOutcome, MergeReport, TimelineInfo
from .mutations import upload_field
from .queries import workspace_arguments

ID = strawberry.ID


def _allowed_to_change(ctx: RequestContext, ws: str) -> Authorize:
    """The check an undo or redo runs inside the engine's lock, on the entry it is about to change."""

    async def authorize(entries: Sequence[IntentLedgerEntry]) -> None:
        for entry in entries:
            await ctx.require(ws, undo_need(ctx.app.registry, entry))

    return authorize


def _allowed_to_merge(ctx: RequestContext, ws: str) -> Authorize:
    """A merge needs what each intent it re-executes needs, checked on the entries it merges."""

    async def authorize(entries: Sequence[IntentLedgerEntry]) -> None:
        await ctx.require(ws, highest([Need.WRITE, *(need_of(type(e.intent)) for e in entries)]))

    return authorize


async def _undo_or_redo(
    ctx: RequestContext, catalog: Catalog, ws: str, tl: str, only_mine: bool, planner: type[UndoPlanner | RedoPlanner]
) -> IntentResult | None:
    user = await ctx.require(ws, Need.WRITE)
    actor = user.id if only_mine else None
    planned = planner(ctx.app.engine, actor, user.id, _allowed_to_change(ctx, ws), performed_by_name=user.name)
    written = await ctx.app.write(ws, tl, planned)
    return None if written is None else await catalog.result(ctx.app, written)


def system_mutations(catalog: Catalog) -> list[StrawberryField]:
    async def undo_latest(info: Info, workspace_id: str, timeline_id: str, only_mine: bool = False) -> Any:
        return await _undo_or_redo(context_of(info), catalog, workspace_id, timeline_id, only_mine, UndoPlanner)

    async def redo_latest(info: Info, workspace_id: str, timeline_id: str, only_mine: bool = False) -> Any:
        return await _undo_or_redo(context_of(info), catalog, workspace_id, timeline_id, only_mine, RedoPlanner)

    async def create_timeline(
        info: Info,
        workspace_id: str,
        timeline_id: str,
        from_timeline: str = MAIN_TIMELINE,
        at_sequence: int | None = None,
    ) -> TimelineInfo:
        ctx = context_of(info)
        user = await ctx.require(workspace_id, Need.WRITE)
        record = await ctx.app.create_timeline(
            workspace_id, timeline_id, from_timeline=from_timeline, at_sequence=at_sequence, created_by=user.id
        )
        return timeline_info(record, workspace_id)

    async def merge_timeline(info: Info, workspace_id: str, source: str, target: str = MAIN_TIMELINE) -> MergeReport:
        ctx = context_of(info)
        await ctx.require(workspace_id, Need.WRITE)
        # the branch's intents keep their authors: each was authorized when it was dispatched
        report = await ctx.app.merge_timeline(
            workspace_id, source=source, target=target, authorize=_allowed_to_merge(ctx, workspace_id)
        )
        outcomes = [
            MergeOutcome(
                source_intent_id=ID(o.source_intent_id),
                intent_type=o.intent_type,
                applied=o.applied,
                result=await catalog.result(ctx.app, Written(o.entry, o.states)) if o.entry is not None else None,
                rule=o.rule,
                reason=o.reason,
            )
            for o in report.outcomes
        ]
        return MergeReport(workspace_id=ID(workspace_id), source=ID(source), target=ID(target), outcomes=outcomes)

    async def discard_timeline(info: Info, workspace_id: str, timeline_id: str) -> TimelineInfo:
        ctx = context_of(info)
        await ctx.require(workspace_id, Need.WRITE)
        return timeline_info(await ctx.app.discard_timeline(workspace_id, timeline_id), workspace_id)

    only_mine = Argument("only_mine", bool, False, description="Only the signed-in user's intents.")
    workspace = Argument("workspace_id", ID)
    return [
        resolver_field(
            "undoLatest",
            undo_latest,
            [*workspace_arguments(), only_mine],
            IntentResult | None,
            description="Strike out the latest live intent; null when there is none.",
        ),
        resolver_field(
            "redoLatest",
            redo_latest,
            [*workspace_arguments(), only_mine],
            IntentResult | None,
            description="Strike out the latest undo; null when there is nothing to redo.",
        ),
        resolver_field(
            "createTimeline",
            create_timeline,
            [
                workspace,
                Argument("timeline_id", ID, description="The new timeline's id."),
                Argument("from_timeline", ID, MAIN_TIMELINE),
                Argument("at_sequence", int | None, None),
            ],
            TimelineInfo,
            description="Fork a branch timeline (at the source's head by default).",
        ),
        resolver_field(
            "mergeTimeline",
            merge_timeline,
            [workspace, Argument("source", ID), Argument("target", ID, MAIN_TIMELINE)],
            MergeReport,
            description="Re-execute the branch's intents on the target; reports any that no longer apply.",
        ),
        resolver_field("discardTimeline", discard_timeline, [workspace, Argument("timeline_id", ID)], TimelineInfo),
        upload_field(catalog),
    ]
