"""Identifiers, names, descriptions and other single-string value objects."""

from __future__ import annotations

import re

import pytest
from pydantic import BaseModel, ValidationError

from schema.contracts import (
    IDENTIFIER_TYPES,
    NAME_TYPES,
    AssetType,
    ContractViolation,
    CustomFieldKey,
    DomainDescription,
    EmailAddress,
    EstateId,
    EstateName,
    FileName,
    Identifier,
    RoomDescription,
    SiteId,
    SiteName,
    UserId,
    ValueObject,
)
from schema.contracts.names import VoiceNoteTranscription


class TestIdentifiers:
    @pytest.mark.parametrize("kind", IDENTIFIER_TYPES)
    def test_unresolved_and_round_trip(self, kind: type[Identifier]) -> None:
        assert kind.unresolved.is_unresolved
        assert type(kind.unresolved) is kind
        assert kind.from_json(kind("x-1").to_json()) == kind("x-1")
        assert kind.from_json("x-1") == kind("x-1")

    def test_constants_are_shared(self) -> None:
        assert UserId.unresolved is UserId.unresolved
        assert UserId.system is UserId.system

    @pytest.mark.parametrize("raw", [None, "", "   ", "\t\n"])
    def test_from_string_rejects_missing_values(self, raw: str | None) -> None:
        with pytest.raises(ContractViolation) as caught:
            UserId.from_string(raw)
        assert caught.value.field == "UserId"
        assert str(caught.value).startswith("UserId: ")

    def test_from_string_trims(self) -> None:
        assert SiteId.from_string("  site-1 ") == SiteId("site-1")

    def test_rejects_control_characters(self) -> None:
        with pytest.raises(ContractViolation, match=r"EstateId: contains control character U\+0000"):
            EstateId.from_string("estate\x00-1")

    def test_rejects_overlong(self) -> None:
        with pytest.raises(ContractViolation, match="at most 200 characters, got 201"):
            EstateId.from_string("e" * 201)
        assert EstateId.from_string("e" * 200).value == "e" * 200

    def test_rejects_non_strings(self) -> None:
        with pytest.raises(ContractViolation, match="expected a string, got int"):
            EstateId.from_string(42)  # type: ignore[arg-type]

    def test_direct_construction_validates(self) -> None:
        with pytest.raises(ValidationError, match="EstateId: must not be empty"):
            EstateId("")
        assert EstateId(" e-1 ") == EstateId("e-1")

    def test_types_never_compare_equal(self) -> None:
        assert EstateId("same") != SiteId("same")
        assert EstateId("same") != "same"

    def test_hash_by_value(self) -> None:
        assert len({EstateId("a"), EstateId("a"), EstateId("b")}) == 2

    def test_str_and_repr(self) -> None:
        assert str(UserId("u-1")) == "u-1"
        assert f"{UserId('u-1')}" == "u-1"
        assert repr(UserId("u-1")) == "UserId('u-1')"

    def test_frozen(self) -> None:
        user = UserId("u-1")
        with pytest.raises(ValidationError):
            user.root = "u-2"  # type: ignore[misc]

    def test_is_a_plain_string_inside_models(self) -> None:
        class Holder(ValueObject):
            estate_id: EstateId
            site_id: SiteId | None = None

        holder = Holder(estate_id="e-1")
        assert holder.estate_id == EstateId("e-1")
        assert holder.to_json() == {"estateId": "e-1", "siteId": None}
        assert Holder.model_json_schema()["$defs"]["EstateId"]["type"] == "string"

    def test_json_input_names_the_field(self) -> None:
        class Holder(BaseModel):
            estate_id: EstateId

        with pytest.raises(ValidationError) as caught:
            Holder.model_validate({"estate_id": "   "})
        error = caught.value.errors()[0]
        assert error["loc"] == ("estate_id",)
        assert "EstateId: must not be empty" in error["msg"]

    def test_from_json_rejects_other_shapes(self) -> None:
        with pytest.raises(ContractViolation, match=re.escape("expected {'value': ...}")):
            EstateId.from_json({"id": "e-1"})


