"""The estate summary: counts of the structure, its assets and attachments, and replacement costs."""

from __future__ import annotations

from collections import Counter
from typing import Any

from schema.contracts.identifiers import SiteId

from .estate_data import EstateData
from .kpis import cost_totals
from .values import EstateSummary, SiteSummary


def summarize(data: EstateData, cost_key: str) -> EstateSummary:
    assets_per_site = Counter(site.id for a in data.assets if (site := data.site_of(a)) is not None)
    sites = tuple(
        SiteSummary(
            site_id=SiteId(site.id),
            name=str(site.name),
            building_count=sum(1 for b in data.buildings if b.site_id.root == site.id),
            room_count=sum(1 for r in data.rooms if r.site_id.root == site.id),
            asset_count=assets_per_site[site.id],
        )
        for site in data.sites
    )
    return EstateSummary(
        estate_name=data.estate.name,
        site_count=len(data.sites),
        building_count=len(data.buildings),
        room_count=len(data.rooms),
        asset_count=len(data.assets),
        attachment_count=len(data.attachments),
        voice_note_count=sum(1 for a in data.attachments if a.is_voice_note),
        replacement_cost_totals=cost_totals(data, cost_key),
        sites=sites,
    )


def structure(data: EstateData) -> list[dict[str, Any]]:
    """The estate's tree with asset counts, for the summary's JSON file."""
    per_room = Counter(room.id for a in data.assets if (room := data.room_of(a)) is not None)
    return [
        {
            "siteId": site.id,
            "name": str(site.name),
            "buildings": [
                {
                    "buildingId": building.id,
                    "name": str(building.name),
                    "levelCount": building.level_count,
                    "rooms": [
                        {
                            "roomId": room.id,
                            "name": str(room.name),
                            "level": room.level.value,
                            "assetCount": per_room[room.id],
                        }
                        for room in data.rooms
                        if room.building_id.root == building.id
                    ],
                }
                for building in data.buildings
                if building.site_id.root == site.id
            ],
        }
        for site in data.sites
    ]
