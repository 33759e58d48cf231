"""Custom-field definitions of an estate, and the custom-field setup of its layers.

A LayerAggregate (id: the layer's id) holds the definitions attached to a layer and the
default values its assets get; it comes into being with the first field attached to it.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from nomos_mongo import Aggregate, Event
from schema.contracts import (
    CustomFieldDefinitionId,
    CustomFieldKey,
    CustomFieldLabel,
    CustomFieldMap,
    CustomFieldType,
    UserId,
)
from schema.custom_fields.group import GROUP

from .events import (
    CustomFieldDefinedEvent,
    LayerCustomFieldAttachedEvent,
    LayerCustomFieldDetachedEvent,
    LayerDefaultCustomFieldsSetEvent,
)
from .values import LayerField, Options


@GROUP.aggregate
class CustomFieldDefinitionAggregate(Aggregate):
    key: CustomFieldKey | None = None
    label: CustomFieldLabel = CustomFieldLabel.unresolved
    field_type: CustomFieldType = CustomFieldType.text
    options: Options = ()
    defined_by: UserId | None = None
    defined_at: datetime | None = None

    @property
    def exists(self) -> bool:
        return self.defined_at is not None and not self.deleted

    def as_layer_field(self) -> LayerField:
        assert self.key is not None
        return LayerField(
            definition_id=CustomFieldDefinitionId(self.id),
            key=self.key,
            label=self.label,
            field_type=self.field_type,
            options=self.options,
        )

    def apply(self, event: Event) -> CustomFieldDefinitionAggregate:
        match event:
            case CustomFieldDefinedEvent():
                return self.evolve(
                    key=event.key,
                    label=event.label,
                    field_type=event.field_type,
                    options=event.options,
                    defined_by=event.defined_by,
                    defined_at=event.defined_at,
                )
        return self


@GROUP.aggregate
class LayerAggregate(Aggregate):
    fields: tuple[LayerField, ...] = ()
    defaults: CustomFieldMap = Field(default_factory=CustomFieldMap.empty)
    updated_by: UserId | None = None
    updated_at: datetime | None = None

    def field(self, definition_id: CustomFieldDefinitionId) -> LayerField | None:
        return next((f for f in self.fields if f.definition_id == definition_id), None)

    def field_by_key(self, key: str) -> LayerField | None:
        return next((f for f in self.fields if f.key.value == key), None)

    def apply(self, event: Event) -> LayerAggregate:
        match event:
            case LayerCustomFieldAttachedEvent():
                return self.evolve(
                    fields=(*self.fields, event.field), updated_by=event.attached_by, updated_at=event.attached_at
                )
            case LayerCustomFieldDetachedEvent():
                gone = self.field(event.definition_id)
                defaults = self.defaults.without(gone.key) if gone is not None else self.defaults
                return self.evolve(
                    fields=tuple(f for f in self.fields if f.definition_id != event.definition_id),
                    defaults=defaults,
                    updated_by=event.detached_by,
                    updated_at=event.detached_at,
                )
            case LayerDefaultCustomFieldsSetEvent():
                return self.evolve(defaults=event.defaults, updated_by=event.set_by, updated_at=event.set_at)
        return self
