"""Value objects of the attachments group: what an attachment is attached to."""

from __future__ import annotations

import re

from pydantic import field_validator

from schema.contracts import ResourceId, ResourceType, ValueObject

_NOT_TARGETS = frozenset({ResourceType.attachment, ResourceType.folder})

# Estate-structure kinds use the estates group's resolver names; the rest their own type name.
TARGET_LABELS: dict[ResourceType, str] = {
    ResourceType.estate: "estate",
    ResourceType.site: "site",
    ResourceType.building: "building",
    ResourceType.room: "room",
    ResourceType.trackable_asset: "asset",
}


class AttachmentTarget(ValueObject):
    """The thing a file documents: an asset, a room, a site, a proposal..."""

    target_type: ResourceType
    target_id: ResourceId

    @field_validator("target_type")
    @classmethod
    def _attachable(cls, value: ResourceType) -> ResourceType:
        if value in _NOT_TARGETS:
            raise ValueError("an attachment is put in a folder, not attached to a folder or another attachment")
        return value

    @property
    def label(self) -> str:
        return TARGET_LABELS.get(self.target_type, str(self.target_type))


_MIME_TYPE = re.compile(r"[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*")


def mime_type(raw: str) -> str:
    """A bare MIME type ("application/pdf"), lower case; parameters such as charset are refused."""
    mime = raw.strip().lower()
    if not _MIME_TYPE.fullmatch(mime):
        raise ValueError(f"content type must be a MIME type such as 'application/pdf', got {raw!r}")
    return mime


def is_voice_note(content_type: str) -> bool:
    return content_type.startswith("audio/")
