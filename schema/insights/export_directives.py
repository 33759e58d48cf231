"""Exports: an SVG drawing of building footprints, ZIP archives of voice notes and of all media."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pydantic import StrictBool

from nomos_mongo import BlobNotFound, DirectiveContext, Event, IntentRejected, Payload, SnapshotReader
from schema.attachments.aggregates import AttachmentAggregate
from schema.attachments.values import AttachmentTarget
from schema.contracts.identifiers import AttachmentId, BuildingId, EstateId, ReportId, SiteId, UserId
from schema.estates.aggregates import BuildingAggregate
from schema.insights.group import GROUP

from .aggregates import ExportAggregate
from .archives import PathBook, folder_path, zip_bytes
from .directives import ComputingDirective
from .documents import json_bytes
from .drawing import footprint_drawing
from .estate_data import EstateData, load_estate
from .events import ExportCreatedEvent
from .values import ExportedItem, ExportKind, ReportFile, SkippedItem

Files = tuple[bytes, tuple[ExportedItem, ...], tuple[SkippedItem, ...]]


@GROUP.payload
class ExportPayload(Payload):
    export_id: ReportId
    kind: ExportKind
    requested_by: UserId
    requested_at: datetime
    site_id: SiteId | None = None  # drawing: the site's buildings
    building_ids: tuple[BuildingId, ...] = ()  # drawing: these buildings
    target: AttachmentTarget | None = None  # voice notes: only those about this
    include_voice_notes: StrictBool = True  # media archive
    # computed while planning
    estate_id: EstateId | None = None
    file: ReportFile | None = None
    items: tuple[ExportedItem, ...] = ()
    skipped: tuple[SkippedItem, ...] = ()


@GROUP.directive
class CreateExportDirective(ComputingDirective[ExportAggregate, ExportPayload]):
    aggregate_type = ExportAggregate

    def record_id(self) -> str:
        return self.payload.export_id.root

    def exists(self, record: ExportAggregate) -> bool:
        return record.generated_at is not None

    async def compute(self, ctx: DirectiveContext, snapshots: SnapshotReader) -> ExportPayload:
        p = self.payload
        self.blob_storage  # noqa: B018 - refuse before doing the work when there is nowhere to put it
        data = await load_estate(snapshots, ctx.workspace_id, with_attachments=p.kind is not ExportKind.drawing)
        day = p.requested_at.date().isoformat()
        if p.kind is ExportKind.drawing:
            title = f"{data.estate.name or data.estate.id} - buildings"
            content, items, skipped = footprint_drawing(self._buildings(data), title)
            file = await self.store(content, "image/svg+xml", f"drawing-{day}.svg")
        else:
            voice = p.kind is ExportKind.voice_note_archive
            content, items, skipped = await self._archive(data, voice)
            stem = "voice-notes" if voice else "media"
            file = await self.store(content, "application/zip", f"{stem}-{day}.zip")
        return p.model_copy(
            update={"estate_id": EstateId(data.estate.id), "file": file, "items": items, "skipped": skipped}
        )

    def execute(self, snapshot: ExportAggregate, payload: ExportPayload) -> Sequence[Event]:
        assert payload.estate_id is not None and payload.file is not None
        return [
            ExportCreatedEvent(
                kind=payload.kind,
                estate_id=payload.estate_id,
                file=payload.file,
                items=payload.items,
                skipped=payload.skipped,
                generated_by=payload.requested_by,
                generated_at=payload.requested_at,
            )
        ]

    # drawing ---------------------------------------------------------------------------------
    def _buildings(self, data: EstateData) -> list[BuildingAggregate]:
        p = self.payload
        if p.site_id is not None and data.site(p.site_id.root) is None:
            raise IntentRejected(
                "insights.site_not_found", f"there is no site {p.site_id} in this estate", field="siteId"
            )
        if p.building_ids:
            chosen = []
            for building_id in p.building_ids:
                building = data.building(building_id.root)
                if building is None or (p.site_id is not None and building.site_id != p.site_id):
                    where = f"site {p.site_id}" if p.site_id is not None else "this estate"
                    raise IntentRejected(
                        "insights.building_not_found",
                        f"there is no building {building_id} in {where}",
                        field="buildingIds",
                    )
                chosen.append(building)
        else:
            chosen = [b for b in data.buildings if p.site_id is None or b.site_id == p.site_id]
        if not any(b.footprint for b in chosen):
            raise IntentRejected(
                "insights.nothing_to_draw",
                f"none of the {len(chosen)} buildings chosen has a footprint: set one with SetBuildingFootprint first",
                field="buildingIds",
            )
        return sorted(chosen, key=lambda b: b.id)

    # archives --------------------------------------------------------------------------------
    def _chosen(self, data: EstateData, voice: bool) -> list[AttachmentAggregate]:
        p = self.payload
        if voice:
            chosen = [a for a in data.attachments if a.is_voice_note and (p.target is None or a.target == p.target)]
            if not chosen:
                about = f" about {p.target.label} {p.target.target_id}" if p.target is not None else ""
                raise IntentRejected("insights.no_voice_notes", f"this estate has no voice notes{about} to archive")
            return chosen
        chosen = [a for a in data.attachments if p.include_voice_notes or not a.is_voice_note]
        if not chosen:
            raise IntentRejected("insights.no_media", "this estate has no attachments to archive")
        return chosen

    async def _archive(self, data: EstateData, voice: bool) -> Files:
        entries: list[tuple[str, bytes]] = []
        items: list[ExportedItem] = []
        skipped: list[SkippedItem] = []
        manifest: list[dict[str, Any]] = []
        paths = PathBook()
        paths.claim("", "manifest.json", "manifest")
        for attachment in self._chosen(data, voice):
            attachment_id = AttachmentId(attachment.id)
            try:
                content = await attachment.content.read(self.blob_storage) if attachment.content else None
            except BlobNotFound:
                content = None
            if content is None:
                skipped.append(
                    SkippedItem(attachment_id=attachment_id, reason="the file's bytes are not in blob storage")
                )
                continue
            folder = "voice-notes/" if voice else folder_path(data, _folder_id(attachment))
            path = paths.claim(folder, str(attachment.file_name) or attachment.id, attachment.id)
            entries.append((path, content))
            items.append(ExportedItem(path=path, attachment_id=attachment_id, size_bytes=len(content)))
            manifest.append(_manifest_entry(attachment, path))
            if voice and attachment.transcription is not None:
                transcript = paths.claim(folder, f"{path.rpartition('/')[2]}.txt", attachment.id)
                entries.append((transcript, (attachment.transcription.root + "\n").encode("utf-8")))
        if not entries:
            raise IntentRejected(
                "insights.files_missing", f"the bytes of all {len(skipped)} files chosen are missing from blob storage"
            )
        document = {
            "estate": {"estateId": data.estate.id, "name": str(data.estate.name)},
            "generatedAt": self.payload.requested_at.isoformat(),
            "files": manifest,
        }
        entries.insert(0, ("manifest.json", json_bytes(document)))
        return zip_bytes(entries, self.payload.requested_at), tuple(items), tuple(skipped)


def _folder_id(attachment: AttachmentAggregate) -> str | None:
    return attachment.folder_id.root if attachment.folder_id is not None else None


def _manifest_entry(attachment: AttachmentAggregate, path: str) -> dict[str, Any]:
    target = attachment.target
    return {
        "attachmentId": attachment.id,
        "path": path,
        "fileName": str(attachment.file_name),
        "contentType": attachment.content_type,
        "sizeBytes": attachment.size_bytes,
        "createdAt": attachment.created_at.isoformat() if attachment.created_at else None,
        "createdBy": attachment.created_by.root if attachment.created_by else None,
        "target": target.model_dump(mode="json", by_alias=True) if target is not None else None,
        "transcription": attachment.transcription.root if attachment.transcription is not None else None,
    }
