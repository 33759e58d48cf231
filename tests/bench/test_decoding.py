"""The decoding benchmark runs in its tiny mode; its figures are not checked (tests assert behaviour)."""

from __future__ import annotations

from nomos_mongo.bench.decoding import run_decoding


async def test_the_decoding_benchmark_reports_with_and_without_upcasting() -> None:
    result = await run_decoding(entries=50, runs=1)
    names = [figure.name for figure in result.figures]
    assert "decode v1 entries with v1 code (no upcasting)" in names
    assert "decode v1 entries with v2 code (upcasting)" in names
    assert all(figure.value is not None and figure.how for figure in result.figures)
