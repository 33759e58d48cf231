"""What some attachment directives need beyond stored state: blob storage and a transcriber.

`plan` may only read aggregates, but a voice note's audio is in blob storage and turning it
into text needs a speech engine. Both are runtime wiring, not data: `attachments_module()`
receives them and its routes hand them to the directives they build (`bound(services)`).
They are never serialized, and take no part in a directive's equality, so a directive read
back from the ledger equals the one that ran.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Self, TypeVar

from pydantic import PrivateAttr

from nomos_mongo import Aggregate, BlobStorage, Payload, SingleAggregateDirective

from .transcription import Transcriber


@dataclass(frozen=True, slots=True)
class AttachmentServices:
    transcriber: Transcriber | None = None
    blob_storage: BlobStorage | None = None


A = TypeVar("A", bound=Aggregate)
P = TypeVar("P", bound=Payload)


class ServiceDirective(SingleAggregateDirective[A, P]):
    _services: AttachmentServices = PrivateAttr(default_factory=AttachmentServices)

    def bound(self, services: AttachmentServices) -> Self:
        self._services = services
        return self

    @property
    def services(self) -> AttachmentServices:
        return self._services

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SingleAggregateDirective):
            return NotImplemented
        return type(self) is type(other) and self.payload == other.payload

    def __hash__(self) -> int:
        return hash((type(self), self.payload))
