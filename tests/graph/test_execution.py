"""How a query executes: plain scalar fields take a short path (graph/execution.py) with graphql-core's
results and errors, and output objects convert only the fields a query reads (graph/outputs.py)."""

from __future__ import annotations

import enum
import gc
import inspect
import tomllib
import warnings
from importlib.metadata import version
from operator import attrgetter
from pathlib import Path
from typing import Any

import pytest
import strawberry
from graphql.execution.executor import Executor
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from graph.catalog import Catalog
from graph.execution import GRAPHQL_CORE_VERSIONS, PlainFieldsExecutionContext, _plain
from nomos_mongo.examples.todo import TODO_MODULE, TodoAggregate
from nomos_mongo.registry import TypeRegistry

WRITTEN_FOR = SpecifierSet(",".join(GRAPHQL_CORE_VERSIONS))


@strawberry.enum
class Kind(enum.Enum):
    PUMP = "pump"
    VALVE = "valve"


@strawberry.type
class Item:
    name: str
    count: int
    kind: Kind
    note: str | None = None

    @strawberry.field
    def shout(self, times: int = 1) -> str:
        return self.name.upper() * times


def item(name: Any = "a", count: Any = 1, kind: Any = Kind.PUMP, note: Any = None) -> Item:
    return Item(name=name, count=count, kind=kind, note=note)


@strawberry.interface
class Named:
    name: str


@strawberry.type
class Tool(Named):
    weight: int


@strawberry.type
class Query:
    @strawberry.field
    def items(self) -> list[Item]:
        return [item("a", 1), item("b", 2, Kind.VALVE, "n")]

    @strawberry.field
    def broken(self) -> list[Item | None]:
        return [item(name=None), item(count="many"), item(kind="not a kind"), item()]

    @strawberry.field
    def strict(self) -> list[Item] | None:  # [Item!]: one bad item makes the list null
        return [item(), item(name=None), item()]

    @strawberry.field
    def tools(self) -> list[Tool | None]:  # Tool has an is_type_of (it implements Named): an Item is refused
        return [Tool(name="saw", weight=2), item("not a tool")]  # type: ignore[list-item]

    @strawberry.field
    def gaps(self) -> list[Item | None]:
        return [item(), None, Kind.PUMP, item("z")]  # type: ignore[list-item]  # Kind.PUMP has a .name


QUERIES = [
    "{ items { name count kind note } }",
    "{ items { __typename n: name name note } }",
    "{ items { name ... on Item { count } } broken { __typename kind note } }",
    "{ items { n: name c: count ...F __typename shout(times: 2) } } fragment F on Item { kind note }",
    "query($skip: Boolean!) { items { name @skip(if: $skip) count @include(if: $skip) kind } }",
    "{ broken { name count kind note } }",
    "{ strict { name count } items { name } }",
    "{ gaps { __typename name } }",
    "{ tools { __typename name weight } }",
]


def schema(execution_context_class: type[Executor], extensions: list[Any] | None = None) -> strawberry.Schema:
    return strawberry.Schema(query=Query, execution_context_class=execution_context_class, extensions=extensions or [])


def run(context_class: type[Executor], query: str, extensions: list[Any] | None = None) -> dict[str, Any]:
    result = schema(context_class, extensions).execute_sync(query, variable_values={"skip": True})
    errors = sorted((e.message, tuple(e.path or ())) for e in result.errors or [])
    return {"data": result.data, "errors": errors}


@pytest.mark.parametrize("query", QUERIES)
def test_the_short_path_gives_graphql_cores_results_and_errors(query: str) -> None:
    assert run(PlainFieldsExecutionContext, query) == run(StrawberryGraphQLCoreExecutionContext, query)


def test_the_errors_are_reported_at_their_paths() -> None:
    errors = run(PlainFieldsExecutionContext, "{ broken { name count kind note } }")["errors"]
    assert sorted(path for _, path in errors) == [("broken", 0, "name"), ("broken", 1, "count"), ("broken", 2, "kind")]


