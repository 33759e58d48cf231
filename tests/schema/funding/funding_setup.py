"""A funded world for the funding tests: an estate with assets and a program with rules."""

from __future__ import annotations

from nomos_mongo import IntentLedgerEntry, NomosApp
from nomos_mongo.codec import entry_from_document, entry_to_document
from schema.assets import CreateTrackableAssetIntent
from schema.contracts import Money
from schema.estates import CreateEstateIntent
from schema.funding import CreateFundingProgramIntent, DefineFundingProgramIntent
from tests.schema.helpers import estate_ctx, system_ctx

FUNDER = "funder"


async def dispatch(app: NomosApp, intent: object, actor: str = "alice") -> IntentLedgerEntry:
    """Dispatch in the system workspace, checking the JSON round trips on the way."""
    entry = await app.dispatch(intent, system_ctx(actor))  # type: ignore[arg-type]
    assert app.registry.intent_from_json(intent.to_json()) == intent  # type: ignore[attr-defined]
    for record in entry.events:
        assert app.registry.event_from_json(record.event.to_json()) == record.event
    # the whole ledger entry (directives and payloads too) as a store keeps it
    assert entry_from_document(app.registry, entry_to_document(entry)) == entry
    return entry


async def estate_with_assets(app: NomosApp, estate_id: str, name: str) -> None:
    """An estate owned by alice with an hvac asset `hvac-1` and a furniture asset `desk-1`."""
    await app.dispatch(CreateEstateIntent(estate_id=estate_id, name=name), estate_ctx(estate_id))
    for asset_id, asset_type in (("hvac-1", "hvac"), ("desk-1", "furniture")):
        await app.dispatch(
            CreateTrackableAssetIntent(
                asset_id=asset_id, name=asset_id, asset_type=asset_type, created_by_user_id="alice"
            ),
            estate_ctx(estate_id),
        )


async def funded_world(app: NomosApp) -> None:
    """estate-1 (Corporate Campus) and program `green`: EUR 100,000, at most 60,000 per application,
    hvac assets only, 25% co-funding."""
    await estate_with_assets(app, "estate-1", "Corporate Campus")
    await dispatch(
        app,
        CreateFundingProgramIntent(
            program_id="green",
            name="Green Retrofit",
            budget=Money.eur(100_000),
            eligibility="Public buildings",
            created_by=FUNDER,
        ),
        FUNDER,
    )
    await dispatch(
        app,
        DefineFundingProgramIntent(
            program_id="green",
            max_award_per_application=Money.eur(60_000),
            eligible_asset_types=("hvac",),
            co_funding_percentage=25,
            defined_by=FUNDER,
        ),
        FUNDER,
    )
