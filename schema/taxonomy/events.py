"""What happened to a taxonomy."""

from __future__ import annotations

from datetime import datetime

from nomos_mongo import Event
from schema.contracts.identifiers import CustomFieldDefinitionId, TaxonomyCategoryId, UserId
from schema.contracts.names import CategoryName, TaxonomyDescription, TaxonomyName
from schema.taxonomy.group import GROUP

from .values import TaxonomyCustomFieldDefinition


@GROUP.event
class TaxonomyCreatedEvent(Event):
    name: TaxonomyName
    description: TaxonomyDescription | None = None
    created_by: UserId
    created_at: datetime


@GROUP.event
class TaxonomyUpdatedEvent(Event):
    name: TaxonomyName | None = None
    description: TaxonomyDescription | None = None
    updated_by: UserId
    updated_at: datetime


@GROUP.event
class TaxonomyRemovedEvent(Event):
    removed_by: UserId
    removed_at: datetime


@GROUP.event
class TaxonomyCategoryAddedEvent(Event):
    category_id: TaxonomyCategoryId
    name: CategoryName
    description: TaxonomyDescription | None = None


@GROUP.event
class TaxonomyCategoryUpdatedEvent(Event):
    category_id: TaxonomyCategoryId
    name: CategoryName | None = None
    description: TaxonomyDescription | None = None


@GROUP.event
class TaxonomyCategoryRemovedEvent(Event):
    """Removes the category and the custom fields it defines."""

    category_id: TaxonomyCategoryId


@GROUP.event
class TaxonomySubCategoryAddedEvent(Event):
    category_id: TaxonomyCategoryId
    subcategory_id: TaxonomyCategoryId
    name: CategoryName
    description: TaxonomyDescription | None = None


@GROUP.event
class TaxonomySubCategoryUpdatedEvent(Event):
    subcategory_id: TaxonomyCategoryId
    name: CategoryName | None = None
    description: TaxonomyDescription | None = None


@GROUP.event
class TaxonomySubCategoryRemovedEvent(Event):
    """Removes the subcategory and the custom fields it defines."""

    subcategory_id: TaxonomyCategoryId


@GROUP.event
class TaxonomyCustomFieldAddedEvent(Event):
    definition: TaxonomyCustomFieldDefinition


@GROUP.event
class TaxonomyCustomFieldUpdatedEvent(Event):
    definition: TaxonomyCustomFieldDefinition  # the whole definition after the change


@GROUP.event
class TaxonomyCustomFieldRemovedEvent(Event):
    field_id: CustomFieldDefinitionId
