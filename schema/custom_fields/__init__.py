"""Custom fields on layers: field definitions of an estate, the fields and default values
each layer carries, and applying a layer's defaults to many assets in one intent.

Trackable assets carry no layer link (schema/assets), so defaults are applied to an
explicit list of assets.
"""

from __future__ import annotations

# importing a module declares its classes in GROUP
from . import aggregates, directives, events, intents, policy, values  # noqa: F401
from .group import GROUP
from .intents import MAX_ASSETS_PER_APPLY
from .values import LayerField

MODULE = GROUP.module()

# the group's classes by name: `from schema.custom_fields import ApplyLayerDefaultsDirective`
__getattr__ = GROUP.member

__all__ = ["GROUP", "MAX_ASSETS_PER_APPLY", "MODULE", "LayerField"]
