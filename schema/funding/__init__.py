"""Funding programs: a funding body's programs, the estates' applications, spending, claims, benefits.

Where things live: everything is in the system workspace, the funding body's. The decision
on an application consumes the program's budget, and that must be one atomic write, which
an intent only gives within one workspace; so applications, claims and benefits live beside
their program, each carrying the estate it belongs to (filter on estateId to list an
estate's). The funding body's acts need the admin role there; an estate's acts (apply,
record spending, claim) need the write role on that estate, which the domain reads from
the estate's own workspace.

The money path, all in the program's currency (Money, exact minor units):
  apply (requested <= max award, <= co-funded share of the project cost, <= remaining budget)
  -> approve (awarded <= requested; program.committed += awarded <= budget, atomically)
  -> record spending (application.utilized <= awarded)
  -> claim (claimed <= utilized) -> verify (approved | failed | conditional)
  -> award benefit (program.disbursed += the approved amount, once per claim).
Every bound that would be crossed is refused with a rule that names the amounts.
"""

from __future__ import annotations

# importing a module declares its classes in GROUP
from . import (  # noqa: F401
    aggregates,
    application_directives,
    claim_directives,
    events,
    intents,
    policy,
    program_directives,
    reads,
    values,
)
from .group import GROUP
from .values import FundingDecision, FundingMovement, FundingRules, FundingUtilization

MODULE = GROUP.module()

# the group's classes by name: `from schema.funding import ApplyForFundingDirective`
__getattr__ = GROUP.member

__all__ = ["GROUP", "MODULE", "FundingDecision", "FundingMovement", "FundingRules", "FundingUtilization"]
