"""A licence: personal (one holder) or organizational (a number of seats for users)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from nomos_mongo import Aggregate, Event, IntentRejected
from schema.contracts import OrganizationId, PermissionReasonDescription, UserId, ValueObject
from schema.licences.group import GROUP

from .events import LicenceSeatAssignedEvent, OrganizationalLicenceCreatedEvent, PersonalLicenceCreatedEvent


class LicenceKind(StrEnum):
    personal = "personal"
    organizational = "organizational"


class LicenceSeat(ValueObject):
    user_id: UserId
    assigned_by: UserId
    assigned_at: datetime


@GROUP.aggregate
class LicenceAggregate(Aggregate):
    kind: LicenceKind | None = None
    holder_user_id: UserId | None = None  # personal licences
    organization_id: OrganizationId | None = None  # organizational licences
    seat_count: int = 0
    seats: tuple[LicenceSeat, ...] = ()
    valid_from: date | None = None
    valid_until: date | None = None
    reason: PermissionReasonDescription | None = None
    created_by: UserId | None = None
    created_at: datetime | None = None

    @property
    def exists(self) -> bool:
        return self.kind is not None and not self.deleted

    def seat_of(self, user_id: UserId) -> LicenceSeat | None:
        return next((seat for seat in self.seats if seat.user_id == user_id), None)

    def is_valid_on(self, day: date) -> bool:
        starts = self.valid_from is None or self.valid_from <= day
        return starts and (self.valid_until is None or day <= self.valid_until)

    def apply(self, event: Event) -> LicenceAggregate:
        match event:
            case PersonalLicenceCreatedEvent():
                return self.evolve(
                    kind=LicenceKind.personal,
                    holder_user_id=event.user_id,
                    seat_count=1,
                    valid_from=event.valid_from,
                    valid_until=event.valid_until,
                    reason=event.reason,
                    created_by=event.requested_by,
                    created_at=event.created_at,
                )
            case OrganizationalLicenceCreatedEvent():
                return self.evolve(
                    kind=LicenceKind.organizational,
                    organization_id=event.organization_id,
                    seat_count=event.seat_count,
                    valid_from=event.valid_from,
                    valid_until=event.valid_until,
                    created_by=event.created_by,
                    created_at=event.created_at,
                )
            case LicenceSeatAssignedEvent():
                seat = LicenceSeat(user_id=event.user_id, assigned_by=event.assigned_by, assigned_at=event.assigned_at)
                return self.evolve(seats=(*self.seats, seat))
        return self

    def validate_state(self) -> None:
        if len(self.seats) > self.seat_count:
            raise IntentRejected(
                "licences.seats_exhausted",
                f"licence {self.id} has {self.seat_count} seats and all are assigned; "
                "free a seat or create a licence with more seats",
                field="licenceId",
            )
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise IntentRejected(
                "licences.invalid_validity",
                f"a licence cannot end before it starts ({self.valid_from}); choose a later validUntil",
                field="validUntil",
            )
