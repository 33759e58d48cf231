"""Reports (insights, KPIs, estate summary) and dashboards, computed from the estate's snapshots."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from nomos_mongo import DirectiveContext, Event, Payload, SnapshotReader
from schema.contracts.custom_fields import CustomFieldKey
from schema.contracts.identifiers import DashboardId, EstateId, ReportId, UserId
from schema.contracts.names import DashboardName
from schema.insights.group import GROUP

from .aggregates import DashboardAggregate, ReportAggregate
from .directives import ComputingDirective
from .documents import json_bytes, kpi_csv
from .estate_data import EstateData, load_estate
from .events import DashboardCreatedEvent, ReportGeneratedEvent
from .kpis import ALL_KPIS, calculate_kpis, derive_insights
from .summaries import structure, summarize
from .values import AssetInsight, EstateSummary, KpiCode, KpiValue, ReportFile, ReportKind

_FILE_STEMS = {
    ReportKind.insights: "asset-insights",
    ReportKind.kpis: "asset-kpis",
    ReportKind.estate_summary: "estate-summary",
}


@GROUP.payload
class ReportPayload(Payload):
    report_id: ReportId
    kind: ReportKind
    replacement_cost_key: CustomFieldKey
    kpi_codes: tuple[KpiCode, ...] = ()  # empty: all
    requested_by: UserId
    requested_at: datetime
    # computed while planning
    estate_id: EstateId | None = None
    kpis: tuple[KpiValue, ...] = ()
    insights: tuple[AssetInsight, ...] = ()
    summary: EstateSummary | None = None
    file: ReportFile | None = None


@GROUP.directive
class GenerateReportDirective(ComputingDirective[ReportAggregate, ReportPayload]):
    aggregate_type = ReportAggregate

    def record_id(self) -> str:
        return self.payload.report_id.root

    def exists(self, record: ReportAggregate) -> bool:
        return record.generated_at is not None

    async def compute(self, ctx: DirectiveContext, snapshots: SnapshotReader) -> ReportPayload:
        p = self.payload
        data = await load_estate(snapshots, ctx.workspace_id, with_attachments=p.kind is ReportKind.estate_summary)
        key = p.replacement_cost_key.root
        kpis: tuple[KpiValue, ...] = ()
        insights: tuple[AssetInsight, ...] = ()
        summary = None
        if p.kind is ReportKind.estate_summary:
            summary = summarize(data, key)
        else:
            kpis = calculate_kpis(data, key, p.kpi_codes or ALL_KPIS)
            if p.kind is ReportKind.insights:
                insights = derive_insights(data, key)
        result = p.model_copy(
            update={"estate_id": EstateId(data.estate.id), "kpis": kpis, "insights": insights, "summary": summary}
        )
        file_name = f"{_FILE_STEMS[p.kind]}-{p.requested_at.date().isoformat()}"
        if p.kind is ReportKind.kpis:
            file = await self.store(kpi_csv(kpis), "text/csv", f"{file_name}.csv")
        else:
            file = await self.store(json_bytes(_document(result, data)), "application/json", f"{file_name}.json")
        return result.model_copy(update={"file": file})

    def execute(self, snapshot: ReportAggregate, payload: ReportPayload) -> Sequence[Event]:
        assert payload.estate_id is not None and payload.file is not None
        return [
            ReportGeneratedEvent(
                kind=payload.kind,
                estate_id=payload.estate_id,
                replacement_cost_key=payload.replacement_cost_key,
                kpis=payload.kpis,
                insights=payload.insights,
                summary=payload.summary,
                file=payload.file,
                generated_by=payload.requested_by,
                generated_at=payload.requested_at,
            )
        ]


def _document(result: ReportPayload, data: EstateData) -> dict[str, Any]:
    def dump(value: Any) -> Any:
        return value.model_dump(mode="json", by_alias=True) if value is not None else None

    document: dict[str, Any] = {
        "report": result.kind.value,
        "estate": {"estateId": data.estate.id, "name": str(data.estate.name)},
        "generatedAt": result.requested_at.isoformat(),
        "generatedBy": result.requested_by.root,
        "replacementCostKey": result.replacement_cost_key.root,
    }
    if result.kind is ReportKind.estate_summary:
        document["summary"] = dump(result.summary)
        document["structure"] = structure(data)
    else:
        document["kpis"] = [dump(k) for k in result.kpis]
        document["insights"] = [dump(i) for i in result.insights]
    return document


@GROUP.payload
class DashboardPayload(Payload):
    dashboard_id: DashboardId
    name: DashboardName
    kpi_codes: tuple[KpiCode, ...] = ()  # empty: all
    replacement_cost_key: CustomFieldKey
    created_by: UserId
    created_at: datetime
    # computed while planning
    estate_id: EstateId | None = None
    kpis: tuple[KpiValue, ...] = ()


@GROUP.directive
class CreateDashboardDirective(ComputingDirective[DashboardAggregate, DashboardPayload]):
    """A dashboard keeps its values in its state; it writes no file."""

    aggregate_type = DashboardAggregate

    def record_id(self) -> str:
        return self.payload.dashboard_id.root

    def exists(self, record: DashboardAggregate) -> bool:
        return record.created_at is not None

    async def compute(self, ctx: DirectiveContext, snapshots: SnapshotReader) -> DashboardPayload:
        p = self.payload
        data = await load_estate(snapshots, ctx.workspace_id)
        codes = p.kpi_codes or ALL_KPIS
        kpis = calculate_kpis(data, p.replacement_cost_key.root, codes)
        return p.model_copy(update={"estate_id": EstateId(data.estate.id), "kpi_codes": tuple(codes), "kpis": kpis})

    def execute(self, snapshot: DashboardAggregate, payload: DashboardPayload) -> Sequence[Event]:
        assert payload.estate_id is not None
        return [
            DashboardCreatedEvent(
                estate_id=payload.estate_id,
                name=payload.name,
                kpi_codes=payload.kpi_codes,
                replacement_cost_key=payload.replacement_cost_key,
                kpis=payload.kpis,
                created_by=payload.created_by,
                created_at=payload.created_at,
            )
        ]
