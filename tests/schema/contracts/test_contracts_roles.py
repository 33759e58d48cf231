from __future__ import annotations

import pytest
from pydantic import ValidationError

from schema.contracts import ContractViolation, Role, RoleLevel, RoleType
from schema.contracts.roles import HIERARCHIES

ALL_ROLES = [role for role_type in RoleType for role in Role.all_of(role_type)]


def test_every_constant_exists_and_matches_its_name() -> None:
    names = [
        "estate_read",
        "estate_write",
        "estate_admin",
        "estate_owner",
        "site_read",
        "site_write",
        "site_admin",
        "layer_none",
        "layer_read",
        "layer_write",
        "layer_admin",
        "feature_none",
        "feature_read",
        "feature_write",
        "feature_admin",
        "catalogue_read",
        "catalogue_write",
        "catalogue_admin",
    ]
    for name in names:
        role = getattr(Role, name)
        assert f"{role.role_type}_{role.value}" == name
    assert len(names) == len(ALL_ROLES)


def test_hierarchy_within_a_type() -> None:
    assert Role.estate_owner.has_minimum_permission(Role.estate_admin)
    assert Role.estate_admin.has_minimum_permission(Role.estate_admin)
    assert not Role.estate_read.has_minimum_permission(Role.estate_admin)
    assert Role.layer_read.has_minimum_permission(Role.layer_none)
    assert not Role.layer_none.has_minimum_permission(Role.layer_read)


def test_no_permission_across_types() -> None:
    assert not Role.estate_owner.has_minimum_permission(Role.site_read)
    assert not Role.site_admin.has_minimum_permission(Role.layer_none)


@pytest.mark.parametrize(
    ("granter", "granted", "allowed"),
    [
        (Role.estate_owner, Role.estate_write, True),
        (Role.estate_owner, Role.estate_owner, True),
        (Role.estate_admin, Role.estate_write, True),
        (Role.estate_admin, Role.estate_admin, True),
        (Role.estate_admin, Role.estate_owner, False),
        (Role.estate_write, Role.estate_read, False),
        (Role.estate_write, Role.estate_admin, False),
        (Role.estate_read, Role.estate_read, False),
        (Role.estate_write, Role.site_read, False),
        (Role.estate_owner, Role.site_read, False),
        (Role.site_admin, Role.site_write, True),
        (Role.layer_admin, Role.layer_none, True),
        (Role.catalogue_admin, Role.catalogue_admin, True),
        (Role.feature_write, Role.feature_read, False),
    ],
)
def test_can_grant(granter: Role, granted: Role, allowed: bool) -> None:
    assert granter.can_grant(granted) is allowed


def test_from_string() -> None:
    assert Role.from_string("write", RoleType.site) == Role.site_write
    assert Role.from_string(" Admin ", "estate") == Role.estate_admin


def test_from_string_names_the_problem() -> None:
    with pytest.raises(ContractViolation, match="unknown site role 'owner'; expected one of read"):
        Role.from_string("owner", RoleType.site)
    with pytest.raises(ContractViolation, match="unknown role type 'building'"):
        Role.from_string("read", "building")


def test_json_shape_and_round_trip() -> None:
    assert Role.site_write.to_json() == {"type": "site", "value": "write"}
    for role in ALL_ROLES:
        assert Role.from_json(role.to_json()) == role


def test_json_rejects_a_level_the_type_lacks() -> None:
    with pytest.raises(ValidationError, match="owner is not a site role; site roles are read"):
        Role.from_json({"type": "site", "value": "owner"})
    with pytest.raises(ValidationError, match="value"):
        Role.from_json({"type": "site", "value": "god"})


def test_keyword_construction() -> None:
    assert Role(role_type=RoleType.estate, value=RoleLevel.owner) == Role.estate_owner
    assert Role.of(RoleType.layer, RoleLevel.none) == Role.layer_none


def test_hierarchies_are_those_of_the_document() -> None:
    assert {t: [str(level) for level in levels] for t, levels in HIERARCHIES.items()} == {
        RoleType.estate: ["read", "write", "admin", "owner"],
        RoleType.site: ["read", "write", "admin"],
        RoleType.layer: ["none", "read", "write", "admin"],
        RoleType.feature: ["none", "read", "write", "admin"],
        RoleType.catalogue: ["read", "write", "admin"],
    }


def test_str_reads_as_text() -> None:
    assert str(Role.estate_admin) == "estate admin"
    assert f"the {Role.estate_admin.value} role" == "the admin role"
