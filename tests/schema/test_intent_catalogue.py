"""Every intent the CO2 intents document names is registered, routed, and a GraphQL mutation."""

from __future__ import annotations

import pytest

from graph.naming import mutation_name
from nomos_mongo import MemoryPersistence, NomosApp
from schema import co2_modules

# The intents document (shared/seeds/001_dd74b95daccc506d.txt), group by group, in its order.
DOCUMENT_INTENTS = {
    "trackable assets": [
        "CreateTrackableAssetIntent",
        "UpdateTrackableAssetIntent",
        "DeleteTrackableAssetIntent",
        "BulkUpdateTrackableAssetsIntent",
        "MoveTrackableAssetsIntent",
        "CreateTrackableAssetCommentIntent",
    ],
    "estate structures": [
        "CreateEstateIntent",
        "DeleteEstateIntent",
        "CreateSiteWithTopologyDraftIntent",
        "CreateBuildingIntent",
        "CreateRoomIntent",
        "PublishSiteTopologyIntent",
        "SetSiteAnchorIntent",
        "SetBuildingFootprintIntent",
        "AddFloorPlanTileImageIntent",
    ],
    "identity and permissions": [
        "CreateUserIntent",
        "CreateOrganizationIntent",
        "AddUserToOrganizationIntent",
        "GrantPermissionToUserIntent",
        "RevokePermissionFromUserIntent",
        "GrantEstateAccessIntent",
        "RevokeEstateAccessIntent",
        "GrantSiteAccessIntent",
        "RevokeSiteAccessIntent",
        "UpdateUserPermissionRoleIntent",
    ],
    "attachments": [
        "CreateAttachmentIntent",
        "CreateAttachmentIntentV2",
        "DeleteAttachmentIntent",
        "MoveAttachmentBetweenFoldersIntent",
        "DetachAttachmentIntent",
        "TranscribeVoiceNoteIntent",
        "UpdateVoiceNoteTranscriptionIntent",
        "CreateFolderIntent",
        "DeleteFolderIntent",
    ],
    "licences": ["CreatePersonalLicenceIntent", "CreateOrganizationalLicenceIntent", "AssignSeatToUserIntent"],
    "proposals and responsibilities": [
        "CreateProposalIntent",
        "SubmitProposalIntent",
        "ApproveProposalIntent",
        "CreateResponsibilityIntent",
        "UpdateResponsibilityStatusIntent",
        "CreateResponsibilitiesFromProposalIntent",
    ],
    "catalogues": [
        "CreateCatalogueIntent",
        "CreateCatalogueListingIntent",
        "CreateAssetFromListingIntent",
        "CreateAssetFromListingWithPositionIntent",
        "BulkCreateAssetsFromListingIntent",
        "UpdateListingAggregateIntent",
        "DeleteCatalogueListingIntent",
    ],
    "custom fields": [
        "DefineCustomFieldIntent",
        "AttachCustomFieldToLayerIntent",
        "DetachCustomFieldFromLayerIntent",
        "SetLayerDefaultCustomFieldsIntent",
        "BulkApplyLayerDefaultsIntent",
    ],
    "insights and reports": [
        "TriggerAssetInsightsIntent",
        "CalculateAssetKPIsIntent",
        "CreateAssetInsightsDashboardIntent",
        "GenerateEstateSummaryIntent",
        "CreateDrawingExportIntent",
        "CreateVoiceNoteArchiveIntent",
        "CreateEstateMediaArchiveIntent",
    ],
    "funding programs": [
        "CreateFundingProgramIntent",
        "ApplyForFundingIntent",
        "ProcessFundingApplicationIntent",
        "TrackFundingUtilizationIntent",
        "DefineFundingProgramIntent",
        "SubmitFundingProgramClaimIntent",
        "CompleteClaimVerificationIntent",
        "AwardBenefitIntent",
    ],
    # "(and corresponding update/remove intents)"
    "taxonomy": [
        "CreateTaxonomyIntent",
        "AddTaxonomyCategoryIntent",
        "AddTaxonomySubCategoryIntent",
        "AddTaxonomyCustomFieldIntent",
        "UpdateTaxonomyIntent",
        "RemoveTaxonomyIntent",
        "UpdateTaxonomyCategoryIntent",
        "RemoveTaxonomyCategoryIntent",
        "UpdateTaxonomySubCategoryIntent",
        "RemoveTaxonomySubCategoryIntent",
        "UpdateTaxonomyCustomFieldIntent",
        "RemoveTaxonomyCustomFieldIntent",
    ],
}
ALL = [(group, name) for group, names in DOCUMENT_INTENTS.items() for name in names]


@pytest.fixture(scope="module")
def app() -> NomosApp:
    return NomosApp(MemoryPersistence(), modules=co2_modules())


@pytest.fixture(scope="module")
def sdl() -> str:
    with open("schema/schema.graphql", encoding="utf-8") as committed:
        return committed.read()


@pytest.mark.parametrize(("group", "name"), ALL)
def test_each_document_intent_is_registered_routed_and_a_mutation(
    app: NomosApp, sdl: str, group: str, name: str
) -> None:
    intent_type = app.registry.intents.get(name)
    assert intent_type is not None, f"{name} ({group}) is not registered"
    assert app.policy.routes_for(intent_type), f"{name} has no policy route"
    assert f"  {mutation_name(intent_type.type_name)}(" in sdl, f"no mutation for {name} in schema/schema.graphql"


def test_the_document_names_82_intents() -> None:
    # 74 by name, and the taxonomy's 8 "corresponding update/remove intents"
    assert len(ALL) == len({name for _, name in ALL}) == 82
