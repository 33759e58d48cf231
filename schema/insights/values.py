"""What reports are made of: typed KPI values, insights, summaries and produced files."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field, StrictInt

from nomos_mongo import BlobRef
from schema.contracts.base import FiniteFloat, ValueObject
from schema.contracts.enums import InsightType
from schema.contracts.identifiers import AttachmentId, BuildingId, RoomId, SiteId, TrackableAssetId
from schema.contracts.money import Money
from schema.contracts.names import EstateName, FileName

REPLACEMENT_COST_KEY = "replacement_cost"


class ReportKind(StrEnum):
    insights = "insights"
    kpis = "kpis"
    estate_summary = "estateSummary"


class ExportKind(StrEnum):
    drawing = "drawing"
    voice_note_archive = "voiceNoteArchive"
    media_archive = "mediaArchive"


class KpiCode(StrEnum):
    asset_count = "assetCount"
    assets_by_type = "assetsByType"
    assets_by_site = "assetsBySite"
    assets_by_building = "assetsByBuilding"
    assets_by_room = "assetsByRoom"
    unassigned_assets = "unassignedAssets"
    custom_field_coverage = "customFieldCoverage"
    custom_field_usage = "customFieldUsage"
    replacement_cost_total = "replacementCostTotal"
    replacement_cost_coverage = "replacementCostCoverage"


class InsightCode(StrEnum):
    no_assets = "noAssets"
    unassigned_assets = "unassignedAssets"
    unknown_rooms = "unknownRooms"
    missing_replacement_cost = "missingReplacementCost"
    rooms_without_assets = "roomsWithoutAssets"
    dominant_asset_type = "dominantAssetType"
    replacement_cost_concentration = "replacementCostConcentration"


class KpiValue(ValueObject):
    """One figure: `code` says what, `key` and `label` which slice (an asset type, a room, a currency);
    estate-wide figures have an empty key."""

    code: KpiCode
    key: str = ""
    label: str = ""
    count: StrictInt | None = None
    amount: Money | None = None
    percentage: FiniteFloat | None = None


class AssetInsight(ValueObject):
    insight_type: InsightType
    code: InsightCode
    message: str
    asset_ids: tuple[TrackableAssetId, ...] = ()
    room_ids: tuple[RoomId, ...] = ()


class ReportFile(ValueObject):
    """A file a report or export produced, kept in blob storage."""

    file_name: FileName
    blob: BlobRef


class SiteSummary(ValueObject):
    site_id: SiteId
    name: str
    building_count: StrictInt
    room_count: StrictInt
    asset_count: StrictInt


class EstateSummary(ValueObject):
    estate_name: EstateName
    site_count: StrictInt
    building_count: StrictInt
    room_count: StrictInt
    asset_count: StrictInt
    attachment_count: StrictInt
    voice_note_count: StrictInt
    replacement_cost_totals: tuple[Money, ...] = ()  # one per currency, in currency order
    sites: tuple[SiteSummary, ...] = ()


class ExportedItem(ValueObject):
    """One thing an export holds (a building drawn, an attachment archived) and its path inside."""

    path: str
    attachment_id: AttachmentId | None = None
    building_id: BuildingId | None = None
    size_bytes: StrictInt = Field(default=0, ge=0)


class SkippedItem(ValueObject):
    """Something an export left out, and why."""

    reason: str
    attachment_id: AttachmentId | None = None
    building_id: BuildingId | None = None
