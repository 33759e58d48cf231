"""Taxonomy intents on the engine: lifecycle, state, events, JSON round trips, descriptions."""

from __future__ import annotations

import pytest

from nomos_mongo import IntentLedgerEntry, NomosApp
from nomos_mongo.codec import entry_from_document, entry_to_document
from schema.common import SYSTEM_WORKSPACE, Access, Co2Intent, Scope
from schema.contracts import CustomField, CustomFieldSource, CustomFieldType, UserId
from schema.taxonomy import MODULE as TAXONOMY
from schema.taxonomy import (
    AddTaxonomyCategoryIntent,
    AddTaxonomyCustomFieldIntent,
    AddTaxonomySubCategoryIntent,
    CreateTaxonomyIntent,
    RemoveTaxonomyCategoryIntent,
    RemoveTaxonomyCustomFieldIntent,
    RemoveTaxonomyIntent,
    RemoveTaxonomySubCategoryIntent,
    TaxonomyAggregate,
    UpdateTaxonomyCategoryIntent,
    UpdateTaxonomyCustomFieldIntent,
    UpdateTaxonomyIntent,
    UpdateTaxonomySubCategoryIntent,
)
from tests.schema.helpers import system_ctx

ALL_INTENTS = [
    CreateTaxonomyIntent,
    UpdateTaxonomyIntent,
    RemoveTaxonomyIntent,
    AddTaxonomyCategoryIntent,
    UpdateTaxonomyCategoryIntent,
    RemoveTaxonomyCategoryIntent,
    AddTaxonomySubCategoryIntent,
    UpdateTaxonomySubCategoryIntent,
    RemoveTaxonomySubCategoryIntent,
    AddTaxonomyCustomFieldIntent,
    UpdateTaxonomyCustomFieldIntent,
    RemoveTaxonomyCustomFieldIntent,
]


@pytest.mark.parametrize("intent_type", ALL_INTENTS, ids=lambda t: t.__name__)
def test_every_taxonomy_intent_is_registered_and_routed(co2_app: NomosApp, intent_type: type[Co2Intent]) -> None:
    assert co2_app.registry.intent_type(intent_type.__name__) is intent_type
    assert co2_app.policy.routes_for(intent_type)
    assert intent_type.scope is Scope.SYSTEM
    assert intent_type.access is Access.ADMIN


def test_the_intent_list_is_complete() -> None:
    assert set(TAXONOMY.intents) == set(ALL_INTENTS)


async def run(app: NomosApp, intent: object, actor: str = "alice") -> IntentLedgerEntry:
    entry = await app.dispatch(intent, system_ctx(actor))  # type: ignore[arg-type]
    assert app.registry.intent_from_json(intent.to_json()) == intent  # type: ignore[attr-defined]
    for record in entry.events:
        assert app.registry.event_from_json(record.event.to_json()) == record.event
    # the whole ledger entry (directives and payloads too) as a store keeps it
    assert entry_from_document(app.registry, entry_to_document(entry)) == entry
    return entry


async def taxonomy(app: NomosApp, taxonomy_id: str = "tax-1") -> TaxonomyAggregate:
    state = await app.read_latest(TaxonomyAggregate, SYSTEM_WORKSPACE, "main", taxonomy_id)
    assert state is not None
    assert app.registry.aggregate_from_json(state.to_json()) == state
    return state


