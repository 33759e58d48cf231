"""Insights refusals: each names its rule and writes nothing; server-only means server-only."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from nomos_mongo import (
    IntentRejected,
    MemoryPersistence,
    NomosApp,
    NomosOptions,
    ServerExecutionRequired,
)
from schema import co2_modules
from schema.insights import (
    CalculateAssetKPIsIntent,
    CreateAssetInsightsDashboardIntent,
    CreateDrawingExportIntent,
    CreateEstateMediaArchiveIntent,
    CreateVoiceNoteArchiveIntent,
    GenerateEstateSummaryIntent,
    KpiCode,
    TriggerAssetInsightsIntent,
)
from tests.schema.helpers import estate_ctx
from tests.schema.insights.insights_setup import ESTATE, dispatch, estate_world


async def rejected(app: NomosApp, intent: object, estate: str = ESTATE) -> IntentRejected:
    before = await app.head(estate, "main")
    with pytest.raises(IntentRejected) as caught:
        await app.dispatch(intent, estate_ctx(estate))  # type: ignore[arg-type]
    assert await app.head(estate, "main") == before
    return caught.value


@pytest.fixture
async def app(reporting_app: NomosApp) -> NomosApp:
    await estate_world(reporting_app)
    return reporting_app


async def test_reports_need_an_estate(reporting_app: NomosApp) -> None:
    error = await rejected(reporting_app, TriggerAssetInsightsIntent(requested_by="alice"), "no-estate")
    assert error.rule == "insights.estate_not_found"


async def test_a_report_id_is_used_once(app: NomosApp) -> None:
    await dispatch(app, GenerateEstateSummaryIntent(report_id="r-1", requested_by="alice"))
    error = await rejected(app, CalculateAssetKPIsIntent(report_id="r-1", requested_by="alice"))
    assert error.rule == "insights.record_exists"


@pytest.mark.parametrize(
    ("rule", "intent"),
    [
        ("insights.site_not_found", CreateDrawingExportIntent(site_id="nope", requested_by="alice")),
        ("insights.building_not_found", CreateDrawingExportIntent(building_ids=("nope",), requested_by="alice")),
        (
            "insights.building_not_found",
            CreateDrawingExportIntent(site_id="site-1", building_ids=("b-north", "ghost"), requested_by="alice"),
        ),
        ("insights.nothing_to_draw", CreateDrawingExportIntent(building_ids=("b-south",), requested_by="alice")),
        ("insights.no_voice_notes", CreateVoiceNoteArchiveIntent(requested_by="alice")),
        ("insights.no_media", CreateEstateMediaArchiveIntent(requested_by="alice")),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
async def test_export_rejections(app: NomosApp, rule: str, intent: object) -> None:
    error = await rejected(app, intent)
    assert error.rule == rule and error.reason


def _blob_hashes(value: object) -> list[str]:
    if isinstance(value, dict):
        found = [value["sha256"]] if isinstance(value.get("sha256"), str) else []
        return found + [h for v in value.values() for h in _blob_hashes(v)]
    if isinstance(value, list):
        return [h for v in value for h in _blob_hashes(v)]
    return []


async def test_files_go_to_the_apps_blob_storage(co2_app: NomosApp) -> None:
    await estate_world(co2_app)
    for intent in (CalculateAssetKPIsIntent(requested_by="alice"), CreateDrawingExportIntent(requested_by="alice")):
        entry = await co2_app.dispatch(intent, estate_ctx(ESTATE))
        hashes = [h for record in entry.events for h in _blob_hashes(record.event.to_json())]
        assert hashes, f"{intent.type_name} referenced no file"
        for sha256 in hashes:
            assert await co2_app.blob.exists(sha256)


async def test_a_client_runtime_cannot_compute_reports() -> None:
    client = NomosApp(MemoryPersistence(), modules=co2_modules(), options=NomosOptions(is_server_runtime=False))
    async with client:
        with pytest.raises(ServerExecutionRequired):
            await client.dispatch(TriggerAssetInsightsIntent(requested_by="alice"), estate_ctx(ESTATE))
        with pytest.raises(ServerExecutionRequired):  # nor predict them optimistically
            await client.dispatch_optimistic(TriggerAssetInsightsIntent(requested_by="alice"), estate_ctx(ESTATE))


async def test_the_actor_field_must_name_the_dispatcher(app: NomosApp) -> None:
    error = await rejected(app, TriggerAssetInsightsIntent(requested_by="mallory"))
    assert error.rule == "intent.actor_mismatch"


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda: CreateAssetInsightsDashboardIntent(name=" ", created_by="alice"), "name"),
        (
            lambda: CreateAssetInsightsDashboardIntent(
                name="D", kpis=(KpiCode.asset_count, KpiCode.asset_count), created_by="alice"
            ),
            "kpis",
        ),
        (lambda: CalculateAssetKPIsIntent(kpis=("nope",), requested_by="alice"), "kpis"),
        (
            lambda: CalculateAssetKPIsIntent(replacement_cost_key="not a key", requested_by="alice"),
            "replacement_cost_key",
        ),
        (lambda: CreateDrawingExportIntent(building_ids=("b", "b"), requested_by="alice"), "building_ids"),
    ],
)
def test_early_validation(build: object, field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        build()  # type: ignore[operator]
    assert caught.value.errors()[0]["loc"][0] == field
