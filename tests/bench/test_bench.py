"""`nomos bench` runs end to end in its tiny `quick` mode. Figures are not checked: tests assert behaviour."""

from __future__ import annotations

import json
from pathlib import Path

import psutil
import pytest
from typer.testing import CliRunner

from nomos_mongo.bench import SUITES, run_bench
from nomos_mongo.bench.cli import bench_app
from nomos_mongo.bench.engine import build_timeline
from nomos_mongo.bench.stores import Stores


def children() -> set[int]:
    return {p.pid for p in psutil.Process().children(recursive=True)}


async def test_every_suite_reports_figures_that_say_how_they_were_measured(tmp_path: Path) -> None:
    before = children()
    markdown = tmp_path / "results.md"
    document = await run_bench(SUITES, quick=True, json=True, markdown=str(markdown))
    assert set(document["suites"]) == set(SUITES)
    assert document["machine"]["cores"] >= 1
    for name, suite in document["suites"].items():
        if suite["status"] != "ok":
            assert suite["status"].startswith("skipped: "), name
            assert name in ("graphql", "subscriptions", "peer"), f"{name} must always run: {suite['status']}"
            continue
        assert suite["figures"], name
        for figure in suite["figures"]:
            assert figure["value"] is not None and figure["how"], figure
            assert figure["met"] in (True, False, None)
    assert "| engine | dispatch: create (1 aggregate) |" in markdown.read_text()
    assert children() <= before, "the API server process must be gone"


async def test_the_timeline_reads_the_same_with_and_without_snapshots() -> None:
    stores = Stores()
    app = await stores.app()
    try:
        await build_timeline(app, aggregates=5, changes=12)
        for sequence in (1, 7, 30, 60):
            with_snapshots = await app.state_at_sequence("bench", "main", inclusive_sequence=sequence)
            replayed = await app.state_at_sequence("bench", "main", inclusive_sequence=sequence, use_snapshots=False)
            assert with_snapshots == replayed
        assert len(await app.state_at_sequence("bench", "main", inclusive_sequence=60)) == 5
    finally:
        await stores.close()


def test_the_cli_prints_json_for_one_suite() -> None:
    result = CliRunner().invoke(bench_app, ["engine", "--quick", "--json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert list(document["suites"]) == ["engine"]
    assert document["machine"]["store"] == "embedded"


async def test_an_unknown_suite_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown suite 'nope'"):
        await run_bench(["nope"], quick=True, json=True)


def test_bench_without_its_extra_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("nomos_mongo.bench.cli.BENCH_PACKAGES", ("psutil", "nomos_missing_bench_package"))
    result = CliRunner().invoke(bench_app, ["engine", "--quick"])
    assert result.exit_code == 1
    assert result.output.strip() == "nomos bench needs nomos_missing_bench_package: pip install 'nomos-mongo[bench]'"


@pytest.mark.parametrize("arguments", [["--quick", "engine", "--json"], ["engine", "--json", "--quick"]])
def test_options_count_before_or_after_the_suite(arguments: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, object] = {}

    async def fake_run_bench(suites: list[str], **options: object) -> dict[str, object]:
        seen.update(options, suites=list(suites))
        return {}

    monkeypatch.setattr("nomos_mongo.bench.cli.run_bench", fake_run_bench)
    result = CliRunner().invoke(bench_app, arguments)
    assert result.exit_code == 0, result.output
    assert seen["suites"] == ["engine"] and seen["quick"] is True and seen["json"] is True


async def test_the_engine_suite_runs_on_sqlite() -> None:
    document = await run_bench(["engine"], quick=True, json=True, store="sqlite")
    assert document["machine"]["embedded_store"] == "sqlite"
    assert document["suites"]["engine"]["status"] == "ok", document["suites"]["engine"]["status"]


async def test_the_store_suites_compare_sqlite_with_memory_and_serve_an_estate() -> None:
    before = children()
    document = await run_bench(["embedded", "estate"], quick=True, json=True)
    embedded = {f["name"]: f for f in document["suites"]["embedded"]["figures"]}
    for name in (
        "SQLite / memory dispatch rate, one client",
        "longest event-loop stall, sqlite",
        "longest event-loop stall, memory",
        "disk per stored intent, SQLite",
        "process RSS, sqlite",
    ):
        assert embedded[name]["value"] is not None and embedded[name]["how"], name
    estate = document["suites"]["estate"]
    if estate["status"] == "ok":
        assert {f["name"] for f in estate["figures"]} >= {"createTrackableAsset p99"}
    else:
        assert estate["status"].startswith("skipped: GraphQL API not available"), estate["status"]
    assert children() <= before, "the API server process must be gone"
