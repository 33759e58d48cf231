"""The engine's own mutations: undo, redo, and branch timelines.

Undoing or redoing an intent changes what that intent changed, so it needs the role the
intent itself needed: write access, and more when the target intent asks for more, or an
aggregate it touched declares more (`undo_access`: reverting a grant is granting). A merge needs what each intent it
re-executes needs.
"""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.types import Info
from strawberry.types.field import StrawberryField

from nomos_mongo import MAIN_TIMELINE, EntryKind, IntentLedgerEntry, NomosApp

from .authorization import Need, highest, need_of, undo_need
from .catalog import Catalog, timeline_info
from .context import RequestContext, context_of
from .fields import Argument, resolver_field
from .ledger import IntentResult, MergeOutcome, MergeReport, TimelineInfo
from .mutations import upload_field
from .queries import workspace_arguments

ID = strawberry.ID


async def _undo_target(app: NomosApp, ws: str, tl: str, actor_id: str | None) -> IntentLedgerEntry | None:
    return await app.persistence.find_latest_entry(ws, tl, kind=EntryKind.INTENT, actor_id=actor_id)


async def _redo_target(app: NomosApp, ws: str, tl: str, actor_id: str | None) -> IntentLedgerEntry | None:
    undo = await app.persistence.find_latest_entry(ws, tl, kind=EntryKind.UNDO, actor_id=actor_id)
    if undo is None or not undo.strike_out_intent_ids:
        return None
    return await app.load_entry(undo.strike_out_intent_ids[0])


async def _authorize_redo_undo(
    ctx: RequestContext, ws: str, tl: str, only_mine: bool, redo: bool
) -> tuple[str, str | None]:
    """Who asks, and whose intents to consider (None: anyone's)."""
    user = await ctx.require(ws, Need.WRITE)
    actor = user.id if only_mine else None
    target = await (_redo_target if redo else _undo_target)(ctx.app, ws, tl, actor)
    await ctx.require(ws, undo_need(ctx.app.registry, target))
    return user.id, actor


def system_mutations(catalog: Catalog) -> list[StrawberryField]:
    async def undo_latest(info: Info, workspace_id: str, timeline_id: str, only_mine: bool = False) -> Any:
        ctx = context_of(info)
        user_id, actor = await _authorize_redo_undo(ctx, workspace_id, timeline_id, only_mine, redo=False)
        entry = await ctx.app.undo_latest(workspace_id, timeline_id, actor, performed_by=user_id)
        return None if entry is None else await catalog.result(ctx.app, entry)

    async def redo_latest(info: Info, workspace_id: str, timeline_id: str, only_mine: bool = False) -> Any:
        ctx = context_of(info)
        user_id, actor = await _authorize_redo_undo(ctx, workspace_id, timeline_id, only_mine, redo=True)
        entry = await ctx.app.redo_latest(workspace_id, timeline_id, actor, performed_by=user_id)
        return None if entry is None else await catalog.result(ctx.app, entry)

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
        fork = await ctx.app.timelines.require(workspace_id, source)
        after = fork.fork_sequence if fork is not None else 0
        entries = await ctx.app.read_timeline(workspace_id, source, after=after)
        needs = [need_of(type(e.intent)) for e in entries if e.kind is EntryKind.INTENT and not e.struck_out]
        await ctx.require(workspace_id, highest([Need.WRITE, *needs]))
        # the branch's intents keep their authors: each was authorized when it was dispatched
        report = await ctx.app.merge_timeline(workspace_id, source=source, target=target)
        outcomes = [
            MergeOutcome(
                source_intent_id=ID(o.source_intent_id),
                intent_type=o.intent_type,
                applied=o.applied,
                result=await catalog.result(ctx.app, o.entry) if o.entry is not None else None,
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
