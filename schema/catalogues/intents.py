"""What users ask of catalogues and their listings (system workspace).

Any signed-in user may create a catalogue, as for organizations; its listings are curated
by its creator and, when the catalogue belongs to an organization, by that organization's
members. The domain checks that, so the intents need no estate role (`AUTHENTICATED`).
"""

from __future__ import annotations

from typing import Annotated, ClassVar

from pydantic import AfterValidator, Field

from nomos_mongo import ACTOR, DescribeContext, IntentDescription, NameRef
from schema.catalogues.group import GROUP
from schema.common import Access, Co2Intent, Scope
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
    OrganizationId,
    UserId,
)

from .values import ListingChanges, Price, RequiredListingTitle, required


class _CatalogueIntent(Co2Intent):
    access: ClassVar[Access] = Access.AUTHENTICATED
    scope: ClassVar[Scope] = Scope.SYSTEM


def listing_name(ctx: DescribeContext, listing_id: CatalogueListingId) -> NameRef:
    return ctx.resource_name("catalogueListing", listing_id.value, fallback=f"listing {listing_id}")


@GROUP.intent
class CreateCatalogueIntent(_CatalogueIntent):
    name: Annotated[CatalogueName, AfterValidator(required)]
    created_by: Annotated[UserId, ACTOR]
    catalogue_id: CatalogueId | None = None
    description: CatalogueDescription | None = None
    organization_id: OrganizationId | None = None
    status: CatalogueStatus = CatalogueStatus.published

    def describe(self, ctx: DescribeContext) -> IntentDescription:
        return IntentDescription(
            "{actor} created catalogue {name}",
            {"actor": ctx.actor_name(fallback=self.created_by.value), "name": self.name},
        )


@GROUP.intent
class CreateCatalogueListingIntent(_CatalogueIntent):
    catalogue_id: CatalogueId
    title: RequiredListingTitle
    created_by: Annotated[UserId, ACTOR]
    listing_id: CatalogueListingId | None = None
    description: ListingDescription | None = None
    asset_type: AssetType = AssetType.generic
    default_custom_fields: CustomFieldMap = Field(default_factory=CustomFieldMap.empty)
    price: Price = None
    status: ListingStatus = ListingStatus.active

    def describe(self, ctx: DescribeContext) -> IntentDescription:
        return IntentDescription(
            "{actor} added listing {title}{type} to catalogue {catalogue}",
            {
                "actor": ctx.actor_name(fallback=self.created_by.value),
                "title": self.title,
                "type": "" if self.asset_type.is_generic else f" ({self.asset_type.code})",
                "catalogue": ctx.resource_name("catalogue", self.catalogue_id.value),
            },
        )


@GROUP.intent
class UpdateListingAggregateIntent(_CatalogueIntent):
    listing_id: CatalogueListingId
    changes: ListingChanges
    updated_by: Annotated[UserId, ACTOR]

    def describe(self, ctx: DescribeContext) -> IntentDescription:
        return IntentDescription(
            "{actor} updated {listing} ({fields})",
            {
                "actor": ctx.actor_name(fallback=self.updated_by.value),
                "listing": listing_name(ctx, self.listing_id),
                "fields": ", ".join(self.changes.changed_fields),
            },
        )


@GROUP.intent
class DeleteCatalogueListingIntent(_CatalogueIntent):
    listing_id: CatalogueListingId
    deleted_by: Annotated[UserId, ACTOR]

    def describe(self, ctx: DescribeContext) -> IntentDescription:
        return IntentDescription(
            "{actor} deleted {listing}",
            {"actor": ctx.actor_name(fallback=self.deleted_by.value), "listing": listing_name(ctx, self.listing_id)},
        )
