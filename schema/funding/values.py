"""Value objects of funding programs: the program's rules, spending records, decisions."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, Field, StrictInt

from schema.contracts.assets import AssetType
from schema.contracts.base import MaxItems, ValueObject
from schema.contracts.identifiers import UserId
from schema.contracts.money import Money
from schema.contracts.names import FundingProgramDescription, FundingProgramName

MAX_ASSET_TYPES = 100


def _required(text: FundingProgramName) -> FundingProgramName:
    if text.is_unresolved:
        raise ValueError("must not be empty")
    return text


def _positive(amount: Money) -> Money:
    if not amount.is_positive:
        raise ValueError(f"must be more than zero, got {amount}")
    return amount


RequiredProgramName = Annotated[FundingProgramName, AfterValidator(_required)]
PositiveMoney = Annotated[Money, AfterValidator(_positive)]
Percentage = Annotated[StrictInt, Field(ge=0, le=100)]


class FundingDecision(StrEnum):
    approve = "approve"
    reject = "reject"


class FundingMovement(StrEnum):
    """How money moves through a program: awarded to an application, spent, paid out."""

    commit = "commit"
    utilize = "utilize"
    disburse = "disburse"


class FundingRules(ValueObject):
    """The rules a program sets for applications (the Perseus programme's funding rules)."""

    max_award_per_application: PositiveMoney | None = None
    # Empty: every asset type is eligible.
    eligible_asset_types: Annotated[tuple[AssetType, ...], MaxItems(MAX_ASSET_TYPES)] = ()
    # The share of the project cost the applicant pays itself; the program funds the rest.
    co_funding_percentage: Percentage = 0

    def admits(self, asset_type: AssetType) -> bool:
        return not self.eligible_asset_types or asset_type in self.eligible_asset_types

    def max_for_project(self, project_cost: Money) -> Money:
        """The most the program funds of a project costing `project_cost`."""
        return _share(project_cost, 100 - self.co_funding_percentage)


def _share(amount: Money, percent: int) -> Money:
    # Rounded down, so that the applicant's share is never less than the rules ask.
    return Money.from_minor_units(amount.amount_in_minor_units * percent // 100, amount.currency)


class FundingUtilization(ValueObject):
    """Money spent from an award, as the estate recorded it."""

    amount: Money
    note: FundingProgramDescription | None = None
    recorded_by: UserId
    recorded_at: datetime
