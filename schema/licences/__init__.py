"""Licences: personal licences, organizational licences and their seats (system workspace)."""

from __future__ import annotations

# importing a module declares its classes in GROUP
from . import aggregates, directives, events, intents, policy  # noqa: F401
from .aggregates import LicenceKind, LicenceSeat
from .group import GROUP

MODULE = GROUP.module()

# the group's classes by name: `from schema.licences import AssignSeatDirective`
__getattr__ = GROUP.member

__all__ = ["GROUP", "MODULE", "LicenceKind", "LicenceSeat"]
