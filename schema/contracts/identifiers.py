"""Typed identifiers. Each is a plain string on the wire and a GraphQL `ID`.

An identifier is never empty: `X.unresolved` (the string "unresolved") stands for one not
yet known, so a missing id is explicit rather than an empty string that slips through.
"""

from __future__ import annotations

from typing import ClassVar

from .base import ClassConstant, DomainText

UNRESOLVED = "unresolved"


class Identifier(DomainText):
    max_length = 200

    unresolved: ClassVar[ClassConstant] = ClassConstant(UNRESOLVED)

    @property
    def is_unresolved(self) -> bool:
        return self.root == UNRESOLVED


class UserId(Identifier):
    system: ClassVar[ClassConstant] = ClassConstant("system")

    @property
    def is_system(self) -> bool:
        return self.root == "system"


class TrackableAssetId(Identifier): ...


class EstateId(Identifier): ...


class SiteId(Identifier): ...


class BuildingId(Identifier): ...


class RoomId(Identifier): ...


class LayerId(Identifier): ...


class FeatureId(Identifier): ...


class OrganizationId(Identifier): ...


class AttachmentId(Identifier): ...


class FolderId(Identifier): ...


class FileId(Identifier): ...


class CatalogueId(Identifier): ...


class CatalogueListingId(Identifier): ...


class SupplierId(Identifier): ...


class ProposalId(Identifier): ...


class ResponsibilityId(Identifier): ...


class LicenceId(Identifier): ...


class FundingProgramId(Identifier): ...


class FundingApplicationId(Identifier): ...


class ClaimId(Identifier): ...


class BenefitId(Identifier): ...


class TaxonomyId(Identifier): ...


class TaxonomyCategoryId(Identifier): ...


class CustomFieldDefinitionId(Identifier): ...


class DashboardId(Identifier): ...


class ReportId(Identifier): ...


class CommentId(Identifier): ...


class TopologyDraftId(Identifier): ...


class TileId(Identifier): ...


class InvitationId(Identifier): ...


class WorkflowId(Identifier): ...


class NotificationId(Identifier): ...


class ResourceId(Identifier):
    """The id of whatever a permission is about; its `ResourceType` travels beside it."""


IDENTIFIER_TYPES: tuple[type[Identifier], ...] = (
    UserId,
    TrackableAssetId,
    EstateId,
    SiteId,
    BuildingId,
    RoomId,
    LayerId,
    FeatureId,
    OrganizationId,
    AttachmentId,
    FolderId,
    FileId,
    CatalogueId,
    CatalogueListingId,
    SupplierId,
    ProposalId,
    ResponsibilityId,
    LicenceId,
    FundingProgramId,
    FundingApplicationId,
    ClaimId,
    BenefitId,
    TaxonomyId,
    TaxonomyCategoryId,
    CustomFieldDefinitionId,
    DashboardId,
    ReportId,
    CommentId,
    TopologyDraftId,
    TileId,
    InvitationId,
    WorkflowId,
    NotificationId,
    ResourceId,
)
