"""Routes from taxonomy intents to directives, and the names their descriptions show."""

from __future__ import annotations

import json
from typing import Any

from nomos_mongo import Directive, DirectiveContext, SnapshotReader
from schema.contracts.identifiers import CustomFieldDefinitionId, TaxonomyCategoryId, TaxonomyId
from schema.taxonomy.group import GROUP

from .aggregates import TaxonomyAggregate
from .directives import (
    AddTaxonomyCategoryDirective,
    AddTaxonomyCustomFieldDirective,
    AddTaxonomySubCategoryDirective,
    CreateTaxonomyDirective,
    RemoveTaxonomyCategoryDirective,
    RemoveTaxonomyCustomFieldDirective,
    RemoveTaxonomyDirective,
    RemoveTaxonomySubCategoryDirective,
    TaxonomyCategoryPayload,
    TaxonomyCustomFieldChangePayload,
    TaxonomyCustomFieldPayload,
    TaxonomyPayload,
    TaxonomySubCategoryPayload,
    UpdateTaxonomyCategoryDirective,
    UpdateTaxonomyCustomFieldDirective,
    UpdateTaxonomyDirective,
    UpdateTaxonomySubCategoryDirective,
)
from .intents import (
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
from .values import TaxonomyCustomFieldDefinition, as_taxonomy_field

Routes = list[Directive[Any, Any]]


@GROUP.route(CreateTaxonomyIntent)
def create_taxonomy(intent: CreateTaxonomyIntent, ctx: DirectiveContext) -> Routes:
    taxonomy_id = intent.taxonomy_id or TaxonomyId(ctx.derive_id("taxonomy"))
    return [
        CreateTaxonomyDirective(
            payload=TaxonomyPayload(
                taxonomy_id=taxonomy_id,
                name=intent.name,
                description=intent.description,
                actor_id=intent.created_by,
                at=ctx.now,
            )
        )
    ]


@GROUP.route(UpdateTaxonomyIntent)
def update_taxonomy(intent: UpdateTaxonomyIntent, ctx: DirectiveContext) -> Routes:
    return [
        UpdateTaxonomyDirective(
            payload=TaxonomyPayload(
                taxonomy_id=intent.taxonomy_id,
                name=intent.name,
                description=intent.description,
                actor_id=intent.updated_by,
                at=ctx.now,
            )
        )
    ]


@GROUP.route(RemoveTaxonomyIntent)
def remove_taxonomy(intent: RemoveTaxonomyIntent, ctx: DirectiveContext) -> Routes:
    return [
        RemoveTaxonomyDirective(
            payload=TaxonomyPayload(taxonomy_id=intent.taxonomy_id, actor_id=intent.removed_by, at=ctx.now)
        )
    ]


@GROUP.route(AddTaxonomyCategoryIntent)
def add_category(intent: AddTaxonomyCategoryIntent, ctx: DirectiveContext) -> Routes:
    category_id = intent.category_id or TaxonomyCategoryId(ctx.derive_id("category"))
    return [
        AddTaxonomyCategoryDirective(
            payload=TaxonomyCategoryPayload(
                taxonomy_id=intent.taxonomy_id,
                category_id=category_id,
                name=intent.name,
                description=intent.description,
            )
        )
    ]


@GROUP.route(UpdateTaxonomyCategoryIntent)
def update_category(intent: UpdateTaxonomyCategoryIntent, ctx: DirectiveContext) -> Routes:
    return [
        UpdateTaxonomyCategoryDirective(
            payload=TaxonomyCategoryPayload(
                taxonomy_id=intent.taxonomy_id,
                category_id=intent.category_id,
                name=intent.name,
                description=intent.description,
            )
        )
    ]


@GROUP.route(RemoveTaxonomyCategoryIntent)
def remove_category(intent: RemoveTaxonomyCategoryIntent, ctx: DirectiveContext) -> Routes:
    return [
        RemoveTaxonomyCategoryDirective(
            payload=TaxonomyCategoryPayload(taxonomy_id=intent.taxonomy_id, category_id=intent.category_id)
        )
    ]


@GROUP.route(AddTaxonomySubCategoryIntent)
def add_subcategory(intent: AddTaxonomySubCategoryIntent, ctx: DirectiveContext) -> Routes:
    subcategory_id = intent.subcategory_id or TaxonomyCategoryId(ctx.derive_id("subcategory"))
    return [
        AddTaxonomySubCategoryDirective(
            payload=TaxonomySubCategoryPayload(
                taxonomy_id=intent.taxonomy_id,
                subcategory_id=subcategory_id,
                category_id=intent.category_id,
                name=intent.name,
                description=intent.description,
            )
        )
    ]


@GROUP.route(UpdateTaxonomySubCategoryIntent)
def update_subcategory(intent: UpdateTaxonomySubCategoryIntent, ctx: DirectiveContext) -> Routes:
    return [
        UpdateTaxonomySubCategoryDirective(
            payload=TaxonomySubCategoryPayload(
                taxonomy_id=intent.taxonomy_id,
                subcategory_id=intent.subcategory_id,
                name=intent.name,
                description=intent.description,
            )
        )
    ]


@GROUP.route(RemoveTaxonomySubCategoryIntent)
def remove_subcategory(intent: RemoveTaxonomySubCategoryIntent, ctx: DirectiveContext) -> Routes:
    return [
        RemoveTaxonomySubCategoryDirective(
            payload=TaxonomySubCategoryPayload(taxonomy_id=intent.taxonomy_id, subcategory_id=intent.subcategory_id)
        )
    ]


@GROUP.route(AddTaxonomyCustomFieldIntent)
def add_custom_field(intent: AddTaxonomyCustomFieldIntent, ctx: DirectiveContext) -> Routes:
    definition = TaxonomyCustomFieldDefinition(
        field_id=intent.field_id or CustomFieldDefinitionId(ctx.derive_id("custom-field")),
        category_id=intent.category_id,
        key=intent.key,
        label=intent.label,
        field_type=intent.field_type,
        required=intent.required,
        options=intent.options,
        default_value=as_taxonomy_field(intent.default_value) if intent.default_value is not None else None,
    )
    return [
        AddTaxonomyCustomFieldDirective(
            payload=TaxonomyCustomFieldPayload(taxonomy_id=intent.taxonomy_id, definition=definition)
        )
    ]


@GROUP.route(UpdateTaxonomyCustomFieldIntent)
def update_custom_field(intent: UpdateTaxonomyCustomFieldIntent, ctx: DirectiveContext) -> Routes:
    return [
        UpdateTaxonomyCustomFieldDirective(
            payload=TaxonomyCustomFieldChangePayload(
                taxonomy_id=intent.taxonomy_id,
                field_id=intent.field_id,
                label=intent.label,
                required=intent.required,
                options=intent.options,
                default_value=intent.default_value,
                clear_default_value=intent.clear_default_value,
            )
        )
    ]


@GROUP.route(RemoveTaxonomyCustomFieldIntent)
def remove_custom_field(intent: RemoveTaxonomyCustomFieldIntent, ctx: DirectiveContext) -> Routes:
    return [
        RemoveTaxonomyCustomFieldDirective(
            payload=TaxonomyCustomFieldChangePayload(taxonomy_id=intent.taxonomy_id, field_id=intent.field_id)
        )
    ]


@GROUP.name_resolver("taxonomy")
async def taxonomy_name(reader: SnapshotReader, taxonomy_id: str) -> str | None:
    taxonomy = await reader.get(TaxonomyAggregate, taxonomy_id, include_deleted=True)
    return str(taxonomy.name) or None if taxonomy is not None else None


@GROUP.name_resolver("taxonomyCategory")
async def category_name(reader: SnapshotReader, ref: str) -> str | None:
    taxonomy_id, category_id = json.loads(ref)
    taxonomy = await reader.get(TaxonomyAggregate, taxonomy_id, include_deleted=True)
    if taxonomy is None:
        return None
    part = taxonomy.category(category_id) or taxonomy.subcategory(category_id)
    return str(part.name) or None if part is not None else None


@GROUP.name_resolver("taxonomyCustomField")
async def custom_field_label(reader: SnapshotReader, ref: str) -> str | None:
    taxonomy_id, field_id = json.loads(ref)
    taxonomy = await reader.get(TaxonomyAggregate, taxonomy_id, include_deleted=True)
    field = taxonomy.custom_field(field_id) if taxonomy is not None else None
    return str(field.label) or None if field is not None else None
