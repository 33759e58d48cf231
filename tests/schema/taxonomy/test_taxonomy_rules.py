"""Taxonomy rules: each rejection names its rule and writes nothing; early validation names the field."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from nomos_mongo import IntentRejected, NomosApp
from schema.common import SYSTEM_WORKSPACE
from schema.contracts import CustomField, CustomFieldType
from schema.taxonomy import (
    AddTaxonomyCategoryIntent,
    AddTaxonomyCustomFieldIntent,
    AddTaxonomySubCategoryIntent,
    CreateTaxonomyIntent,
    RemoveTaxonomyCategoryIntent,
    RemoveTaxonomyCustomFieldIntent,
    RemoveTaxonomyIntent,
    RemoveTaxonomySubCategoryIntent,
    UpdateTaxonomyCategoryIntent,
    UpdateTaxonomyCustomFieldIntent,
    UpdateTaxonomyIntent,
    UpdateTaxonomySubCategoryIntent,
)
from tests.schema.helpers import system_ctx


@pytest.fixture
async def app(co2_app: NomosApp) -> NomosApp:
    for intent in (
        CreateTaxonomyIntent(taxonomy_id="tax-1", name="Building services", created_by="alice"),
        AddTaxonomyCategoryIntent(taxonomy_id="tax-1", category_id="hvac", name="HVAC", added_by="alice"),
        AddTaxonomyCategoryIntent(taxonomy_id="tax-1", category_id="lighting", name="Lighting", added_by="alice"),
        AddTaxonomySubCategoryIntent(
            taxonomy_id="tax-1", category_id="hvac", subcategory_id="chillers", name="Chillers", added_by="alice"
        ),
        AddTaxonomyCustomFieldIntent(
            taxonomy_id="tax-1",
            category_id="hvac",
            field_id="f-capacity",
            key="capacity_kw",
            label="Capacity (kW)",
            field_type=CustomFieldType.number,
            added_by="alice",
        ),
    ):
        await co2_app.dispatch(intent, system_ctx())
    return co2_app


async def rejected(app: NomosApp, intent: object) -> IntentRejected:
    before = await app.head(SYSTEM_WORKSPACE, "main")
    with pytest.raises(IntentRejected) as caught:
        await app.dispatch(intent, system_ctx())  # type: ignore[arg-type]
    assert await app.head(SYSTEM_WORKSPACE, "main") == before
    return caught.value


REJECTIONS = [
    ("taxonomy.exists", CreateTaxonomyIntent(taxonomy_id="tax-1", name="Again", created_by="alice")),
    ("taxonomy.not_found", UpdateTaxonomyIntent(taxonomy_id="nope", name="X", updated_by="alice")),
    ("taxonomy.not_found", RemoveTaxonomyIntent(taxonomy_id="nope", removed_by="alice")),
    ("taxonomy.not_found", AddTaxonomyCategoryIntent(taxonomy_id="nope", name="X", added_by="alice")),
    ("taxonomy.duplicate_category_name", AddTaxonomyCategoryIntent(taxonomy_id="tax-1", name="hvac", added_by="alice")),
    (
        "taxonomy.duplicate_category_name",
        UpdateTaxonomyCategoryIntent(taxonomy_id="tax-1", category_id="lighting", name="HVAC", updated_by="alice"),
    ),
    (
        "taxonomy.duplicate_category_id",
        AddTaxonomyCategoryIntent(taxonomy_id="tax-1", category_id="chillers", name="Pumps", added_by="alice"),
    ),
    (
        "taxonomy.category_not_found",
        UpdateTaxonomyCategoryIntent(taxonomy_id="tax-1", category_id="nope", name="X", updated_by="alice"),
    ),
    (
        "taxonomy.category_not_found",
        RemoveTaxonomyCategoryIntent(taxonomy_id="tax-1", category_id="chillers", removed_by="alice"),
    ),
    (
        "taxonomy.category_has_subcategories",
        RemoveTaxonomyCategoryIntent(taxonomy_id="tax-1", category_id="hvac", removed_by="alice"),
    ),
    (
        "taxonomy.category_not_found",
        AddTaxonomySubCategoryIntent(taxonomy_id="tax-1", category_id="nope", name="Boilers", added_by="alice"),
    ),
    (
        "taxonomy.category_not_found",  # subcategories have one level: a subcategory is no parent
        AddTaxonomySubCategoryIntent(taxonomy_id="tax-1", category_id="chillers", name="Screw", added_by="alice"),
    ),
    (
        "taxonomy.duplicate_subcategory_name",
        AddTaxonomySubCategoryIntent(taxonomy_id="tax-1", category_id="hvac", name="CHILLERS", added_by="alice"),
    ),
    (
        "taxonomy.subcategory_not_found",
        UpdateTaxonomySubCategoryIntent(taxonomy_id="tax-1", subcategory_id="hvac", name="X", updated_by="alice"),
    ),
    (
        "taxonomy.subcategory_not_found",
        RemoveTaxonomySubCategoryIntent(taxonomy_id="tax-1", subcategory_id="nope", removed_by="alice"),
    ),
    (
        "taxonomy.category_not_found",
        AddTaxonomyCustomFieldIntent(
            taxonomy_id="tax-1",
            category_id="nope",
            key="k",
            label="K",
            field_type=CustomFieldType.text,
            added_by="alice",
        ),
    ),
    (
        "taxonomy.duplicate_custom_field_key",  # a subcategory inherits its category's fields
        AddTaxonomyCustomFieldIntent(
            taxonomy_id="tax-1",
            category_id="chillers",
            key="capacity_kw",
            label="Cap",
            field_type=CustomFieldType.number,
            added_by="alice",
        ),
    ),
    (
        "taxonomy.duplicate_custom_field_id",
        AddTaxonomyCustomFieldIntent(
            taxonomy_id="tax-1",
            category_id="lighting",
            field_id="f-capacity",
            key="lux",
            label="Lux",
            field_type=CustomFieldType.number,
            added_by="alice",
        ),
    ),
    (
        "taxonomy.custom_field_not_found",
        UpdateTaxonomyCustomFieldIntent(taxonomy_id="tax-1", field_id="nope", label="X", updated_by="alice"),
    ),
    (
        "taxonomy.custom_field_not_found",
        RemoveTaxonomyCustomFieldIntent(taxonomy_id="tax-1", field_id="nope", removed_by="alice"),
    ),
    (
        "taxonomy.invalid_custom_field",
        UpdateTaxonomyCustomFieldIntent(taxonomy_id="tax-1", field_id="f-capacity", options=("a",), updated_by="alice"),
    ),
    (
        "taxonomy.invalid_custom_field",
        UpdateTaxonomyCustomFieldIntent(
            taxonomy_id="tax-1",
            field_id="f-capacity",
            default_value=CustomField.text("capacity_kw", "big"),
            updated_by="alice",
        ),
    ),
]


@pytest.mark.parametrize(("rule", "intent"), REJECTIONS, ids=[f"{i}-{r}" for i, (r, _) in enumerate(REJECTIONS)])
async def test_rejections_name_the_rule_and_write_nothing(app: NomosApp, rule: str, intent: object) -> None:
    error = await rejected(app, intent)
    assert error.rule == rule
    assert error.reason


async def test_the_subcategory_refusal_says_what_to_do(app: NomosApp) -> None:
    error = await rejected(
        app, RemoveTaxonomyCategoryIntent(taxonomy_id="tax-1", category_id="hvac", removed_by="alice")
    )
    assert "Chillers" in error.reason and "remove them first" in error.reason


async def test_the_same_category_name_is_fine_in_another_taxonomy(app: NomosApp) -> None:
    await app.dispatch(CreateTaxonomyIntent(taxonomy_id="tax-2", name="Other", created_by="alice"), system_ctx())
    await app.dispatch(AddTaxonomyCategoryIntent(taxonomy_id="tax-2", name="HVAC", added_by="alice"), system_ctx())


async def test_a_removed_taxonomy_takes_no_changes(app: NomosApp) -> None:
    await app.dispatch(RemoveTaxonomyIntent(taxonomy_id="tax-1", removed_by="alice"), system_ctx())
    error = await rejected(app, AddTaxonomyCategoryIntent(taxonomy_id="tax-1", name="X", added_by="alice"))
    assert error.rule == "taxonomy.not_found"


async def test_the_actor_field_must_name_the_dispatcher(app: NomosApp) -> None:
    error = await rejected(app, CreateTaxonomyIntent(name="Spoofed", created_by="mallory"))
    assert error.rule == "intent.actor_mismatch"


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda: CreateTaxonomyIntent(name="  ", created_by="alice"), "name"),
        (lambda: AddTaxonomyCategoryIntent(taxonomy_id="t", name="", added_by="alice"), "name"),
        (lambda: UpdateTaxonomyIntent(taxonomy_id="t", updated_by="alice"), None),
        (lambda: UpdateTaxonomyCategoryIntent(taxonomy_id="t", category_id="c", updated_by="alice"), None),
        (
            lambda: AddTaxonomyCustomFieldIntent(
                taxonomy_id="t",
                category_id="c",
                key="has space",
                label="L",
                field_type=CustomFieldType.text,
                added_by="alice",
            ),
            "key",
        ),
        (
            lambda: AddTaxonomyCustomFieldIntent(
                taxonomy_id="t",
                category_id="c",
                key="k",
                label="L",
                field_type=CustomFieldType.select,
                added_by="alice",
            ),
            None,
        ),
        (
            lambda: AddTaxonomyCustomFieldIntent(
                taxonomy_id="t",
                category_id="c",
                key="k",
                label="L",
                field_type=CustomFieldType.text,
                options=("a",),
                added_by="alice",
            ),
            None,
        ),
        (
            lambda: AddTaxonomyCustomFieldIntent(
                taxonomy_id="t",
                category_id="c",
                key="k",
                label="L",
                field_type=CustomFieldType.number,
                default_value=CustomField.text("k", "x"),
                added_by="alice",
            ),
            None,
        ),
        (
            lambda: AddTaxonomyCustomFieldIntent(
                taxonomy_id="t",
                category_id="c",
                key="k",
                label="L",
                field_type=CustomFieldType.select,
                options=("a",),
                default_value=CustomField.select("k", "b"),
                added_by="alice",
            ),
            None,
        ),
        (lambda: UpdateTaxonomyCustomFieldIntent(taxonomy_id="t", field_id="f", updated_by="alice"), None),
        (
            lambda: UpdateTaxonomyCustomFieldIntent(
                taxonomy_id="t",
                field_id="f",
                clear_default_value=True,
                default_value=CustomField.text("k", "x"),
                updated_by="alice",
            ),
            None,
        ),
    ],
)
def test_early_validation(build: object, field: str | None) -> None:
    with pytest.raises(ValidationError) as caught:
        build()  # type: ignore[operator]
    if field is not None:
        assert caught.value.errors()[0]["loc"][0] == field
