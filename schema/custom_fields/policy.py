"""Routes for custom-field intents, and the field names their sentences use."""

from __future__ import annotations

from typing import Any

from nomos_mongo import Directive, DirectiveContext, SnapshotReader
from schema.contracts import CustomFieldDefinitionId
from schema.custom_fields.group import GROUP

from .aggregates import CustomFieldDefinitionAggregate
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
from .intents import (
    AttachCustomFieldToLayerIntent,
    BulkApplyLayerDefaultsIntent,
    DefineCustomFieldIntent,
    DetachCustomFieldFromLayerIntent,
    SetLayerDefaultCustomFieldsIntent,
)

Directives = list[Directive[Any, Any]]


@GROUP.route(DefineCustomFieldIntent)
def define_custom_field(intent: DefineCustomFieldIntent, ctx: DirectiveContext) -> Directives:
    payload = DefineFieldPayload(
        definition_id=intent.definition_id or CustomFieldDefinitionId(ctx.derive_id("custom-field")),
        key=intent.key,
        label=intent.label,
        field_type=intent.field_type,
        options=intent.options,
        defined_by=intent.defined_by,
        defined_at=ctx.now,
    )
    return [DefineCustomFieldDirective(payload=payload)]


@GROUP.route(AttachCustomFieldToLayerIntent)
def attach_custom_field(intent: AttachCustomFieldToLayerIntent, ctx: DirectiveContext) -> Directives:
    payload = LayerFieldPayload(
        layer_id=intent.layer_id,
        definition_id=intent.definition_id,
        attach=True,
        changed_by=intent.attached_by,
        changed_at=ctx.now,
    )
    return [ChangeLayerFieldDirective(payload=payload)]


@GROUP.route(DetachCustomFieldFromLayerIntent)
def detach_custom_field(intent: DetachCustomFieldFromLayerIntent, ctx: DirectiveContext) -> Directives:
    payload = LayerFieldPayload(
        layer_id=intent.layer_id,
        definition_id=intent.definition_id,
        attach=False,
        changed_by=intent.detached_by,
        changed_at=ctx.now,
    )
    return [ChangeLayerFieldDirective(payload=payload)]


@GROUP.route(SetLayerDefaultCustomFieldsIntent)
def set_layer_defaults(intent: SetLayerDefaultCustomFieldsIntent, ctx: DirectiveContext) -> Directives:
    payload = LayerDefaultsPayload(
        layer_id=intent.layer_id, defaults=intent.defaults, set_by=intent.set_by, set_at=ctx.now
    )
    return [SetLayerDefaultsDirective(payload=payload)]


@GROUP.route(BulkApplyLayerDefaultsIntent)
def bulk_apply_layer_defaults(intent: BulkApplyLayerDefaultsIntent, ctx: DirectiveContext) -> Directives:
    payload = ApplyLayerDefaultsPayload(
        layer_id=intent.layer_id,
        asset_ids=intent.asset_ids,
        overwrite=intent.overwrite,
        applied_by=intent.applied_by,
        applied_at=ctx.now,
    )
    return [ApplyLayerDefaultsDirective(payload=payload)]


@GROUP.name_resolver("customField")
async def custom_field_label(reader: SnapshotReader, definition_id: str) -> str | None:
    definition = await reader.get(CustomFieldDefinitionAggregate, definition_id, include_deleted=True)
    return (definition.label.value or None) if definition is not None else None
