"""How catalogue and listing intents change their aggregates.

Listings are curated by their catalogue's creator and, for a catalogue of an organization,
by that organization's members; the check reads the catalogue while planning.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from pydantic import Field

from nomos_mongo import (
    DirectiveContext,
    Event,
    ExecutionTarget,
    Intent,
    IntentRejected,
    Payload,
    SingleAggregateDirective,
    SnapshotReader,
    Staged,
    latest_state,
)
from schema.catalogues.group import GROUP
from schema.contracts import (
    AssetType,
    CatalogueDescription,
    CatalogueId,
    CatalogueListingId,
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
from schema.identity.aggregates import OrganizationAggregate

from .aggregates import CatalogueAggregate, CatalogueListingAggregate
from .events import (
    CatalogueCreatedEvent,
    CatalogueListingCreatedEvent,
    CatalogueListingDeletedEvent,
    CatalogueListingUpdatedEvent,
)
from .values import ListingChanges


@GROUP.payload
class NewCataloguePayload(Payload):
    catalogue_id: CatalogueId
    name: CatalogueName
    description: CatalogueDescription | None = None
    status: CatalogueStatus
    organization_id: OrganizationId | None = None
    created_by: UserId
    created_at: datetime


@GROUP.payload
class NewListingPayload(Payload):
    listing_id: CatalogueListingId
    catalogue_id: CatalogueId
    title: ListingTitle
    description: ListingDescription | None = None
    asset_type: AssetType
    default_custom_fields: CustomFieldMap = Field(default_factory=CustomFieldMap.empty)
    price: Money | None = None
    status: ListingStatus
    created_by: UserId
    created_at: datetime


@GROUP.payload
class UpdateListingPayload(Payload):
    listing_id: CatalogueListingId
    changes: ListingChanges
    updated_by: UserId
    updated_at: datetime


@GROUP.payload
class DeleteListingPayload(Payload):
    listing_id: CatalogueListingId
    deleted_by: UserId
    deleted_at: datetime


async def curated_catalogue(
    catalogue_id: CatalogueId, curator: UserId, snapshots: SnapshotReader, staged: Staged
) -> CatalogueAggregate:
    """The catalogue, if `curator` may change its listings; refuses otherwise."""
    found = await latest_state(CatalogueAggregate, catalogue_id.value, snapshots, staged)
    if found is None or not found.exists:
        raise IntentRejected(
            "catalogues.catalogue_not_found",
            f"catalogue {catalogue_id} does not exist; create it first",
            field="catalogueId",
        )
    if found.created_by == curator:
        return found
    if found.organization_id is not None:
        organization = await snapshots.get(OrganizationAggregate, found.organization_id.value)
        if organization is not None and organization.role_of(curator) is not None:
            return found
    raise IntentRejected(
        "catalogues.not_a_curator",
        f"{curator} may not change catalogue {found.name.value or catalogue_id}: only its creator"
        + (f" and members of organization {found.organization_id}" if found.organization_id else "")
        + " may",
    )


def listing_not_found(listing_id: CatalogueListingId) -> IntentRejected:
    return IntentRejected(
        "catalogues.listing_not_found", f"catalogue listing {listing_id} does not exist", field="listingId"
    )


@GROUP.directive
class CreateCatalogueDirective(SingleAggregateDirective[CatalogueAggregate, NewCataloguePayload]):
    aggregate_type = CatalogueAggregate

    def target_id(self) -> str:
        return self.payload.catalogue_id.value

    async def plan(
        self, ctx: DirectiveContext, intent: Intent, snapshots: SnapshotReader, staged: Staged
    ) -> Sequence[ExecutionTarget[CatalogueAggregate, NewCataloguePayload]]:
        organization_id = self.payload.organization_id
        if organization_id is not None:
            organization = await snapshots.get(OrganizationAggregate, organization_id.value)
            if organization is None or not organization.exists:
                raise IntentRejected(
                    "catalogues.unknown_organization",
                    f"organization {organization_id} does not exist",
                    field="organizationId",
                )
            if organization.role_of(self.payload.created_by) is None:
                raise IntentRejected(
                    "catalogues.not_a_member",
                    f"{self.payload.created_by} is not a member of organization {organization_id}",
                    field="organizationId",
                )
        return await super().plan(ctx, intent, snapshots, staged)

    def execute(self, snapshot: CatalogueAggregate, payload: NewCataloguePayload) -> Sequence[Event]:
        if snapshot.created_at is not None:
            raise IntentRejected(
                "catalogues.catalogue_exists", f"catalogue {snapshot.id} exists already", field="catalogueId"
            )
        return [CatalogueCreatedEvent(**payload.model_dump(exclude={"catalogue_id"}))]


@GROUP.directive
class CreateListingDirective(SingleAggregateDirective[CatalogueListingAggregate, NewListingPayload]):
    aggregate_type = CatalogueListingAggregate

    def target_id(self) -> str:
        return self.payload.listing_id.value

    async def plan(
        self, ctx: DirectiveContext, intent: Intent, snapshots: SnapshotReader, staged: Staged
    ) -> Sequence[ExecutionTarget[CatalogueListingAggregate, NewListingPayload]]:
        catalogue = await curated_catalogue(self.payload.catalogue_id, self.payload.created_by, snapshots, staged)
        if catalogue.status is CatalogueStatus.archived:
            raise IntentRejected(
                "catalogues.catalogue_archived",
                f"catalogue {catalogue.name.value or catalogue.id} is archived and takes no new listings",
                field="catalogueId",
            )
        return await super().plan(ctx, intent, snapshots, staged)

    def execute(self, snapshot: CatalogueListingAggregate, payload: NewListingPayload) -> Sequence[Event]:
        if snapshot.created_at is not None:
            raise IntentRejected(
                "catalogues.listing_exists", f"catalogue listing {snapshot.id} exists already", field="listingId"
            )
        return [CatalogueListingCreatedEvent(**payload.model_dump(exclude={"listing_id"}))]


async def check_curated_listing(
    listing: CatalogueListingAggregate, curator: UserId, snapshots: SnapshotReader, staged: Staged
) -> None:
    if not listing.exists:
        raise listing_not_found(CatalogueListingId(listing.id))
    await curated_catalogue(listing.catalogue_id, curator, snapshots, staged)


@GROUP.directive
class UpdateListingDirective(SingleAggregateDirective[CatalogueListingAggregate, UpdateListingPayload]):
    aggregate_type = CatalogueListingAggregate

    def target_id(self) -> str:
        return self.payload.listing_id.value

    async def plan(
        self, ctx: DirectiveContext, intent: Intent, snapshots: SnapshotReader, staged: Staged
    ) -> Sequence[ExecutionTarget[CatalogueListingAggregate, UpdateListingPayload]]:
        targets = await super().plan(ctx, intent, snapshots, staged)
        await check_curated_listing(targets[0].snapshot, self.payload.updated_by, snapshots, staged)
        return targets

    def execute(self, snapshot: CatalogueListingAggregate, payload: UpdateListingPayload) -> Sequence[Event]:
        return [
            CatalogueListingUpdatedEvent(
                changes=payload.changes, updated_by=payload.updated_by, updated_at=payload.updated_at
            )
        ]


@GROUP.directive
class DeleteListingDirective(SingleAggregateDirective[CatalogueListingAggregate, DeleteListingPayload]):
    aggregate_type = CatalogueListingAggregate

    def target_id(self) -> str:
        return self.payload.listing_id.value

    async def plan(
        self, ctx: DirectiveContext, intent: Intent, snapshots: SnapshotReader, staged: Staged
    ) -> Sequence[ExecutionTarget[CatalogueListingAggregate, DeleteListingPayload]]:
        targets = await super().plan(ctx, intent, snapshots, staged)
        await check_curated_listing(targets[0].snapshot, self.payload.deleted_by, snapshots, staged)
        return targets

    def execute(self, snapshot: CatalogueListingAggregate, payload: DeleteListingPayload) -> Sequence[Event]:
        return [CatalogueListingDeletedEvent(deleted_by=payload.deleted_by, deleted_at=payload.deleted_at)]
