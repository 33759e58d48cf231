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

# importing a module declares its classes in GROUP
from . import (  # noqa: F401
    aggregates,
    archives,
    directives,
    documents,
    drawing,
    estate_data,
    events,
    export_directives,
    intents,
    kpis,
    policy,
    report_directives,
    summaries,
    values,
)
from .group import GROUP
from .policy import routes
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
    return GROUP.module(routes=routes(blob_storage))


MODULE = insights_module()

# the group's classes by name: `from schema.insights import CalculateAssetKPIsIntent`
__getattr__ = GROUP.member

__all__ = [
    "GROUP",
    "MODULE",
    "AssetInsight",
    "EstateSummary",
    "ExportKind",
    "ExportedItem",
    "InsightCode",
    "KpiCode",
    "KpiValue",
    "ReportFile",
    "ReportKind",
    "SiteSummary",
    "SkippedItem",
    "insights_module",
]
