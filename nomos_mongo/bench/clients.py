"""The measured server as a child process, and a lean HTTP/1.1 keep-alive client for load.

The load generator shares the machine with the server, so it must cost little: a raw
keep-alive connection costs a fraction of a general-purpose client's CPU per request.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import os
import secrets
import sys
import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .server import SCENARIO_VARIABLE, SECRET_VARIABLE

START_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0


@dataclass
class Server:
    process: asyncio.subprocess.Process
    port: int
    secret: str

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/graphql"

    def token(self, user_id: str = "bench-user") -> str:
        from graph.auth import issue_token

        return issue_token(self.secret, user_id, "Bench")


def _python_path() -> str:
    roots = {str(Path(__file__).resolve().parents[2])}
    with contextlib.suppress(ImportError):
        import graph

        roots.add(str(Path(graph.__file__).resolve().parents[1]))
    existing = os.environ.get("PYTHONPATH")
    return os.pathsep.join([*sorted(roots), *([existing] if existing else [])])


@contextlib.contextmanager
def steady_client() -> Iterator[None]:
    """Keep the load generator's own garbage collector out of the server's latencies.

    What earlier suites left in this process is moved out of the collector's sight, and young
    collections come as rarely as in the server (`settle_heap`), so that a full collection
    here (the subscription suites hold a thousand client sockets) cannot stall the clients
    mid-measurement; the server is untouched.
    """
    from graph.server import COLLECTOR_THRESHOLDS  # a server runs: graph is installed

    thresholds = gc.get_threshold()
    gc.collect()
    gc.freeze()
    gc.set_threshold(*COLLECTOR_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


@contextlib.asynccontextmanager
async def running_server(scenario: str = "todo", *, start_timeout: float = START_TIMEOUT) -> AsyncIterator[Server]:
    """The API server of `scenario` in a child process; stopped (then killed if need be) on exit.

    Meanwhile this process's garbage collector is kept steady (see `steady_client`).
    """
    secret = secrets.token_urlsafe(32)
    env = {
        **os.environ,
        SECRET_VARIABLE: secret,
        SCENARIO_VARIABLE: scenario,
        "PYTHONPATH": _python_path(),
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "nomos_mongo.bench.server",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=env,
    )
    try:
        assert process.stdout is not None and process.stderr is not None
        try:
            line = await asyncio.wait_for(process.stdout.readline(), start_timeout)
        except TimeoutError:
            line = b""
        if not line.startswith(b"READY "):
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            error = (await process.stderr.read()).decode(errors="replace").strip().splitlines()
            raise RuntimeError(f"the API server did not start: {error[-1] if error else 'no output'}")
        # keep reading what it prints, or a full pipe would block the server
        drains = [asyncio.get_running_loop().create_task(_drain(pipe)) for pipe in (process.stdout, process.stderr)]
        try:
            with steady_client():
                yield Server(process, int(line.split()[1]), secret)
        finally:
            for drain in drains:
                drain.cancel()
    finally:
        await _stop(process)


async def _drain(pipe: asyncio.StreamReader) -> None:
    while await pipe.read(65_536):
        pass


async def _stop(process: asyncio.subprocess.Process) -> None:
    if process.returncode is None:
        with contextlib.suppress(ProcessLookupError):
            process.terminate()
        try:
            await asyncio.wait_for(process.wait(), STOP_TIMEOUT)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError), contextlib.suppress(ProcessLookupError):
                process.kill()
            await process.wait()


class HttpConnection:
    """One keep-alive HTTP/1.1 connection: one request at a time, as a browser tab would."""

    def __init__(self, port: int, token: str | None = None) -> None:
        self.port = port
        self.token = token
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def open(self) -> None:
        self._reader, self._writer = await asyncio.open_connection("127.0.0.1", self.port)

    async def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            with contextlib.suppress(Exception):
                await self._writer.wait_closed()
            self._writer = None

    async def request(self, method: str, path: str, body: bytes = b"") -> tuple[int, bytes]:
        if self._writer is None:
            await self.open()
        assert self._reader is not None and self._writer is not None
        head = [f"{method} {path} HTTP/1.1", f"host: 127.0.0.1:{self.port}", f"content-length: {len(body)}"]
        if body:
            head.append("content-type: application/json")
        if self.token:
            head.append(f"authorization: Bearer {self.token}")
        self._writer.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body)
        status_line = await self._reader.readline()
        if not status_line:
            raise ConnectionError("the server closed the connection")
        status = int(status_line.split()[1])
        length, chunked = 0, False
        while (line := await self._reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            name = name.strip().lower()
            if name == "content-length":
                length = int(value)
            elif name == "transfer-encoding" and "chunked" in value.lower():
                chunked = True
        if not chunked:
            return status, await self._reader.readexactly(length)
        parts = []
        while size := int((await self._reader.readline()).split(b";")[0], 16):
            parts.append(await self._reader.readexactly(size))
            await self._reader.readline()
        await self._reader.readline()
        return status, b"".join(parts)

    async def graphql(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        payload = json.dumps({"query": query, "variables": variables or {}}).encode()
        status, body = await self.request("POST", "/graphql", payload)
        result: dict[str, Any] = json.loads(body)
        if status != 200 or result.get("errors"):
            raise RuntimeError(f"GraphQL request failed ({status}): {body[:300]!r}")
        return result["data"]  # type: ignore[no-any-return]

    async def get_json(self, path: str) -> Any:
        status, body = await self.request("GET", path)
        if status != 200:
            raise RuntimeError(f"GET {path} failed ({status})")
        return json.loads(body)


LOAD_WARMUP_SECONDS = 0.5
Request = Callable[[int, int], tuple[str, dict[str, Any]]]  # (client, n) -> (document, variables)


@dataclass(frozen=True, slots=True)
class CpuShares:
    """How busy the load generator (this process) and the server were over a window."""

    seconds: float
    client_seconds: float  # CPU time of this process
    server_seconds: float  # CPU time of the server (user + system)

    @property
    def client(self) -> float:
        return self.client_seconds / self.seconds  # share of one core

    @property
    def server(self) -> float:
        return self.server_seconds / self.seconds

    def describe(self, client: str = "load generator") -> str:
        return f"{client} at {self.client:.0%} of a core, server at {self.server:.0%}"


class CpuMeter:
    """`CpuShares` from `start()` to `stop()`: the load generator must not be the bottleneck."""

    def __init__(self, pid: int) -> None:
        import psutil

        self._server = psutil.Process(pid)
        self.start()

    def _now(self) -> tuple[float, float, float]:
        return time.perf_counter(), time.process_time(), sum(self._server.cpu_times()[:2])

    def start(self) -> None:
        self._started = self._now()

    def stop(self) -> CpuShares:
        (wall, client, server), started = self._now(), self._started
        return CpuShares(wall - started[0], client - started[1], server - started[2])


@dataclass(frozen=True, slots=True)
class Load:
    count: int
    latencies: list[float]
    errors: int
    seconds: float
    cpu: CpuShares

    @property
    def rate(self) -> float:
        return self.count / self.seconds

    def describe(self) -> str:
        return self.cpu.describe()


async def load(port: int, pid: int, clients: int, seconds: float, request: Request, token: str | None = None) -> Load:
    """Each client sends `request` on its own keep-alive connection to `port`, one after another."""
    connections = [HttpConnection(port, token) for _ in range(clients)]
    await asyncio.gather(*(c.open() for c in connections))
    started = time.perf_counter()
    measure_from, stop_at = started + LOAD_WARMUP_SECONDS, started + LOAD_WARMUP_SECONDS + seconds
    latencies: list[float] = []
    errors = 0
    meter = CpuMeter(pid)
    shares: list[CpuShares] = []

    async def measure() -> None:
        await asyncio.sleep(max(0.0, measure_from - time.perf_counter()))
        meter.start()
        await asyncio.sleep(max(0.0, stop_at - time.perf_counter()))
        shares.append(meter.stop())

    async def client(index: int, connection: HttpConnection) -> None:
        nonlocal errors
        n = 0
        while (sent := time.perf_counter()) < stop_at:
            n += 1
            document, variables = request(index, n)
            try:
                await connection.graphql(document, variables)
            except (RuntimeError, ConnectionError, OSError, asyncio.IncompleteReadError):
                errors += 1
                await connection.close()
                continue
            if sent >= measure_from:
                latencies.append(time.perf_counter() - sent)

    try:
        await asyncio.gather(measure(), *(client(i, c) for i, c in enumerate(connections)))
    finally:
        await asyncio.gather(*(c.close() for c in connections))
    return Load(len(latencies), latencies, errors, seconds, shares[0])
