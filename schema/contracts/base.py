"""Foundations of every contract: the error, the model bases and the text rules.

    ContractViolation          a value broke a contract; names the field and what was wrong
    └── CurrencyMismatch       arithmetic or comparison across two currencies (money.py)

Both are `ValueError`s and `NomosError`s. Inside pydantic validation they surface as a
`ValidationError` whose location names the field.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sized
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar, Self, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    RootModel,
    StrictFloat,
    field_validator,
)
from pydantic.alias_generators import to_camel
from pydantic_core import CoreSchema, PydanticCustomError, core_schema

from nomos_mongo.errors import NomosError


class ContractViolation(NomosError, ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(field, message)
        self.field = field
        self.message = message

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


class ValueObject(BaseModel):
    """Frozen; camelCase keys on the wire, snake_case attributes; unknown keys refused."""

    model_config = ConfigDict(
        frozen=True,
        alias_generator=to_camel,
        validate_by_name=True,
        validate_by_alias=True,
        extra="forbid",
    )

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Self:
        return cls.model_validate(data)


_Root = TypeVar("_Root", bound="RootModel[Any]")


class ClassConstant:
    """A class attribute holding an instance of the class it is read from, built on first use.

    Declared once on a base (`unresolved = ClassConstant("unresolved")`), it yields a
    `SiteId` on `SiteId` and a `UserId` on `UserId`.
    """

    def __init__(self, raw: object) -> None:
        self._raw = raw
        self._by_owner: dict[type, Any] = {}

    def __get__(self, instance: object, owner: type[_Root]) -> _Root:
        constant = self._by_owner.get(owner)
        if constant is None:
            constant = self._by_owner[owner] = owner(self._raw)
        return constant  # type: ignore[no-any-return]


_SINGLE_LINE_FORBIDDEN = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_MULTILINE_FORBIDDEN = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def clean_text(field: str, raw: str, *, max_length: int, multiline: bool = False) -> str:
    """Trim, normalise and check user text; raise ContractViolation naming `field`."""
    if not isinstance(raw, str):
        raise ContractViolation(field, f"expected a string, got {type(raw).__name__}")
    text = raw.strip()
    if multiline:
        # Browsers on Windows submit CRLF; store one newline convention.
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    # NFC so that visually identical names compare and index equal.
    text = unicodedata.normalize("NFC", text)
    forbidden = (_MULTILINE_FORBIDDEN if multiline else _SINGLE_LINE_FORBIDDEN).search(text)
    if forbidden is not None:
        allowed = "only newlines and tabs are allowed" if multiline else "must be a single line"
        raise ContractViolation(
            field,
            f"contains control character U+{ord(forbidden.group()):04X} at position {forbidden.start()}; {allowed}",
        )
    if len(text) > max_length:
        raise ContractViolation(field, f"must be at most {max_length} characters, got {len(text)}")
    return text


def _text_line(raw: str) -> str:
    try:
        text = clean_text("text", raw, max_length=200)
    except ContractViolation as exc:
        raise ValueError(exc.message) from None
    if not text:
        raise ValueError("must not be empty")
    return text


# A trimmed, non-empty, single-line string of at most 200 characters, for the plain string
# fields of value objects; pydantic reports the failing field by name.
TextLine = Annotated[str, AfterValidator(_text_line)]


# Ints are accepted and become floats; bools, strings, NaN and infinities are refused.
FiniteFloat = Annotated[StrictFloat, Field(allow_inf_nan=False)]


class DomainText(RootModel[str]):
    """A single string with a meaning. Inside other models it is a plain JSON string.

    Subclasses tune `max_length`, `allow_empty` and `multiline`, and may add rules in
    `_refine`. Instances compare and hash by class and value.
    """

    model_config = ConfigDict(frozen=True)

    max_length: ClassVar[int] = 200
    allow_empty: ClassVar[bool] = False
    multiline: ClassVar[bool] = False

    @field_validator("root")
    @classmethod
    def _validate_root(cls, raw: str) -> str:
        return cls.normalise(raw)

    @classmethod
    def normalise(cls, raw: str) -> str:
        text = clean_text(cls.__name__, raw, max_length=cls.max_length, multiline=cls.multiline)
        if not text and not cls.allow_empty:
            raise ContractViolation(cls.__name__, "must not be empty")
        return cls._refine(text)

    @classmethod
    def _refine(cls, text: str) -> str:
        return text

    @classmethod
    def from_string(cls, raw: str | None) -> Self:
        if raw is None:
            raise ContractViolation(cls.__name__, "is required, got None")
        return cls(cls.normalise(raw))

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | str | None) -> Self:
        if isinstance(data, Mapping):
            if set(data) != {"value"}:
                raise ContractViolation(cls.__name__, f"expected {{'value': ...}}, got keys {sorted(data)}")
            return cls.from_string(data["value"])
        return cls.from_string(data)

    def to_json(self) -> dict[str, str]:
        return {"value": self.root}

    @property
    def value(self) -> str:
        return self.root

    def __str__(self) -> str:
        return self.root

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.root!r})"


def repeated(values: Iterable[Hashable]) -> list[str]:
    """The values that occur more than once, as sorted text: one pass, not a count per value."""
    return sorted(str(getattr(v, "value", v)) for v, n in Counter(values).items() if n > 1)


@dataclass(frozen=True, slots=True)
class MaxItems:
    """`Annotated` metadata: a list (or map) of at most `max_length` items, counted before any
    item is validated. pydantic's own `max_length` counts the items that validated, so a list of
    a million invalid items would be validated whole; this refuses it at its length. The API
    reads `max_length` too, and checks it before coercing a single item."""

    max_length: int

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        limit = self.max_length

        def at_most(value: Any) -> Any:
            if isinstance(value, Sized) and not isinstance(value, str | bytes) and len(value) > limit:
                raise PydanticCustomError(
                    "too_long", "at most {max_length} items, got {count}", {"max_length": limit, "count": len(value)}
                )
            return value

        return core_schema.no_info_before_validator_function(at_most, handler(source))
