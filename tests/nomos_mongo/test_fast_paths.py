"""The engine's speed-ups behave exactly like the plain code they replace."""

from __future__ import annotations

import dataclasses
import pickle
import uuid
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nomos_mongo import derived_id
from nomos_mongo.examples.todo import CreateTodoIntent, TodoAggregate
from nomos_mongo.frozen import quick_init
from nomos_mongo.ids import _NAMESPACE

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def test_evolve_equals_model_copy() -> None:
    todo = TodoAggregate(id="t", title="a", created_at=NOW)
    fast = todo.evolve(title="b", is_completed=True)
    plain = todo.model_copy(update={"title": "b", "is_completed": True})
    assert fast == plain and type(fast) is TodoAggregate
    assert fast.__dict__ == plain.__dict__ and fast.model_fields_set == plain.model_fields_set
    assert fast.model_dump(mode="json") == plain.model_dump(mode="json")
    assert pickle.loads(pickle.dumps(fast)) == fast
    assert todo.title == "a"  # the original is untouched
    with pytest.raises(Exception, match="frozen"):
        fast.title = "c"  # type: ignore[misc]


def test_with_id_equals_model_copy() -> None:
    intent = CreateTodoIntent(title="x")
    assert intent.with_id("i-1") == intent.model_copy(update={"id": "i-1"})


@given(seed=st.text(min_size=1, max_size=60), label=st.text(max_size=30))
def test_derived_id_is_uuid5(seed: str, label: str) -> None:
    assert derived_id(seed, label) == str(uuid.uuid5(_NAMESPACE, f"{seed}/{label}"))


def test_quick_init_keeps_signature_defaults_factories_and_frozenness() -> None:
    @dataclasses.dataclass(frozen=True, slots=True)
    class Plain:
        a: int
        b: str = "x"
        c: list[int] = dataclasses.field(default_factory=list)

    @quick_init
    @dataclasses.dataclass(frozen=True, slots=True)
    class Quick:
        a: int
        b: str = "x"
        c: list[int] = dataclasses.field(default_factory=list)

    assert dataclasses.astuple(Quick(1)) == dataclasses.astuple(Plain(1))
    assert dataclasses.astuple(Quick(1, "y", [2])) == dataclasses.astuple(Plain(1, "y", [2]))
    assert Quick(1).c is not Quick(1).c  # a fresh default each time
    with pytest.raises(dataclasses.FrozenInstanceError):
        Quick(1).a = 2  # type: ignore[misc]
    with pytest.raises(TypeError):
        Quick()  # type: ignore[call-arg]
