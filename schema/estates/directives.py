"""Payloads and directives of estates, sites and their topology drafts (buildings: building_directives.py).

Rules that depend only on the target's state are checked in `execute` (so a re-plan after a
conflict checks them again); rules that need another aggregate read it in `plan`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TypeVar

from nomos_mongo import (
    Aggregate,
    Directive,
    DirectiveContext,
    Event,
    ExecutionTarget,
    Intent,
    IntentRejected,
    Payload,
    SingleAggregateDirective,
    SnapshotReader,
    Staged,
    latest_state,
)
from schema.contracts.addresses import PostalAddress
from schema.contracts.identifiers import BuildingId, EstateId, SiteId, UserId
from schema.contracts.names import (
    EstateDescription,
    EstateName,
    SiteDescription,
    SiteName,
)
from schema.estates.aggregates import (
    BuildingAggregate,
    EstateAggregate,
    SiteAggregate,
    TopologyDraftAggregate,
)
from schema.estates.events import (
    EstateCreatedEvent,
    EstateDeletedEvent,
    EstateSiteAddedEvent,
    SiteAnchorSetEvent,
    SiteBuildingAddedEvent,
    SiteCreatedEvent,
    TopologyChangedEvent,
    TopologyDraftCreatedEvent,
    TopologyPublishedEvent,
)
from schema.estates.group import GROUP
from schema.estates.values import SiteAnchor, TopologyChange, TopologyStatus

A = TypeVar("A", bound=Aggregate)


async def existing_building(building_id: BuildingId, snapshots: SnapshotReader, staged: Staged) -> BuildingAggregate:
    building = await latest_state(BuildingAggregate, building_id.value, snapshots, staged)
    if building is None or not building.exists:
        raise BuildingAggregate.empty(building_id.value).not_found()
    return building


# estates ----------------------------------------------------------------------------------
@GROUP.payload
class NewEstatePayload(Payload):
    estate_id: EstateId
    name: EstateName
    description: EstateDescription | None = None
    address: PostalAddress | None = None
    created_by: UserId
    created_at: datetime


@GROUP.directive
class CreateEstateDirective(SingleAggregateDirective[EstateAggregate, NewEstatePayload]):
    aggregate_type = EstateAggregate

    def target_id(self) -> str:
        return self.payload.estate_id.value

    def execute(self, snapshot: EstateAggregate, payload: NewEstatePayload) -> Sequence[Event]:
        if snapshot.created_at is not None:
            # Deleted estates included: an estate id, like the workspace it names, is never reused.
            raise IntentRejected("estate.exists", f"estate {payload.estate_id} exists already", field="estateId")
        return [
            EstateCreatedEvent(
                name=payload.name,
                description=payload.description,
                address=payload.address,
                created_by=payload.created_by,
                created_at=payload.created_at,
            )
        ]


@GROUP.payload
class DeleteEstatePayload(Payload):
    estate_id: EstateId
    deleted_by: UserId


@GROUP.directive
class DeleteEstateDirective(SingleAggregateDirective[EstateAggregate, DeleteEstatePayload]):
    aggregate_type = EstateAggregate

    def target_id(self) -> str:
        return self.payload.estate_id.value

    def execute(self, snapshot: EstateAggregate, payload: DeleteEstatePayload) -> Sequence[Event]:
        if not snapshot.exists:
            raise snapshot.not_found()
        if snapshot.site_ids:
            sites = ", ".join(site.value for site in snapshot.site_ids)
            raise IntentRejected(
                "estate.has_sites",
                f"estate {snapshot.name.value or snapshot.id} still has {len(snapshot.site_ids)} site(s) ({sites}); "
                "an estate can be deleted only once it has no sites",
                field="estateId",
            )
        return [EstateDeletedEvent(deleted_by=payload.deleted_by)]


@GROUP.payload
class EstateSitePayload(Payload):
    estate_id: EstateId
    site_id: SiteId


@GROUP.directive
class AddSiteToEstateDirective(SingleAggregateDirective[EstateAggregate, EstateSitePayload]):
    aggregate_type = EstateAggregate

    def target_id(self) -> str:
        return self.payload.estate_id.value

    def execute(self, snapshot: EstateAggregate, payload: EstateSitePayload) -> Sequence[Event]:
        return [EstateSiteAddedEvent(site_id=payload.site_id)]


# sites and topology drafts ----------------------------------------------------------------
@GROUP.payload
class NewSitePayload(Payload):
    site_id: SiteId
    estate_id: EstateId
    name: SiteName
    description: SiteDescription | None = None
    created_by: UserId
    created_at: datetime


@GROUP.directive
class CreateSiteDirective(SingleAggregateDirective[SiteAggregate, NewSitePayload]):
    aggregate_type = SiteAggregate

    def target_id(self) -> str:
        return self.payload.site_id.value

    def execute(self, snapshot: SiteAggregate, payload: NewSitePayload) -> Sequence[Event]:
        if snapshot.created_at is not None:
            raise IntentRejected("estate.site_exists", f"site {payload.site_id} exists already", field="siteId")
        return [
            SiteCreatedEvent(
                estate_id=payload.estate_id,
                name=payload.name,
                description=payload.description,
                created_by=payload.created_by,
                created_at=payload.created_at,
            )
        ]


@GROUP.payload
class SiteBuildingPayload(Payload):
    site_id: SiteId
    building_id: BuildingId


@GROUP.directive
class AddBuildingToSiteDirective(SingleAggregateDirective[SiteAggregate, SiteBuildingPayload]):
    aggregate_type = SiteAggregate

    def target_id(self) -> str:
        return self.payload.site_id.value

    def execute(self, snapshot: SiteAggregate, payload: SiteBuildingPayload) -> Sequence[Event]:
        return [SiteBuildingAddedEvent(building_id=payload.building_id)]


@GROUP.payload
class SiteAnchorPayload(Payload):
    site_id: SiteId
    anchor: SiteAnchor


@GROUP.directive
class SetSiteAnchorDirective(SingleAggregateDirective[SiteAggregate, SiteAnchorPayload]):
    aggregate_type = SiteAggregate

    def target_id(self) -> str:
        return self.payload.site_id.value

    def execute(self, snapshot: SiteAggregate, payload: SiteAnchorPayload) -> Sequence[Event]:
        return [SiteAnchorSetEvent(anchor=payload.anchor)]


@GROUP.payload
class NewTopologyDraftPayload(Payload):
    site_id: SiteId
    created_by: UserId
    created_at: datetime


@GROUP.directive
class CreateTopologyDraftDirective(SingleAggregateDirective[TopologyDraftAggregate, NewTopologyDraftPayload]):
    aggregate_type = TopologyDraftAggregate

    def target_id(self) -> str:
        return self.payload.site_id.value

    def execute(self, snapshot: TopologyDraftAggregate, payload: NewTopologyDraftPayload) -> Sequence[Event]:
        return [TopologyDraftCreatedEvent(created_by=payload.created_by, created_at=payload.created_at)]


@GROUP.payload
class TopologyChangePayload(Payload):
    """A change to a site's topology; without `site_id`, the site of `building_id`."""

    change: TopologyChange
    subject_id: str
    site_id: SiteId | None = None
    building_id: BuildingId | None = None


