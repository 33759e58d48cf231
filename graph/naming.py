"""GraphQL names derived from domain class names."""

from __future__ import annotations

import re

from pydantic.alias_generators import to_camel

_INTENT_SUFFIX = re.compile(r"Intent(V\d+)?$")
_GRAPHQL_NAME = re.compile(r"[_A-Za-z][_0-9A-Za-z]*")


def lower_first(name: str) -> str:
    return name[:1].lower() + name[1:]


def upper_first(name: str) -> str:
    return name[:1].upper() + name[1:]


def camel(name: str) -> str:
    return to_camel(name) if "_" in name else lower_first(name)


def intent_base_name(type_name: str) -> str:
    """`CreateTrackableAssetIntent` -> `CreateTrackableAsset`, `CreateAttachmentIntentV2` -> `CreateAttachmentV2`."""
    match = _INTENT_SUFFIX.search(type_name)
    if match is None:
        return type_name
    return type_name[: match.start()] + (match.group(1) or "")


def mutation_name(type_name: str) -> str:
    return lower_first(intent_base_name(type_name))


def aggregate_base_name(type_name: str) -> str:
    return type_name.removesuffix("Aggregate") or type_name


def plural(word: str) -> str:
    """English plural of a type name's last word; a name that is plural already stays as it is."""
    if re.search(r"[^aeiou]y$", word):
        return word[:-1] + "ies"
    if re.search(r"(ss|x|z|ch|sh|us)$", word):
        return word + "es"
    if re.search(r"is$", word):  # Analysis -> Analyses
        return word[:-2] + "es"
    if word.endswith("s"):  # Permissions, Settings
        return word
    return word + "s"


def listing_name(type_name: str) -> str:
    """The listing field's name, distinct from the by-id field's even when the plural is the word."""
    many = plural(type_name)
    return lower_first(many if many != type_name else type_name + "List")


def enum_member_name(value: str) -> str:
    """`multiSelect` / `multi_select` -> `MULTI_SELECT`."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", value)
    name = re.sub(r"[^0-9A-Za-z]+", "_", spaced).strip("_").upper()
    if not name or name[0].isdigit():
        name = "_" + name
    return name


def check_graphql_name(name: str) -> str:
    if not _GRAPHQL_NAME.fullmatch(name) or name.startswith("__"):
        raise ValueError(f"{name!r} is not a valid GraphQL name")
    return name


class TypeNames:
    """Every GraphQL type name of one schema, with what it was made from; refuses a clash."""

    def __init__(self) -> None:
        self._origins: dict[str, object] = {}

    def claim(self, name: str, origin: object) -> str:
        check_graphql_name(name)
        existing = self._origins.setdefault(name, origin)
        if existing is not origin and existing != origin:
            raise ValueError(f"GraphQL type name {name!r} is wanted by both {existing!r} and {origin!r}")
        return name
