"""The machine a run was taken on, and its figures as a rich table, JSON or Markdown."""

from __future__ import annotations

import os
import platform
import sys
from datetime import UTC, datetime
from typing import Any

from .figures import Figure, SuiteResult


def machine() -> dict[str, Any]:
    info: dict[str, Any] = {
        "taken_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "platform": platform.platform(terse=True),
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
    }
    try:
        import psutil

        info["memory_gb"] = round(psutil.virtual_memory().total / 2**30, 1)
    except ImportError:
        pass
    if hasattr(os, "getloadavg"):
        info["load_average"] = [round(x, 2) for x in os.getloadavg()]
    return info


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def value_text(figure: Figure) -> str:
    if figure.value is None:
        return "-"
    if figure.unit in ("ms", "x", "evaluations"):
        return f"{figure.value:,.2f} {figure.unit}"
    return f"{figure.value:,.0f} {figure.unit}"


def target_text(figure: Figure) -> str:
    if figure.target is None:
        return ""
    sign = ">=" if figure.better == "higher" else "<="
    return f"{sign} {figure.target:,g}"


def verdict(figure: Figure) -> str:
    return {True: "met", False: "MISSED", None: ""}[figure.met]


def to_json(results: list[SuiteResult], info: dict[str, Any]) -> dict[str, Any]:
    return {"machine": info, "suites": {r.name: r.to_json() for r in results}}


def print_table(results: list[SuiteResult], info: dict[str, Any], *, file: Any = None) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(file=file or sys.stdout, width=180)
    table = Table(title="nomos bench", title_justify="left", show_lines=False)
    for name, justify in (
        ("suite", "left"),
        ("figure", "left"),
        ("value", "right"),
        ("target", "right"),
        ("", "left"),
        ("how it was measured", "left"),
    ):
        table.add_column(name, justify=justify, overflow="fold")  # type: ignore[arg-type]
    for result in results:
        if result.skipped:
            table.add_row(result.name, f"skipped: {result.skipped}", "", "", "", "")
            continue
        previous = None
        for figure in result.figures:
            how = figure.how + (f" ({figure.note})" if figure.note else "")
            shown = '"' if how == previous else how
            previous = how
            table.add_row(result.name, figure.name, value_text(figure), target_text(figure), verdict(figure), shown)
    console.print(table)
    console.print(_machine_line(info), highlight=False)
    if info.get("server"):
        console.print(f"store: MongoDB at {info['server']}", highlight=False)


def _machine_line(info: dict[str, Any]) -> str:
    parts = [
        f"{info.get('cpu')}, {info.get('cores')} cores",
        f"{info.get('memory_gb', '?')} GB",
        info["python"],
        info["platform"],
        f"taken {info['taken_at']}",
    ]
    if "load_average" in info:
        parts.append(f"load average at start {info['load_average'][0]}")
    return "machine: " + "; ".join(str(p) for p in parts)


def to_markdown(results: list[SuiteResult], info: dict[str, Any]) -> str:
    store = info.get("server") or info.get("store", "embedded")
    lines = [
        "# `nomos bench`: latest figures",
        "",
        f"Store: {store}. Produced by `nomos bench --markdown <file>`; every figure says how it was measured.",
        "",
        "| suite | figure | value | target | | how it was measured |",
        "| --- | --- | ---: | ---: | --- | --- |",
    ]
    for result in results:
        if result.skipped:
            lines.append(f"| {result.name} | skipped: {result.skipped} | | | | |")
            continue
        for f in result.figures:
            how = (f.how + (f" ({f.note})" if f.note else "")).replace("|", "/")
            lines.append(f"| {result.name} | {f.name} | {value_text(f)} | {target_text(f)} | {verdict(f)} | {how} |")
    return "\n".join([*lines, "", _machine_line(info), ""])


def write_markdown(path: str, results: list[SuiteResult], info: dict[str, Any]) -> None:
    with open(path, "w", encoding="utf-8") as out:
        out.write(to_markdown(results, info))
