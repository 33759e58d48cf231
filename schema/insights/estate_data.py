"""The estate as plan() reads it for a report: every live structure, asset and attachment, sorted.

Sorting by id makes everything computed from it, files included, byte-for-byte the same on
replay, so the blob a report references has the same sha256 when the intent runs again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeVar

from nomos_mongo import Aggregate, BasicQuery, IntentRejected, SnapshotReader
from schema.assets.aggregates import TrackableAssetAggregate
from schema.attachments.aggregates import AttachmentAggregate, FolderAggregate
from schema.estates.aggregates import BuildingAggregate, EstateAggregate, RoomAggregate, SiteAggregate

A = TypeVar("A", bound=Aggregate)


@dataclass(frozen=True, slots=True)
class EstateData:
    estate: EstateAggregate
    sites: tuple[SiteAggregate, ...]
    buildings: tuple[BuildingAggregate, ...]
    rooms: tuple[RoomAggregate, ...]
    assets: tuple[TrackableAssetAggregate, ...]
    attachments: tuple[AttachmentAggregate, ...] = ()
    folders: tuple[FolderAggregate, ...] = ()
    _index: dict[tuple[str, str], Aggregate] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        for kind, rows in (
            ("site", self.sites),
            ("building", self.buildings),
            ("room", self.rooms),
            ("folder", self.folders),
        ):
            self._index.update({(kind, row.id): row for row in rows})

    def site(self, site_id: str) -> SiteAggregate | None:
        return self._index.get(("site", site_id))  # type: ignore[return-value]

    def building(self, building_id: str) -> BuildingAggregate | None:
        return self._index.get(("building", building_id))  # type: ignore[return-value]

    def room(self, room_id: str) -> RoomAggregate | None:
        return self._index.get(("room", room_id))  # type: ignore[return-value]

    def folder(self, folder_id: str) -> FolderAggregate | None:
        return self._index.get(("folder", folder_id))  # type: ignore[return-value]

    def room_of(self, asset: TrackableAssetAggregate) -> RoomAggregate | None:
        assignment = asset.structural_assignment
        return self.room(assignment.room_id.root) if assignment is not None else None

    def building_of(self, asset: TrackableAssetAggregate) -> BuildingAggregate | None:
        room = self.room_of(asset)
        if room is not None:
            return self.building(room.building_id.root)
        assignment = asset.structural_assignment
        if assignment is not None and assignment.building_id is not None:
            return self.building(assignment.building_id.root)
        return None

    def site_of(self, asset: TrackableAssetAggregate) -> SiteAggregate | None:
        building = self.building_of(asset)
        return self.site(building.site_id.root) if building is not None else None


async def _all(snapshots: SnapshotReader, aggregate_type: type[A]) -> tuple[A, ...]:
    rows = await snapshots.query(aggregate_type, BasicQuery())
    return tuple(sorted((row for row in rows if not row.deleted), key=lambda row: row.id))


async def load_estate(snapshots: SnapshotReader, estate_id: str, *, with_attachments: bool = False) -> EstateData:
    estate = await snapshots.get(EstateAggregate, estate_id)
    if estate is None or not estate.exists:
        raise IntentRejected(
            "insights.estate_not_found",
            f"there is no estate {estate_id} in this workspace; create it first",
            field="estateId",
        )
    attachments: tuple[AttachmentAggregate, ...] = ()
    folders: tuple[FolderAggregate, ...] = ()
    if with_attachments:
        attachments = tuple(a for a in await _all(snapshots, AttachmentAggregate) if a.exists)
        folders = await _all(snapshots, FolderAggregate)
    return EstateData(
        estate=estate,
        sites=await _all(snapshots, SiteAggregate),
        buildings=await _all(snapshots, BuildingAggregate),
        rooms=await _all(snapshots, RoomAggregate),
        assets=tuple(a for a in await _all(snapshots, TrackableAssetAggregate) if a.exists),
        attachments=attachments,
        folders=folders,
    )
