"""Routes from insights intents to directives, bound to the blob storage their files go to."""

from __future__ import annotations

from typing import Any

from nomos_mongo import BlobStorage, Directive, DirectiveContext, SnapshotReader
from schema.contracts.identifiers import DashboardId, ReportId
from schema.insights.group import GROUP

from .aggregates import DashboardAggregate
from .export_directives import CreateExportDirective, ExportPayload
from .intents import (
    CalculateAssetKPIsIntent,
    CreateAssetInsightsDashboardIntent,
    CreateDrawingExportIntent,
    CreateEstateMediaArchiveIntent,
    CreateVoiceNoteArchiveIntent,
    GenerateEstateSummaryIntent,
    TriggerAssetInsightsIntent,
)
from .report_directives import CreateDashboardDirective, DashboardPayload, GenerateReportDirective, ReportPayload
from .values import ExportKind, ReportKind

Routes = list[Directive[Any, Any]]


def routes(blob_storage: BlobStorage | None) -> dict[type[Any], Any]:
    """The routes, with `blob_storage` handed to the directives that write files."""

    def report(kind: ReportKind, intent: Any, ctx: DirectiveContext, kpi_codes: tuple[Any, ...] = ()) -> Routes:
        payload = ReportPayload(
            report_id=intent.report_id or ReportId(ctx.derive_id("report")),
            kind=kind,
            replacement_cost_key=intent.replacement_cost_key,
            kpi_codes=kpi_codes,
            requested_by=intent.requested_by,
            requested_at=ctx.now,
        )
        return [GenerateReportDirective(payload=payload).bound(blob_storage)]

    def export(kind: ExportKind, intent: Any, ctx: DirectiveContext, **options: Any) -> Routes:
        payload = ExportPayload(
            export_id=intent.export_id or ReportId(ctx.derive_id("export")),
            kind=kind,
            requested_by=intent.requested_by,
            requested_at=ctx.now,
            **options,
        )
        return [CreateExportDirective(payload=payload).bound(blob_storage)]

    def trigger_insights(intent: TriggerAssetInsightsIntent, ctx: DirectiveContext) -> Routes:
        return report(ReportKind.insights, intent, ctx)

    def calculate_kpis(intent: CalculateAssetKPIsIntent, ctx: DirectiveContext) -> Routes:
        return report(ReportKind.kpis, intent, ctx, intent.kpis)

    def estate_summary(intent: GenerateEstateSummaryIntent, ctx: DirectiveContext) -> Routes:
        return report(ReportKind.estate_summary, intent, ctx)

    def dashboard(intent: CreateAssetInsightsDashboardIntent, ctx: DirectiveContext) -> Routes:
        payload = DashboardPayload(
            dashboard_id=intent.dashboard_id or DashboardId(ctx.derive_id("dashboard")),
            name=intent.name,
            kpi_codes=intent.kpis,
            replacement_cost_key=intent.replacement_cost_key,
            created_by=intent.created_by,
            created_at=ctx.now,
        )
        return [CreateDashboardDirective(payload=payload).bound(blob_storage)]

    def drawing(intent: CreateDrawingExportIntent, ctx: DirectiveContext) -> Routes:
        return export(ExportKind.drawing, intent, ctx, site_id=intent.site_id, building_ids=intent.building_ids)

    def voice_notes(intent: CreateVoiceNoteArchiveIntent, ctx: DirectiveContext) -> Routes:
        return export(ExportKind.voice_note_archive, intent, ctx, target=intent.target)

    def media(intent: CreateEstateMediaArchiveIntent, ctx: DirectiveContext) -> Routes:
        return export(ExportKind.media_archive, intent, ctx, include_voice_notes=intent.include_voice_notes)

    return {
        TriggerAssetInsightsIntent: trigger_insights,
        CalculateAssetKPIsIntent: calculate_kpis,
        CreateAssetInsightsDashboardIntent: dashboard,
        GenerateEstateSummaryIntent: estate_summary,
        CreateDrawingExportIntent: drawing,
        CreateVoiceNoteArchiveIntent: voice_notes,
        CreateEstateMediaArchiveIntent: media,
    }


@GROUP.name_resolver("dashboard")
async def dashboard_name(reader: SnapshotReader, dashboard_id: str) -> str | None:
    dashboard = await reader.get(DashboardAggregate, dashboard_id, include_deleted=True)
    return str(dashboard.name) or None if dashboard is not None else None
