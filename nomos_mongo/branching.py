"""Branch timelines: fork at a sequence (metadata only), merge by re-execution, discard."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from .context import MAIN_TIMELINE, IntentContext, utc_now
from .errors import IntentRejected, InvalidArgument, TimelineError
from .ids import check_id, check_sequence
from .ledger import EntryKind, IntentLedgerEntry
from .persistence import TimelineRecord, TimelineStatus

if TYPE_CHECKING:
    from .app import NomosApp


@dataclass(frozen=True, slots=True)
class MergeOutcome:
    source_intent_id: str
    intent_type: str
    applied: bool
    entry: IntentLedgerEntry | None = None
    rule: str | None = None
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class MergeReport:
    workspace_id: str
    source: str
    target: str
    outcomes: tuple[MergeOutcome, ...] = field(default_factory=tuple)

    @property
    def applied(self) -> list[MergeOutcome]:
        return [o for o in self.outcomes if o.applied]

    @property
    def rejected(self) -> list[MergeOutcome]:
        return [o for o in self.outcomes if not o.applied]


async def create_timeline(
    app: NomosApp,
    ws: str,
    timeline_id: str,
    from_timeline: str,
    at_sequence: int | None,
    created_by: str | None,
) -> TimelineRecord:
    check_id("workspace_id", ws)
    check_id("timeline_id", timeline_id)
    check_id("from_timeline", from_timeline)
    await app.start()
    if timeline_id == MAIN_TIMELINE or await app.persistence.load_timeline(ws, timeline_id) is not None:
        raise TimelineError(f"timeline {timeline_id!r} already exists in workspace {ws!r}")
    parent = await app.timelines.require(ws, from_timeline)
    if parent is not None and parent.status is TimelineStatus.DISCARDED:
        raise TimelineError(f"cannot fork discarded timeline {from_timeline!r}")
    parent_head = await app.head(ws, from_timeline)
    if at_sequence is None:
        at_sequence = parent_head
    check_sequence("at_sequence", at_sequence)
    if at_sequence > parent_head:
        raise InvalidArgument("at_sequence", f"{from_timeline!r} has only {parent_head} entries")
    record = TimelineRecord(
        workspace_id=ws,
        timeline_id=timeline_id,
        parent_timeline_id=from_timeline,
        fork_sequence=at_sequence,
        created_at=utc_now(),
        created_by=created_by,
    )
    await app.persistence.save_timeline(record)
    return record


async def _closable(app: NomosApp, ws: str, timeline_id: str) -> TimelineRecord:
    check_id("workspace_id", ws)
    check_id("timeline_id", timeline_id)
    if timeline_id == MAIN_TIMELINE:
        raise TimelineError("the main timeline cannot be merged away or discarded")
    await app.start()
    record = await app.timelines.require(ws, timeline_id)
    assert record is not None
    if record.status is not TimelineStatus.ACTIVE:
        raise TimelineError(f"timeline {timeline_id!r} is already {record.status.value}")
    return record


async def discard_timeline(app: NomosApp, ws: str, timeline_id: str) -> TimelineRecord:
    record = replace(await _closable(app, ws, timeline_id), status=TimelineStatus.DISCARDED)
    await app.persistence.save_timeline(record)
    return record


async def merge_timeline(app: NomosApp, ws: str, source: str, target: str, actor_id: str | None) -> MergeReport:
    """Re-execute the branch's live intents on the target, in order, as new intents.

    Each is planned against the target's state now (a semantic rebase). One that a domain
    rule refuses there is reported with the rule and skipped; the others are applied.
    """
    record = await _closable(app, ws, source)
    check_id("target", target)
    if target == source:
        raise InvalidArgument("target", "a timeline cannot be merged into itself")
    await app._writable(ws, target)
    entries = await app.persistence.load_entries(ws, source, after=record.fork_sequence)
    outcomes: list[MergeOutcome] = []
    for entry in entries:
        if entry.kind is not EntryKind.INTENT or entry.struck_out:
            continue
        ctx = IntentContext(
            workspace_id=ws,
            timeline_id=target,
            actor_id=actor_id or entry.actor_id,
            correlation_id=entry.correlation_id,
            causation_id=entry.intent_id,
            client_timestamp=entry.client_timestamp,
        )
        fresh = entry.intent.model_copy(update={"id": None})
        try:
            merged = await app.dispatch(fresh, ctx)
        except IntentRejected as rejected:
            outcomes.append(
                MergeOutcome(entry.intent_id, entry.intent.type_name, False, rule=rejected.rule, reason=rejected.reason)
            )
            continue
        outcomes.append(MergeOutcome(entry.intent_id, entry.intent.type_name, True, entry=merged))
    await app.persistence.save_timeline(replace(record, status=TimelineStatus.MERGED))
    return MergeReport(ws, source, target, tuple(outcomes))
