"""Branch timelines: fork at a sequence (metadata only), merge by re-execution, discard."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from .context import MAIN_TIMELINE, IntentContext, utc_now
from .dispatching import DispatchPlanner, prepare_intent
from .engine import Engine
from .errors import IntentRejected, InvalidArgument, TimelineError
from .ids import check_id, check_sequence
from .ledger import AggregateRef, EntryKind, IntentLedgerEntry
from .model import Aggregate
from .persistence import TimelineRecord, TimelineStatus
from .writer import Authorize


@dataclass(frozen=True, slots=True)
class MergeOutcome:
    source_intent_id: str
    intent_type: str
    applied: bool
    entry: IntentLedgerEntry | None = None
    rule: str | None = None
    reason: str | None = None
    # each aggregate the re-executed intent touched, right after it on the target (None: gone)
    states: Mapping[AggregateRef, Aggregate | None] | None = None


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
    engine: Engine,
    ws: str,
    timeline_id: str,
    from_timeline: str,
    at_sequence: int | None,
    created_by: str | None,
) -> TimelineRecord:
    check_id("workspace_id", ws)
    check_id("timeline_id", timeline_id)
    check_id("from_timeline", from_timeline)
    if timeline_id == MAIN_TIMELINE or await engine.persistence.load_timeline(ws, timeline_id) is not None:
        raise TimelineError(f"timeline {timeline_id!r} already exists in workspace {ws!r}")
    parent = await engine.timelines.require(ws, from_timeline)
    if parent is not None and parent.status is TimelineStatus.DISCARDED:
        raise TimelineError(f"cannot fork discarded timeline {from_timeline!r}")
    parent_head = await engine.writer.last_sequence(ws, from_timeline, parent)
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
    await engine.persistence.save_timeline(record)
    return record


def _check_closable(ws: str, timeline_id: str) -> None:
    check_id("workspace_id", ws)
    check_id("timeline_id", timeline_id)
    if timeline_id == MAIN_TIMELINE:
        raise TimelineError("the main timeline cannot be merged away or discarded")


async def _closable(engine: Engine, ws: str, timeline_id: str) -> TimelineRecord:
    record = await engine.timelines.require(ws, timeline_id)
    assert record is not None
    if record.status is not TimelineStatus.ACTIVE:
        raise TimelineError(f"timeline {timeline_id!r} is already {record.status.value}")
    return record


async def discard_timeline(engine: Engine, ws: str, timeline_id: str) -> TimelineRecord:
    _check_closable(ws, timeline_id)
    async with engine.writer.lock(ws, timeline_id):  # no write of this process lands after it
        record = replace(await _closable(engine, ws, timeline_id), status=TimelineStatus.DISCARDED)
        await engine.persistence.save_timeline(record)
    return record


async def merge_timeline(
    engine: Engine, ws: str, source: str, target: str, actor_id: str | None, authorize: Authorize | None
) -> MergeReport:
    """Re-execute the branch's live intents on the target, in order, as new intents.

    Each is planned against the target's state now (a semantic rebase). One that a domain
    rule refuses there is reported with the rule and skipped; the others are applied. Both
    timelines' locks are held throughout, so `authorize` sees the entries that are merged.
    """
    _check_closable(ws, source)
    check_id("target", target)
    if target == source:
        raise InvalidArgument("target", "a timeline cannot be merged into itself")
    async with engine.writer.holding(ws, source, target):
        record = await _closable(engine, ws, source)
        await engine.writer.writable(ws, target)
        entries = await engine.persistence.load_entries(ws, source, after=record.fork_sequence)
        live = [e for e in entries if e.kind is EntryKind.INTENT and not e.struck_out]
        if authorize is not None:
            await authorize(live)
        outcomes = [await _redispatch(engine, ws, target, entry, actor_id) for entry in live]
        await engine.persistence.save_timeline(replace(record, status=TimelineStatus.MERGED))
    return MergeReport(ws, source, target, tuple(outcomes))


async def _redispatch(
    engine: Engine, ws: str, target: str, entry: IntentLedgerEntry, actor_id: str | None
) -> MergeOutcome:
    ctx = IntentContext(
        workspace_id=ws,
        timeline_id=target,
        actor_id=actor_id or entry.actor_id,
        correlation_id=entry.correlation_id,
        causation_id=entry.intent_id,
        client_timestamp=entry.client_timestamp,
    )
    fresh = prepare_intent(engine, entry.intent.model_copy(update={"id": None}), ctx)
    try:
        written = await engine.writer.write_held(ws, target, DispatchPlanner(engine, fresh, ctx))
    except IntentRejected as rejected:
        return MergeOutcome(entry.intent_id, entry.intent.type_name, False, rule=rejected.rule, reason=rejected.reason)
    assert written is not None
    return MergeOutcome(entry.intent_id, entry.intent.type_name, True, entry=written.entry, states=written.states)
