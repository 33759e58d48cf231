"""`nomos serve` as a real child process on a data directory, for tests that kill it."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx

SECRET = "a-process-test-secret-of-at-least-32-bytes"
START_SECONDS = 90.0  # module imports are slow on a busy two-core machine


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def nomos(*arguments: str, env: dict[str, str] | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run `nomos ...` to completion (a command that is expected to end)."""
    return subprocess.run(
        [sys.executable, "-m", "graph", *arguments],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
        check=False,
    )


@dataclass
class Served:
    process: subprocess.Popen[str]
    url: str
    log: Path

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()
        return int(self.process.returncode)


def start(data_dir: Path, *, extra: Sequence[str] = (), env: dict[str, str] | None = None) -> Served:
    port = free_port()
    log = data_dir.parent / f"serve-{port}.log"
    environment = {**os.environ, "NOMOS_JWT_SECRET": SECRET, **(env or {})}
    with log.open("w") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "graph", "serve", "--data-dir", str(data_dir), "--port", str(port), *extra],
            stdout=sink,
            stderr=subprocess.STDOUT,
            text=True,
            env=environment,
        )
    return Served(process, f"http://127.0.0.1:{port}", log)


def wait_ready(served: Served) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if served.process.poll() is not None:
            raise RuntimeError(f"nomos serve exited with {served.process.returncode}:\n{served.output()}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{served.url}/readyz", timeout=2).status_code == 200:
                return
        time.sleep(0.2)
    served.kill()
    raise RuntimeError(f"nomos serve did not become ready:\n{served.output()}")


@contextlib.contextmanager
def serving(data_dir: Path, **options: object) -> Iterator[Served]:
    served = start(data_dir, **options)  # type: ignore[arg-type]
    try:
        wait_ready(served)
        yield served
    finally:
        served.stop()
