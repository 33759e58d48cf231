"""Facts about custom-field definitions and layers."""

from __future__ import annotations

from datetime import datetime

from nomos_mongo import Event
from schema.contracts import (
    CustomFieldDefinitionId,
    CustomFieldKey,
    CustomFieldLabel,
    CustomFieldMap,
    CustomFieldType,
    UserId,
)
from schema.custom_fields.group import GROUP

from .values import LayerField, Options


@GROUP.event
class CustomFieldDefinedEvent(Event):
    key: CustomFieldKey
    label: CustomFieldLabel
    field_type: CustomFieldType
    options: Options = ()
    defined_by: UserId
    defined_at: datetime


@GROUP.event
class LayerCustomFieldAttachedEvent(Event):
    field: LayerField
    attached_by: UserId
    attached_at: datetime


@GROUP.event
class LayerCustomFieldDetachedEvent(Event):
    definition_id: CustomFieldDefinitionId
    detached_by: UserId
    detached_at: datetime


@GROUP.event
class LayerDefaultCustomFieldsSetEvent(Event):
    defaults: CustomFieldMap
    set_by: UserId
    set_at: datetime
