"""Generated names read as English: one plural suffix, never two."""

from __future__ import annotations

import re
from pathlib import Path

from graph.naming import listing_name, plural

SDL = (Path(__file__).parents[2] / "schema" / "schema.graphql").read_text(encoding="utf-8")


def test_plural_of_words_that_end_in_s() -> None:
    assert [plural(w) for w in ("EstateAccess", "ResourcePermissions", "Status", "Analysis", "Todo")] == [
        "EstateAccesses",
        "ResourcePermissions",
        "Statuses",
        "Analyses",
        "Todos",
    ]
    assert listing_name("ResourcePermissions") == "resourcePermissionsList"
    assert listing_name("EstateAccess") == "estateAccesses"


def test_the_sdl_has_no_doubled_plural_suffix() -> None:
    words = {w.lower() for w in re.findall(r"[A-Za-z]+", SDL)}
    type_names = set(re.findall(r"^(?:type|interface|input|enum|union) (\w+)", SDL, re.MULTILINE))
    doubled = set()
    for name in type_names:
        wrong = {name + "s", name + "es", name + "ses", plural(name) + "s", plural(name) + "es"} - {plural(name)}
        doubled |= {w for w in wrong if w.lower() in words and w.lower() != name.lower()}
    assert not doubled, f"doubled plural suffixes in the SDL: {sorted(doubled)}"
    for seen in ("resourcepermissionses", "estateaccesss", "watchresourcepermissionses"):
        assert seen not in words
