"""Facts about catalogues and their listings."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from nomos_mongo import Event
from schema.catalogues.group import GROUP
from schema.contracts import (
    AssetType,
    CatalogueDescription,
    CatalogueId,
    CatalogueName,
    CatalogueStatus,
    CustomFieldMap,
    ListingDescription,
    ListingStatus,
    ListingTitle,
    Money,
    OrganizationId,
    UserId,
)

from .values import ListingChanges


@GROUP.event
class CatalogueCreatedEvent(Event):
    name: CatalogueName
    description: CatalogueDescription | None = None
    status: CatalogueStatus
    organization_id: OrganizationId | None = None
    created_by: UserId
    created_at: datetime


@GROUP.event
class CatalogueListingCreatedEvent(Event):
    catalogue_id: CatalogueId
    title: ListingTitle
    description: ListingDescription | None = None
    asset_type: AssetType
    default_custom_fields: CustomFieldMap = Field(default_factory=CustomFieldMap.empty)
    price: Money | None = None
    status: ListingStatus
    created_by: UserId
    created_at: datetime


@GROUP.event
class CatalogueListingUpdatedEvent(Event):
    changes: ListingChanges  # custom fields in it carry the listing source
    updated_by: UserId
    updated_at: datetime


@GROUP.event
class CatalogueListingDeletedEvent(Event):
    deleted_by: UserId
    deleted_at: datetime
