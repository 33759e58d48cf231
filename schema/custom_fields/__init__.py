"""Custom fields on layers: field definitions of an estate, the fields and default values
each layer carries, and applying a layer's defaults to many assets in one intent.

Trackable assets carry no layer link (schema/assets), so defaults are applied to an
explicit list of assets.
"""

from __future__ import annotations

from nomos_mongo import NomosModule

from .aggregates import CustomFieldDefinitionAggregate, LayerAggregate
from .directives import (
    ApplyLayerDefaultsDirective,
    ApplyLayerDefaultsPayload,
    ChangeLayerFieldDirective,
    DefineCustomFieldDirective,
    DefineFieldPayload,
    LayerDefaultsPayload,
    LayerFieldPayload,
    SetLayerDefaultsDirective,
)
from .events import (
    CustomFieldDefinedEvent,
    LayerCustomFieldAttachedEvent,
    LayerCustomFieldDetachedEvent,
    LayerDefaultCustomFieldsSetEvent,
)
from .intents import (
    MAX_ASSETS_PER_APPLY,
    AttachCustomFieldToLayerIntent,
    BulkApplyLayerDefaultsIntent,
    DefineCustomFieldIntent,
    DetachCustomFieldFromLayerIntent,
    SetLayerDefaultCustomFieldsIntent,
)
from .policy import NAME_RESOLVERS, ROUTES
from .values import LayerField

MODULE = NomosModule(
    name="co2.custom_fields",
    intents=(
        DefineCustomFieldIntent,
        AttachCustomFieldToLayerIntent,
        DetachCustomFieldFromLayerIntent,
        SetLayerDefaultCustomFieldsIntent,
        BulkApplyLayerDefaultsIntent,
    ),
    directives=(
        DefineCustomFieldDirective,
        ChangeLayerFieldDirective,
        SetLayerDefaultsDirective,
        ApplyLayerDefaultsDirective,
    ),
    events=(
        CustomFieldDefinedEvent,
        LayerCustomFieldAttachedEvent,
        LayerCustomFieldDetachedEvent,
        LayerDefaultCustomFieldsSetEvent,
    ),
    aggregates=(CustomFieldDefinitionAggregate, LayerAggregate),
    payloads=(DefineFieldPayload, LayerFieldPayload, LayerDefaultsPayload, ApplyLayerDefaultsPayload),
    routes=ROUTES,
    name_resolvers=NAME_RESOLVERS,
)

__all__ = [
    "MAX_ASSETS_PER_APPLY",
    "MODULE",
    "AttachCustomFieldToLayerIntent",
    "BulkApplyLayerDefaultsIntent",
    "CustomFieldDefinitionAggregate",
    "DefineCustomFieldIntent",
    "DetachCustomFieldFromLayerIntent",
    "LayerAggregate",
    "LayerField",
    "SetLayerDefaultCustomFieldsIntent",
]
