"""What happened to a taxonomy."""

from __future__ import annotations

from datetime import datetime

from nomos_mongo import Event
from schema.contracts.identifiers import CustomFieldDefinitionId, TaxonomyCategoryId, UserId
from schema.contracts.names import CategoryName, TaxonomyDescription, TaxonomyName

from .values import TaxonomyCustomFieldDefinition


class TaxonomyCreatedEvent(Event):
    name: TaxonomyName
    description: TaxonomyDescription | None = None
    created_by: UserId
    created_at: datetime


class TaxonomyUpdatedEvent(Event):
    name: TaxonomyName | None = None
    description: TaxonomyDescription | None = None
    updated_by: UserId
    updated_at: datetime


class TaxonomyRemovedEvent(Event):
    removed_by: UserId
    removed_at: datetime


class TaxonomyCategoryAddedEvent(Event):
    category_id: TaxonomyCategoryId
    name: CategoryName
    description: TaxonomyDescription | None = None


class TaxonomyCategoryUpdatedEvent(Event):
    category_id: TaxonomyCategoryId
    name: CategoryName | None = None
    description: TaxonomyDescription | None = None


class TaxonomyCategoryRemovedEvent(Event):
    """Removes the category and the custom fields it defines."""

    category_id: TaxonomyCategoryId


class TaxonomySubCategoryAddedEvent(Event):
    category_id: TaxonomyCategoryId
    subcategory_id: TaxonomyCategoryId
    name: CategoryName
    description: TaxonomyDescription | None = None


class TaxonomySubCategoryUpdatedEvent(Event):
    subcategory_id: TaxonomyCategoryId
    name: CategoryName | None = None
    description: TaxonomyDescription | None = None


class TaxonomySubCategoryRemovedEvent(Event):
    """Removes the subcategory and the custom fields it defines."""

    subcategory_id: TaxonomyCategoryId


class TaxonomyCustomFieldAddedEvent(Event):
    definition: TaxonomyCustomFieldDefinition


class TaxonomyCustomFieldUpdatedEvent(Event):
    definition: TaxonomyCustomFieldDefinition  # the whole definition after the change


class TaxonomyCustomFieldRemovedEvent(Event):
    field_id: CustomFieldDefinitionId


TAXONOMY_EVENTS = (
    TaxonomyCreatedEvent,
    TaxonomyUpdatedEvent,
    TaxonomyRemovedEvent,
    TaxonomyCategoryAddedEvent,
    TaxonomyCategoryUpdatedEvent,
    TaxonomyCategoryRemovedEvent,
    TaxonomySubCategoryAddedEvent,
    TaxonomySubCategoryUpdatedEvent,
    TaxonomySubCategoryRemovedEvent,
    TaxonomyCustomFieldAddedEvent,
    TaxonomyCustomFieldUpdatedEvent,
    TaxonomyCustomFieldRemovedEvent,
)
