from __future__ import annotations

from decimal import Decimal

import pytest
from pydantic import ValidationError

from schema.contracts import ContractViolation, CurrencyCode, CurrencyMismatch, Money


class TestCurrencyCode:
    def test_constants(self) -> None:
        codes = ["AUD", "USD", "EUR", "GBP", "NZD", "CAD", "CHF", "JPY", "CNY", "INR"]
        for code in codes:
            constant = getattr(CurrencyCode, code)
            assert constant == CurrencyCode(code)
            assert constant.value == code

    def test_custom_codes_are_upper_cased(self) -> None:
        assert CurrencyCode.from_string(" xyz ") == CurrencyCode("XYZ")

    @pytest.mark.parametrize("raw", ["EURO", "E1R", "", "€"])
    def test_rejects(self, raw: str) -> None:
        with pytest.raises(ContractViolation, match="CurrencyCode"):
            CurrencyCode.from_string(raw)

    def test_exponents(self) -> None:
        assert CurrencyCode.JPY.exponent == 0
        assert CurrencyCode.EUR.exponent == 2
        assert CurrencyCode("KWD").exponent == 3
        assert CurrencyCode("XYZ").exponent == 2


class TestConstruction:
    @pytest.mark.parametrize(
        ("amount", "units"),
        [
            (19.99, 1999),
            (Decimal("19.99"), 1999),
            ("19.99", 1999),
            (20, 2000),
            (0.1 + 0.2, 30),
            (Decimal("0.125"), 12),  # half-even: to the even cent
            (Decimal("0.135"), 14),
            (Decimal("-0.125"), -12),
            (" 5 ", 500),
        ],
    )
    def test_of_rounds_half_even(self, amount: Decimal | float | str, units: int) -> None:
        assert Money.of(amount, CurrencyCode.EUR).amount_in_minor_units == units
        assert Money(amount, CurrencyCode.EUR) == Money.of(amount, "EUR")

    def test_exponent_zero(self) -> None:
        assert Money.jpy(1000.4).amount_in_minor_units == 1000
        assert Money.jpy(1000).amount == Decimal("1000")

    def test_constructors_per_currency(self) -> None:
        for name in ("aud", "usd", "eur", "gbp", "nzd", "cad", "chf", "jpy", "cny", "inr"):
            money = getattr(Money, name)(1)
            assert money.currency == CurrencyCode(name.upper())

    def test_keyword_construction(self) -> None:
        money = Money(amount_in_minor_units=1999, currency="eur")
        assert money == Money.from_minor_units(1999, CurrencyCode.EUR) == Money(19.99, "EUR")

    @pytest.mark.parametrize("amount", [float("nan"), float("inf"), "abc", True, None, [1]])
    def test_rejects_bad_amounts(self, amount: object) -> None:
        with pytest.raises(ContractViolation, match="amount"):
            Money.of(amount, CurrencyCode.EUR)  # type: ignore[arg-type]

    def test_rejects_amounts_mongodb_cannot_store(self) -> None:
        with pytest.raises(ContractViolation, match="64-bit"):
            Money.from_minor_units(2**63, CurrencyCode.EUR)
        with pytest.raises(ContractViolation, match="too large"):
            Money.of("1e80", CurrencyCode.EUR)
        with pytest.raises(ValidationError, match="amountInMinorUnits"):
            Money.from_json({"amountInMinorUnits": 2**64, "currency": "EUR"})

    def test_minor_units_must_be_integers(self) -> None:
        with pytest.raises(ContractViolation, match="amountInMinorUnits: must be an integer"):
            Money.from_minor_units(19.99, CurrencyCode.EUR)  # type: ignore[arg-type]
        with pytest.raises(ValidationError, match="amountInMinorUnits"):
            Money.from_json({"amountInMinorUnits": 19.99, "currency": "EUR"})
        with pytest.raises(ValidationError, match="amountInMinorUnits"):
            Money.from_json({"amountInMinorUnits": True, "currency": "EUR"})

    def test_half_specified_positional_form_is_refused(self) -> None:
        with pytest.raises(TypeError, match="Money\\(amount, currency\\)"):
            Money(19.99)


