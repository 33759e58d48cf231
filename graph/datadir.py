"""The data directory of the embedded store: the SQLite database and the development secret.

    nomos-data/
        nomos.sqlite3          the database (with -wal and -shm beside it while it is open)
        nomos.sqlite3.lock     held by the one process that has the database open
        jwt-secret             the development token secret (mode 0600), made on the first run

The secret is made once and kept, so tokens issued by one run (and the GraphiQL link it
printed) still verify after a restart. It is written to a temporary file and linked into
place, so two first runs at once agree on one secret and a crash never leaves half a key.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from .auth import MIN_SECRET_BYTES, new_secret

DATABASE = "nomos.sqlite3"
SECRET = "jwt-secret"


class DataDirectoryError(Exception):
    pass


def database_path(directory: Path) -> Path:
    return directory / DATABASE


def prepare(directory: Path) -> Path:
    """Create the directory (owner-only) if needed; refuse one that cannot be written."""
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise DataDirectoryError(f"cannot create the data directory {directory}: {exc.strerror}") from exc
    if not directory.is_dir():
        raise DataDirectoryError(f"the data directory {directory} is not a directory")
    if not os.access(directory, os.W_OK | os.X_OK):
        raise DataDirectoryError(f"the data directory {directory} is read-only: give a writable --data-dir")
    return directory.resolve()


def development_secret(directory: Path) -> str:
    """The secret kept in the data directory, made on first use."""
    path = directory / SECRET
    if not path.exists():
        _create(path)
    try:
        secret = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise DataDirectoryError(f"cannot read {path}: {exc}") from exc
    if len(secret.encode()) < MIN_SECRET_BYTES:
        raise DataDirectoryError(
            f"{path} holds no usable secret: delete it to make a new one (old tokens stop working)"
        )
    return secret


def stored_secret(directory: Path) -> str | None:
    """The development secret if a server made one here (for `nomos token`), else None."""
    path = directory / SECRET
    return development_secret(directory) if path.exists() else None


def _create(path: Path) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    try:
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, (new_secret() + "\n").encode("ascii"))
            os.fsync(fd)
        finally:
            os.close(fd)
        with contextlib.suppress(FileExistsError):  # another first run won: use its secret
            os.link(temporary, path)
    except OSError as exc:
        raise DataDirectoryError(f"cannot write {path}: {exc.strerror}") from exc
    finally:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
