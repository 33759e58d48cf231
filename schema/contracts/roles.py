"""Roles: a level within the hierarchy of one role type.

    estate     read < write < admin < owner
    site       read < write < admin
    layer      none < read < write < admin
    feature    none < read < write < admin
    catalogue  read < write < admin

Delegation: only an admin or an owner grants, only roles of its own type, and only up to
and including its own level, so an owner may make another owner and an admin another
admin, while nobody hands out more than they hold.
"""

from __future__ import annotations

from typing import ClassVar, Self

from pydantic import Field, model_validator

from .base import ContractViolation, ValueObject
from .enums import RoleLevel, RoleType

_L = RoleLevel
HIERARCHIES: dict[RoleType, tuple[RoleLevel, ...]] = {
    RoleType.estate: (_L.read, _L.write, _L.admin, _L.owner),
    RoleType.site: (_L.read, _L.write, _L.admin),
    RoleType.layer: (_L.none, _L.read, _L.write, _L.admin),
    RoleType.feature: (_L.none, _L.read, _L.write, _L.admin),
    RoleType.catalogue: (_L.read, _L.write, _L.admin),
}

_GRANTING_LEVELS = frozenset({RoleLevel.admin, RoleLevel.owner})


def _levels(role_type: RoleType) -> str:
    return ", ".join(HIERARCHIES[role_type])


class Role(ValueObject):
    role_type: RoleType = Field(alias="type")
    value: RoleLevel

    estate_read: ClassVar[Role]
    estate_write: ClassVar[Role]
    estate_admin: ClassVar[Role]
    estate_owner: ClassVar[Role]
    site_read: ClassVar[Role]
    site_write: ClassVar[Role]
    site_admin: ClassVar[Role]
    layer_none: ClassVar[Role]
    layer_read: ClassVar[Role]
    layer_write: ClassVar[Role]
    layer_admin: ClassVar[Role]
    feature_none: ClassVar[Role]
    feature_read: ClassVar[Role]
    feature_write: ClassVar[Role]
    feature_admin: ClassVar[Role]
    catalogue_read: ClassVar[Role]
    catalogue_write: ClassVar[Role]
    catalogue_admin: ClassVar[Role]

    @model_validator(mode="after")
    def _level_exists_for_type(self) -> Self:
        if self.value not in HIERARCHIES[self.role_type]:
            raise ContractViolation(
                "role",
                f"{self.value!s} is not a {self.role_type!s} role; "
                f"{self.role_type!s} roles are {_levels(self.role_type)}",
            )
        return self

    @classmethod
    def of(cls, role_type: RoleType, value: RoleLevel) -> Self:
        return cls(role_type=role_type, value=value)

    @classmethod
    def from_string(cls, value: str, role_type: RoleType | str) -> Self:
        try:
            kind = RoleType(role_type)
        except ValueError:
            known = ", ".join(RoleType)
            raise ContractViolation("roleType", f"unknown role type {role_type!r}; expected one of {known}") from None
        level = value.strip().lower() if isinstance(value, str) else value
        if level not in HIERARCHIES[kind]:
            raise ContractViolation("role", f"unknown {kind!s} role {value!r}; expected one of {_levels(kind)}")
        return cls(role_type=kind, value=RoleLevel(level))

    @classmethod
    def all_of(cls, role_type: RoleType) -> tuple[Role, ...]:
        """The roles of one type, lowest first."""
        return tuple(Role(role_type=role_type, value=level) for level in HIERARCHIES[role_type])

    @property
    def rank(self) -> int:
        return HIERARCHIES[self.role_type].index(self.value)

    def has_minimum_permission(self, required: Role) -> bool:
        return self.role_type == required.role_type and self.rank >= required.rank

    def can_grant(self, other: Role) -> bool:
        return self.value in _GRANTING_LEVELS and self.role_type == other.role_type and other.rank <= self.rank

    def __str__(self) -> str:
        return f"{self.role_type} {self.value}"


for _type, _hierarchy in HIERARCHIES.items():
    for _level in _hierarchy:
        setattr(Role, f"{_type}_{_level}", Role(role_type=_type, value=_level))
del _type, _hierarchy, _level