class TestDisplay:
    @pytest.mark.parametrize(
        ("money", "label"),
        [
            (Money.eur(19.99), "€19.99"),
            (Money.usd(5000), "$5,000.00"),
            (Money.jpy(1000), "¥1,000"),
            (Money.gbp(-3.5), "-£3.50"),
            (Money.aud(1234567.891), "A$1,234,567.89"),
            (Money.chf(10), "CHF 10.00"),
            (Money.of(10, "XYZ"), "XYZ 10.00"),
            (Money.of("1.5", "KWD"), "KWD 1.500"),
            (Money.zero("INR"), "₹0.00"),
        ],
    )
    def test_display_label(self, money: Money, label: str) -> None:
        assert money.display_label == label
        assert str(money) == label

    def test_predicates(self) -> None:
        assert Money.eur(1).is_positive and not Money.eur(1).is_negative
        assert Money.eur(-1).is_negative
        assert Money.zero(CurrencyCode.EUR).is_zero


class TestArithmetic:
    def test_add_subtract_negate(self) -> None:
        a, b = Money.eur(10), Money.eur(2.5)
        assert a + b == Money.eur(12.5)
        assert a - b == Money.eur(7.5)
        assert -b == Money.eur(-2.5)
        assert abs(-b) == b

    def test_multiply(self) -> None:
        price = Money.eur(19.99)
        assert price * 3 == 3 * price == Money.eur(59.97)
        assert price * Decimal("0.5") == Money.eur("10.00")  # 999.5 cents -> 1000, half-even
        assert Money.eur(0.01) * Decimal("0.5") == Money.zero("EUR")  # 0.5 cent -> 0

    @pytest.mark.parametrize("factor", [1.5, True, "2"])
    def test_multiply_refuses_floats_bools_and_strings(self, factor: object) -> None:
        with pytest.raises(TypeError):
            Money.eur(1) * factor  # type: ignore[operator]

    def test_comparisons(self) -> None:
        assert Money.eur(1) < Money.eur(2) <= Money.eur(2)
        assert Money.eur(3) > Money.eur(2) >= Money.eur(2)
        assert sorted([Money.eur(3), Money.eur(1)]) == [Money.eur(1), Money.eur(3)]

    def test_equality_across_currencies_is_false_not_an_error(self) -> None:
        assert Money.eur(1) != Money.usd(1)
        assert Money.eur(1) != 1

    @pytest.mark.parametrize(
        "operation",
        [
            lambda a, b: a + b,
            lambda a, b: a - b,
            lambda a, b: a < b,
            lambda a, b: a <= b,
            lambda a, b: a > b,
            lambda a, b: a >= b,
        ],
    )
    def test_mixed_currencies_raise(self, operation: object) -> None:
        with pytest.raises(CurrencyMismatch) as caught:
            operation(Money.eur(1), Money.usd(1))  # type: ignore[operator]
        assert "EUR" in str(caught.value) and "USD" in str(caught.value)
        assert isinstance(caught.value, ValueError)
        assert caught.value.field == "currency"

    def test_comparing_with_other_types(self) -> None:
        with pytest.raises(TypeError, match="cannot compare Money with int"):
            _ = Money.eur(1) < 2

    def test_hashable(self) -> None:
        assert len({Money.eur(1), Money(1, "EUR"), Money.usd(1)}) == 2


def test_json_round_trip() -> None:
    money = Money.jpy(1000)
    assert money.to_json() == {"amountInMinorUnits": 1000, "currency": "JPY"}
    assert Money.from_json(money.to_json()) == money
    assert Money.model_validate_json(money.model_dump_json(by_alias=True)) == money
