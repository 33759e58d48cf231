"""The wire-protocol leg: a MongoDB stand-in (mongoeco) in its own Python 3.13 process.

mongoeco needs Python 3.13, the project runs on 3.11 and later, so the stand-in lives in a
virtual environment of its own, built once from `requirements.txt` and cached under a name
that hashes that file and the interpreter: changing the pin builds a new one.

NOMOS_WIRE_LEG=1   run the leg, building the environment if needed (CI does this)
NOMOS_WIRE_LEG=0   never run it
unset              run it when the environment is already built, else skip its tests
NOMOS_WIRE_PYTHON  the Python 3.13 to build it with (default: the newest pyenv 3.13)
"""

from __future__ import annotations

import atexit
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REQUIREMENTS = HERE / "requirements.txt"
SERVER = HERE / "server.py"
START_TIMEOUT = 60.0
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "nomos-wire"


class WireUnavailable(Exception):
    """The stand-in cannot run here; the message says why (a skip reason)."""


def base_python() -> Path | None:
    chosen = os.environ.get("NOMOS_WIRE_PYTHON")
    if chosen:
        return Path(chosen)
    found = sorted((Path.home() / ".pyenv" / "versions").glob("3.13*/bin/python"))
    return found[-1] if found else None


def environment_dir(python: Path) -> Path:
    key = hashlib.sha256(REQUIREMENTS.read_bytes() + str(python.resolve()).encode()).hexdigest()[:16]
    return CACHE / f"mongoeco-{key}"


def build_environment(python: Path, target: Path) -> None:
    """Build next to `target`, then rename: a build that fails half-way is never reused."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=target.name + ".", dir=target.parent))
    try:
        subprocess.run([str(python), "-m", "venv", "--clear", str(staging)], check=True, capture_output=True)
        subprocess.run(
            [str(staging / "bin" / "python"), "-m", "pip", "install", "-q", "-r", str(REQUIREMENTS)],
            check=True,
            capture_output=True,
        )
        try:
            staging.rename(target)
        except OSError:  # another run built it meanwhile
            if not (target / "bin" / "python").exists():
                raise
    except subprocess.CalledProcessError as exc:
        raise WireUnavailable(f"building the mongoeco environment failed: {exc.stderr.decode()[-500:]}") from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def standin_python() -> Path:
    """The stand-in environment's interpreter, or WireUnavailable saying why not."""
    wanted = os.environ.get("NOMOS_WIRE_LEG", "")
    if wanted == "0":
        raise WireUnavailable("NOMOS_WIRE_LEG=0")
    python = base_python()
    if python is None or not python.exists():
        raise WireUnavailable("no Python 3.13 for the mongoeco wire stand-in (pyenv 3.13 or NOMOS_WIRE_PYTHON)")
    target = environment_dir(python)
    if not (target / "bin" / "python").exists():
        if wanted != "1":
            raise WireUnavailable("the mongoeco environment is not built; set NOMOS_WIRE_LEG=1 to build it")
        build_environment(python, target)
    return target / "bin" / "python"


@dataclass
class WireServer:
    """One stand-in process. `kill` and `start` again on the same port simulate an outage."""

    replica_set: str | None = None
    sqlite: Path | None = None
    port: int = 0
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def uri(self) -> str:
        return f"mongodb://127.0.0.1:{self.port}/?directConnection=true"

    def start(self) -> str:
        command = [str(standin_python()), str(SERVER), "--port", str(self.port)]
        if self.replica_set:
            command += ["--replica-set", self.replica_set]
        if self.sqlite:
            command += ["--sqlite", str(self.sqlite)]
        process = subprocess.Popen(command, stdout=subprocess.PIPE)
        self.process = process
        assert process.stdout is not None
        line = _read_line(process, START_TIMEOUT)
        if not line:
            self.stop()
            raise WireUnavailable(f"the mongoeco wire server did not start ({' '.join(command)})")
        self.port = int(json.loads(line)["port"])
        _started.append(self)
        return self.uri

    def stop(self) -> None:
        """Stop gracefully (SIGTERM), or kill after 10 s."""
        process, self.process = self.process, None
        if process is None:
            return
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if process.stdout is not None:
            process.stdout.close()

    def kill(self) -> None:
        """Die at once, as a crashed server does: no goodbye to connected clients."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
        self.stop()


def _read_line(process: subprocess.Popen[bytes], timeout: float) -> bytes:
    import selectors

    assert process.stdout is not None
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        if not selector.select(timeout):
            return b""
    return process.stdout.readline()


_started: list[WireServer] = []


def stop_all() -> None:
    while _started:
        _started.pop().stop()


atexit.register(stop_all)  # a backstop: the session fixture stops them first


class WireServers:
    """The session's two shared stand-ins, started on first use: one per adapter path."""

    PATHS = {"wire-standalone": None, "wire-replica-set": "rs0"}

    def __init__(self) -> None:
        self._servers: dict[str, WireServer] = {}
        self._unavailable: str | None = None

    def uri(self, kind: str) -> str:
        if self._unavailable is not None:
            raise WireUnavailable(self._unavailable)
        server = self._servers.get(kind)
        if server is None:
            try:
                server = WireServer(replica_set=self.PATHS[kind])
                server.start()
            except WireUnavailable as exc:
                self._unavailable = str(exc)
                raise
            self._servers[kind] = server
        return server.uri

    def stop(self) -> None:
        for server in self._servers.values():
            server.stop()
        self._servers.clear()


SERVERS = WireServers()

if __name__ == "__main__":  # build the environment ahead of a run: python -m tests.wire.harness
    os.environ.setdefault("NOMOS_WIRE_LEG", "1")
    print(standin_python())
    sys.exit(0)
