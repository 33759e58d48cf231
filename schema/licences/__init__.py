"""Licences: personal licences, organizational licences and their seats (system workspace)."""

from __future__ import annotations

from nomos_mongo import NomosModule

from .aggregates import LicenceAggregate, LicenceKind, LicenceSeat
from .directives import (
    AssignSeatDirective,
    AssignSeatPayload,
    CreateOrganizationalLicenceDirective,
    CreateOrganizationalLicencePayload,
    CreatePersonalLicenceDirective,
    CreatePersonalLicencePayload,
)
from .events import LicenceSeatAssignedEvent, OrganizationalLicenceCreatedEvent, PersonalLicenceCreatedEvent
from .intents import AssignSeatToUserIntent, CreateOrganizationalLicenceIntent, CreatePersonalLicenceIntent
from .policy import NAME_RESOLVERS, ROUTES

MODULE = NomosModule(
    name="co2.licences",
    intents=(CreatePersonalLicenceIntent, CreateOrganizationalLicenceIntent, AssignSeatToUserIntent),
    directives=(CreatePersonalLicenceDirective, CreateOrganizationalLicenceDirective, AssignSeatDirective),
    events=(PersonalLicenceCreatedEvent, OrganizationalLicenceCreatedEvent, LicenceSeatAssignedEvent),
    aggregates=(LicenceAggregate,),
    payloads=(CreatePersonalLicencePayload, CreateOrganizationalLicencePayload, AssignSeatPayload),
    routes=ROUTES,
    name_resolvers=NAME_RESOLVERS,
)

__all__ = [
    "MODULE",
    "AssignSeatToUserIntent",
    "CreateOrganizationalLicenceIntent",
    "CreatePersonalLicenceIntent",
    "LicenceAggregate",
    "LicenceKind",
    "LicenceSeat",
]
