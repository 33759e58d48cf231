"""`nomos check-ledger` and `nomos export-schema --check`: what they report and how they exit."""

from __future__ import annotations

import asyncio
import io
import json
import re
from pathlib import Path

from rich.console import Console
from typer.testing import CliRunner

from graph import checks, datadir
from graph.cli import cli, current_sdl
from nomos_mongo import MemoryPersistence, NomosApp
from nomos_mongo.examples.todo import TODO_MODULE
from nomos_mongo.examples.todo_v1 import TODO_V1_MODULE
from nomos_mongo.examples.todo_v1_ledger import FIXTURE
from nomos_mongo.ledger_files import import_lines, read_lines
from nomos_mongo.stores.sqlite import SqlitePersistence

runner = CliRunner()
TODO_V2 = "nomos_mongo.examples.todo:TODO_MODULE"
TODO_V1 = "nomos_mongo.examples.todo_v1:TODO_V1_MODULE"


def check_ledger(*args: str) -> tuple[int, str]:
    result = runner.invoke(cli, ["check-ledger", *args])
    return result.exit_code, result.output


def test_a_ledger_its_own_code_wrote_loads() -> None:
    code, output = check_ledger("--import", str(FIXTURE), "--domain", TODO_V1)
    assert code == 0, output
    assert "every document loads with this code" in output


def test_older_snapshots_are_reported_stale_with_exit_2() -> None:
    code, output = check_ledger("--import", str(FIXTURE), "--domain", TODO_V2)
    assert code == 2, output
    assert "TodoFinishedEvent" in output and "stale snapshots on ws-todo/main" in output
    assert "rebuild-snapshots" in output


def test_a_document_from_newer_code_fails_with_its_id_and_exit_1(tmp_path: Path) -> None:
    lines = list(read_lines(FIXTURE))
    ledger = [line for line in lines if line["collection"] == "ledger"]
    ledger[2]["document"]["events"][0]["event"]["schemaVersion"] = 9
    target = tmp_path / "newer.jsonl"
    target.write_text("".join(json.dumps(line) + "\n" for line in ledger), encoding="utf-8")
    code, output = check_ledger("--import", str(target), "--domain", TODO_V2)
    assert code == 1, output
    assert "TodoFinishedEvent v9" in output and "newer than this code's version 1" in output
    assert ledger[2]["document"]["_id"] in output


def test_the_embedded_store_in_a_data_directory_is_checked(tmp_path: Path) -> None:
    async def store_the_fixture() -> None:
        persistence = SqlitePersistence(datadir.database_path(datadir.prepare(tmp_path / "data")))
        app = NomosApp(persistence, modules=[TODO_V1_MODULE])
        await app.start()
        try:
            await import_lines(app, read_lines(FIXTURE))
        finally:
            await app.close()

    asyncio.run(store_the_fixture())
    code, output = check_ledger("--data-dir", str(tmp_path / "data"), "--domain", TODO_V1)
    assert code == 0, output
    assert "every document loads with this code" in output


def test_a_version_1_ledger_imported_by_version_2_is_checked_on_the_embedded_store(tmp_path: Path) -> None:
    directory = datadir.prepare(tmp_path / "data")

    async def store_the_fixture() -> None:
        store = SqlitePersistence(datadir.database_path(directory))
        app = NomosApp(store, modules=[TODO_MODULE])
        await app.start()
        await import_lines(app, read_lines(FIXTURE))  # version 1 documents, upcast, stored by version 2
        await app.close()
        await store.close()

    asyncio.run(store_the_fixture())
    code, output = check_ledger("--data-dir", str(directory), "--domain", TODO_V2)
    assert code == 0, output
    assert "11 ledger entries read" in output and "every document loads" in output


async def test_a_long_scan_shows_a_progress_bar() -> None:
    app = NomosApp(MemoryPersistence(), modules=[TODO_MODULE])
    await import_lines(app, read_lines(FIXTURE))
    out = io.StringIO()
    check = await checks.scan_store(app, Console(file=out, force_terminal=True, width=100), progress_from=1)
    assert check.ok and check.entries == 11
    assert "reading the ledger" in out.getvalue() and "11/11" in out.getvalue()


def without_one_output_field(sdl: str) -> str:
    """The SDL as it was before an output type gained its first field (an addition for clients)."""
    lines = sdl.splitlines(keepends=True)
    for index, line in enumerate(lines[:-2]):
        first, second = lines[index + 1], lines[index + 2]
        simple = re.fullmatch(r"  \w+: [\w!\[\]]+\n", first) is not None and second.startswith("  ")
        if line.startswith("type ") and line.endswith("{\n") and simple:
            return "".join(lines[: index + 1] + lines[index + 2 :])
    raise AssertionError("no output type with two fields")


# export-schema --check -------------------------------------------------------------------------
def test_an_added_field_is_a_safe_change() -> None:
    changes = checks.sdl_changes("type Query { a: Int }", "type Query { a: Int, b: String }")
    assert changes.breaking == [] and changes.exit_code == checks.SAFE_CHANGES


def test_a_removed_field_and_a_changed_type_are_breaking() -> None:
    changes = checks.sdl_changes("type Query { a: Int, b: String }", "type Query { a: String }")
    assert any("Query.b was removed" in line for line in changes.breaking)
    assert any("Query.a changed type from Int to String" in line for line in changes.breaking)
    assert changes.exit_code == 1


def test_a_new_enum_value_is_dangerous_not_breaking() -> None:
    before = "enum Mood { HAPPY }\ntype Query { mood: Mood }"
    changes = checks.sdl_changes(before, "enum Mood { HAPPY SAD }\ntype Query { mood: Mood }")
    assert changes.breaking == [] and any("SAD was added" in line for line in changes.dangerous)


def test_export_schema_check_tells_safe_from_breaking(tmp_path: Path) -> None:
    target = tmp_path / "schema.graphql"
    sdl = current_sdl()
    removed_query = sdl.replace("type Query {", "type Query {\n  retiredField: Int", 1)
    target.write_text(removed_query, encoding="utf-8")
    breaking = runner.invoke(cli, ["export-schema", "--output", str(target), "--check"])
    assert breaking.exit_code == 1 and "Query.retiredField was removed" in breaking.output
    assert "break existing clients" in breaking.output
    target.write_text(without_one_output_field(sdl), encoding="utf-8")
    safe = runner.invoke(cli, ["export-schema", "--output", str(target), "--check"])
    assert safe.exit_code == checks.SAFE_CHANGES, safe.output
    assert "safe changes only" in safe.output
