"""`nomos backup`: a consistent copy of a live database, with SQLite's online backup API.

The copy is one read transaction of the source, so it holds whole commits only, and the
server keeps writing meanwhile (WAL). It is written beside the destination and renamed
into place, so a crash never leaves a half-written backup under the destination's name.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path

from .connections import BUSY_TIMEOUT_MS, translated


def backup_database(source: Path, destination: Path) -> int:
    """Copy `source` to `destination` (a new file); returns the number of pages copied."""
    partial = destination.with_name(f".{destination.name}.partial")
    with translated():
        reader = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            reader.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            writer = sqlite3.connect(partial)
            try:
                reader.backup(writer)
                writer.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
                pages = int(writer.execute("PRAGMA page_count").fetchone()[0])
            finally:
                writer.close()
        finally:
            reader.close()
    try:
        os.replace(partial, destination)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(partial)
    return pages
