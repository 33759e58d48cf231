"""Insights and reports: KPIs, insights, dashboards, estate summaries, drawings and archives.

Server-only intents (`requires_server_execution`) in the estate's workspace. Each reads the
estate's snapshots while planning (structures, assets, attachments), computes typed results
(tuples of KpiValue, AssetInsight, ...) and, except dashboards, writes a file (JSON, CSV, SVG,
ZIP) to blob storage; the resulting ReportAggregate / ExportAggregate references it by its
BlobRef. Files are deterministic (sorted input, `ctx.now` for every timestamp, ZIP entries
stored uncompressed), so a replay rebuilds the same bytes and sha256 and verifies.

Blob storage is runtime wiring: `insights_module(blob_storage=...)` builds the module around
it; pass the storage the app gets, as for the attachments module:

    blobs = MemoryBlobStorage()  # or GridFS
    app = NomosApp(persistence, blob_storage=blobs,
                   modules=[..., attachments_module(blob_storage=blobs), insights_module(blob_storage=blobs)])

`MODULE` (what `schema.co2_modules()` loads) has no storage: dashboards work, and intents
that write a file are refused with `insights.blob_storage_unavailable`.
"""

from __future__ import annotations

from nomos_mongo import BlobStorage, NomosModule

from .aggregates import INSIGHTS_AGGREGATES, DashboardAggregate, ExportAggregate, ReportAggregate
from .events import INSIGHTS_EVENTS
from .export_directives import CreateExportDirective, ExportPayload
from .intents import (
    INSIGHTS_INTENTS,
    CalculateAssetKPIsIntent,
    CreateAssetInsightsDashboardIntent,
    CreateDrawingExportIntent,
    CreateEstateMediaArchiveIntent,
    CreateVoiceNoteArchiveIntent,
    GenerateEstateSummaryIntent,
    TriggerAssetInsightsIntent,
)
from .policy import NAME_RESOLVERS, routes
from .report_directives import CreateDashboardDirective, DashboardPayload, GenerateReportDirective, ReportPayload
from .values import (
    AssetInsight,
    EstateSummary,
    ExportedItem,
    ExportKind,
    InsightCode,
    KpiCode,
    KpiValue,
    ReportFile,
    ReportKind,
    SiteSummary,
    SkippedItem,
)


def insights_module(*, blob_storage: BlobStorage | None = None) -> NomosModule:
    return NomosModule(
        name="co2.insights",
        intents=INSIGHTS_INTENTS,
        directives=(GenerateReportDirective, CreateDashboardDirective, CreateExportDirective),
        events=INSIGHTS_EVENTS,
        aggregates=INSIGHTS_AGGREGATES,
        payloads=(ReportPayload, DashboardPayload, ExportPayload),
        routes=routes(blob_storage),
        name_resolvers=NAME_RESOLVERS,
    )


MODULE = insights_module()

__all__ = [
    "MODULE",
    "AssetInsight",
    "CalculateAssetKPIsIntent",
    "CreateAssetInsightsDashboardIntent",
    "CreateDrawingExportIntent",
    "CreateEstateMediaArchiveIntent",
    "CreateVoiceNoteArchiveIntent",
    "DashboardAggregate",
    "EstateSummary",
    "ExportAggregate",
    "ExportKind",
    "ExportedItem",
    "GenerateEstateSummaryIntent",
    "InsightCode",
    "KpiCode",
    "KpiValue",
    "ReportAggregate",
    "ReportFile",
    "ReportKind",
    "SiteSummary",
    "SkippedItem",
    "TriggerAssetInsightsIntent",
    "insights_module",
]
