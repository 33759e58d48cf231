"""KPIs, insights, estate summaries and dashboards, computed on the engine from the estate's snapshots."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

import pytest

from nomos_mongo import IntentContext, NomosApp
from nomos_mongo.states import TimelineReader
from schema.common import Access, Co2Intent, Scope
from schema.contracts import InsightType, Money
from schema.estates import CreateEstateIntent
from schema.insights import MODULE as INSIGHTS
from schema.insights import (
    CalculateAssetKPIsIntent,
    CreateAssetInsightsDashboardIntent,
    CreateDrawingExportIntent,
    CreateEstateMediaArchiveIntent,
    CreateVoiceNoteArchiveIntent,
    DashboardAggregate,
    GenerateEstateSummaryIntent,
    InsightCode,
    KpiCode,
    ReportAggregate,
    ReportKind,
    TriggerAssetInsightsIntent,
)
from schema.insights.policy import dashboard_name
from tests.schema.insights.insights_setup import ESTATE, dispatch, estate_world, media_world

ALL_INTENTS = [
    TriggerAssetInsightsIntent,
    CalculateAssetKPIsIntent,
    CreateAssetInsightsDashboardIntent,
    GenerateEstateSummaryIntent,
    CreateDrawingExportIntent,
    CreateVoiceNoteArchiveIntent,
    CreateEstateMediaArchiveIntent,
]


@pytest.mark.parametrize("intent_type", ALL_INTENTS, ids=lambda t: t.__name__)
def test_every_insights_intent_is_registered_routed_and_server_only(
    co2_app: NomosApp, intent_type: type[Co2Intent]
) -> None:
    assert co2_app.registry.intent_type(intent_type.__name__) is intent_type
    assert co2_app.policy.routes_for(intent_type)
    assert intent_type.requires_server_execution is True
    assert intent_type.scope is Scope.WORKSPACE
    # appending to an estate's ledger (and storing files) is writing, whatever is computed
    assert intent_type.access is Access.WRITE


def test_the_intent_list_is_complete() -> None:
    assert set(INSIGHTS.intents) == set(ALL_INTENTS)


async def report(app: NomosApp, report_id: str) -> ReportAggregate:
    state = await app.read_latest(ReportAggregate, ESTATE, "main", report_id)
    assert state is not None
    assert app.registry.aggregate_from_json(state.to_json()) == state
    return state


def values(state: ReportAggregate | DashboardAggregate, code: KpiCode) -> dict[str, tuple[object, ...]]:
    return {k.key: (k.count, k.amount, k.percentage) for k in state.kpis if k.code is code}


async def test_asset_kpis(reporting_app: NomosApp) -> None:
    app = reporting_app
    await estate_world(app)
    entry = await dispatch(app, CalculateAssetKPIsIntent(report_id="kpis-1", requested_by="alice"))
    assert entry.description == "alice calculated asset KPIs for Corporate Campus"
    state = await report(app, "kpis-1")
    assert state.kind is ReportKind.kpis and state.estate_id.root == ESTATE  # type: ignore[union-attr]
    assert values(state, KpiCode.asset_count) == {"": (4, None, None)}
    assert values(state, KpiCode.assets_by_type) == {
        "chiller": (1, None, 25.0),
        "generic": (1, None, 25.0),
        "hvac": (2, None, 50.0),
    }
    assert values(state, KpiCode.assets_by_building) == {"b-north": (3, None, 75.0)}
    assert values(state, KpiCode.assets_by_room) == {"r-office": (1, None, 25.0), "r-plant": (2, None, 50.0)}
    assert values(state, KpiCode.assets_by_site) == {"site-1": (3, None, 75.0)}
    assert values(state, KpiCode.unassigned_assets) == {"": (1, None, 25.0)}
    assert values(state, KpiCode.custom_field_coverage) == {"": (3, None, 75.0)}
    assert values(state, KpiCode.custom_field_usage) == {
        "refrigerant": (1, None, 25.0),
        "replacement_cost": (3, None, 75.0),
    }
    assert values(state, KpiCode.replacement_cost_total) == {
        "EUR": (2, Money.eur(20_000), None),
        "GBP": (1, Money.gbp(50_000), None),
    }
    assert values(state, KpiCode.replacement_cost_coverage) == {"replacement_cost": (3, None, 75.0)}
    assert [k.label for k in state.kpis if k.code is KpiCode.assets_by_room] == ["Office", "Plant Room"]

    assert state.file is not None and state.file.blob.content_type == "text/csv"
    assert state.file.file_name.root == f"asset-kpis-{entry.client_timestamp.date().isoformat()}.csv"
    rows = list(csv.DictReader(io.StringIO((await app.blob.load(state.file.blob)).decode())))
    assert {
        "code": "replacementCostTotal",
        "key": "EUR",
        "label": "EUR",
        "count": "2",
        "amount": "20000.00",
        "currency": "EUR",
        "percentage": "",
    } in rows
    assert len(rows) == len(state.kpis)
    assert (await app.verify_timeline(ESTATE, "main")).ok


async def test_chosen_kpis_only(reporting_app: NomosApp) -> None:
    await estate_world(reporting_app)
    await dispatch(
        reporting_app,
        CalculateAssetKPIsIntent(
            report_id="kpis-2", kpis=(KpiCode.asset_count, KpiCode.unassigned_assets), requested_by="alice"
        ),
    )
    state = await report(reporting_app, "kpis-2")
    assert [k.code for k in state.kpis] == [KpiCode.asset_count, KpiCode.unassigned_assets]


async def test_asset_insights(reporting_app: NomosApp) -> None:
    app = reporting_app
    await estate_world(app)
    entry = await dispatch(app, TriggerAssetInsightsIntent(report_id="ins-1", requested_by="alice"))
    assert entry.description == "alice triggered asset insights for Corporate Campus"
    state = await report(app, "ins-1")
    found = {i.code: i for i in state.insights}
    assert set(found) == {
        InsightCode.unassigned_assets,
        InsightCode.missing_replacement_cost,
        InsightCode.rooms_without_assets,
        InsightCode.dominant_asset_type,
        InsightCode.replacement_cost_concentration,
    }
    assert found[InsightCode.unassigned_assets].insight_type is InsightType.alert
    assert [a.root for a in found[InsightCode.unassigned_assets].asset_ids] == ["desk-1"]
    assert [r.root for r in found[InsightCode.rooms_without_assets].room_ids] == ["r-store"]
    assert found[InsightCode.dominant_asset_type].message == "hvac is the most common asset type: 2 of 4 assets (50%)"
    assert found[InsightCode.missing_replacement_cost].insight_type is InsightType.recommendation
    assert found[InsightCode.replacement_cost_concentration].message == (
        "HVAC-1 carries 60% of the EUR replacement cost (€12,000.00)"
    )
    assert state.kpis  # the figures behind the insights
    document = json.loads(await app.blob.load(state.file.blob))  # type: ignore[union-attr]
    assert document["report"] == "insights" and document["estate"]["name"] == "Corporate Campus"
    assert document["generatedAt"] == entry.client_timestamp.isoformat()
    assert [i["code"] for i in document["insights"]] == [i.code.value for i in state.insights]


async def test_an_empty_estate_gets_one_insight(reporting_app: NomosApp) -> None:
    await dispatch(reporting_app, CreateEstateIntent(estate_id=ESTATE, name="Empty"))
    await dispatch(reporting_app, TriggerAssetInsightsIntent(report_id="ins-1", requested_by="alice"))
    state = await report(reporting_app, "ins-1")
    assert [i.code for i in state.insights] == [InsightCode.no_assets]


async def test_estate_summary(reporting_app: NomosApp) -> None:
    app = reporting_app
    await estate_world(app)
    await media_world(app)
    entry = await dispatch(app, GenerateEstateSummaryIntent(report_id="sum-1", requested_by="alice"))
    assert entry.description == "alice generated the summary of Corporate Campus"
    summary = (await report(app, "sum-1")).summary
    assert summary is not None
    assert (summary.site_count, summary.building_count, summary.room_count, summary.asset_count) == (1, 2, 3, 4)
    assert (summary.attachment_count, summary.voice_note_count) == (4, 1)
    assert summary.replacement_cost_totals == (Money.eur(20_000), Money.gbp(50_000))
    assert [(s.name, s.asset_count) for s in summary.sites] == [("HQ", 3)]
    state = await report(app, "sum-1")
    document = json.loads(await app.blob.load(state.file.blob))  # type: ignore[union-attr]
    north = document["structure"][0]["buildings"][0]
    assert north["name"] == "North Wing"
    assert {r["name"]: r["assetCount"] for r in north["rooms"]} == {"Plant Room": 2, "Office": 1}


async def test_dashboard_needs_no_blob_storage(co2_app: NomosApp) -> None:
    await estate_world(co2_app)
    entry = await dispatch(
        co2_app,
        CreateAssetInsightsDashboardIntent(
            dashboard_id="dash-1",
            name="Plant overview",
            kpis=(KpiCode.assets_by_type, KpiCode.replacement_cost_total),
            created_by="alice",
        ),
    )
    assert entry.description == "alice created dashboard Plant overview for Corporate Campus"
    dashboard = await co2_app.read_latest(DashboardAggregate, ESTATE, "main", "dash-1")
    assert dashboard is not None and co2_app.registry.aggregate_from_json(dashboard.to_json()) == dashboard
    assert dashboard.kpi_codes == (KpiCode.assets_by_type, KpiCode.replacement_cost_total)
    assert values(dashboard, KpiCode.assets_by_type)["hvac"] == (2, None, 50.0)
    assert dashboard.created_at == entry.client_timestamp


async def test_a_dashboard_of_every_kpi_by_default(co2_app: NomosApp) -> None:
    await estate_world(co2_app)
    entry = await dispatch(co2_app, CreateAssetInsightsDashboardIntent(name="All", created_by="alice"))
    dashboard = await co2_app.read_latest(DashboardAggregate, ESTATE, "main", entry.events[0].aggregate_id)
    assert dashboard is not None and dashboard.kpi_codes == tuple(KpiCode)


async def test_the_same_estate_at_the_same_time_gives_the_same_file(reporting_app: NomosApp) -> None:
    await estate_world(reporting_app)
    at = datetime(2026, 11, 22, 9, 30, tzinfo=UTC)
    for report_id in ("kpis-a", "kpis-b"):
        ctx = IntentContext(workspace_id=ESTATE, actor_id="alice", client_timestamp=at)
        await reporting_app.dispatch(CalculateAssetKPIsIntent(report_id=report_id, requested_by="alice"), ctx)
    first, second = await report(reporting_app, "kpis-a"), await report(reporting_app, "kpis-b")
    assert first.file == second.file


async def test_a_dashboard_is_named_by_its_name(co2_app: NomosApp) -> None:
    await estate_world(co2_app)
    await dispatch(co2_app, CreateAssetInsightsDashboardIntent(dashboard_id="dash-1", name="Plant", created_by="alice"))
    reader = TimelineReader(co2_app.states, ESTATE, "main")
    assert await dashboard_name(reader, "dash-1") == "Plant"
    assert await dashboard_name(reader, "nope") is None