async def test_taxonomy_lifecycle(co2_app: NomosApp) -> None:
    app = co2_app
    entry = await run(
        app,
        CreateTaxonomyIntent(
            taxonomy_id="tax-1", name="Building services", description="CIBSE-style asset groups", created_by="alice"
        ),
    )
    assert entry.description == "alice created taxonomy Building services"
    assert [r.event.type_name for r in entry.events] == ["TaxonomyCreatedEvent"]
    state = await taxonomy(app)
    assert (state.name.root, state.created_by) == ("Building services", UserId("alice"))
    assert state.created_at == entry.client_timestamp

    entry = await run(
        app, AddTaxonomyCategoryIntent(taxonomy_id="tax-1", category_id="hvac", name="HVAC", added_by="alice")
    )
    assert entry.description == "alice added category HVAC to taxonomy Building services"
    entry = await run(
        app,
        AddTaxonomySubCategoryIntent(
            taxonomy_id="tax-1", category_id="hvac", subcategory_id="chillers", name="Chillers", added_by="alice"
        ),
    )
    assert entry.description == "alice added subcategory Chillers to category HVAC of taxonomy Building services"
    entry = await run(
        app,
        AddTaxonomyCustomFieldIntent(
            taxonomy_id="tax-1",
            category_id="chillers",
            field_id="f-refrigerant",
            key="refrigerant",
            label="Refrigerant",
            field_type=CustomFieldType.select,
            options=("R134a", "R410A"),
            default_value=CustomField.select("refrigerant", "R410A"),
            required=True,
            added_by="alice",
        ),
    )
    assert entry.description == (
        "alice added custom field Refrigerant (select) to Chillers of taxonomy Building services"
    )
    state = await taxonomy(app)
    assert [c.name.root for c in state.categories] == ["HVAC"]
    assert [(s.name.root, s.category_id.root) for s in state.subcategories] == [("Chillers", "hvac")]
    (field,) = state.custom_fields
    assert field.source is CustomFieldSource.taxonomy
    assert field.default_value is not None and field.default_value.source is CustomFieldSource.taxonomy
    assert state.fields_of("chillers") == (field,)

    entry = await run(app, UpdateTaxonomyIntent(taxonomy_id="tax-1", name="MEP services", updated_by="alice"))
    assert entry.description == "alice updated taxonomy Building services"
    entry = await run(
        app,
        UpdateTaxonomyCategoryIntent(
            taxonomy_id="tax-1",
            category_id="hvac",
            description="Heating, ventilation and air conditioning",
            updated_by="alice",
        ),
    )
    assert entry.description == "alice updated category HVAC of taxonomy MEP services"
    await run(
        app,
        UpdateTaxonomySubCategoryIntent(
            taxonomy_id="tax-1", subcategory_id="chillers", name="Chiller plant", updated_by="alice"
        ),
    )
    entry = await run(
        app,
        UpdateTaxonomyCustomFieldIntent(
            taxonomy_id="tax-1",
            field_id="f-refrigerant",
            options=("R134a", "R410A", "R32"),
            required=False,
            default_value=CustomField.select("refrigerant", "R32"),
            updated_by="alice",
        ),
    )
    assert entry.description == "alice updated custom field Refrigerant of taxonomy MEP services"
    state = await taxonomy(app)
    assert state.name.root == "MEP services"
    assert state.categories[0].description is not None
    assert state.categories[0].name.root == "HVAC"
    assert state.subcategories[0].name.root == "Chiller plant"
    (field,) = state.custom_fields
    assert (field.options, field.required, field.default_value.select_value) == (  # type: ignore[union-attr]
        ("R134a", "R410A", "R32"),
        False,
        "R32",
    )
    assert field.key.root == "refrigerant" and field.field_type is CustomFieldType.select

    entry = await run(
        app,
        UpdateTaxonomyCustomFieldIntent(
            taxonomy_id="tax-1", field_id="f-refrigerant", clear_default_value=True, updated_by="alice"
        ),
    )
    assert (await taxonomy(app)).custom_fields[0].default_value is None

    entry = await run(
        app, RemoveTaxonomyCustomFieldIntent(taxonomy_id="tax-1", field_id="f-refrigerant", removed_by="alice")
    )
    assert entry.description == "alice removed custom field Refrigerant from taxonomy MEP services"
    entry = await run(
        app, RemoveTaxonomySubCategoryIntent(taxonomy_id="tax-1", subcategory_id="chillers", removed_by="alice")
    )
    assert entry.description == "alice removed subcategory Chiller plant from taxonomy MEP services"
    entry = await run(app, RemoveTaxonomyCategoryIntent(taxonomy_id="tax-1", category_id="hvac", removed_by="alice"))
    assert entry.description == "alice removed category HVAC from taxonomy MEP services"
    state = await taxonomy(app)
    assert (state.categories, state.subcategories, state.custom_fields) == ((), (), ())

    entry = await run(app, RemoveTaxonomyIntent(taxonomy_id="tax-1", removed_by="alice"))
    assert entry.description == "alice removed taxonomy MEP services"
    assert await app.read_latest(TaxonomyAggregate, SYSTEM_WORKSPACE, "main", "tax-1") is None
    assert (await app.verify_timeline(SYSTEM_WORKSPACE, "main")).ok


async def test_ids_are_derived_when_absent_and_replay(co2_app: NomosApp) -> None:
    entry = await run(co2_app, CreateTaxonomyIntent(name="Derived", created_by="alice"))
    taxonomy_id = entry.events[0].aggregate_id
    entry = await run(co2_app, AddTaxonomyCategoryIntent(taxonomy_id=taxonomy_id, name="Lighting", added_by="alice"))
    state = await taxonomy(co2_app, taxonomy_id)
    category_id = state.categories[0].category_id
    await run(
        co2_app,
        AddTaxonomySubCategoryIntent(
            taxonomy_id=taxonomy_id, category_id=category_id, name="Emergency", added_by="alice"
        ),
    )
    await run(
        co2_app,
        AddTaxonomyCustomFieldIntent(
            taxonomy_id=taxonomy_id,
            category_id=category_id,
            key="lumens",
            label="Lumens",
            field_type=CustomFieldType.number,
            added_by="alice",
        ),
    )
    state = await taxonomy(co2_app, taxonomy_id)
    assert state.subcategories[0].subcategory_id != category_id
    assert state.custom_fields[0].field_id.root
    assert (await co2_app.verify_timeline(SYSTEM_WORKSPACE, "main")).ok


async def test_removing_a_category_takes_its_custom_fields_along(co2_app: NomosApp) -> None:
    await run(co2_app, CreateTaxonomyIntent(taxonomy_id="tax-1", name="T", created_by="alice"))
    await run(co2_app, AddTaxonomyCategoryIntent(taxonomy_id="tax-1", category_id="c", name="C", added_by="alice"))
    await run(
        co2_app,
        AddTaxonomyCustomFieldIntent(
            taxonomy_id="tax-1", category_id="c", key="k", label="K", field_type=CustomFieldType.text, added_by="alice"
        ),
    )
    entry = await run(co2_app, RemoveTaxonomyCategoryIntent(taxonomy_id="tax-1", category_id="c", removed_by="alice"))
    assert [r.event.type_name for r in entry.events] == ["TaxonomyCategoryRemovedEvent"]
    assert (await taxonomy(co2_app)).custom_fields == ()


async def test_undo_restores_a_removed_category(co2_app: NomosApp) -> None:
    await run(co2_app, CreateTaxonomyIntent(taxonomy_id="tax-1", name="T", created_by="alice"))
    await run(co2_app, AddTaxonomyCategoryIntent(taxonomy_id="tax-1", category_id="c", name="C", added_by="alice"))
    await run(co2_app, RemoveTaxonomyCategoryIntent(taxonomy_id="tax-1", category_id="c", removed_by="alice"))
    await co2_app.undo_latest(SYSTEM_WORKSPACE, "main", actor_id="alice")
    assert [c.name.root for c in (await taxonomy(co2_app)).categories] == ["C"]
