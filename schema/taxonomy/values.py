"""The parts of a taxonomy: categories, subcategories and the custom fields they define."""

from __future__ import annotations

from typing import Annotated, Self, TypeVar

from pydantic import AfterValidator, StrictBool, model_validator

from schema.contracts.base import ContractViolation, MaxItems, TextLine, ValueObject
from schema.contracts.custom_fields import CustomField, CustomFieldKey
from schema.contracts.enums import CustomFieldSource, CustomFieldType
from schema.contracts.identifiers import CustomFieldDefinitionId, TaxonomyCategoryId
from schema.contracts.names import CategoryName, CustomFieldLabel, TaxonomyDescription, TaxonomyName

_CHOICE_TYPES = frozenset({CustomFieldType.select, CustomFieldType.multi_select})
MAX_OPTIONS = 200

N = TypeVar("N", TaxonomyName, CategoryName, CustomFieldLabel)


def _required(name: N) -> N:
    if name.is_unresolved:
        raise ValueError("must not be empty")
    return name


RequiredTaxonomyName = Annotated[TaxonomyName, AfterValidator(_required)]
RequiredCategoryName = Annotated[CategoryName, AfterValidator(_required)]
RequiredLabel = Annotated[CustomFieldLabel, AfterValidator(_required)]
Options = Annotated[tuple[TextLine, ...], MaxItems(MAX_OPTIONS)]


class TaxonomyCategory(ValueObject):
    category_id: TaxonomyCategoryId
    name: CategoryName
    description: TaxonomyDescription | None = None


class TaxonomySubCategory(ValueObject):
    subcategory_id: TaxonomyCategoryId
    category_id: TaxonomyCategoryId  # the parent category
    name: CategoryName
    description: TaxonomyDescription | None = None


class TaxonomyCustomFieldDefinition(ValueObject):
    """A field that assets classified under `category_id` (a category or a subcategory) carry."""

    field_id: CustomFieldDefinitionId
    category_id: TaxonomyCategoryId
    key: CustomFieldKey
    label: CustomFieldLabel
    field_type: CustomFieldType
    required: StrictBool = False
    options: Options = ()
    default_value: CustomField | None = None
    source: CustomFieldSource = CustomFieldSource.taxonomy

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.source is not CustomFieldSource.taxonomy:
            raise ContractViolation("source", "a taxonomy field definition has source 'taxonomy'")
        check_options(self.field_type, self.options)
        if self.default_value is not None:
            check_default(self.key, self.field_type, self.options, self.default_value)
        return self


def check_options(field_type: CustomFieldType, options: tuple[str, ...]) -> None:
    if field_type in _CHOICE_TYPES and not options:
        raise ContractViolation("options", f"a {field_type} field needs at least one option")
    if field_type not in _CHOICE_TYPES and options:
        raise ContractViolation("options", f"only select and multiSelect fields have options, not {field_type}")
    if len(set(options)) != len(options):
        raise ContractViolation("options", "lists the same option twice")


def check_default(
    key: CustomFieldKey, field_type: CustomFieldType, options: tuple[str, ...], default: CustomField
) -> None:
    if default.key != key:
        raise ContractViolation("defaultValue", f"holds the field {default.key}, not {key}")
    if default.field_type is not field_type:
        raise ContractViolation("defaultValue", f"is a {default.field_type} value for a {field_type} field")
    chosen = default.select_value
    chosen_many = default.multi_select_value or ()
    for value in (chosen,) if chosen is not None else chosen_many:
        if value not in options:
            raise ContractViolation("defaultValue", f"{value!r} is not one of the options {list(options)}")


def as_taxonomy_field(value: CustomField) -> CustomField:
    """The same value, marked as coming from a taxonomy."""
    if value.source is CustomFieldSource.taxonomy:
        return value
    return CustomField(value.root.model_copy(update={"source": CustomFieldSource.taxonomy}))
