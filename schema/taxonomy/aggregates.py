"""A taxonomy of asset types: categories, their subcategories and the custom fields each defines.

One aggregate per taxonomy, so that every rule across its parts (unique names, a
subcategory's parent) is checked within one atomic write.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import TypeVar

from nomos_mongo import Aggregate, Event, IntentRejected
from schema.contracts.identifiers import UserId
from schema.contracts.names import TaxonomyDescription, TaxonomyName
from schema.taxonomy.group import GROUP

from .events import (
    TaxonomyCategoryAddedEvent,
    TaxonomyCategoryRemovedEvent,
    TaxonomyCategoryUpdatedEvent,
    TaxonomyCreatedEvent,
    TaxonomyCustomFieldAddedEvent,
    TaxonomyCustomFieldRemovedEvent,
    TaxonomyCustomFieldUpdatedEvent,
    TaxonomyRemovedEvent,
    TaxonomySubCategoryAddedEvent,
    TaxonomySubCategoryRemovedEvent,
    TaxonomySubCategoryUpdatedEvent,
    TaxonomyUpdatedEvent,
)
from .values import TaxonomyCategory, TaxonomyCustomFieldDefinition, TaxonomySubCategory

Part = TypeVar("Part", TaxonomyCategory, TaxonomySubCategory)


def _name_key(name: object) -> str:
    return str(name).casefold()


@GROUP.aggregate
class TaxonomyAggregate(Aggregate):
    name: TaxonomyName = TaxonomyName.unresolved
    description: TaxonomyDescription | None = None
    created_by: UserId | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    categories: tuple[TaxonomyCategory, ...] = ()
    subcategories: tuple[TaxonomySubCategory, ...] = ()
    custom_fields: tuple[TaxonomyCustomFieldDefinition, ...] = ()

    @property
    def exists(self) -> bool:
        return self.created_at is not None and not self.deleted

    def category(self, category_id: str) -> TaxonomyCategory | None:
        return next((c for c in self.categories if c.category_id.root == category_id), None)

    def subcategory(self, subcategory_id: str) -> TaxonomySubCategory | None:
        return next((s for s in self.subcategories if s.subcategory_id.root == subcategory_id), None)

    def subcategories_of(self, category_id: str) -> tuple[TaxonomySubCategory, ...]:
        return tuple(s for s in self.subcategories if s.category_id.root == category_id)

    def custom_field(self, field_id: str) -> TaxonomyCustomFieldDefinition | None:
        return next((f for f in self.custom_fields if f.field_id.root == field_id), None)

    def family_of(self, category_id: str) -> frozenset[str]:
        """A category with its subcategories, or a subcategory with its category and siblings."""
        sub = self.subcategory(category_id)
        root = sub.category_id.root if sub is not None else category_id
        return frozenset({root, *(s.subcategory_id.root for s in self.subcategories_of(root))})

    def fields_of(self, category_id: str) -> tuple[TaxonomyCustomFieldDefinition, ...]:
        """The fields an asset classified under `category_id` carries: its own and its category's."""
        sub = self.subcategory(category_id)
        owners = {category_id} | ({sub.category_id.root} if sub is not None else set())
        return tuple(f for f in self.custom_fields if f.category_id.root in owners)

    def apply(self, event: Event) -> TaxonomyAggregate:
        match event:
            case TaxonomyCreatedEvent():
                return self.evolve(
                    name=event.name,
                    description=event.description,
                    created_by=event.created_by,
                    created_at=event.created_at,
                    updated_at=event.created_at,
                    deleted=False,
                )
            case TaxonomyUpdatedEvent():
                return self.evolve(
                    name=event.name if event.name is not None else self.name,
                    description=event.description if event.description is not None else self.description,
                    updated_at=event.updated_at,
                )
            case TaxonomyRemovedEvent():
                return self.evolve(deleted=True, updated_at=event.removed_at)
            case TaxonomyCategoryAddedEvent():
                added = TaxonomyCategory(category_id=event.category_id, name=event.name, description=event.description)
                return self.evolve(categories=(*self.categories, added))
            case TaxonomyCategoryUpdatedEvent():
                return self.evolve(
                    categories=tuple(
                        _renamed(c, event.name, event.description) if c.category_id == event.category_id else c
                        for c in self.categories
                    )
                )
            case TaxonomyCategoryRemovedEvent():
                return self._without_owner(event.category_id.root).evolve(
                    categories=tuple(c for c in self.categories if c.category_id != event.category_id)
                )
            case TaxonomySubCategoryAddedEvent():
                added_sub = TaxonomySubCategory(
                    subcategory_id=event.subcategory_id,
                    category_id=event.category_id,
                    name=event.name,
                    description=event.description,
                )
                return self.evolve(subcategories=(*self.subcategories, added_sub))
            case TaxonomySubCategoryUpdatedEvent():
                return self.evolve(
                    subcategories=tuple(
                        _renamed(s, event.name, event.description) if s.subcategory_id == event.subcategory_id else s
                        for s in self.subcategories
                    )
                )
            case TaxonomySubCategoryRemovedEvent():
                return self._without_owner(event.subcategory_id.root).evolve(
                    subcategories=tuple(s for s in self.subcategories if s.subcategory_id != event.subcategory_id)
                )
            case TaxonomyCustomFieldAddedEvent():
                return self.evolve(custom_fields=(*self.custom_fields, event.definition))
            case TaxonomyCustomFieldUpdatedEvent():
                return self.evolve(
                    custom_fields=tuple(
                        event.definition if f.field_id == event.definition.field_id else f for f in self.custom_fields
                    )
                )
            case TaxonomyCustomFieldRemovedEvent():
                return self.evolve(custom_fields=tuple(f for f in self.custom_fields if f.field_id != event.field_id))
        return self

    def _without_owner(self, category_id: str) -> TaxonomyAggregate:
        return self.evolve(custom_fields=tuple(f for f in self.custom_fields if f.category_id.root != category_id))

    def validate_state(self) -> None:
        if self.deleted:
            return
        _unique(
            "taxonomy.duplicate_category_name",
            "category",
            "name",
            [_name_key(c.name) for c in self.categories],
            self.name,
        )
        ids = [c.category_id.root for c in self.categories] + [s.subcategory_id.root for s in self.subcategories]
        _unique("taxonomy.duplicate_category_id", "category or subcategory", "id", ids, self.name)
        for category in self.categories:
            _unique(
                "taxonomy.duplicate_subcategory_name",
                f"subcategory of {category.name}",
                "name",
                [_name_key(s.name) for s in self.subcategories_of(category.category_id.root)],
                self.name,
            )
        for sub in self.subcategories:
            if self.category(sub.category_id.root) is None:
                raise IntentRejected(
                    "taxonomy.category_not_found",
                    f"subcategory {sub.name} needs its category {sub.category_id}",
                    field="categoryId",
                )
        _unique(
            "taxonomy.duplicate_custom_field_id",
            "custom field",
            "id",
            [f.field_id.root for f in self.custom_fields],
            self.name,
        )
        for category in self.categories:
            family = self.family_of(category.category_id.root)
            keys = [f.key.root for f in self.custom_fields if f.category_id.root in family]
            _unique("taxonomy.duplicate_custom_field_key", f"custom field of {category.name}", "key", keys, self.name)


def _renamed(part: Part, name: object, description: TaxonomyDescription | None) -> Part:
    changes: dict[str, object] = {}
    if name is not None:
        changes["name"] = name
    if description is not None:
        changes["description"] = description
    return part.model_copy(update=changes)


def _unique(rule: str, what: str, attribute: str, values: list[str], taxonomy: TaxonomyName) -> None:
    duplicates = sorted(value for value, count in Counter(values).items() if count > 1)
    if duplicates:
        raise IntentRejected(
            rule,
            f"taxonomy {taxonomy} would have two of its {what} entries with the {attribute} {duplicates[0]!r}; "
            f"choose another {attribute}",
            field=attribute,
        )
