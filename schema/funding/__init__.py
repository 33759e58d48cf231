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

from nomos_mongo import NomosModule

from .aggregates import (
    FUNDING_AGGREGATES,
    FundingApplicationAggregate,
    FundingBenefitAggregate,
    FundingClaimAggregate,
    FundingProgramAggregate,
)
from .application_directives import (
    ApplyForFundingDirective,
    ApplyForFundingPayload,
    DecideFundingApplicationDirective,
    DecideFundingApplicationPayload,
    RecordFundingUtilizationDirective,
    RecordFundingUtilizationPayload,
)
from .claim_directives import (
    AwardFundingBenefitDirective,
    AwardFundingBenefitPayload,
    ChangeFundingClaimedDirective,
    ChangeFundingClaimedPayload,
    MarkClaimBenefitDirective,
    SubmitFundingClaimDirective,
    SubmitFundingClaimPayload,
    VerifyFundingClaimDirective,
    VerifyFundingClaimPayload,
)
from .events import FUNDING_EVENTS
from .intents import (
    FUNDING_INTENTS,
    ApplyForFundingIntent,
    AwardBenefitIntent,
    CompleteClaimVerificationIntent,
    CreateFundingProgramIntent,
    DefineFundingProgramIntent,
    ProcessFundingApplicationIntent,
    SubmitFundingProgramClaimIntent,
    TrackFundingUtilizationIntent,
)
from .policy import NAME_RESOLVERS, ROUTES
from .program_directives import (
    CreateFundingProgramDirective,
    CreateFundingProgramPayload,
    DefineFundingProgramDirective,
    DefineFundingProgramPayload,
    FundingMovementDirective,
    FundingMovementPayload,
)
from .values import FundingDecision, FundingMovement, FundingRules, FundingUtilization

MODULE = NomosModule(
    name="co2.funding",
    intents=FUNDING_INTENTS,
    directives=(
        CreateFundingProgramDirective,
        DefineFundingProgramDirective,
        FundingMovementDirective,
        ApplyForFundingDirective,
        DecideFundingApplicationDirective,
        RecordFundingUtilizationDirective,
        SubmitFundingClaimDirective,
        ChangeFundingClaimedDirective,
        VerifyFundingClaimDirective,
        MarkClaimBenefitDirective,
        AwardFundingBenefitDirective,
    ),
    events=FUNDING_EVENTS,
    aggregates=FUNDING_AGGREGATES,
    payloads=(
        CreateFundingProgramPayload,
        DefineFundingProgramPayload,
        FundingMovementPayload,
        ApplyForFundingPayload,
        DecideFundingApplicationPayload,
        RecordFundingUtilizationPayload,
        SubmitFundingClaimPayload,
        ChangeFundingClaimedPayload,
        VerifyFundingClaimPayload,
        AwardFundingBenefitPayload,
    ),
    routes=ROUTES,
    name_resolvers=NAME_RESOLVERS,
)

__all__ = [
    "MODULE",
    "ApplyForFundingIntent",
    "AwardBenefitIntent",
    "CompleteClaimVerificationIntent",
    "CreateFundingProgramIntent",
    "DefineFundingProgramIntent",
    "FundingApplicationAggregate",
    "FundingBenefitAggregate",
    "FundingClaimAggregate",
    "FundingDecision",
    "FundingMovement",
    "FundingProgramAggregate",
    "FundingRules",
    "FundingUtilization",
    "ProcessFundingApplicationIntent",
    "SubmitFundingProgramClaimIntent",
    "TrackFundingUtilizationIntent",
]
