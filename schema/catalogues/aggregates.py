"""Catalogues of asset templates (listings), shared by every estate from the system workspace."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from nomos_mongo import Aggregate, Event
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

from .events import (
    CatalogueCreatedEvent,
    CatalogueListingCreatedEvent,
    CatalogueListingDeletedEvent,
    CatalogueListingUpdatedEvent,
)
from .values import ListingChanges


@GROUP.aggregate
class CatalogueAggregate(Aggregate):
    name: CatalogueName = CatalogueName.unresolved
    description: CatalogueDescription | None = None
    status: CatalogueStatus = CatalogueStatus.draft
    organization_id: OrganizationId | None = None  # its members curate it with the creator
    created_by: UserId | None = None
    created_at: datetime | None = None

    @property
    def exists(self) -> bool:
        return self.created_at is not None and not self.deleted

    def apply(self, event: Event) -> CatalogueAggregate:
        match event:
            case CatalogueCreatedEvent():
                return self.evolve(
                    name=event.name,
                    description=event.description,
                    status=event.status,
                    organization_id=event.organization_id,
                    created_by=event.created_by,
                    created_at=event.created_at,
                )
        return self


@GROUP.aggregate
class CatalogueListingAggregate(Aggregate):
    catalogue_id: CatalogueId = CatalogueId.unresolved
    title: ListingTitle = ListingTitle.unresolved
    description: ListingDescription | None = None
    asset_type: AssetType = AssetType.generic
    default_custom_fields: CustomFieldMap = Field(default_factory=CustomFieldMap.empty)
    price: Money | None = None
    status: ListingStatus = ListingStatus.draft
    created_by: UserId | None = None
    created_at: datetime | None = None
    updated_by: UserId | None = None
    updated_at: datetime | None = None

    @property
    def exists(self) -> bool:
        return self.created_at is not None and not self.deleted

    def apply(self, event: Event) -> CatalogueListingAggregate:
        match event:
            case CatalogueListingCreatedEvent():
                return self.evolve(
                    catalogue_id=event.catalogue_id,
                    title=event.title,
                    description=event.description,
                    asset_type=event.asset_type,
                    default_custom_fields=event.default_custom_fields,
                    price=event.price,
                    status=event.status,
                    created_by=event.created_by,
                    created_at=event.created_at,
                    updated_by=event.created_by,
                    updated_at=event.created_at,
                )
            case CatalogueListingUpdatedEvent():
                return self.evolve(
                    **self._changed(event.changes), updated_by=event.updated_by, updated_at=event.updated_at
                )
            case CatalogueListingDeletedEvent():
                return self.evolve(deleted=True, updated_by=event.deleted_by, updated_at=event.deleted_at)
        return self

    def _changed(self, changes: ListingChanges) -> dict[str, object]:
        fields: dict[str, object] = {}
        for name in ("title", "asset_type", "default_custom_fields", "price", "status"):
            value = getattr(changes, name)
            if value is not None:
                fields[name] = value
        if changes.description is not None:
            fields["description"] = None if changes.description.is_unresolved else changes.description
        if changes.clear_price:
            fields["price"] = None
        return fields
