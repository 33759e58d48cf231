"""Estate structures: estates, sites with topology drafts, buildings, rooms, anchors, footprints, floor plans."""

from __future__ import annotations

# importing a module declares its classes in GROUP
from . import aggregates, building_directives, directives, events, intents, policy, values  # noqa: F401
from .group import GROUP
from .values import SiteAnchor, TileCoordinate, TopologyChange, TopologyStatus

MODULE = GROUP.module()

# the group's classes by name: `from schema.estates import AddBuildingToSiteDirective`
__getattr__ = GROUP.member

__all__ = ["GROUP", "MODULE", "SiteAnchor", "TileCoordinate", "TopologyChange", "TopologyStatus"]
