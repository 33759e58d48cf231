"""One process per database: an exclusive `flock` on a file beside it, held while the store is open.

A second `nomos serve` (or a maintenance command) on the same data directory stops at
start-up with one line naming the directory and the process that holds it, instead of
two processes racing for sequences and keeping caches the other cannot see. The kernel
drops the lock when the holder exits, however it exits (SIGKILL included), so a crash
never leaves a stale lock behind. `flock` is advisory and local: a data directory on a
network file system is not supported.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from pathlib import Path

from ...errors import PersistenceError


class DataDirectoryInUse(PersistenceError):
    def __init__(self, directory: Path, holder: str) -> None:
        self.directory = directory
        who = f" (pid {holder})" if holder else ""
        super().__init__(
            f"the data directory {directory} is in use by another Nomos process{who}: "
            "stop it, or give this one another --data-dir"
        )


class ProcessLock:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def acquire(self) -> None:
        if self._fd is not None:
            return
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            raise PersistenceError(f"cannot create {self.path}: {exc.strerror}") from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
            os.close(fd)
            raise DataDirectoryInUse(self.path.parent, holder) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        self._fd = fd

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            with contextlib.suppress(OSError):
                os.ftruncate(fd, 0)
            os.close(fd)  # closing the descriptor releases the lock
