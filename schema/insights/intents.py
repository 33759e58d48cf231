"""Insights and reports: server-only intents that compute from an estate's snapshots.

Each runs in the estate's workspace (the estate is the workspace) and leaves a report, an
export or a dashboard there; files go to blob storage. Each needs the estate write role
(Access.WRITE): it appends an entry to the estate's ledger and audit trail, and stores
results (archives can be large), which a read-only member must not be able to do; readers
read the reports and exports that exist.
"""

from __future__ import annotations

from typing import Annotated, ClassVar, TypeVar

from pydantic import AfterValidator, StrictBool

from nomos_mongo import ACTOR, DescribeContext, IntentDescription, NameRef
from schema.attachments.values import AttachmentTarget
from schema.common import Access, Co2Intent
from schema.contracts.base import MaxItems
from schema.contracts.custom_fields import CustomFieldKey
from schema.contracts.identifiers import BuildingId, DashboardId, ReportId, SiteId, UserId
from schema.contracts.names import DashboardName
from schema.insights.group import GROUP

from .values import REPLACEMENT_COST_KEY, KpiCode

MAX_BUILDINGS_PER_DRAWING = 500


T = TypeVar("T")


def _distinct(values: tuple[T, ...]) -> tuple[T, ...]:
    if len(set(values)) != len(values):
        raise ValueError("lists the same value twice")
    return values


def _named(name: DashboardName) -> DashboardName:
    if name.is_unresolved:
        raise ValueError("must not be empty")
    return name


# empty: every KPI; distinct, so never more than there are
KpiCodes = Annotated[tuple[KpiCode, ...], MaxItems(len(KpiCode)), AfterValidator(_distinct)]


def estate_ref(ctx: DescribeContext) -> NameRef:
    return ctx.resource_name("estate", ctx.workspace_id)


class ReportIntent(Co2Intent):
    access: ClassVar[Access] = Access.WRITE
    requires_server_execution: ClassVar[bool] = True


@GROUP.intent
class TriggerAssetInsightsIntent(ReportIntent):
    """Analyse the estate's assets: alerts, recommendations and analyses, with the KPIs behind them."""

    report_id: ReportId | None = None
    replacement_cost_key: CustomFieldKey = CustomFieldKey(REPLACEMENT_COST_KEY)
    requested_by: Annotated[UserId, ACTOR]

    def describe(self, ctx: DescribeContext) -> IntentDescription:
        return IntentDescription(
            "{actor} triggered asset insights for {estate}", {"actor": ctx.actor_name(), "estate": estate_ref(ctx)}
        )


@GROUP.intent
class CalculateAssetKPIsIntent(ReportIntent):
    report_id: ReportId | None = None
    kpis: KpiCodes = ()
    replacement_cost_key: CustomFieldKey = CustomFieldKey(REPLACEMENT_COST_KEY)
    requested_by: Annotated[UserId, ACTOR]

    def describe(self, ctx: DescribeContext) -> IntentDescription:
        return IntentDescription(
            "{actor} calculated asset KPIs for {estate}", {"actor": ctx.actor_name(), "estate": estate_ref(ctx)}
        )


@GROUP.intent
class CreateAssetInsightsDashboardIntent(ReportIntent):
    access: ClassVar[Access] = Access.WRITE

    dashboard_id: DashboardId | None = None
    name: Annotated[DashboardName, AfterValidator(_named)]
    kpis: KpiCodes = ()
    replacement_cost_key: CustomFieldKey = CustomFieldKey(REPLACEMENT_COST_KEY)
    created_by: Annotated[UserId, ACTOR]

    def describe(self, ctx: DescribeContext) -> IntentDescription:
        return IntentDescription(
            "{actor} created dashboard {name} for {estate}",
            {"actor": ctx.actor_name(), "name": self.name, "estate": estate_ref(ctx)},
        )


@GROUP.intent
class GenerateEstateSummaryIntent(ReportIntent):
    report_id: ReportId | None = None
    replacement_cost_key: CustomFieldKey = CustomFieldKey(REPLACEMENT_COST_KEY)
    requested_by: Annotated[UserId, ACTOR]

    def describe(self, ctx: DescribeContext) -> IntentDescription:
        return IntentDescription(
            "{actor} generated the summary of {estate}", {"actor": ctx.actor_name(), "estate": estate_ref(ctx)}
        )


@GROUP.intent
class CreateDrawingExportIntent(ReportIntent):
    """An SVG drawing of building footprints: the buildings named, else the site's, else the estate's."""

    export_id: ReportId | None = None
    site_id: SiteId | None = None
    building_ids: Annotated[tuple[BuildingId, ...], MaxItems(MAX_BUILDINGS_PER_DRAWING), AfterValidator(_distinct)] = ()
    requested_by: Annotated[UserId, ACTOR]

    def describe(self, ctx: DescribeContext) -> IntentDescription:
        where = ctx.resource_name("site", self.site_id.root) if self.site_id is not None else estate_ref(ctx)
        return IntentDescription("{actor} exported a drawing of {where}", {"actor": ctx.actor_name(), "where": where})


@GROUP.intent
class CreateVoiceNoteArchiveIntent(ReportIntent):
    """A ZIP of the estate's voice notes with their transcriptions (only those about `target`, if set)."""

    export_id: ReportId | None = None
    target: AttachmentTarget | None = None
    requested_by: Annotated[UserId, ACTOR]

    def describe(self, ctx: DescribeContext) -> IntentDescription:
        return IntentDescription(
            "{actor} archived the voice notes of {estate}", {"actor": ctx.actor_name(), "estate": estate_ref(ctx)}
        )


@GROUP.intent
class CreateEstateMediaArchiveIntent(ReportIntent):
    """A ZIP backup of the estate's attachments, in their folders."""

    export_id: ReportId | None = None
    include_voice_notes: StrictBool = True
    requested_by: Annotated[UserId, ACTOR]

    def describe(self, ctx: DescribeContext) -> IntentDescription:
        return IntentDescription(
            "{actor} archived the media of {estate}", {"actor": ctx.actor_name(), "estate": estate_ref(ctx)}
        )
