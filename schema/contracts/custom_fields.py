"""Custom fields: typed values keyed by a field key, added by a taxonomy, a listing or a user.

There is one model per field type (`TextCustomField` ... `MoneyCustomField`); pydantic picks
the model from `fieldType`. `CustomField` wraps that discriminated union as a root model,
so it serialises as the variant itself ({'key', 'fieldType', 'value', 'source'}), offers
the constructors (`CustomField.text(key, "HVAC Unit A")`) and the typed accessors
(`field.text_value`, None for a field of another type). Match on `field.root` to branch.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Annotated, Any, Literal, Self

from pydantic import (
    AfterValidator,
    ConfigDict,
    Field,
    RootModel,
    StrictBool,
    StrictInt,
    model_validator,
)

from .attachments import AttachmentReference
from .base import (
    ContractViolation,
    DomainText,
    FiniteFloat,
    MaxItems,
    TextLine,
    ValueObject,
    clean_text,
)
from .enums import CustomFieldSource, CustomFieldType
from .money import Money

# Keys become MongoDB field names and GraphQL input keys, where '.' and '$' are reserved.
_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


class CustomFieldKey(DomainText):
    max_length = 100

    @classmethod
    def _refine(cls, text: str) -> str:
        if not _KEY.fullmatch(text):
            raise ContractViolation(
                cls.__name__,
                f"must be letters, digits, '_' and '-', starting with a letter or '_' "
                f"(such as 'asset_name'), got {text!r}",
            )
        return text


def _text_value(raw: str) -> str:
    try:
        return clean_text("value", raw, max_length=10_000, multiline=True)
    except ContractViolation as exc:
        raise ValueError(exc.message) from None


MAX_CUSTOM_FIELDS = 500  # per asset, listing or layer
MAX_SELECTED_OPTIONS = 200  # a multiSelect value: as many as a field may offer
MAX_ATTACHMENTS_PER_FIELD = 100


def _clamp_percentage(value: float) -> float:
    return min(100, max(0, value))


def _distinct(options: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(options))


# Integers stay integers ("5 years"), so a round trip does not turn 5 into 5.0.
Number = StrictInt | FiniteFloat


class BaseCustomField(ValueObject):
    key: CustomFieldKey
    source: CustomFieldSource = CustomFieldSource.user_added


class TextCustomField(BaseCustomField):
    field_type: Literal[CustomFieldType.text] = CustomFieldType.text
    value: Annotated[str, AfterValidator(_text_value)]


class NumberCustomField(BaseCustomField):
    field_type: Literal[CustomFieldType.number] = CustomFieldType.number
    value: Number


class BooleanCustomField(BaseCustomField):
    field_type: Literal[CustomFieldType.boolean] = CustomFieldType.boolean
    value: StrictBool


class PercentageCustomField(BaseCustomField):
    """Values outside 0-100 are clamped, not refused, as the contracts document specifies."""

    field_type: Literal[CustomFieldType.percentage] = CustomFieldType.percentage
    value: Annotated[Number, AfterValidator(_clamp_percentage)]


class DateCustomField(BaseCustomField):
    field_type: Literal[CustomFieldType.date] = CustomFieldType.date
    value: dt.date


class SelectCustomField(BaseCustomField):
    field_type: Literal[CustomFieldType.select] = CustomFieldType.select
    value: TextLine


class MultiSelectCustomField(BaseCustomField):
    field_type: Literal[CustomFieldType.multi_select] = CustomFieldType.multi_select
    value: Annotated[tuple[TextLine, ...], MaxItems(MAX_SELECTED_OPTIONS), AfterValidator(_distinct)]


class AttachmentCustomField(BaseCustomField):
    field_type: Literal[CustomFieldType.attachment] = CustomFieldType.attachment
    value: AttachmentReference


class AttachmentListCustomField(BaseCustomField):
    field_type: Literal[CustomFieldType.attachment_list] = CustomFieldType.attachment_list
    value: Annotated[tuple[AttachmentReference, ...], MaxItems(MAX_ATTACHMENTS_PER_FIELD)]


class MoneyCustomField(BaseCustomField):
    field_type: Literal[CustomFieldType.money] = CustomFieldType.money
    value: Money


# One model per field type, in the order of CustomFieldType: the members of a GraphQL @oneOf.
CUSTOM_FIELD_VARIANTS: dict[CustomFieldType, type[BaseCustomField]] = {
    CustomFieldType.text: TextCustomField,
    CustomFieldType.number: NumberCustomField,
    CustomFieldType.boolean: BooleanCustomField,
    CustomFieldType.percentage: PercentageCustomField,
    CustomFieldType.date: DateCustomField,
    CustomFieldType.select: SelectCustomField,
    CustomFieldType.multi_select: MultiSelectCustomField,
    CustomFieldType.attachment: AttachmentCustomField,
    CustomFieldType.attachment_list: AttachmentListCustomField,
    CustomFieldType.money: MoneyCustomField,
}

CustomFieldVariant = Annotated[
    TextCustomField
    | NumberCustomField
    | BooleanCustomField
    | PercentageCustomField
    | DateCustomField
    | SelectCustomField
    | MultiSelectCustomField
    | AttachmentCustomField
    | AttachmentListCustomField
    | MoneyCustomField,
    Field(discriminator="field_type"),
]

Key = CustomFieldKey | str
Source = CustomFieldSource


class CustomField(RootModel[CustomFieldVariant]):
    model_config = ConfigDict(frozen=True)

    @classmethod
    def text(cls, key: Key, value: str, *, source: Source = Source.user_added) -> Self:
        return cls(TextCustomField(key=key, value=value, source=source))

    @classmethod
    def number(cls, key: Key, value: float, *, source: Source = Source.user_added) -> Self:
        return cls(NumberCustomField(key=key, value=value, source=source))

    @classmethod
    def boolean(cls, key: Key, value: bool, *, source: Source = Source.user_added) -> Self:
        return cls(BooleanCustomField(key=key, value=value, source=source))

    @classmethod
    def percentage(cls, key: Key, value: float, *, source: Source = Source.user_added) -> Self:
        return cls(PercentageCustomField(key=key, value=value, source=source))

    @classmethod
    def date(cls, key: Key, value: dt.date, *, source: Source = Source.user_added) -> Self:
        # A datetime is a date too; keep only its calendar day.
        day = value.date() if isinstance(value, dt.datetime) else value
        return cls(DateCustomField(key=key, value=day, source=source))

    @classmethod
    def select(cls, key: Key, value: str, *, source: Source = Source.user_added) -> Self:
        return cls(SelectCustomField(key=key, value=value, source=source))

    @classmethod
    def multi_select(cls, key: Key, value: Iterable[str], *, source: Source = Source.user_added) -> Self:
        return cls(MultiSelectCustomField(key=key, value=tuple(value), source=source))

    @classmethod
    def attachment(cls, key: Key, value: AttachmentReference, *, source: Source = Source.user_added) -> Self:
        return cls(AttachmentCustomField(key=key, value=value, source=source))

    @classmethod
    def attachment_list(
        cls, key: Key, value: Iterable[AttachmentReference], *, source: Source = Source.user_added
    ) -> Self:
        return cls(AttachmentListCustomField(key=key, value=tuple(value), source=source))

    @classmethod
    def money(cls, key: Key, value: Money, *, source: Source = Source.user_added) -> Self:
        return cls(MoneyCustomField(key=key, value=value, source=source))

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Self:
        return cls.model_validate(data)

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True)

    @property
    def key(self) -> CustomFieldKey:
        return self.root.key

    @property
    def field_type(self) -> CustomFieldType:
        return self.root.field_type

    @property
    def source(self) -> CustomFieldSource:
        return self.root.source

    @property
    def value(self) -> object:
        return self.root.value

    @property
    def text_value(self) -> str | None:
        return self.root.value if isinstance(self.root, TextCustomField) else None

    @property
    def number_value(self) -> int | float | None:
        return self.root.value if isinstance(self.root, NumberCustomField) else None

    @property
    def boolean_value(self) -> bool | None:
        return self.root.value if isinstance(self.root, BooleanCustomField) else None

    @property
    def percentage_value(self) -> int | float | None:
        return self.root.value if isinstance(self.root, PercentageCustomField) else None

    @property
    def date_value(self) -> dt.date | None:
        return self.root.value if isinstance(self.root, DateCustomField) else None

    @property
    def select_value(self) -> str | None:
        return self.root.value if isinstance(self.root, SelectCustomField) else None

    @property
    def multi_select_value(self) -> tuple[str, ...] | None:
        return self.root.value if isinstance(self.root, MultiSelectCustomField) else None

    @property
    def attachment_value(self) -> AttachmentReference | None:
        return self.root.value if isinstance(self.root, AttachmentCustomField) else None

    @property
    def attachment_list_value(self) -> tuple[AttachmentReference, ...] | None:
        return self.root.value if isinstance(self.root, AttachmentListCustomField) else None

    @property
    def money_value(self) -> Money | None:
        return self.root.value if isinstance(self.root, MoneyCustomField) else None


def _key_text(key: Key) -> str:
    return key.value if isinstance(key, CustomFieldKey) else key


class CustomFieldMap(RootModel[dict[str, CustomField]]):
    """Custom fields by key. Bare strings are read as text fields added by the user:
    `CustomFieldMap({"temperature_setpoint": "72"})`."""

    model_config = ConfigDict(frozen=True)

    root: Annotated[dict[str, CustomField], MaxItems(MAX_CUSTOM_FIELDS)] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _expand_loose_values(cls, data: Any) -> Any:
        if not isinstance(data, Mapping):
            return data
        if len(data) > MAX_CUSTOM_FIELDS:  # before the per-field work below
            raise ContractViolation("customFields", f"at most {MAX_CUSTOM_FIELDS} fields, got {len(data)}")
        expanded: dict[Any, Any] = {}
        for key, field in data.items():
            if isinstance(field, str):
                field = {"key": key, "fieldType": CustomFieldType.text.value, "value": field}
            elif isinstance(field, Mapping) and "key" not in field:
                field = {"key": key, **field}
            expanded[key] = field
        return expanded

    @model_validator(mode="after")
    def _keys_match_fields(self) -> Self:
        for key, field in self.root.items():
            if key != field.key.value:
                raise ContractViolation("customFields", f"entry {key!r} holds the field {field.key.value!r}")
        return self

    @classmethod
    def empty(cls) -> Self:
        return cls({})

    @classmethod
    def of(cls, fields: Iterable[CustomField]) -> Self:
        return cls({field.key.value: field for field in fields})

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Self:
        return cls.model_validate(data)

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True)

    def get(self, key: Key) -> CustomField | None:
        return self.root.get(_key_text(key))

    def with_field(self, field: CustomField) -> Self:
        return type(self)({**self.root, field.key.value: field})

    def without(self, key: Key) -> Self:
        text = _key_text(key)
        return type(self)({k: f for k, f in self.root.items() if k != text})

    def keys(self) -> Iterable[str]:
        return self.root.keys()

    def values(self) -> Iterable[CustomField]:
        return self.root.values()

    def items(self) -> Iterable[tuple[str, CustomField]]:
        return self.root.items()

    def __getitem__(self, key: Key) -> CustomField:
        return self.root[_key_text(key)]

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str | CustomFieldKey) and _key_text(key) in self.root

    def __iter__(self) -> Iterator[str]:  # type: ignore[override]
        return iter(self.root)

    def __len__(self) -> int:
        return len(self.root)

    def __hash__(self) -> int:
        return hash(frozenset(self.root.items()))
