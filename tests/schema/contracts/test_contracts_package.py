"""The package surface: enums, conversions, errors and a warning-free import."""

from __future__ import annotations

import pickle
import subprocess
import sys
from enum import StrEnum

import pytest

import schema.contracts as contracts
from nomos_mongo.errors import NomosError
from schema.contracts import (
    ContractViolation,
    CurrencyCode,
    CurrencyMismatch,
    EstateId,
    NomosConversionUtils,
    ResourceType,
    UserId,
)


def test_import_emits_no_warnings() -> None:
    result = subprocess.run(
        [sys.executable, "-W", "error", "-c", "import schema.contracts"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


def test_all_is_exact_and_sorted() -> None:
    assert len(contracts.__all__) == len(set(contracts.__all__))
    for name in contracts.__all__:
        assert hasattr(contracts, name), name


def test_enums_are_str_enums_with_camel_case_values() -> None:
    enums = [
        value
        for name in contracts.__all__
        if isinstance(value := getattr(contracts, name), type) and issubclass(value, StrEnum)
    ]
    assert len(enums) == 20
    for enum in enums:
        for member in enum:
            assert "_" not in member.value, f"{enum.__name__}.{member.name}"
            assert member.value[0].islower()


def test_resource_type_wire_names() -> None:
    assert ResourceType.trackable_asset == "trackableAsset"
    assert ResourceType("fundingProgram") is ResourceType.funding_program


class TestConversions:
    def test_round_trips(self) -> None:
        workspace = NomosConversionUtils.estate_id_to_workspace_id(EstateId("estate-001"))
        assert isinstance(workspace, str)
        assert NomosConversionUtils.workspace_id_to_estate_id(workspace) == EstateId("estate-001")
        assert NomosConversionUtils.user_id_to_actor_id(UserId.system) == "system"
        assert NomosConversionUtils.actor_id_to_user_id("system") == UserId.system

    def test_unresolved_ids_are_not_workspaces_or_actors(self) -> None:
        with pytest.raises(ContractViolation, match="estateId: an unresolved estate"):
            NomosConversionUtils.estate_id_to_workspace_id(EstateId.unresolved)
        with pytest.raises(ContractViolation, match="userId: an unresolved user"):
            NomosConversionUtils.user_id_to_actor_id(UserId.unresolved)

    def test_empty_engine_ids_are_refused(self) -> None:
        with pytest.raises(ContractViolation, match="EstateId: must not be empty"):
            NomosConversionUtils.workspace_id_to_estate_id("")


class TestErrors:
    def test_tree(self) -> None:
        assert issubclass(ContractViolation, NomosError)
        assert issubclass(ContractViolation, ValueError)
        assert issubclass(CurrencyMismatch, ContractViolation)

    def test_pickle(self) -> None:
        violation = pickle.loads(pickle.dumps(ContractViolation("field", "is wrong")))
        assert str(violation) == "field: is wrong"
        mismatch = pickle.loads(pickle.dumps(CurrencyMismatch(CurrencyCode.EUR, CurrencyCode.USD, "add")))
        assert mismatch.left == CurrencyCode.EUR and "EUR and USD" in str(mismatch)