def test_plain_fields_build_no_resolve_info_and_the_others_do(monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[str] = []
    original = PlainFieldsExecutionContext.build_resolve_info

    def counting(self: Any, field_def: Any, field_nodes: Any, parent_type: Any, path: Any) -> Any:
        built.append(f"{parent_type.name}.{field_nodes[0].name.value}")
        return original(self, field_def, field_nodes, parent_type, path)

    monkeypatch.setattr(PlainFieldsExecutionContext, "build_resolve_info", counting)
    run(PlainFieldsExecutionContext, "{ items { name count kind note shout } }")
    assert sorted(built) == ["Item.shout", "Item.shout", "Query.items"]


def test_objects_of_plain_fields_are_read_in_one_pass_without_a_call_per_field(monkeypatch: pytest.MonkeyPatch) -> None:
    called: list[str] = []
    original = PlainFieldsExecutionContext.execute_field

    def counting(self: Any, parent_type: Any, source: Any, field_details_list: Any, *args: Any) -> Any:
        called.append(f"{parent_type.name}.{field_details_list[0].node.name.value}")
        return original(self, parent_type, source, field_details_list, *args)

    monkeypatch.setattr(PlainFieldsExecutionContext, "execute_field", counting)
    assert run(PlainFieldsExecutionContext, "{ items { __typename name count } }")["data"] == {
        "items": [{"__typename": "Item", "name": "a", "count": 1}, {"__typename": "Item", "name": "b", "count": 2}]
    }
    assert called == ["Query.items"]
    called.clear()
    run(PlainFieldsExecutionContext, "{ items { name shout } }")  # one field with a resolver: field by field
    assert sorted(called) == ["Item.name", "Item.name", "Item.shout", "Item.shout", "Query.items"]


def test_a_list_of_such_objects_completes_only_the_items_that_need_graphql_cores_way(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    completed: list[Any] = []
    original = PlainFieldsExecutionContext.complete_list_item_value

    def counting(self: Any, item: Any, *args: Any) -> Any:
        completed.append(item)
        return original(self, item, *args)

    monkeypatch.setattr(PlainFieldsExecutionContext, "complete_list_item_value", counting)
    run(PlainFieldsExecutionContext, "{ items { name count } }")
    assert completed == []
    run(PlainFieldsExecutionContext, "{ gaps { name } }")
    assert completed == [None]  # the gap; the enum member is read as graphql-core reads it (no is_type_of here)


@strawberry.type
class Row:
    label: str
    size: int | None


@strawberry.type
class Rows:
    @strawberry.field
    def rows(self) -> list[Row]:
        return [{"label": "x", "size": 3}, {"label": "y", "size": None}]  # type: ignore[list-item]


@strawberry.type
class Pending:
    name: str


async def _text(value: str) -> str:
    return value


@strawberry.type
class AwaitedQuery:
    @strawberry.field
    def pending(self) -> list[Pending]:
        return [Pending(name="now"), Pending(name=_text("held")), Pending(name="later")]  # type: ignore[arg-type]


def _reads_later_as_awaitable(source: Any, name: str) -> Any:
    """A default resolver that makes a new awaitable at every read of the value "later"."""
    value = getattr(source, name)
    return _text(value) if value == "later" else value


@pytest.mark.parametrize("default_resolver", [getattr, _reads_later_as_awaitable])
async def test_awaitable_values_in_a_list_complete_as_graphql_core_completes_them(default_resolver: Any) -> None:
    config = strawberry.schema.config.StrawberryConfig(default_resolver=default_resolver)
    results = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for context in (PlainFieldsExecutionContext, StrawberryGraphQLCoreExecutionContext):
            schema = strawberry.Schema(query=AwaitedQuery, config=config, execution_context_class=context)
            result = await schema.execute("{ pending { name } }")
            results.append((result.data, result.errors))
        gc.collect()
    assert results[0] == results[1] == ({"pending": [{"name": "now"}, {"name": "held"}, {"name": "later"}]}, None)
    assert not [w for w in caught if "never awaited" in str(w.message)]


def test_a_basic_field_is_read_by_one_attribute_lookup() -> None:
    field = schema(PlainFieldsExecutionContext)._schema.get_type("Item").fields["name"]  # type: ignore[union-attr]
    plain = _plain(field)
    assert plain is not None and isinstance(plain.read, attrgetter)
    assert plain.read(item("pump 1")) == "pump 1"


def test_a_schemas_own_default_resolver_reads_the_plain_fields() -> None:
    def by_key(source: Any, name: str) -> Any:
        return source[name] if isinstance(source, dict) else getattr(source, name)

    config = strawberry.schema.config.StrawberryConfig(default_resolver=by_key)
    results = [
        strawberry.Schema(query=Rows, config=config, execution_context_class=context).execute_sync(
            "{ rows { label size } }"
        )
        for context in (PlainFieldsExecutionContext, StrawberryGraphQLCoreExecutionContext)
    ]
    assert results[0].errors is None
    assert results[0].data == results[1].data == {"rows": [{"label": "x", "size": 3}, {"label": "y", "size": None}]}


def test_an_extension_that_hooks_resolution_sees_every_field() -> None:
    seen: list[str] = []

    class Resolutions(SchemaExtension):
        def resolve(self, _next: Any, root: Any, info: Any, *args: Any, **kwargs: Any) -> Any:
            seen.append(f"{info.parent_type.name}.{info.field_name}")
            return _next(root, info, *args, **kwargs)

    run(PlainFieldsExecutionContext, "{ items { name count } }", extensions=[Resolutions])
    assert sorted(seen) == ["Item.count", "Item.count", "Item.name", "Item.name", "Query.items"]


def test_the_installed_graphql_core_is_a_release_the_override_was_written_against() -> None:
    assert version("graphql-core") in WRITTEN_FOR, (
        f"graph/execution.py overrides methods of Executor for graphql-core {WRITTEN_FOR}; check it "
        f"against {version('graphql-core')} and widen GRAPHQL_CORE_VERSIONS and pyproject.toml together"
    )
    for method in ("execute_field", "execute_fields", "complete_iterable_value", "complete_list_item_value"):
        ours = list(inspect.signature(getattr(PlainFieldsExecutionContext, method)).parameters)
        theirs = list(inspect.signature(getattr(Executor, method)).parameters)
        assert ours == theirs, method


def test_the_dependency_is_bounded_by_the_same_range() -> None:
    pyproject = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text())
    (graphql_core,) = [Requirement(d) for d in pyproject["project"]["dependencies"] if d.startswith("graphql-core")]
    assert graphql_core.specifier == WRITTEN_FOR


def test_an_output_object_converts_a_field_when_it_is_read_and_keeps_it() -> None:
    catalog = Catalog(TypeRegistry([TODO_MODULE]))
    state = TodoAggregate(id="t1", title="Write the tests", attachments=2)
    output = catalog.aggregate(state, "ws-1", "main")
    assert isinstance(output, catalog.outputs.object_type(TodoAggregate))  # what type resolution asks
    unread = {"title", "is_completed", "attachments", "priority"}
    assert not unread & output.__dict__.keys()  # nothing converted before a field is read
    assert (output.title, output.attachments, output.is_completed) == ("Write the tests", 2, False)
    assert output.__dict__["title"] == "Write the tests"  # kept: read again without converting
    assert output.aggregate_id == "t1"  # given as it is
    again = catalog.aggregate(state, "ws-1", "main")
    assert again == output and repr(again) == repr(output)
