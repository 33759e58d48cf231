"""Decoding overhead of upcasting: stored ledger entries per second, with and without upcasters.

    python -m nomos_mongo.bench.decoding [--quick]

The documents are the Todo version 1 ledger (`examples/todo_v1_ledger.jsonl`), repeated.
Decoded by version 1 of the domain they need no upcasting; decoded by version 2 every
entry goes through upcasters (an added field, renamed fields, a renamed type, a split
event). A third figure decodes the same entries as version 2 writes them (current, no
upcasting). Each figure is the best of several interleaved runs of `codec.entry_from_document`.
"""

from __future__ import annotations

import asyncio
import sys
import time
from typing import Any

from ..app import NomosApp
from ..codec import entry_from_document
from ..examples.todo import TODO_MODULE
from ..examples.todo_v1 import TODO_V1_MODULE
from ..examples.todo_v1_ledger import FIXTURE
from ..ledger_files import export_lines, import_lines, read_lines
from ..registry import TypeRegistry
from ..stores.memory import MemoryPersistence
from .figures import Figure, SuiteResult
from .report import machine, print_table

Workload = tuple[TypeRegistry, list[dict[str, Any]]]


def _entries_per_second(workloads: list[Workload], runs: int) -> list[float]:
    """Best rate of each workload (as timeit advises: slower runs measure other processes); the
    runs interleave the workloads, so a busy moment hits all alike."""
    rates: list[list[float]] = [[] for _ in workloads]
    for run in range(runs):
        for offset in range(len(workloads)):
            index = (run + offset) % len(workloads)
            registry, documents = workloads[index]
            started = time.perf_counter()
            for document in documents:
                entry_from_document(registry, document)
            rates[index].append(len(documents) / (time.perf_counter() - started))
    return [max(r) for r in rates]


async def _current_documents() -> list[dict[str, Any]]:
    """The v1 ledger as version 2 stores it after an import: the same facts, current documents."""
    app = NomosApp(MemoryPersistence(), modules=[TODO_MODULE])
    await import_lines(app, read_lines(FIXTURE))
    return [
        line["document"] for line in await export_lines(app.persistence, app.registry) if line["collection"] == "ledger"
    ]


def _typed_documents(document: dict[str, Any]) -> int:
    """Intent, directives, their payloads and events: the typed documents in one entry."""
    return 1 + 2 * len(document["directives"]) + len(document["events"])


async def run_decoding(entries: int = 10_000, runs: int = 9) -> SuiteResult:
    result = SuiteResult("decoding", settings={"entries": entries, "runs": runs})
    started = time.perf_counter()
    v1 = [line["document"] for line in read_lines(FIXTURE) if line["collection"] == "ledger"]
    current = await _current_documents()
    v1_code = NomosApp(MemoryPersistence(), modules=[TODO_V1_MODULE]).registry
    v2_code = NomosApp(MemoryPersistence(), modules=[TODO_MODULE]).registry

    def repeat(documents: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return (documents * (entries // len(documents) + 1))[:entries]

    stored_v1, stored_current = repeat(v1), repeat(current)
    typed = sum(map(_typed_documents, stored_v1)) / len(stored_v1)
    plain, upcast, fresh = _entries_per_second(
        [(v1_code, stored_v1), (v2_code, stored_v1), (v2_code, stored_current)], runs
    )
    how = f"entry_from_document on {entries:,} Todo ledger entries (~{typed:.1f} typed documents each), best of {runs}"
    result.add(Figure("decode v1 entries with v1 code (no upcasting)", plain, "entries/s", how))
    result.add(Figure("decode v1 entries with v2 code (upcasting)", upcast, "entries/s", how))
    result.add(Figure("decode v2 entries with v2 code (no upcasting)", fresh, "entries/s", how))
    result.add(Figure("typed documents/s with upcasting", upcast * typed, "documents/s", how))
    result.add(
        Figure(
            "upcasting overhead",
            (plain / upcast - 1) * 100,
            "%",
            "extra time per entry: v1 entries decoded by v2 code against the same entries decoded by v1 code",
            better="lower",
        )
    )
    result.seconds = time.perf_counter() - started
    return result


def main(argv: list[str]) -> None:
    quick = "--quick" in argv
    result = asyncio.run(run_decoding(entries=500, runs=1) if quick else run_decoding())
    print_table([result], {**machine(), "store": "none (codec only)", "quick": quick})


if __name__ == "__main__":
    main(sys.argv[1:])
