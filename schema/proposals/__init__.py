"""Proposals and responsibilities: change proposals moving draft -> submitted -> approved or
rejected -> implemented, and the action items that carry them out (estate workspace).

`branches` adds the optional branch-timeline workflow: a proposal's changes drafted on
their own timeline, merged into main when it is approved.
"""

from __future__ import annotations

# importing a module declares its classes in GROUP
from . import aggregates, branches, directives, events, intents, policy, statuses  # noqa: F401
from .aggregates import ProposalStatusChange
from .group import GROUP
from .intents import ResponsibilityDraft
from .statuses import ResponsibilityStatus

MODULE = GROUP.module()

# the group's classes by name: `from schema.proposals import ApproveProposalIntent`
__getattr__ = GROUP.member

__all__ = ["GROUP", "MODULE", "ProposalStatusChange", "ResponsibilityDraft", "ResponsibilityStatus"]
