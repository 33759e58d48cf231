"""What users ask of custom fields on layers: define a field, attach or detach it, set a
layer's default values, and apply those defaults to many assets at once.

Defining and attaching fields and setting defaults shape the estate's data for everyone,
so they need an estate admin; applying defaults to assets is an ordinary write.
"""

from __future__ import annotations

from typing import Annotated, ClassVar, Self

from pydantic import AfterValidator, Field, StrictBool, model_validator

from nomos_mongo import ACTOR, DescribeContext, IntentDescription, NameRef
from schema.common import Access, Co2Intent
from schema.contracts import (
    ContractViolation,
    CustomFieldDefinitionId,
    CustomFieldKey,
    CustomFieldLabel,
    CustomFieldMap,
    CustomFieldType,
    LayerId,
    TrackableAssetId,
    UserId,
)
from schema.contracts.base import MaxItems, repeated
from schema.custom_fields.group import GROUP

from .values import CHOICE_TYPES, Options


def _labelled(label: CustomFieldLabel) -> CustomFieldLabel:
    if label.is_unresolved:
        raise ValueError("must not be empty")
    return label


MAX_ASSETS_PER_APPLY = 500


def _distinct_ids(ids: tuple[TrackableAssetId, ...]) -> tuple[TrackableAssetId, ...]:
    twice = repeated(ids)
    if twice:
        raise ValueError(f"names {', '.join(twice)} more than once")
    return ids


def _layer(ctx: DescribeContext, layer_id: LayerId) -> NameRef:
    return ctx.resource_name("layer", layer_id.value, fallback=f"layer {layer_id}")


def _field(ctx: DescribeContext, definition_id: CustomFieldDefinitionId) -> NameRef:
    return ctx.resource_name("customField", definition_id.value)


class _LayerSetupIntent(Co2Intent):
    access: ClassVar[Access] = Access.ADMIN


@GROUP.intent
class DefineCustomFieldIntent(_LayerSetupIntent):
    """`options` are the choices of a select or multiSelect field, and only of those."""

    key: CustomFieldKey
    label: Annotated[CustomFieldLabel, AfterValidator(_labelled)]
    field_type: CustomFieldType
    defined_by: Annotated[UserId, ACTOR]
    options: Options = ()
    definition_id: CustomFieldDefinitionId | None = None

    @model_validator(mode="after")
    def _options_fit_the_type(self) -> Self:
        if self.field_type in CHOICE_TYPES and not self.options:
            raise ContractViolation("options", f"a {self.field_type} field needs at least one option")
        if self.field_type not in CHOICE_TYPES and self.options:
            raise ContractViolation(
                "options", f"only select and multiSelect fields have options, not {self.field_type}"
            )
        return self

    def describe(self, ctx: DescribeContext) -> IntentDescription:
        return IntentDescription(
            "{actor} defined custom field {label} ({type})",
            {"actor": ctx.actor_name(fallback=self.defined_by.value), "label": self.label, "type": self.field_type},
        )


@GROUP.intent
class AttachCustomFieldToLayerIntent(_LayerSetupIntent):
    layer_id: LayerId
    definition_id: CustomFieldDefinitionId
    attached_by: Annotated[UserId, ACTOR]

    def describe(self, ctx: DescribeContext) -> IntentDescription:
        return IntentDescription(
            "{actor} attached custom field {field} to {layer}",
            {
                "actor": ctx.actor_name(fallback=self.attached_by.value),
                "field": _field(ctx, self.definition_id),
                "layer": _layer(ctx, self.layer_id),
            },
        )


@GROUP.intent
class DetachCustomFieldFromLayerIntent(_LayerSetupIntent):
    """The field's default value on the layer goes with it; assets keep the values they have."""

    layer_id: LayerId
    definition_id: CustomFieldDefinitionId
    detached_by: Annotated[UserId, ACTOR]

    def describe(self, ctx: DescribeContext) -> IntentDescription:
        return IntentDescription(
            "{actor} detached custom field {field} from {layer}",
            {
                "actor": ctx.actor_name(fallback=self.detached_by.value),
                "field": _field(ctx, self.definition_id),
                "layer": _layer(ctx, self.layer_id),
            },
        )


@GROUP.intent
class SetLayerDefaultCustomFieldsIntent(_LayerSetupIntent):
    """Replaces the layer's defaults; each must be a value of a field attached to the layer."""

    layer_id: LayerId
    defaults: CustomFieldMap
    set_by: Annotated[UserId, ACTOR]

    def describe(self, ctx: DescribeContext) -> IntentDescription:
        count = len(self.defaults)
        return IntentDescription(
            "{actor} set {count} on {layer}",
            {
                "actor": ctx.actor_name(fallback=self.set_by.value),
                "count": "1 default custom field" if count == 1 else f"{count} default custom fields",
                "layer": _layer(ctx, self.layer_id),
            },
        )


@GROUP.intent
class BulkApplyLayerDefaultsIntent(Co2Intent):
    """Gives each listed asset the layer's defaults, atomically: by default only the fields an
    asset does not have yet; with `overwrite`, replacing the values it has."""

    layer_id: LayerId
    asset_ids: Annotated[
        tuple[TrackableAssetId, ...],
        Field(min_length=1),
        MaxItems(MAX_ASSETS_PER_APPLY),
        AfterValidator(_distinct_ids),
    ]
    applied_by: Annotated[UserId, ACTOR]
    overwrite: StrictBool = False

    def describe(self, ctx: DescribeContext) -> IntentDescription:
        count = len(self.asset_ids)
        return IntentDescription(
            "{actor} applied the defaults of {layer} to {count}",
            {
                "actor": ctx.actor_name(fallback=self.applied_by.value),
                "layer": _layer(ctx, self.layer_id),
                "count": "1 asset" if count == 1 else f"{count} assets",
            },
        )
