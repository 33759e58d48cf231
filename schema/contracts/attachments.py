"""A link from any value to a file stored by the attachments domain."""

from __future__ import annotations

from .base import ValueObject
from .identifiers import AttachmentId


class AttachmentReference(ValueObject):
    attachment_id: AttachmentId
