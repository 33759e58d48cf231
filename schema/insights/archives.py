"""ZIP archives of attachments, the same bytes for the same content and time."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from datetime import UTC, datetime

from .estate_data import EstateData

_EARLIEST_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def _zip_time(when: datetime) -> tuple[int, int, int, int, int, int]:
    utc = when.astimezone(UTC)
    stamp = (utc.year, utc.month, utc.day, utc.hour, utc.minute, utc.second)
    return max(stamp, _EARLIEST_ZIP_TIME)


def zip_bytes(entries: Iterable[tuple[str, bytes]], when: datetime) -> bytes:
    """Entries stored uncompressed (media is compressed already), so no zlib version changes the bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for path, data in entries:
            info = zipfile.ZipInfo(path, date_time=_zip_time(when))
            info.create_system = 3  # Unix, whatever the host
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()


def safe_part(name: str) -> str:
    cleaned = "".join("_" if c in '/\\:*?"<>|' or ord(c) < 32 else c for c in name).strip()
    return cleaned if cleaned not in {"", ".", ".."} else "_"


def folder_path(data: EstateData, folder_id: str | None) -> str:
    """The folder's path from the root, e.g. "Plans/Level 1/"; "" outside any folder."""
    parts: list[str] = []
    seen: set[str] = set()
    while folder_id is not None and folder_id not in seen:
        seen.add(folder_id)
        folder = data.folder(folder_id)
        if folder is None:
            break
        parts.append(safe_part(str(folder.name) or folder.id))
        folder_id = folder.parent_folder_id.root if folder.parent_folder_id is not None else None
    return "".join(f"{part}/" for part in reversed(parts))


class PathBook:
    """Unique archive paths: a second "report.pdf" in one folder becomes "report (<id>).pdf"."""

    def __init__(self) -> None:
        self._taken: set[str] = set()

    def claim(self, folder: str, file_name: str, unique: str) -> str:
        path = f"{folder}{safe_part(file_name)}"
        if path.lower() in self._taken:
            stem, dot, extension = safe_part(file_name).rpartition(".")
            if not dot or not stem:
                stem, extension = safe_part(file_name), ""
            path = f"{folder}{stem} ({safe_part(unique)}){'.' + extension if extension else ''}"
        self._taken.add(path.lower())
        return path
