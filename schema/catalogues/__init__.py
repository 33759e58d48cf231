"""Catalogues: asset templates (listings) kept in the system workspace and shared by every
estate, and the intents that make assets in an estate from a listing, one or many at once."""

from __future__ import annotations

# importing a module declares its classes in GROUP
from . import aggregates, asset_directives, asset_intents, directives, events, intents, policy, values  # noqa: F401
from .asset_directives import ListingAsset
from .asset_intents import MAX_ASSETS_FROM_LISTING
from .group import GROUP
from .values import ListingChanges

MODULE = GROUP.module()

# the group's classes by name: `from schema.catalogues import AssetsFromListingPayload`
__getattr__ = GROUP.member

__all__ = ["GROUP", "MAX_ASSETS_FROM_LISTING", "MODULE", "ListingAsset", "ListingChanges"]
