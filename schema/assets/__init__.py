"""Trackable assets: create, update, delete, bulk update, move and comment."""

from __future__ import annotations

# importing a module declares its classes in GROUP
from . import aggregates, directives, events, intents, policy, values  # noqa: F401
from .group import GROUP
from .values import AssetChanges, AssetPosition

MODULE = GROUP.module()

# the group's classes by name: `from schema.assets import AssetCommentCreatedEvent`
__getattr__ = GROUP.member

__all__ = ["GROUP", "MODULE", "AssetChanges", "AssetPosition"]
