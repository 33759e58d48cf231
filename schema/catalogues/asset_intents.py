"""Assets made from a catalogue listing, in an estate: one, one placed, or many at once.

The listing is read from the system workspace; the asset is an ordinary
TrackableAssetAggregate (schema/assets) whose type, description and custom fields come from
the listing (fields marked with the `listing` source), overridden by `custom_fields`.
"""

from __future__ import annotations

from typing import Annotated, Self

from pydantic import Field, model_validator

from nomos_mongo import ACTOR, DescribeContext, IntentDescription
from schema.assets.values import AssetPosition
from schema.catalogues.group import GROUP
from schema.common import Co2Intent
from schema.contracts import (
    AssetNickname,
    CatalogueListingId,
    ContractViolation,
    CustomFieldMap,
    StructuralAssignment,
    TrackableAssetId,
    UserId,
)

from .intents import listing_name

MAX_ASSETS_FROM_LISTING = 500


class _FromListing(Co2Intent):
    """Without `custom_nickname` the asset is named after the listing."""

    listing_id: CatalogueListingId
    created_by: Annotated[UserId, ACTOR]
    asset_id: TrackableAssetId | None = None
    custom_nickname: AssetNickname | None = None
    custom_fields: CustomFieldMap = Field(default_factory=CustomFieldMap.empty)

    def describe(self, ctx: DescribeContext) -> IntentDescription:
        name = self.custom_nickname.value if self.custom_nickname and self.custom_nickname.value else None
        return IntentDescription(
            "{actor} created asset {name} from {listing}" if name else "{actor} created an asset from {listing}",
            {
                "actor": ctx.actor_name(fallback=self.created_by.value),
                "name": name,
                "listing": listing_name(ctx, self.listing_id),
            },
        )


@GROUP.intent
class CreateAssetFromListingIntent(_FromListing):
    """Unplaced: move it into a room or to a position later."""


@GROUP.intent
class CreateAssetFromListingWithPositionIntent(_FromListing):
    """Placed at once: in a room (`structural_assignment`) or at a point on the earth (`position`)."""

    structural_assignment: StructuralAssignment | None = None
    position: AssetPosition | None = None

    @model_validator(mode="after")
    def _one_place(self) -> Self:
        if (self.structural_assignment is None) == (self.position is None):
            raise ContractViolation(
                "structuralAssignment", "give a room (structuralAssignment) or a position, one of them"
            )
        return self


@GROUP.intent
class BulkCreateAssetsFromListingIntent(Co2Intent):
    """`count` assets named "<prefix> 1" ... "<prefix> N" (the prefix defaults to the listing's
    title), all in one room when `structural_assignment` is given; one atomic write."""

    listing_id: CatalogueListingId
    count: Annotated[int, Field(ge=1, strict=True)]
    created_by: Annotated[UserId, ACTOR]
    nickname_prefix: AssetNickname | None = None
    structural_assignment: StructuralAssignment | None = None
    custom_fields: CustomFieldMap = Field(default_factory=CustomFieldMap.empty)

    def describe(self, ctx: DescribeContext) -> IntentDescription:
        return IntentDescription(
            "{actor} created {count} from {listing}",
            {
                "actor": ctx.actor_name(fallback=self.created_by.value),
                "count": "1 asset" if self.count == 1 else f"{self.count} assets",
                "listing": listing_name(ctx, self.listing_id),
            },
        )
