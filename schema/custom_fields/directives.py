"""How custom-field intents change definitions, layers and (through schema/assets) assets."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from nomos_mongo import (
    BasicQuery,
    Directive,
    DirectiveContext,
    Event,
    ExecutionTarget,
    FieldFilter,
    Intent,
    IntentRejected,
    Payload,
    SingleAggregateDirective,
    SnapshotReader,
    Staged,
    latest_state,
)
from schema.assets.aggregates import TrackableAssetAggregate
from schema.assets.directives import UpdateAssetsDirective, UpdateAssetsPayload
from schema.assets.values import AssetChanges
from schema.contracts import (
    CustomFieldDefinitionId,
    CustomFieldKey,
    CustomFieldLabel,
    CustomFieldMap,
    CustomFieldType,
    LayerId,
    TrackableAssetId,
    UserId,
)
from schema.custom_fields.group import GROUP

from .aggregates import CustomFieldDefinitionAggregate, LayerAggregate
from .events import (
    CustomFieldDefinedEvent,
    LayerCustomFieldAttachedEvent,
    LayerCustomFieldDetachedEvent,
    LayerDefaultCustomFieldsSetEvent,
)
from .values import LayerField, Options


@GROUP.payload
class DefineFieldPayload(Payload):
    definition_id: CustomFieldDefinitionId
    key: CustomFieldKey
    label: CustomFieldLabel
    field_type: CustomFieldType
    options: Options = ()
    defined_by: UserId
    defined_at: datetime


@GROUP.payload
class LayerFieldPayload(Payload):
    """Attach (`attach`) or detach a definition; planning fills `field` from the definition."""

    layer_id: LayerId
    definition_id: CustomFieldDefinitionId
    attach: bool
    changed_by: UserId
    changed_at: datetime
    field: LayerField | None = None


@GROUP.payload
class LayerDefaultsPayload(Payload):
    layer_id: LayerId
    defaults: CustomFieldMap
    set_by: UserId
    set_at: datetime


@GROUP.payload
class ApplyLayerDefaultsPayload(Payload):
    layer_id: LayerId
    asset_ids: tuple[TrackableAssetId, ...]
    overwrite: bool
    applied_by: UserId
    applied_at: datetime


@GROUP.directive
class DefineCustomFieldDirective(SingleAggregateDirective[CustomFieldDefinitionAggregate, DefineFieldPayload]):
    aggregate_type = CustomFieldDefinitionAggregate

    def target_id(self) -> str:
        return self.payload.definition_id.value

    async def plan(
        self, ctx: DirectiveContext, intent: Intent, snapshots: SnapshotReader, staged: Staged
    ) -> Sequence[ExecutionTarget[CustomFieldDefinitionAggregate, DefineFieldPayload]]:
        key = FieldFilter("key", self.payload.key.value)
        holders = await snapshots.query(CustomFieldDefinitionAggregate, BasicQuery(filters=(key,), limit=1))
        if holders:
            raise IntentRejected(
                "custom_fields.key_taken",
                f"custom field {holders[0].label.value or holders[0].id} already has key {self.payload.key}; "
                "choose another key or attach that field",
                field="key",
            )
        return await super().plan(ctx, intent, snapshots, staged)

    def execute(self, snapshot: CustomFieldDefinitionAggregate, payload: DefineFieldPayload) -> Sequence[Event]:
        if snapshot.defined_at is not None:
            raise IntentRejected(
                "custom_fields.definition_exists",
                f"custom field definition {snapshot.id} exists already",
                field="definitionId",
            )
        return [CustomFieldDefinedEvent(**payload.model_dump(exclude={"definition_id"}))]


@GROUP.directive
class ChangeLayerFieldDirective(SingleAggregateDirective[LayerAggregate, LayerFieldPayload]):
    aggregate_type = LayerAggregate

    def target_id(self) -> str:
        return self.payload.layer_id.value

    async def plan(
        self, ctx: DirectiveContext, intent: Intent, snapshots: SnapshotReader, staged: Staged
    ) -> Sequence[ExecutionTarget[LayerAggregate, LayerFieldPayload]]:
        [target] = await super().plan(ctx, intent, snapshots, staged)
        if not self.payload.attach:
            return [target]
        definition_id = self.payload.definition_id.value
        definition = await latest_state(CustomFieldDefinitionAggregate, definition_id, snapshots, staged)
        if definition is None or not definition.exists:
            raise IntentRejected(
                "custom_fields.definition_not_found",
                f"custom field definition {self.payload.definition_id} does not exist; define it first",
                field="definitionId",
            )
        payload = self.payload.model_copy(update={"field": definition.as_layer_field()})
        return [ExecutionTarget(target.aggregate_id, payload, target.snapshot)]

    def execute(self, snapshot: LayerAggregate, payload: LayerFieldPayload) -> Sequence[Event]:
        attached = snapshot.field(payload.definition_id)
        if payload.attach:
            assert payload.field is not None
            if attached is not None:
                raise IntentRejected(
                    "custom_fields.already_attached",
                    f"custom field {attached.label.value or attached.key} is attached to layer {snapshot.id} already",
                    field="definitionId",
                )
            return [
                LayerCustomFieldAttachedEvent(
                    field=payload.field, attached_by=payload.changed_by, attached_at=payload.changed_at
                )
            ]
        if attached is None:
            raise IntentRejected(
                "custom_fields.not_attached",
                f"custom field {payload.definition_id} is not attached to layer {snapshot.id}",
                field="definitionId",
            )
        return [
            LayerCustomFieldDetachedEvent(
                definition_id=payload.definition_id, detached_by=payload.changed_by, detached_at=payload.changed_at
            )
        ]


@GROUP.directive
class SetLayerDefaultsDirective(SingleAggregateDirective[LayerAggregate, LayerDefaultsPayload]):
    aggregate_type = LayerAggregate

    def target_id(self) -> str:
        return self.payload.layer_id.value

    def execute(self, snapshot: LayerAggregate, payload: LayerDefaultsPayload) -> Sequence[Event]:
        for key, value in payload.defaults.items():
            field = snapshot.field_by_key(key)
            if field is None:
                attached = ", ".join(f.key.value for f in snapshot.fields) or "none"
                raise IntentRejected(
                    "custom_fields.not_attached",
                    f"{key} is not a field of layer {snapshot.id} (attached: {attached}); attach it first",
                    field=f"defaults.{key}",
                )
            problem = field.problem_with(value)
            if problem is not None:
                raise IntentRejected("custom_fields.invalid_default", problem, field=f"defaults.{key}")
        return [
            LayerDefaultCustomFieldsSetEvent(defaults=payload.defaults, set_by=payload.set_by, set_at=payload.set_at)
        ]


@GROUP.directive
class ApplyLayerDefaultsDirective(Directive[TrackableAssetAggregate, ApplyLayerDefaultsPayload]):
    """Each asset gets the assets group's AssetUpdatedEvent with the defaults it lacks (all
    of them with `overwrite`); an asset that already matches is left untouched."""

    aggregate_type = TrackableAssetAggregate

    async def plan(  # type: ignore[override]
        self, ctx: DirectiveContext, intent: Intent, snapshots: SnapshotReader, staged: Staged
    ) -> Sequence[ExecutionTarget[TrackableAssetAggregate, UpdateAssetsPayload]]:
        payload = self.payload
        layer = await latest_state(LayerAggregate, payload.layer_id.value, snapshots, staged)
        if layer is None or not layer.defaults:
            raise IntentRejected(
                "custom_fields.no_defaults",
                f"layer {payload.layer_id} has no default custom fields; set them first",
                field="layerId",
            )
        targets = []
        for asset_id in payload.asset_ids:
            asset = await self.current(asset_id.value, snapshots, staged)
            if not asset.exists:
                raise asset.not_found()
            missing = [
                value
                for key, value in layer.defaults.items()
                if key not in asset.custom_fields or (payload.overwrite and asset.custom_fields[key] != value)
            ]
            if not missing:
                continue
            update = UpdateAssetsPayload(
                asset_ids=(asset_id,),
                changes=AssetChanges(custom_fields=CustomFieldMap.of(missing)),
                updated_by=payload.applied_by,
                updated_at=payload.applied_at,
            )
            targets.append(ExecutionTarget(asset_id.value, update, asset))
        return targets

    def execute(self, snapshot: TrackableAssetAggregate, payload: UpdateAssetsPayload) -> Sequence[Event]:  # type: ignore[override]
        return UpdateAssetsDirective(payload=payload).execute(snapshot, payload)
