"""Value objects of custom-field definitions: which fields a layer carries, and value checks."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator

from schema.contracts import (
    CustomField,
    CustomFieldDefinitionId,
    CustomFieldKey,
    CustomFieldLabel,
    CustomFieldType,
    MultiSelectCustomField,
    SelectCustomField,
    TextLine,
    ValueObject,
)
from schema.contracts.base import MaxItems, repeated

MAX_OPTIONS = 200
CHOICE_TYPES = frozenset({CustomFieldType.select, CustomFieldType.multi_select})


def _distinct(options: tuple[str, ...]) -> tuple[str, ...]:
    twice = repeated(options)
    if twice:
        raise ValueError(f"names {', '.join(twice)} more than once")
    return options


Options = Annotated[tuple[TextLine, ...], MaxItems(MAX_OPTIONS), AfterValidator(_distinct)]


class LayerField(ValueObject):
    """A definition attached to a layer; definitions never change, so the layer keeps a copy."""

    definition_id: CustomFieldDefinitionId
    key: CustomFieldKey
    label: CustomFieldLabel
    field_type: CustomFieldType
    options: Options = ()

    def problem_with(self, value: CustomField) -> str | None:
        """Why `value` cannot be this field's value, or None if it can."""
        if value.field_type is not self.field_type:
            return f"{self.key} is a {self.field_type} field, got a {value.field_type} value"
        chosen: tuple[str, ...] = ()
        if isinstance(value.root, SelectCustomField):
            chosen = (value.root.value,)
        elif isinstance(value.root, MultiSelectCustomField):
            chosen = value.root.value
        unknown = [c for c in chosen if c not in self.options]
        if unknown:
            return f"{', '.join(unknown)} is not an option of {self.key} ({', '.join(self.options)})"
        return None
