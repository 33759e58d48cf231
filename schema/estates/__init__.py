"""Estate structures: estates, sites with topology drafts, buildings, rooms, anchors, footprints, floor plans."""

from __future__ import annotations

from nomos_mongo import NomosModule
from schema.estates.aggregates import (
    ESTATE_AGGREGATES,
    BuildingAggregate,
    EstateAggregate,
    FloorPlanTileAggregate,
    RoomAggregate,
    SiteAggregate,
    TopologyDraftAggregate,
)
from schema.estates.building_directives import BUILDING_DIRECTIVES, BUILDING_PAYLOADS
from schema.estates.directives import ESTATE_DIRECTIVES, ESTATE_PAYLOADS
from schema.estates.events import ESTATE_EVENTS
from schema.estates.intents import (
    ESTATE_INTENTS,
    AddFloorPlanTileImageIntent,
    CreateBuildingIntent,
    CreateEstateIntent,
    CreateRoomIntent,
    CreateSiteWithTopologyDraftIntent,
    DeleteEstateIntent,
    PublishSiteTopologyIntent,
    SetBuildingFootprintIntent,
    SetSiteAnchorIntent,
)
from schema.estates.policy import NAME_RESOLVERS, ROUTES
from schema.estates.values import SiteAnchor, TileCoordinate, TopologyChange, TopologyStatus

MODULE = NomosModule(
    name="co2.estates",
    intents=ESTATE_INTENTS,
    directives=(*ESTATE_DIRECTIVES, *BUILDING_DIRECTIVES),
    events=ESTATE_EVENTS,
    aggregates=ESTATE_AGGREGATES,
    payloads=(*ESTATE_PAYLOADS, *BUILDING_PAYLOADS),
    routes=ROUTES,
    name_resolvers=NAME_RESOLVERS,
)

__all__ = [
    "MODULE",
    "AddFloorPlanTileImageIntent",
    "BuildingAggregate",
    "CreateBuildingIntent",
    "CreateEstateIntent",
    "CreateRoomIntent",
    "CreateSiteWithTopologyDraftIntent",
    "DeleteEstateIntent",
    "EstateAggregate",
    "FloorPlanTileAggregate",
    "PublishSiteTopologyIntent",
    "RoomAggregate",
    "SetBuildingFootprintIntent",
    "SetSiteAnchorIntent",
    "SiteAggregate",
    "SiteAnchor",
    "TileCoordinate",
    "TopologyChange",
    "TopologyDraftAggregate",
    "TopologyStatus",
]
