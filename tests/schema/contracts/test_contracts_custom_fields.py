from __future__ import annotations

from datetime import date, datetime

import pytest
from pydantic import ValidationError

from schema.contracts import (
    CUSTOM_FIELD_VARIANTS,
    AttachmentReference,
    BooleanCustomField,
    ContractViolation,
    CustomField,
    CustomFieldKey,
    CustomFieldMap,
    CustomFieldSource,
    CustomFieldType,
    Money,
    TextCustomField,
    ValueObject,
)

ACCESSORS = [
    "text_value",
    "number_value",
    "boolean_value",
    "percentage_value",
    "date_value",
    "select_value",
    "multi_select_value",
    "attachment_value",
    "attachment_list_value",
    "money_value",
]

REF = AttachmentReference(attachment_id="att-1")
FIELDS = {
    "text_value": CustomField.text("k", "hello"),
    "number_value": CustomField.number("k", 42),
    "boolean_value": CustomField.boolean("k", False),
    "percentage_value": CustomField.percentage("k", 75.5),
    "date_value": CustomField.date("k", date(2025, 1, 1)),
    "select_value": CustomField.select("k", "option_a"),
    "multi_select_value": CustomField.multi_select("k", ["a", "b"]),
    "attachment_value": CustomField.attachment("k", REF),
    "attachment_list_value": CustomField.attachment_list("k", [REF]),
    "money_value": CustomField.money("k", Money.usd(1000)),
}


@pytest.mark.parametrize("accessor", ACCESSORS)
def test_each_accessor_answers_only_its_own_type(accessor: str) -> None:
    for owner, field in FIELDS.items():
        value = getattr(field, accessor)
        if owner == accessor:
            assert value is not None and value == field.value
        else:
            assert value is None, f"{accessor} of a {field.field_type} field"


@pytest.mark.parametrize("field", FIELDS.values(), ids=list(FIELDS))
def test_json_round_trip(field: CustomField) -> None:
    json = field.to_json()
    assert set(json) == {"key", "fieldType", "value", "source"}
    assert json["fieldType"] == field.field_type.value
    assert CustomField.from_json(json) == field
    assert CustomField.model_validate_json(field.model_dump_json(by_alias=True)) == field


def test_one_variant_per_field_type() -> None:
    assert list(CUSTOM_FIELD_VARIANTS) == list(CustomFieldType)
    for field_type, variant in CUSTOM_FIELD_VARIANTS.items():
        assert variant.model_fields["field_type"].default is field_type
    assert {field.field_type for field in FIELDS.values()} == set(CustomFieldType)


def test_field_type_wire_names() -> None:
    assert [t.value for t in CustomFieldType] == [
        "text",
        "number",
        "boolean",
        "percentage",
        "date",
        "select",
        "multiSelect",
        "attachment",
        "attachmentList",
        "money",
    ]


def test_json_shapes() -> None:
    assert CustomField.money("cost", Money.usd(15000), source=CustomFieldSource.listing).to_json() == {
        "key": "cost",
        "fieldType": "money",
        "value": {"amountInMinorUnits": 1500000, "currency": "USD"},
        "source": "listing",
    }
    assert CustomField.attachment_list("docs", [REF]).to_json()["value"] == [{"attachmentId": "att-1"}]
    assert CustomField.date("due", datetime(2025, 6, 15, 9, 30)).to_json()["value"] == "2025-06-15"


def test_source_defaults_to_user_added() -> None:
    assert CustomField.text("k", "v").source is CustomFieldSource.user_added
    json = {"key": "k", "fieldType": "text", "value": "v"}
    assert CustomField.from_json(json).source is CustomFieldSource.user_added


def test_the_variant_is_available_for_matching() -> None:
    match CustomField.boolean("on", True).root:
        case BooleanCustomField(value=value):
            assert value is True
        case _:
            pytest.fail("expected a boolean field")


def test_numbers_keep_integers() -> None:
    assert CustomField.from_json({"key": "k", "fieldType": "number", "value": 5}).number_value == 5
    assert isinstance(CustomField.number("k", 5).number_value, int)
    assert CustomField.number("k", 3.14).number_value == 3.14


def test_multi_select_drops_duplicates_in_order() -> None:
    assert CustomField.multi_select("k", ["b", "a", "b"]).multi_select_value == ("b", "a")