class TestNames:
    @pytest.mark.parametrize("kind", NAME_TYPES)
    def test_unresolved_and_round_trip(self, kind: type[EstateName]) -> None:
        assert kind.from_string(None) == kind.unresolved
        assert kind.from_string("   ") == kind.unresolved
        assert kind.unresolved.is_unresolved
        assert kind.from_json(kind("A name").to_json()) == kind("A name")
        assert kind.from_json({"value": None}) == kind.unresolved

    def test_trimmed(self) -> None:
        assert SiteName.from_string(" spaces ") == SiteName("spaces")
        assert SiteName("  direct  ").value == "direct"

    def test_unicode_is_normalised(self) -> None:
        decomposed = "Cafe\u0301"
        assert EstateName(decomposed) == EstateName("Caf\u00e9")

    def test_names_are_single_line(self) -> None:
        with pytest.raises(ContractViolation, match=r"EstateName: .*U\+000A.*single line"):
            EstateName.from_string("North\nWing")
        with pytest.raises(ContractViolation, match=r"U\+2028"):
            EstateName.from_string("North\u2028Wing")

    def test_descriptions_keep_newlines_and_tabs(self) -> None:
        assert RoomDescription("a\n\tb").value == "a\n\tb"
        assert RoomDescription("a\r\nb\rc").value == "a\nb\nc"
        with pytest.raises(ContractViolation, match=r"RoomDescription: .*U\+0007"):
            RoomDescription.from_string("bell\x07")

    def test_length_limits(self) -> None:
        with pytest.raises(ContractViolation, match="EstateName: must be at most 200"):
            EstateName.from_string("x" * 201)
        assert len(RoomDescription("x" * DomainDescription.max_length).value) == 5_000
        with pytest.raises(ContractViolation, match="at most 5000"):
            RoomDescription.from_string("x" * 5_001)
        assert len(VoiceNoteTranscription("x" * 50_000).value) == 50_000

    def test_graphql_and_json_input_is_validated(self) -> None:
        class Input(ValueObject):
            name: EstateName

        assert Input.model_validate({"name": "  Campus "}).name == EstateName("Campus")
        with pytest.raises(ValidationError, match=r"name\n.*EstateName: must be at most 200"):
            Input.model_validate({"name": "x" * 300})

    def test_file_names_have_no_paths(self) -> None:
        assert FileName("report.pdf").value == "report.pdf"
        with pytest.raises(ContractViolation, match="FileName: must not contain"):
            FileName.from_string("../etc/passwd")
        with pytest.raises(ContractViolation, match="is not a file name"):
            FileName.from_string("..")


class TestCodes:
    def test_asset_type(self) -> None:
        assert AssetType.from_code(None) == AssetType.generic
        assert AssetType.from_code("  Chiller ") == AssetType("chiller")
        assert AssetType("air-handler_2").code == "air-handler_2"
        with pytest.raises(ContractViolation, match="AssetType: must be a code"):
            AssetType.from_code("air handler")

    @pytest.mark.parametrize("key", ["asset_name", "_private", "ageYears", "zone-2"])
    def test_custom_field_key_accepts(self, key: str) -> None:
        assert CustomFieldKey(key).value == key

    @pytest.mark.parametrize("key", ["a.b", "$where", "2nd", "has space"])
    def test_custom_field_key_rejects(self, key: str) -> None:
        with pytest.raises(ContractViolation, match="CustomFieldKey: must be letters"):
            CustomFieldKey.from_string(key)

    def test_email_address(self) -> None:
        assert EmailAddress("New.User@Example.COM").value == "New.User@example.com"
        with pytest.raises(ContractViolation, match="EmailAddress: 'nobody' is not an email"):
            EmailAddress.from_string("nobody")
