"""Money: an exact integer count of minor units (cents) in one currency.

Amounts enter as `Decimal`, `int`, `str` or `float`; a float is read through its shortest
repr (`19.99` -> `Decimal("19.99")`), never its binary value, then rounded half-even to the
currency's ISO 4217 exponent. Currency constants are upper case, as the codes are written:
`CurrencyCode.EUR`; constructors are lower case: `Money.eur(19.99)`.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation, localcontext
from typing import Annotated, Any, ClassVar, Self

from pydantic import Field, StrictInt

from .base import ClassConstant, ContractViolation, DomainText, ValueObject

# ISO 4217 minor-unit exponents that are not 2; any other code, custom ones included, uses 2.
_EXPONENTS = {
    **dict.fromkeys(("BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG"), 0),
    **dict.fromkeys(("RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF"), 0),
    **dict.fromkeys(("BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"), 3),
    **dict.fromkeys(("CLF", "UYW"), 4),
}

# English (CLDR) prefix symbols; codes without one display as "CHF 10.00".
_SYMBOLS = {
    "USD": "$",
    "EUR": "€",
    "GBP": "£",
    "JPY": "¥",
    "AUD": "A$",
    "NZD": "NZ$",
    "CAD": "CA$",
    "CNY": "CN¥",
    "INR": "₹",
}

_CODE = re.compile(r"[A-Z]{3}")

# MongoDB stores integers as 64-bit; a larger count of cents could not be persisted.
_MIN_UNITS = -(2**63)
_MAX_UNITS = 2**63 - 1

Amount = Decimal | int | float | str


class CurrencyCode(DomainText):
    """An ISO 4217 code, or any custom three-letter code; input is upper-cased."""

    max_length = 16

    AUD: ClassVar[ClassConstant] = ClassConstant("AUD")
    USD: ClassVar[ClassConstant] = ClassConstant("USD")
    EUR: ClassVar[ClassConstant] = ClassConstant("EUR")
    GBP: ClassVar[ClassConstant] = ClassConstant("GBP")
    NZD: ClassVar[ClassConstant] = ClassConstant("NZD")
    CAD: ClassVar[ClassConstant] = ClassConstant("CAD")
    CHF: ClassVar[ClassConstant] = ClassConstant("CHF")
    JPY: ClassVar[ClassConstant] = ClassConstant("JPY")
    CNY: ClassVar[ClassConstant] = ClassConstant("CNY")
    INR: ClassVar[ClassConstant] = ClassConstant("INR")

    @classmethod
    def _refine(cls, text: str) -> str:
        code = text.upper()
        if not _CODE.fullmatch(code):
            raise ContractViolation(cls.__name__, f"must be three letters such as 'EUR', got {text!r}")
        return code

    @property
    def exponent(self) -> int:
        return _EXPONENTS.get(self.root, 2)

    @property
    def symbol(self) -> str | None:
        return _SYMBOLS.get(self.root)


class CurrencyMismatch(ContractViolation):
    def __init__(self, left: CurrencyCode, right: CurrencyCode, operation: str) -> None:
        super().__init__(
            "currency",
            f"cannot {operation} {left} and {right} amounts; convert one currency first",
        )
        self.args = (left, right, operation)
        self.left = left
        self.right = right


MinorUnits = Annotated[StrictInt, Field(ge=_MIN_UNITS, le=_MAX_UNITS)]


class Money(ValueObject):
    amount_in_minor_units: MinorUnits
    currency: CurrencyCode

    def __init__(
        self,
        amount: Amount | None = None,
        currency: CurrencyCode | str | None = None,
        /,
        **data: Any,
    ) -> None:
        # Money(19.99, CurrencyCode.EUR) as in the contracts document; keywords as pydantic.
        if amount is not None or currency is not None:
            if currency is None or data:
                raise TypeError("use Money(amount, currency) or Money(amount_in_minor_units=..., currency=...)")
            code = _currency(currency)
            data = {"amount_in_minor_units": _to_minor_units(amount, code), "currency": code}
        super().__init__(**data)

    @classmethod
    def of(cls, amount: Amount, currency: CurrencyCode | str) -> Self:
        return cls(amount, currency)

    @classmethod
    def from_minor_units(cls, amount_in_minor_units: int, currency: CurrencyCode | str) -> Self:
        return cls(
            amount_in_minor_units=_checked_units(amount_in_minor_units),
            currency=_currency(currency),
        )

    @classmethod
    def zero(cls, currency: CurrencyCode | str) -> Self:
        return cls.from_minor_units(0, currency)

    @classmethod
    def aud(cls, amount: Amount) -> Self:
        return cls(amount, CurrencyCode.AUD)

    @classmethod
    def usd(cls, amount: Amount) -> Self:
        return cls(amount, CurrencyCode.USD)

    @classmethod
    def eur(cls, amount: Amount) -> Self:
        return cls(amount, CurrencyCode.EUR)

    @classmethod
    def gbp(cls, amount: Amount) -> Self:
        return cls(amount, CurrencyCode.GBP)

    @classmethod
    def nzd(cls, amount: Amount) -> Self:
        return cls(amount, CurrencyCode.NZD)

    @classmethod
    def cad(cls, amount: Amount) -> Self:
        return cls(amount, CurrencyCode.CAD)

    @classmethod
    def chf(cls, amount: Amount) -> Self:
        return cls(amount, CurrencyCode.CHF)

    @classmethod
    def jpy(cls, amount: Amount) -> Self:
        return cls(amount, CurrencyCode.JPY)

    @classmethod
    def cny(cls, amount: Amount) -> Self:
        return cls(amount, CurrencyCode.CNY)

    @classmethod
    def inr(cls, amount: Amount) -> Self:
        return cls(amount, CurrencyCode.INR)

    @property
    def amount(self) -> Decimal:
        return Decimal(self.amount_in_minor_units).scaleb(-self.currency.exponent)

    @property
    def display_label(self) -> str:
        sign = "-" if self.amount_in_minor_units < 0 else ""
        number = f"{abs(self.amount):,.{self.currency.exponent}f}"
        symbol = self.currency.symbol
        if symbol is None:
            return f"{sign}{self.currency} {number}"
        return f"{sign}{symbol}{number}"

    @property
    def is_positive(self) -> bool:
        return self.amount_in_minor_units > 0

    @property
    def is_negative(self) -> bool:
        return self.amount_in_minor_units < 0

    @property
    def is_zero(self) -> bool:
        return self.amount_in_minor_units == 0

    def _same_currency(self, other: Money, operation: str) -> None:
        if self.currency != other.currency:
            raise CurrencyMismatch(self.currency, other.currency, operation)

    def _with_units(self, units: int) -> Self:
        return self.from_minor_units(units, self.currency)

    def __add__(self, other: object) -> Self:
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other, "add")
        return self._with_units(self.amount_in_minor_units + other.amount_in_minor_units)

    def __sub__(self, other: object) -> Self:
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other, "subtract")
        return self._with_units(self.amount_in_minor_units - other.amount_in_minor_units)

    def __mul__(self, factor: object) -> Self:
        if isinstance(factor, bool) or not isinstance(factor, int | Decimal):
            return NotImplemented
        if isinstance(factor, int):
            return self._with_units(self.amount_in_minor_units * factor)
        return self._with_units(_round_units(Decimal(self.amount_in_minor_units), factor))

    __rmul__ = __mul__

    def __neg__(self) -> Self:
        return self._with_units(-self.amount_in_minor_units)

    def __abs__(self) -> Self:
        return self._with_units(abs(self.amount_in_minor_units))

    def _compare(self, other: object, operation: str) -> int:
        if not isinstance(other, Money):
            raise TypeError(f"cannot compare Money with {type(other).__name__}")
        self._same_currency(other, operation)
        return self.amount_in_minor_units - other.amount_in_minor_units

    def __lt__(self, other: object) -> bool:
        return self._compare(other, "compare") < 0

    def __le__(self, other: object) -> bool:
        return self._compare(other, "compare") <= 0

    def __gt__(self, other: object) -> bool:
        return self._compare(other, "compare") > 0

    def __ge__(self, other: object) -> bool:
        return self._compare(other, "compare") >= 0

    def __str__(self) -> str:
        return self.display_label


def _currency(currency: CurrencyCode | str) -> CurrencyCode:
    if isinstance(currency, CurrencyCode):
        return currency
    return CurrencyCode.from_string(currency)


def _checked_units(units: object) -> int:
    if isinstance(units, bool) or not isinstance(units, int):
        raise ContractViolation("amountInMinorUnits", f"must be an integer, got {type(units).__name__}")
    if not _MIN_UNITS <= units <= _MAX_UNITS:
        raise ContractViolation("amountInMinorUnits", "is outside the 64-bit integer range")
    return units


def _to_decimal(amount: object) -> Decimal:
    if isinstance(amount, bool) or not isinstance(amount, Decimal | int | float | str):
        raise ContractViolation("amount", f"must be a Decimal, int, float or str, got {type(amount).__name__}")
    try:
        value = Decimal(repr(amount) if isinstance(amount, float) else amount)
    except InvalidOperation:
        raise ContractViolation("amount", f"{amount!r} is not a number") from None
    if not value.is_finite():
        raise ContractViolation("amount", f"must be finite, got {amount!r}")
    return value


def _round_units(value: Decimal, factor: Decimal = Decimal(1), exponent: int = 0) -> int:
    """value * factor * 10**exponent, rounded half-even to a whole number of minor units."""
    with localcontext() as ctx:
        ctx.prec = 60
        try:
            scaled = (value * factor).scaleb(exponent)
            return int(scaled.quantize(Decimal(1), rounding=ROUND_HALF_EVEN))
        except InvalidOperation:
            raise ContractViolation("amount", "is too large to be stored") from None


def _to_minor_units(amount: object, currency: CurrencyCode) -> int:
    if isinstance(amount, str):
        amount = amount.strip()
    return _checked_units(_round_units(_to_decimal(amount), exponent=currency.exponent))
