"""Value objects of trackable assets: the typed changes of an update, and a geographic position."""

from __future__ import annotations

from typing import Annotated, Self

from pydantic import AfterValidator, Field, StrictBool, model_validator

from schema.contracts.assets import AssetType
from schema.contracts.base import ContractViolation, FiniteFloat, MaxItems, ValueObject
from schema.contracts.custom_fields import MAX_CUSTOM_FIELDS, CustomFieldKey, CustomFieldMap
from schema.contracts.locations import Latitude, Longitude, StructuralAssignment
from schema.contracts.names import AssetDescription, AssetNickname, CommentText
from schema.contracts.payloads import AssetMovePayload, NonNegativeMeters
from schema.estates.values import required

RequiredAssetNickname = Annotated[AssetNickname, AfterValidator(required)]
RequiredCommentText = Annotated[CommentText, AfterValidator(required)]


class AssetChanges(ValueObject):
    """What an update changes; a field left out (None) stays as it is.

    An empty `description` clears it; `clear_structural_assignment` takes the asset out of
    its room. `custom_fields` are set (added or replaced by key), `removed_custom_fields` go.
    """

    name: RequiredAssetNickname | None = None
    description: AssetDescription | None = None
    asset_type: AssetType | None = None
    structural_assignment: StructuralAssignment | None = None
    clear_structural_assignment: StrictBool = False
    custom_fields: CustomFieldMap = Field(default_factory=CustomFieldMap.empty)
    removed_custom_fields: Annotated[tuple[CustomFieldKey, ...], MaxItems(MAX_CUSTOM_FIELDS)] = ()

    @model_validator(mode="after")
    def _coherent(self) -> Self:
        if self.structural_assignment is not None and self.clear_structural_assignment:
            raise ContractViolation("clearStructuralAssignment", "cannot both set and clear the structural assignment")
        both = sorted(set(self.custom_fields.keys()) & {key.value for key in self.removed_custom_fields})
        if both:
            raise ContractViolation("removedCustomFields", f"{', '.join(both)} also set in customFields")
        if not self.changed_fields:
            raise ContractViolation("updates", "names no change; set at least one field")
        return self

    @property
    def changed_fields(self) -> tuple[str, ...]:
        """Human names of what changes, for audit sentences."""
        changed = {
            "name": self.name is not None,
            "description": self.description is not None,
            "type": self.asset_type is not None,
            "room": self.structural_assignment is not None or self.clear_structural_assignment,
            "custom fields": bool(self.custom_fields) or bool(self.removed_custom_fields),
        }
        return tuple(label for label, is_changed in changed.items() if is_changed)


class AssetPosition(ValueObject):
    """Where an asset is on the earth (WGS 84), with the fix's accuracy when known."""

    latitude: Latitude
    longitude: Longitude
    altitude_meters: FiniteFloat | None = None
    horizontal_accuracy_meters: NonNegativeMeters | None = None
    vertical_accuracy_meters: NonNegativeMeters | None = None

    @classmethod
    def of_move(cls, move: AssetMovePayload) -> Self:
        return cls.model_validate(move.model_dump(exclude={"asset_id"}))

    def __str__(self) -> str:
        return f"{self.latitude:g}, {self.longitude:g}"