@pytest.mark.parametrize(
    ("json", "expected"),
    [
        ({"key": "k", "fieldType": "number", "value": True}, "number.value"),
        ({"key": "k", "fieldType": "number", "value": "42"}, "number.value"),
        ({"key": "k", "fieldType": "number", "value": float("nan")}, "number.value"),
        ({"key": "k", "fieldType": "boolean", "value": "yes"}, "boolean.value"),
        ({"key": "k", "fieldType": "select", "value": "  "}, "must not be empty"),
        ({"key": "k", "fieldType": "date", "value": "15/06/2025"}, "date.value"),
        ({"key": "k", "fieldType": "money", "value": 10}, "money.value"),
        ({"key": "k", "fieldType": "colour", "value": "red"}, "does not match any of the expected"),
        ({"key": "k", "value": "v"}, "Unable to extract tag using discriminator .*'fieldType'"),
        ({"key": "a.b", "fieldType": "text", "value": "v"}, "CustomFieldKey: must be letters"),
        ({"key": "k", "fieldType": "text", "value": "v", "extra": 1}, "extra"),
    ],
)
def test_rejects_bad_input_naming_the_field(json: dict[str, object], expected: str) -> None:
    with pytest.raises(ValidationError, match=expected):
        CustomField.from_json(json)


def test_text_values_are_validated() -> None:
    with pytest.raises(ValidationError, match="control character"):
        CustomField.text("k", "bell\x07")
    assert CustomField.text("k", "multi\nline").text_value == "multi\nline"


def test_fields_are_frozen_and_hashable() -> None:
    field = CustomField.multi_select("k", ["a"])
    with pytest.raises(ValidationError):
        field.root.value = ("b",)  # type: ignore[misc]
    assert len({field, CustomField.multi_select("k", ["a"])}) == 1


def test_a_custom_field_is_a_field_type_for_other_models() -> None:
    class Holder(ValueObject):
        field: CustomField

    holder = Holder.from_json({"field": {"key": "k", "fieldType": "percentage", "value": 120}})
    assert holder.field.percentage_value == 100
    assert holder.to_json() == {"field": {"key": "k", "fieldType": "percentage", "value": 100, "source": "userAdded"}}


class TestCustomFieldMap:
    def test_empty_get_with_without(self) -> None:
        name = CustomField.text(CustomFieldKey("asset_name"), "HVAC Unit A")
        fields = CustomFieldMap.empty().with_field(name)

        assert fields.get("asset_name") == name
        assert fields.get(CustomFieldKey("asset_name")) == name
        assert fields["asset_name"] == name
        assert fields.get("missing") is None
        assert "asset_name" in fields and len(fields) == 1 and list(fields) == ["asset_name"]
        assert fields.without("asset_name") == CustomFieldMap.empty()
        assert CustomFieldMap.empty().get("asset_name") is None

    def test_with_field_replaces_and_leaves_the_original_alone(self) -> None:
        first = CustomFieldMap.of([CustomField.number("age", 1)])
        second = first.with_field(CustomField.number("age", 2))
        assert first["age"].number_value == 1
        assert second["age"].number_value == 2

    def test_loose_strings_are_text_fields(self) -> None:
        fields = CustomFieldMap({"temperature_setpoint": "72"})
        assert fields["temperature_setpoint"] == CustomField.text("temperature_setpoint", "72")

    def test_entries_may_omit_their_key(self) -> None:
        fields = CustomFieldMap.from_json({"age": {"fieldType": "number", "value": 3}})
        assert fields["age"].number_value == 3

    def test_json_round_trip(self) -> None:
        fields = CustomFieldMap.of(
            CustomField(field.root.model_copy(update={"key": CustomFieldKey(f"f{i}")}))
            for i, field in enumerate(FIELDS.values())
        )
        json = fields.to_json()
        assert json["f0"] == {"key": "f0", "fieldType": "text", "value": "hello", "source": "userAdded"}
        assert CustomFieldMap.from_json(json) == fields
        assert len(fields) == len(FIELDS)

    def test_key_and_field_must_agree(self) -> None:
        with pytest.raises(ValidationError, match="customFields: entry 'a' holds the field 'b'"):
            CustomFieldMap.from_json({"a": {"key": "b", "fieldType": "text", "value": "x"}})

    def test_hashable(self) -> None:
        assert hash(CustomFieldMap({"a": "1"})) == hash(CustomFieldMap({"a": "1"}))

    def test_inside_other_models(self) -> None:
        class Intent(ValueObject):
            custom_fields: CustomFieldMap = CustomFieldMap.empty()

        assert Intent().to_json() == {"customFields": {}}
        loaded = Intent.from_json({"customFields": {"notes": "serviced"}})
        assert loaded.custom_fields["notes"].text_value == "serviced"

    def test_variant_models_can_be_passed_directly(self) -> None:
        field = CustomField(TextCustomField(key="k", value="v"))
        assert CustomFieldMap.of([field])["k"] == field


def test_contract_violation_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        CustomFieldKey.from_string("")
    assert issubclass(ContractViolation, ValueError)
