"""Payloads and directives of the taxonomy group: each changes one TaxonomyAggregate."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from pydantic import StrictBool

from nomos_mongo import (
    Aggregate,
    DirectiveContext,
    Event,
    ExecutionTarget,
    Intent,
    IntentRejected,
    Payload,
    SingleAggregateDirective,
    SnapshotReader,
)
from schema.contracts.base import ContractViolation
from schema.contracts.custom_fields import CustomField
from schema.contracts.identifiers import CustomFieldDefinitionId, TaxonomyCategoryId, TaxonomyId, UserId
from schema.contracts.names import CategoryName, CustomFieldLabel, TaxonomyDescription, TaxonomyName
from schema.taxonomy.group import GROUP

from .aggregates import TaxonomyAggregate
from .events import (
    TaxonomyCategoryAddedEvent,
    TaxonomyCategoryRemovedEvent,
    TaxonomyCategoryUpdatedEvent,
    TaxonomyCreatedEvent,
    TaxonomyCustomFieldAddedEvent,
    TaxonomyCustomFieldRemovedEvent,
    TaxonomyCustomFieldUpdatedEvent,
    TaxonomyRemovedEvent,
    TaxonomySubCategoryAddedEvent,
    TaxonomySubCategoryRemovedEvent,
    TaxonomySubCategoryUpdatedEvent,
    TaxonomyUpdatedEvent,
)
from .values import Options, TaxonomyCustomFieldDefinition, as_taxonomy_field, check_default, check_options


# payloads ---------------------------------------------------------------------------------
@GROUP.payload
class TaxonomyPayload(Payload):
    taxonomy_id: TaxonomyId
    name: TaxonomyName | None = None
    description: TaxonomyDescription | None = None
    actor_id: UserId
    at: datetime


@GROUP.payload
class TaxonomyCategoryPayload(Payload):
    taxonomy_id: TaxonomyId
    category_id: TaxonomyCategoryId
    name: CategoryName | None = None
    description: TaxonomyDescription | None = None


@GROUP.payload
class TaxonomySubCategoryPayload(Payload):
    taxonomy_id: TaxonomyId
    subcategory_id: TaxonomyCategoryId
    category_id: TaxonomyCategoryId | None = None  # the parent, when adding
    name: CategoryName | None = None
    description: TaxonomyDescription | None = None


@GROUP.payload
class TaxonomyCustomFieldPayload(Payload):
    taxonomy_id: TaxonomyId
    definition: TaxonomyCustomFieldDefinition


@GROUP.payload
class TaxonomyCustomFieldChangePayload(Payload):
    taxonomy_id: TaxonomyId
    field_id: CustomFieldDefinitionId
    label: CustomFieldLabel | None = None
    required: StrictBool | None = None
    options: Options | None = None
    default_value: CustomField | None = None
    clear_default_value: StrictBool = False


# directives -------------------------------------------------------------------------------
class _TaxonomyDirective(SingleAggregateDirective[TaxonomyAggregate, Any]):
    """Acts on an existing taxonomy named by `payload.taxonomy_id`."""

    aggregate_type = TaxonomyAggregate

    def target_id(self) -> str:
        return str(self.payload.taxonomy_id.root)

    async def plan(
        self,
        ctx: DirectiveContext,
        intent: Intent,
        snapshots: SnapshotReader,
        staged: Mapping[tuple[str, str], Aggregate],
    ) -> Sequence[ExecutionTarget[TaxonomyAggregate, Any]]:
        targets = await super().plan(ctx, intent, snapshots, staged)
        if not targets[0].snapshot.exists:
            raise IntentRejected(
                "taxonomy.not_found", f"there is no taxonomy {self.target_id()}; create it first", field="taxonomyId"
            )
        return targets


@GROUP.directive
class CreateTaxonomyDirective(SingleAggregateDirective[TaxonomyAggregate, TaxonomyPayload]):
    aggregate_type = TaxonomyAggregate

    def target_id(self) -> str:
        return self.payload.taxonomy_id.root

    def execute(self, snapshot: TaxonomyAggregate, payload: TaxonomyPayload) -> Sequence[Event]:
        if snapshot.created_at is not None:
            raise IntentRejected(
                "taxonomy.exists", f"taxonomy {payload.taxonomy_id} exists already", field="taxonomyId"
            )
        assert payload.name is not None
        return [
            TaxonomyCreatedEvent(
                name=payload.name, description=payload.description, created_by=payload.actor_id, created_at=payload.at
            )
        ]


@GROUP.directive
class UpdateTaxonomyDirective(_TaxonomyDirective):
    payload: TaxonomyPayload

    def execute(self, snapshot: TaxonomyAggregate, payload: TaxonomyPayload) -> Sequence[Event]:
        return [
            TaxonomyUpdatedEvent(
                name=payload.name, description=payload.description, updated_by=payload.actor_id, updated_at=payload.at
            )
        ]


@GROUP.directive
class RemoveTaxonomyDirective(_TaxonomyDirective):
    """Removes the whole taxonomy with everything in it: the intent names the taxonomy itself."""

    payload: TaxonomyPayload

    def execute(self, snapshot: TaxonomyAggregate, payload: TaxonomyPayload) -> Sequence[Event]:
        return [TaxonomyRemovedEvent(removed_by=payload.actor_id, removed_at=payload.at)]


@GROUP.directive
class AddTaxonomyCategoryDirective(_TaxonomyDirective):
    payload: TaxonomyCategoryPayload

    def execute(self, snapshot: TaxonomyAggregate, payload: TaxonomyCategoryPayload) -> Sequence[Event]:
        assert payload.name is not None
        return [
            TaxonomyCategoryAddedEvent(
                category_id=payload.category_id, name=payload.name, description=payload.description
            )
        ]


@GROUP.directive
class UpdateTaxonomyCategoryDirective(_TaxonomyDirective):
    payload: TaxonomyCategoryPayload

    def execute(self, snapshot: TaxonomyAggregate, payload: TaxonomyCategoryPayload) -> Sequence[Event]:
        _require_category(snapshot, payload.category_id)
        return [
            TaxonomyCategoryUpdatedEvent(
                category_id=payload.category_id, name=payload.name, description=payload.description
            )
        ]


@GROUP.directive
class RemoveTaxonomyCategoryDirective(_TaxonomyDirective):
    payload: TaxonomyCategoryPayload

    def execute(self, snapshot: TaxonomyAggregate, payload: TaxonomyCategoryPayload) -> Sequence[Event]:
        category = _require_category(snapshot, payload.category_id)
        children = snapshot.subcategories_of(payload.category_id.root)
        if children:
            names = ", ".join(str(s.name) for s in children)
            raise IntentRejected(
                "taxonomy.category_has_subcategories",
                f"category {category.name} still has subcategories ({names}); remove them first",
                field="categoryId",
            )
        return [TaxonomyCategoryRemovedEvent(category_id=payload.category_id)]


@GROUP.directive
class AddTaxonomySubCategoryDirective(_TaxonomyDirective):
    payload: TaxonomySubCategoryPayload

    def execute(self, snapshot: TaxonomyAggregate, payload: TaxonomySubCategoryPayload) -> Sequence[Event]:
        assert payload.category_id is not None and payload.name is not None
        _require_category(snapshot, payload.category_id)
        return [
            TaxonomySubCategoryAddedEvent(
                category_id=payload.category_id,
                subcategory_id=payload.subcategory_id,
                name=payload.name,
                description=payload.description,
            )
        ]


@GROUP.directive
class UpdateTaxonomySubCategoryDirective(_TaxonomyDirective):
    payload: TaxonomySubCategoryPayload

    def execute(self, snapshot: TaxonomyAggregate, payload: TaxonomySubCategoryPayload) -> Sequence[Event]:
        _require_subcategory(snapshot, payload.subcategory_id)
        return [
            TaxonomySubCategoryUpdatedEvent(
                subcategory_id=payload.subcategory_id, name=payload.name, description=payload.description
            )
        ]


@GROUP.directive
class RemoveTaxonomySubCategoryDirective(_TaxonomyDirective):
    payload: TaxonomySubCategoryPayload

    def execute(self, snapshot: TaxonomyAggregate, payload: TaxonomySubCategoryPayload) -> Sequence[Event]:
        _require_subcategory(snapshot, payload.subcategory_id)
        return [TaxonomySubCategoryRemovedEvent(subcategory_id=payload.subcategory_id)]


@GROUP.directive
class AddTaxonomyCustomFieldDirective(_TaxonomyDirective):
    payload: TaxonomyCustomFieldPayload

    def execute(self, snapshot: TaxonomyAggregate, payload: TaxonomyCustomFieldPayload) -> Sequence[Event]:
        owner = payload.definition.category_id
        if snapshot.category(owner.root) is None and snapshot.subcategory(owner.root) is None:
            raise IntentRejected(
                "taxonomy.category_not_found",
                f"taxonomy {snapshot.name} has no category or subcategory {owner}",
                field="categoryId",
            )
        return [TaxonomyCustomFieldAddedEvent(definition=payload.definition)]


@GROUP.directive
class UpdateTaxonomyCustomFieldDirective(_TaxonomyDirective):
    payload: TaxonomyCustomFieldChangePayload

    def execute(self, snapshot: TaxonomyAggregate, payload: TaxonomyCustomFieldChangePayload) -> Sequence[Event]:
        current = _require_custom_field(snapshot, payload.field_id)
        changes: dict[str, Any] = {
            name: value
            for name in ("label", "required", "options", "default_value")
            if (value := getattr(payload, name)) is not None
        }
        if payload.clear_default_value:
            changes["default_value"] = None
        elif payload.default_value is not None:
            changes["default_value"] = as_taxonomy_field(payload.default_value)
        options = changes.get("options", current.options)
        default = changes.get("default_value", current.default_value)
        try:
            check_options(current.field_type, options)
            if default is not None:
                check_default(current.key, current.field_type, options, default)
        except ContractViolation as exc:
            raise IntentRejected(
                "taxonomy.invalid_custom_field", f"custom field {current.label}: {exc}", field=exc.field
            ) from None
        updated = current.model_copy(update=changes)
        return [TaxonomyCustomFieldUpdatedEvent(definition=updated)]


@GROUP.directive
class RemoveTaxonomyCustomFieldDirective(_TaxonomyDirective):
    payload: TaxonomyCustomFieldChangePayload

    def execute(self, snapshot: TaxonomyAggregate, payload: TaxonomyCustomFieldChangePayload) -> Sequence[Event]:
        _require_custom_field(snapshot, payload.field_id)
        return [TaxonomyCustomFieldRemovedEvent(field_id=payload.field_id)]


def _require_category(snapshot: TaxonomyAggregate, category_id: TaxonomyCategoryId) -> Any:
    found = snapshot.category(category_id.root)
    if found is None:
        hint = " (it is a subcategory)" if snapshot.subcategory(category_id.root) is not None else ""
        raise IntentRejected(
            "taxonomy.category_not_found",
            f"taxonomy {snapshot.name} has no category {category_id}{hint}",
            field="categoryId",
        )
    return found


def _require_subcategory(snapshot: TaxonomyAggregate, subcategory_id: TaxonomyCategoryId) -> Any:
    found = snapshot.subcategory(subcategory_id.root)
    if found is None:
        raise IntentRejected(
            "taxonomy.subcategory_not_found",
            f"taxonomy {snapshot.name} has no subcategory {subcategory_id}",
            field="subcategoryId",
        )
    return found


def _require_custom_field(snapshot: TaxonomyAggregate, field_id: CustomFieldDefinitionId) -> Any:
    found = snapshot.custom_field(field_id.root)
    if found is None:
        raise IntentRejected(
            "taxonomy.custom_field_not_found",
            f"taxonomy {snapshot.name} has no custom field {field_id}",
            field="fieldId",
        )
    return found