@GROUP.directive
class RecordTopologyChangeDirective(Directive[TopologyDraftAggregate, TopologyChangePayload]):
    aggregate_type = TopologyDraftAggregate

    async def plan(
        self, ctx: DirectiveContext, intent: Intent, snapshots: SnapshotReader, staged: Staged
    ) -> Sequence[ExecutionTarget[TopologyDraftAggregate, TopologyChangePayload]]:
        site_id = self.payload.site_id
        if site_id is None:
            assert self.payload.building_id is not None
            site_id = (await existing_building(self.payload.building_id, snapshots, staged)).site_id
        draft = await self.current(site_id.value, snapshots, staged)
        return [ExecutionTarget(site_id.value, self.payload, draft)]

    def execute(self, snapshot: TopologyDraftAggregate, payload: TopologyChangePayload) -> Sequence[Event]:
        return [TopologyChangedEvent(change=payload.change, subject_id=payload.subject_id)]


@GROUP.payload
class PublishTopologyPayload(Payload):
    site_id: SiteId
    published_by: UserId
    published_at: datetime


@GROUP.directive
class PublishTopologyDirective(SingleAggregateDirective[TopologyDraftAggregate, PublishTopologyPayload]):
    aggregate_type = TopologyDraftAggregate

    def target_id(self) -> str:
        return self.payload.site_id.value

    def execute(self, snapshot: TopologyDraftAggregate, payload: PublishTopologyPayload) -> Sequence[Event]:
        if not snapshot.exists:
            raise snapshot.not_found()
        if snapshot.status is TopologyStatus.published:
            raise IntentRejected(
                "estate.topology_unchanged",
                f"the topology of site {payload.site_id} is published as version {snapshot.version} "
                "and has not changed since; there is nothing to publish",
                field="siteId",
            )
        return [
            TopologyPublishedEvent(
                version=snapshot.version + 1, published_by=payload.published_by, published_at=payload.published_at
            )
        ]
