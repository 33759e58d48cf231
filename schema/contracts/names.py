"""Names, titles and descriptions: validated user text, a plain GraphQL `String`.

`X.unresolved` is the empty name; `X.from_string(None)` and blank input give it. Whether a
name is required is a domain rule of the intent that carries it, not of the text.
"""

from __future__ import annotations

from typing import ClassVar, Self

from .base import ClassConstant, ContractViolation, DomainText


class DomainName(DomainText):
    max_length = 200
    allow_empty = True

    unresolved: ClassVar[ClassConstant] = ClassConstant("")

    @property
    def is_unresolved(self) -> bool:
        return not self.root

    @classmethod
    def from_string(cls, raw: str | None) -> Self:
        if raw is None:
            return cls.unresolved
        return super().from_string(raw)


class DomainDescription(DomainName):
    max_length = 5_000
    multiline = True


class EstateName(DomainName): ...


class SiteName(DomainName): ...


class BuildingName(DomainName): ...


class RoomName(DomainName): ...


class LayerName(DomainName): ...


class CatalogueName(DomainName): ...


class ListingTitle(DomainName): ...


class AssetNickname(DomainName): ...


class FolderName(DomainName): ...


class OrganizationName(DomainName): ...


class UserDisplayName(DomainName): ...


class ProposalTitle(DomainName): ...


class ProposalType(DomainName): ...


class ProposalDuration(DomainName): ...


class ProposalTargetDate(DomainName):
    """Free text on purpose: proposals target "2024-Q3" as often as a date."""


class ResponsibilityTitle(DomainName): ...


class NotificationTitle(DomainName): ...


class TaxonomyName(DomainName): ...


class CategoryName(DomainName): ...


class CustomFieldLabel(DomainName): ...


class FundingProgramName(DomainName): ...


class DashboardName(DomainName): ...


class FileName(DomainName):
    max_length = 255

    @classmethod
    def _refine(cls, text: str) -> str:
        # A file name travels into download headers and archive paths.
        if "/" in text or "\\" in text:
            raise ContractViolation(cls.__name__, "must not contain '/' or '\\'")
        if text in {".", ".."}:
            raise ContractViolation(cls.__name__, f"{text!r} is not a file name")
        return text


class EstateDescription(DomainDescription): ...


class SiteDescription(DomainDescription): ...


class BuildingDescription(DomainDescription): ...


class RoomDescription(DomainDescription): ...


class LayerDescription(DomainDescription): ...


class AssetDescription(DomainDescription): ...


class CatalogueDescription(DomainDescription): ...


class ListingDescription(DomainDescription): ...


class ProposalDescription(DomainDescription): ...


class ResponsibilityDescription(DomainDescription): ...


class PermissionReasonDescription(DomainDescription): ...


class NotificationMessage(DomainDescription): ...


class TaxonomyDescription(DomainDescription): ...


class FundingProgramDescription(DomainDescription): ...


class CommentText(DomainDescription): ...


class VoiceNoteTranscription(DomainDescription):
    max_length = 100_000


NAME_TYPES: tuple[type[DomainName], ...] = (
    EstateName,
    SiteName,
    BuildingName,
    RoomName,
    LayerName,
    CatalogueName,
    ListingTitle,
    AssetNickname,
    FileName,
    FolderName,
    OrganizationName,
    UserDisplayName,
    ProposalTitle,
    ProposalType,
    ProposalDuration,
    ProposalTargetDate,
    ResponsibilityTitle,
    NotificationTitle,
    TaxonomyName,
    CategoryName,
    CustomFieldLabel,
    FundingProgramName,
    DashboardName,
    EstateDescription,
    SiteDescription,
    BuildingDescription,
    RoomDescription,
    LayerDescription,
    AssetDescription,
    CatalogueDescription,
    ListingDescription,
    ProposalDescription,
    ResponsibilityDescription,
    PermissionReasonDescription,
    NotificationMessage,
    TaxonomyDescription,
    FundingProgramDescription,
    CommentText,
    VoiceNoteTranscription,
)
