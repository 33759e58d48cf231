"""What happened: a report was generated, an export created, a dashboard created."""

from __future__ import annotations

from datetime import datetime

from nomos_mongo import Event
from schema.contracts.custom_fields import CustomFieldKey
from schema.contracts.identifiers import EstateId, UserId
from schema.contracts.names import DashboardName
from schema.insights.group import GROUP

from .values import (
    AssetInsight,
    EstateSummary,
    ExportedItem,
    ExportKind,
    KpiCode,
    KpiValue,
    ReportFile,
    ReportKind,
    SkippedItem,
)


@GROUP.event
class ReportGeneratedEvent(Event):
    kind: ReportKind
    estate_id: EstateId
    replacement_cost_key: CustomFieldKey
    kpis: tuple[KpiValue, ...] = ()
    insights: tuple[AssetInsight, ...] = ()
    summary: EstateSummary | None = None
    file: ReportFile
    generated_by: UserId
    generated_at: datetime


@GROUP.event
class ExportCreatedEvent(Event):
    kind: ExportKind
    estate_id: EstateId
    file: ReportFile
    items: tuple[ExportedItem, ...] = ()
    skipped: tuple[SkippedItem, ...] = ()
    generated_by: UserId
    generated_at: datetime


@GROUP.event
class DashboardCreatedEvent(Event):
    estate_id: EstateId
    name: DashboardName
    kpi_codes: tuple[KpiCode, ...]
    replacement_cost_key: CustomFieldKey
    kpis: tuple[KpiValue, ...] = ()
    created_by: UserId
    created_at: datetime
