"""Assets from a listing: provisioned by schema/assets' ProvisionAssetDirective, once per asset.

The listing is read from the system workspace while planning; each asset gets a
NewAssetPayload of its own, so the events are the assets group's AssetCreatedEvent (and
AssetMovedEvent for a geographic position) and the result a plain TrackableAssetAggregate.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from pydantic import Field

from nomos_mongo import (
    Aggregate,
    Directive,
    DirectiveContext,
    Event,
    ExecutionTarget,
    Intent,
    IntentRejected,
    Payload,
    SnapshotReader,
)
from schema.assets.aggregates import TrackableAssetAggregate
from schema.assets.directives import NewAssetPayload, ProvisionAssetDirective
from schema.assets.events import AssetMovedEvent
from schema.assets.values import AssetPosition
from schema.catalogues.group import GROUP
from schema.common import SYSTEM_WORKSPACE
from schema.contracts import (
    AssetDescription,
    AssetNickname,
    CatalogueListingId,
    CustomFieldMap,
    ListingStatus,
    StructuralAssignment,
    TrackableAssetId,
    UserId,
    ValueObject,
)

from .aggregates import CatalogueListingAggregate
from .directives import listing_not_found


class ListingAsset(ValueObject):
    """One asset to make; without a nickname it is named after the listing, numbered if `number` is set."""

    asset_id: TrackableAssetId
    nickname: AssetNickname | None = None
    number: int | None = None

    def name_from(self, listing: CatalogueListingAggregate) -> AssetNickname:
        if self.nickname is not None and self.nickname.value:
            return self.nickname
        if self.number is None:
            return AssetNickname(listing.title.value)
        return AssetNickname(f"{listing.title.value[:190]} {self.number}")


@GROUP.payload
class AssetsFromListingPayload(Payload):
    listing_id: CatalogueListingId
    assets: tuple[ListingAsset, ...]
    custom_fields: CustomFieldMap = Field(default_factory=CustomFieldMap.empty)
    structural_assignment: StructuralAssignment | None = None
    position: AssetPosition | None = None
    created_by: UserId
    created_at: datetime


async def active_listing(listing_id: CatalogueListingId, snapshots: SnapshotReader) -> CatalogueListingAggregate:
    listing = await snapshots.get(CatalogueListingAggregate, listing_id.value, workspace_id=SYSTEM_WORKSPACE)
    if listing is None or not listing.exists:
        raise listing_not_found(listing_id)
    if listing.status is not ListingStatus.active:
        raise IntentRejected(
            "catalogues.listing_not_active",
            f"listing {listing.title.value or listing_id} is {listing.status}; only active listings make assets",
            field="listingId",
        )
    return listing


@GROUP.directive
class ProvisionAssetsFromListingDirective(Directive[TrackableAssetAggregate, AssetsFromListingPayload]):
    aggregate_type = TrackableAssetAggregate

    async def plan(  # type: ignore[override]
        self,
        ctx: DirectiveContext,
        intent: Intent,
        snapshots: SnapshotReader,
        staged: Mapping[tuple[str, str], Aggregate],
    ) -> Sequence[ExecutionTarget[TrackableAssetAggregate, NewAssetPayload]]:
        listing = await active_listing(self.payload.listing_id, snapshots)
        fields = listing.default_custom_fields
        for field in self.payload.custom_fields.values():
            fields = fields.with_field(field)
        payloads = [
            NewAssetPayload(
                asset_id=asset.asset_id,
                name=asset.name_from(listing),
                description=AssetDescription(listing.description.value) if listing.description else None,
                asset_type=listing.asset_type,
                custom_fields=fields,
                structural_assignment=self.payload.structural_assignment,
                created_by=self.payload.created_by,
                created_at=self.payload.created_at,
            )
            for asset in self.payload.assets
        ]
        # The first plan checks the estate and completes the room; the others reuse it.
        [first] = await ProvisionAssetDirective(payload=payloads[0]).plan(ctx, intent, snapshots, staged)
        targets = [first]
        for payload in payloads[1:]:
            payload = payload.model_copy(update={"structural_assignment": first.payload.structural_assignment})
            asset = await self.current(payload.asset_id.value, snapshots, staged)
            targets.append(ExecutionTarget(payload.asset_id.value, payload, asset))
        return targets

    def execute(self, snapshot: TrackableAssetAggregate, payload: NewAssetPayload) -> Sequence[Event]:  # type: ignore[override]
        events = list(ProvisionAssetDirective(payload=payload).execute(snapshot, payload))
        if self.payload.position is not None:
            events.append(
                AssetMovedEvent(
                    position=self.payload.position, moved_by=payload.created_by, moved_at=payload.created_at
                )
            )
        return events
