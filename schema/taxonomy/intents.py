"""Taxonomy intents: create, update and remove a taxonomy, its categories, subcategories and
custom fields. Taxonomies are shared reference data: they live in the system workspace and
are curated by its admins."""

from __future__ import annotations

import json
from typing import Annotated, ClassVar, Self

from pydantic import StrictBool, model_validator

from nomos_mongo import ACTOR, DescribeContext, IntentDescription, NameRef
from schema.common import Access, Co2Intent, Scope
from schema.contracts.custom_fields import CustomField, CustomFieldKey
from schema.contracts.enums import CustomFieldType
from schema.contracts.identifiers import CustomFieldDefinitionId, TaxonomyCategoryId, TaxonomyId, UserId
from schema.contracts.names import TaxonomyDescription
from schema.taxonomy.group import GROUP

from .values import Options, RequiredCategoryName, RequiredLabel, RequiredTaxonomyName, check_default, check_options


class TaxonomyIntent(Co2Intent):
    access: ClassVar[Access] = Access.ADMIN
    scope: ClassVar[Scope] = Scope.SYSTEM


def taxonomy_ref(ctx: DescribeContext, taxonomy_id: TaxonomyId) -> NameRef:
    return ctx.resource_name("taxonomy", taxonomy_id.root)


def category_ref(ctx: DescribeContext, taxonomy_id: TaxonomyId, category_id: TaxonomyCategoryId) -> NameRef:
    # A category is named within its taxonomy; the resolver needs both ids.
    return ctx.resource_name(
        "taxonomyCategory", json.dumps([taxonomy_id.root, category_id.root]), fallback=category_id.root
    )


def custom_field_ref(ctx: DescribeContext, taxonomy_id: TaxonomyId, field_id: CustomFieldDefinitionId) -> NameRef:
    return ctx.resource_name(
        "taxonomyCustomField", json.dumps([taxonomy_id.root, field_id.root]), fallback=field_id.root
    )


def _one_change(model: object, *names: str) -> None:
    if all(getattr(model, name) is None for name in names):
        raise ValueError(f"give at least one of {', '.join(names)} to change")


@GROUP.intent
class CreateTaxonomyIntent(TaxonomyIntent):
    taxonomy_id: TaxonomyId | None = None
    name: RequiredTaxonomyName
    description: TaxonomyDescription | None = None
    created_by: Annotated[UserId, ACTOR]

    def describe(self, ctx: DescribeContext) -> IntentDescription:
        return IntentDescription("{actor} created taxonomy {name}", {"actor": ctx.actor_name(), "name": self.name})


@GROUP.intent
class UpdateTaxonomyIntent(TaxonomyIntent):
    taxonomy_id: TaxonomyId
    name: RequiredTaxonomyName | None = None
    description: TaxonomyDescription | None = None
    updated_by: Annotated[UserId, ACTOR]

    @model_validator(mode="after")
    def _changes_something(self) -> Self:
        _one_change(self, "name", "description")
        return self

    def describe(self, ctx: DescribeContext) -> IntentDescription:
        return IntentDescription(
            "{actor} updated taxonomy {taxonomy}",
            {"actor": ctx.actor_name(), "taxonomy": taxonomy_ref(ctx, self.taxonomy_id)},
        )


@GROUP.intent
class RemoveTaxonomyIntent(TaxonomyIntent):
    taxonomy_id: TaxonomyId
    removed_by: Annotated[UserId, ACTOR]

    def describe(self, ctx: DescribeContext) -> IntentDescription:
        return IntentDescription(
            "{actor} removed taxonomy {taxonomy}",
            {"actor": ctx.actor_name(), "taxonomy": taxonomy_ref(ctx, self.taxonomy_id)},
        )


@GROUP.intent
class AddTaxonomyCategoryIntent(TaxonomyIntent):
    taxonomy_id: TaxonomyId
    category_id: TaxonomyCategoryId | None = None
    name: RequiredCategoryName
    description: TaxonomyDescription | None = None
    added_by: Annotated[UserId, ACTOR]

    def describe(self, ctx: DescribeContext) -> IntentDescription:
        return IntentDescription(
            "{actor} added category {name} to taxonomy {taxonomy}",
            {"actor": ctx.actor_name(), "name": self.name, "taxonomy": taxonomy_ref(ctx, self.taxonomy_id)},
        )


@GROUP.intent
class UpdateTaxonomyCategoryIntent(TaxonomyIntent):
    taxonomy_id: TaxonomyId
    category_id: TaxonomyCategoryId
    name: RequiredCategoryName | None = None
    description: TaxonomyDescription | None = None
    updated_by: Annotated[UserId, ACTOR]

    @model_validator(mode="after")
    def _changes_something(self) -> Self:
        _one_change(self, "name", "description")
        return self

    def describe(self, ctx: DescribeContext) -> IntentDescription:
        return IntentDescription(
            "{actor} updated category {category} of taxonomy {taxonomy}",
            {
                "actor": ctx.actor_name(),
                "category": category_ref(ctx, self.taxonomy_id, self.category_id),
                "taxonomy": taxonomy_ref(ctx, self.taxonomy_id),
            },
        )


@GROUP.intent
class RemoveTaxonomyCategoryIntent(TaxonomyIntent):
    """Refused while the category has subcategories; its own custom fields go with it."""

    taxonomy_id: TaxonomyId
    category_id: TaxonomyCategoryId
    removed_by: Annotated[UserId, ACTOR]

    def describe(self, ctx: DescribeContext) -> IntentDescription:
        return IntentDescription(
            "{actor} removed category {category} from taxonomy {taxonomy}",
            {
                "actor": ctx.actor_name(),
                "category": category_ref(ctx, self.taxonomy_id, self.category_id),
                "taxonomy": taxonomy_ref(ctx, self.taxonomy_id),
            },
        )


