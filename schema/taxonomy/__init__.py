"""Taxonomies of asset types: categories, subcategories and the custom fields they define.

Taxonomies belong to no estate: they live in the system workspace (Scope.SYSTEM) and their
intents need the admin role there. A taxonomy is one aggregate, so its rules hold atomically:
category names are unique within the taxonomy (ignoring case), subcategory names within
their category, a custom field key within a category and its subcategories; a subcategory
needs its category. Removing a category that still has subcategories is refused
(`taxonomy.category_has_subcategories`: remove them first), so nothing a user did not name
disappears; the custom fields a category or subcategory defines go with it. Removing a
taxonomy removes everything in it. A field's key and type never change (assets hold values
under them); its label, options, requiredness and default may.
"""

from __future__ import annotations

# importing a module declares its classes in GROUP
from . import aggregates, directives, events, intents, policy, values  # noqa: F401
from .group import GROUP
from .values import TaxonomyCategory, TaxonomyCustomFieldDefinition, TaxonomySubCategory

MODULE = GROUP.module()

# the group's classes by name: `from schema.taxonomy import AddTaxonomyCategoryDirective`
__getattr__ = GROUP.member

__all__ = ["GROUP", "MODULE", "TaxonomyCategory", "TaxonomyCustomFieldDefinition", "TaxonomySubCategory"]
