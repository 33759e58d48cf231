"""Every enumeration of the contracts: snake_case members, camelCase wire values."""

from __future__ import annotations

from enum import StrEnum


class UserStatus(StrEnum):
    active = "active"
    inactive = "inactive"
    suspended = "suspended"


class InvitationStatus(StrEnum):
    pending = "pending"
    accepted = "accepted"
    rejected = "rejected"
    expired = "expired"


class PermissionStatus(StrEnum):
    granted = "granted"
    denied = "denied"
    pending = "pending"


class ListingStatus(StrEnum):
    draft = "draft"
    active = "active"
    archived = "archived"


class CatalogueStatus(StrEnum):
    draft = "draft"
    published = "published"
    archived = "archived"


class SupplierStatus(StrEnum):
    active = "active"
    inactive = "inactive"
    archived = "archived"


class FundingApplicationStatus(StrEnum):
    draft = "draft"
    submitted = "submitted"
    approved = "approved"
    rejected = "rejected"


class ProposalStatus(StrEnum):
    draft = "draft"
    submitted = "submitted"
    approved = "approved"
    rejected = "rejected"
    implemented = "implemented"


class InsightType(StrEnum):
    recommendation = "recommendation"
    alert = "alert"
    analysis = "analysis"


class ClaimStatus(StrEnum):
    draft = "draft"
    submitted = "submitted"
    approved = "approved"
    rejected = "rejected"


class VerificationOutcome(StrEnum):
    approved = "approved"
    failed = "failed"
    conditional = "conditional"


class EnergyCalculationType(StrEnum):
    actual = "actual"
    estimated = "estimated"
    extrapolated = "extrapolated"


class NotificationType(StrEnum):
    info = "info"
    approval = "approval"
    assignment = "assignment"
    reminder = "reminder"
    mention = "mention"
    alert = "alert"
    system = "system"


class ResponsibilityPriority(StrEnum):
    low = "low"
    medium = "medium"
    high = "high"
    critical = "critical"


class DistanceUnit(StrEnum):
    millimeters = "millimeters"
    centimeters = "centimeters"
    meters = "meters"
    kilometers = "kilometers"
    inches = "inches"
    feet = "feet"
    yards = "yards"
    miles = "miles"
    nautical_miles = "nauticalMiles"


class CustomFieldType(StrEnum):
    text = "text"
    number = "number"
    boolean = "boolean"
    percentage = "percentage"
    date = "date"
    select = "select"
    multi_select = "multiSelect"
    attachment = "attachment"
    attachment_list = "attachmentList"
    money = "money"


class CustomFieldSource(StrEnum):
    taxonomy = "taxonomy"
    listing = "listing"
    user_added = "userAdded"


class RoleType(StrEnum):
    estate = "estate"
    site = "site"
    layer = "layer"
    feature = "feature"
    catalogue = "catalogue"


class RoleLevel(StrEnum):
    none = "none"
    read = "read"
    write = "write"
    admin = "admin"
    owner = "owner"


class ResourceType(StrEnum):
    estate = "estate"
    site = "site"
    building = "building"
    room = "room"
    layer = "layer"
    feature = "feature"
    trackable_asset = "trackableAsset"
    catalogue = "catalogue"
    catalogue_listing = "catalogueListing"
    attachment = "attachment"
    folder = "folder"
    organization = "organization"
    proposal = "proposal"
    funding_program = "fundingProgram"
    taxonomy = "taxonomy"
    dashboard = "dashboard"
