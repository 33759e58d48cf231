"""Reports, exports and dashboards: what an estate's insights intents leave behind.

Each lives in the estate's workspace and never changes once made: a report is a record of
the estate as it was at `generated_at`. Files are in blob storage, referenced by `file.blob`.
"""

from __future__ import annotations

from datetime import datetime

from nomos_mongo import Aggregate, Event
from schema.contracts.custom_fields import CustomFieldKey
from schema.contracts.identifiers import EstateId, UserId
from schema.contracts.names import DashboardName
from schema.insights.group import GROUP

from .events import DashboardCreatedEvent, ExportCreatedEvent, ReportGeneratedEvent
from .values import (
    REPLACEMENT_COST_KEY,
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


@GROUP.aggregate
class ReportAggregate(Aggregate):
    kind: ReportKind = ReportKind.kpis
    estate_id: EstateId | None = None
    replacement_cost_key: CustomFieldKey = CustomFieldKey(REPLACEMENT_COST_KEY)
    kpis: tuple[KpiValue, ...] = ()
    insights: tuple[AssetInsight, ...] = ()
    summary: EstateSummary | None = None
    file: ReportFile | None = None
    generated_by: UserId | None = None
    generated_at: datetime | None = None

    def apply(self, event: Event) -> ReportAggregate:
        if isinstance(event, ReportGeneratedEvent):
            return self.evolve(**{name: getattr(event, name) for name in type(event).model_fields})
        return self


@GROUP.aggregate
class ExportAggregate(Aggregate):
    kind: ExportKind = ExportKind.drawing
    estate_id: EstateId | None = None
    file: ReportFile | None = None
    items: tuple[ExportedItem, ...] = ()
    skipped: tuple[SkippedItem, ...] = ()
    generated_by: UserId | None = None
    generated_at: datetime | None = None

    def apply(self, event: Event) -> ExportAggregate:
        if isinstance(event, ExportCreatedEvent):
            return self.evolve(**{name: getattr(event, name) for name in type(event).model_fields})
        return self


@GROUP.aggregate
class DashboardAggregate(Aggregate):
    """A saved selection of KPIs with their values when it was created."""

    estate_id: EstateId | None = None
    name: DashboardName = DashboardName.unresolved
    kpi_codes: tuple[KpiCode, ...] = ()
    replacement_cost_key: CustomFieldKey = CustomFieldKey(REPLACEMENT_COST_KEY)
    kpis: tuple[KpiValue, ...] = ()
    created_by: UserId | None = None
    created_at: datetime | None = None

    def apply(self, event: Event) -> DashboardAggregate:
        if isinstance(event, DashboardCreatedEvent):
            return self.evolve(**{name: getattr(event, name) for name in type(event).model_fields})
        return self
