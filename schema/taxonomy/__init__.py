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

from nomos_mongo import NomosModule

from .aggregates import TaxonomyAggregate
from .directives import TAXONOMY_DIRECTIVES, TAXONOMY_PAYLOADS
from .events import TAXONOMY_EVENTS
from .intents import (
    TAXONOMY_INTENTS,
    AddTaxonomyCategoryIntent,
    AddTaxonomyCustomFieldIntent,
    AddTaxonomySubCategoryIntent,
    CreateTaxonomyIntent,
    RemoveTaxonomyCategoryIntent,
    RemoveTaxonomyCustomFieldIntent,
    RemoveTaxonomyIntent,
    RemoveTaxonomySubCategoryIntent,
    UpdateTaxonomyCategoryIntent,
    UpdateTaxonomyCustomFieldIntent,
    UpdateTaxonomyIntent,
    UpdateTaxonomySubCategoryIntent,
)
from .policy import NAME_RESOLVERS, ROUTES
from .values import TaxonomyCategory, TaxonomyCustomFieldDefinition, TaxonomySubCategory

MODULE = NomosModule(
    name="co2.taxonomy",
    intents=TAXONOMY_INTENTS,
    directives=TAXONOMY_DIRECTIVES,
    events=TAXONOMY_EVENTS,
    aggregates=(TaxonomyAggregate,),
    payloads=TAXONOMY_PAYLOADS,
    routes=ROUTES,
    name_resolvers=NAME_RESOLVERS,
)

__all__ = [
    "MODULE",
    "AddTaxonomyCategoryIntent",
    "AddTaxonomyCustomFieldIntent",
    "AddTaxonomySubCategoryIntent",
    "CreateTaxonomyIntent",
    "RemoveTaxonomyCategoryIntent",
    "RemoveTaxonomyCustomFieldIntent",
    "RemoveTaxonomyIntent",
    "RemoveTaxonomySubCategoryIntent",
    "TaxonomyAggregate",
    "TaxonomyCategory",
    "TaxonomyCustomFieldDefinition",
    "TaxonomySubCategory",
    "UpdateTaxonomyCategoryIntent",
    "UpdateTaxonomyCustomFieldIntent",
    "UpdateTaxonomyIntent",
    "UpdateTaxonomySubCategoryIntent",
]