@GROUP.intent
class AddTaxonomySubCategoryIntent(TaxonomyIntent):
    taxonomy_id: TaxonomyId
    category_id: TaxonomyCategoryId
    subcategory_id: TaxonomyCategoryId | None = None
    name: RequiredCategoryName
    description: TaxonomyDescription | None = None
    added_by: Annotated[UserId, ACTOR]

    def describe(self, ctx: DescribeContext) -> IntentDescription:
        return IntentDescription(
            "{actor} added subcategory {name} to category {category} of taxonomy {taxonomy}",
            {
                "actor": ctx.actor_name(),
                "name": self.name,
                "category": category_ref(ctx, self.taxonomy_id, self.category_id),
                "taxonomy": taxonomy_ref(ctx, self.taxonomy_id),
            },
        )


@GROUP.intent
class UpdateTaxonomySubCategoryIntent(TaxonomyIntent):
    taxonomy_id: TaxonomyId
    subcategory_id: TaxonomyCategoryId
    name: RequiredCategoryName | None = None
    description: TaxonomyDescription | None = None
    updated_by: Annotated[UserId, ACTOR]

    @model_validator(mode="after")
    def _changes_something(self) -> Self:
        _one_change(self, "name", "description")
        return self

    def describe(self, ctx: DescribeContext) -> IntentDescription:
        return IntentDescription(
            "{actor} updated subcategory {subcategory} of taxonomy {taxonomy}",
            {
                "actor": ctx.actor_name(),
                "subcategory": category_ref(ctx, self.taxonomy_id, self.subcategory_id),
                "taxonomy": taxonomy_ref(ctx, self.taxonomy_id),
            },
        )


@GROUP.intent
class RemoveTaxonomySubCategoryIntent(TaxonomyIntent):
    taxonomy_id: TaxonomyId
    subcategory_id: TaxonomyCategoryId
    removed_by: Annotated[UserId, ACTOR]

    def describe(self, ctx: DescribeContext) -> IntentDescription:
        return IntentDescription(
            "{actor} removed subcategory {subcategory} from taxonomy {taxonomy}",
            {
                "actor": ctx.actor_name(),
                "subcategory": category_ref(ctx, self.taxonomy_id, self.subcategory_id),
                "taxonomy": taxonomy_ref(ctx, self.taxonomy_id),
            },
        )


@GROUP.intent
class AddTaxonomyCustomFieldIntent(TaxonomyIntent):
    """Define a custom field that assets of a category (or subcategory) carry, with source taxonomy."""

    taxonomy_id: TaxonomyId
    category_id: TaxonomyCategoryId  # a category or a subcategory
    field_id: CustomFieldDefinitionId | None = None
    key: CustomFieldKey
    label: RequiredLabel
    field_type: CustomFieldType
    required: StrictBool = False
    options: Options = ()
    default_value: CustomField | None = None
    added_by: Annotated[UserId, ACTOR]

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        check_options(self.field_type, self.options)
        if self.default_value is not None:
            check_default(self.key, self.field_type, self.options, self.default_value)
        return self

    def describe(self, ctx: DescribeContext) -> IntentDescription:
        template = "{actor} added custom field {label} ({fieldType}) to {category} of taxonomy {taxonomy}"
        return IntentDescription(
            template,
            {
                "actor": ctx.actor_name(),
                "label": self.label,
                "fieldType": self.field_type.value,
                "category": category_ref(ctx, self.taxonomy_id, self.category_id),
                "taxonomy": taxonomy_ref(ctx, self.taxonomy_id),
            },
        )


@GROUP.intent
class UpdateTaxonomyCustomFieldIntent(TaxonomyIntent):
    """Change a field's label, whether it is required, its options or its default.

    Its key and type stay: assets store values under the key, typed by the type.
    """

    taxonomy_id: TaxonomyId
    field_id: CustomFieldDefinitionId
    label: RequiredLabel | None = None
    required: StrictBool | None = None
    options: Options | None = None
    default_value: CustomField | None = None
    clear_default_value: StrictBool = False
    updated_by: Annotated[UserId, ACTOR]

    @model_validator(mode="after")
    def _changes_something(self) -> Self:
        if not self.clear_default_value:
            _one_change(self, "label", "required", "options", "default_value")
        elif self.default_value is not None:
            raise ValueError("give either defaultValue or clearDefaultValue, not both")
        return self

    def describe(self, ctx: DescribeContext) -> IntentDescription:
        return IntentDescription(
            "{actor} updated custom field {field} of taxonomy {taxonomy}",
            {
                "actor": ctx.actor_name(),
                "field": custom_field_ref(ctx, self.taxonomy_id, self.field_id),
                "taxonomy": taxonomy_ref(ctx, self.taxonomy_id),
            },
        )


@GROUP.intent
class RemoveTaxonomyCustomFieldIntent(TaxonomyIntent):
    taxonomy_id: TaxonomyId
    field_id: CustomFieldDefinitionId
    removed_by: Annotated[UserId, ACTOR]

    def describe(self, ctx: DescribeContext) -> IntentDescription:
        return IntentDescription(
            "{actor} removed custom field {field} from taxonomy {taxonomy}",
            {
                "actor": ctx.actor_name(),
                "field": custom_field_ref(ctx, self.taxonomy_id, self.field_id),
                "taxonomy": taxonomy_ref(ctx, self.taxonomy_id),
            },
        )
