"""Value objects of catalogues: what a listing update changes, and listing custom fields."""

from __future__ import annotations

from typing import Annotated, Self, TypeVar

from pydantic import AfterValidator, StrictBool, model_validator

from schema.contracts import (
    AssetType,
    ContractViolation,
    CustomField,
    CustomFieldMap,
    CustomFieldSource,
    DomainName,
    ListingDescription,
    ListingStatus,
    ListingTitle,
    Money,
    ValueObject,
)

N = TypeVar("N", bound=DomainName)


def required(name: N) -> N:
    if name.is_unresolved:
        raise ValueError("must not be empty")
    return name


def not_negative(price: Money | None) -> Money | None:
    if price is not None and price.is_negative:
        raise ValueError(f"must not be negative, got {price}")
    return price


RequiredListingTitle = Annotated[ListingTitle, AfterValidator(required)]
Price = Annotated[Money | None, AfterValidator(not_negative)]


def from_listing(fields: CustomFieldMap) -> CustomFieldMap:
    """The fields as a listing supplies them: their source says where an asset's value came from."""
    return CustomFieldMap.of(
        CustomField(field.root.model_copy(update={"source": CustomFieldSource.listing})) for field in fields.values()
    )


class ListingChanges(ValueObject):
    """What a listing update changes; a field left out (None) stays as it is.

    An empty `description` clears it, `clear_price` removes the price, and
    `default_custom_fields` replaces the listing's defaults as a whole.
    """

    title: RequiredListingTitle | None = None
    description: ListingDescription | None = None
    asset_type: AssetType | None = None
    default_custom_fields: CustomFieldMap | None = None
    price: Price = None
    clear_price: StrictBool = False
    status: ListingStatus | None = None

    @model_validator(mode="after")
    def _coherent(self) -> Self:
        if self.price is not None and self.clear_price:
            raise ContractViolation("clearPrice", "cannot both set and clear the price")
        if not self.changed_fields:
            raise ContractViolation("changes", "names no change; set at least one field")
        return self

    @property
    def changed_fields(self) -> tuple[str, ...]:
        """Human names of what changes, for audit sentences."""
        changed = {
            "title": self.title is not None,
            "description": self.description is not None,
            "type": self.asset_type is not None,
            "default custom fields": self.default_custom_fields is not None,
            "price": self.price is not None or self.clear_price,
            "status": self.status is not None,
        }
        return tuple(label for label, is_changed in changed.items() if is_changed)
