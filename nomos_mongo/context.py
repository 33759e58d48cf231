"""Who, where and when: the context every intent is dispatched with."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from .errors import InvalidArgument
from .frozen import quick_init
from .ids import check_id, derived_id, new_id

if TYPE_CHECKING:
    from .blobs import BlobStorage

MAIN_TIMELINE = "main"
SYSTEM_ACTOR = "system"
# ids the engine acts as itself: no user may hold one (compared case-insensitively)
RESERVED_ACTOR_IDS = frozenset({SYSTEM_ACTOR})


@dataclass(frozen=True, slots=True)
class IntentContext:
    workspace_id: str
    actor_id: str
    timeline_id: str = MAIN_TIMELINE
    correlation_id: str | None = None
    causation_id: str | None = None
    client_timestamp: datetime | None = None
    # the authenticated display name: audit sentences use it when no user record names the actor
    actor_name: str | None = field(default=None, compare=False)
    id_generator: Callable[[], str] = field(default=new_id, compare=False, repr=False)

    def __post_init__(self) -> None:
        check_id("workspace_id", self.workspace_id)
        check_id("timeline_id", self.timeline_id)
        check_id("actor_id", self.actor_id)
        for name in ("correlation_id", "causation_id"):
            value = getattr(self, name)
            if value is not None:
                check_id(name, value)
        if self.client_timestamp is not None and self.client_timestamp.tzinfo is None:
            raise InvalidArgument("client_timestamp", "must be timezone-aware")

    @classmethod
    def from_strings(cls, *, workspace_id: str, actor_id: str, timeline_id: str = MAIN_TIMELINE) -> IntentContext:
        return cls(workspace_id=workspace_id, actor_id=actor_id, timeline_id=timeline_id)

    def copy_with(self, **changes: object) -> IntentContext:
        return replace(self, **changes)  # type: ignore[arg-type]


@quick_init
@dataclass(frozen=True, slots=True)
class DirectiveContext:
    """What plan() may know. Everything here is stored in the ledger, so replay sees the same."""

    workspace_id: str
    timeline_id: str
    actor_id: str
    intent_id: str
    correlation_id: str
    causation_id: str | None
    client_timestamp: datetime
    server_timestamp: datetime
    is_server_runtime: bool = True
    # read access to large payloads by content hash: deterministic, so replay sees the same
    blobs: BlobStorage | None = field(default=None, compare=False, repr=False)

    @property
    def now(self) -> datetime:
        """The intent's time: the client's clock if it sent one, else the server's."""
        return self.client_timestamp

    def derive_id(self, label: str) -> str:
        """A new id that replay reproduces: derived from the intent id and a label."""
        return derived_id(self.intent_id, label)


def utc_now() -> datetime:
    return datetime.now(UTC)
