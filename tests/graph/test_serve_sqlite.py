"""`nomos serve` on its default SQLite store, as a real process: restarts, SIGKILL, a second process."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sqlite3
import stat
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from graph.auth import issue_token
from graph.datadir import database_path
from graph.domain import load_modules
from nomos_mongo import NomosApp
from nomos_mongo.stores.sqlite import SqlitePersistence
from tests.graph.processes import SECRET, Served, nomos, serving, start, wait_ready

pytestmark = pytest.mark.timeout(600)

WORKSPACE = "estate-1"
CREATE_USER = 'mutation { createUser(input: {displayName: "Alice", email: "alice@example.com"}) { success } }'
CREATE_ESTATE = (
    'mutation { createEstate(workspaceId: "estate-1", input: {estateId: "estate-1", name: "Campus"}) { sequence } }'
)
CREATE_ASSET = """mutation($id: ID!) {
  createTrackableAsset(workspaceId: "estate-1", input: {assetId: $id, name: "Pump", assetType: "HVAC"}) {
    success sequence
  }
}"""
READ_ASSET = 'query($id: ID!) { trackableAsset(workspaceId: "estate-1", aggregateId: $id) { aggregateId name } }'
HEADERS = {"authorization": f"Bearer {issue_token(SECRET, 'alice', 'Alice')}"}


def post(served: Served, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    response = httpx.post(
        f"{served.url}/graphql", json={"query": query, "variables": variables or {}}, headers=HEADERS, timeout=30
    )
    body: dict[str, Any] = response.json()
    return body


def set_up_estate(served: Served) -> None:
    assert "errors" not in post(served, CREATE_USER)
    assert "errors" not in post(served, CREATE_ESTATE)


async def create_assets_until_killed(served: Served, kill_after: int) -> dict[str, int]:
    """16 clients create assets; after `kill_after` successes the server gets SIGKILL mid-load."""
    acknowledged: dict[str, int] = {}
    killed = asyncio.Event()

    async def client(number: int, http: httpx.AsyncClient) -> None:
        for i in range(10_000):
            if killed.is_set():
                return
            asset_id = f"asset-{number}-{i}"
            try:
                response = await http.post(
                    "/graphql", json={"query": CREATE_ASSET, "variables": {"id": asset_id}}, headers=HEADERS
                )
            except httpx.HTTPError:
                return  # the server is gone: this request's outcome is unknown, and not counted
            result = response.json().get("data") or {}
            created = result.get("createTrackableAsset")
            if created and created["success"]:
                acknowledged[asset_id] = created["sequence"]
                if len(acknowledged) >= kill_after and not killed.is_set():
                    killed.set()
                    served.process.send_signal(signal.SIGKILL)

    async with httpx.AsyncClient(base_url=served.url, timeout=30) as http:
        await asyncio.gather(*(client(n, http) for n in range(16)))
    served.process.wait(timeout=30)
    return acknowledged


async def check_store(data_dir: Path, acknowledged: dict[str, int]) -> None:
    persistence = SqlitePersistence(database_path(data_dir))
    app = NomosApp(persistence, modules=load_modules())
    async with app:
        entries = await persistence.load_entries(WORKSPACE, "main")
        assert [e.sequence for e in entries] == list(range(1, len(entries) + 1))
        touched_at = {e.sequence: {ref.id for ref in e.touched} for e in entries}
        for asset_id, sequence in acknowledged.items():
            assert asset_id in touched_at.get(sequence, set()), f"acknowledged {asset_id} at {sequence} is missing"
        report = await app.verify_timeline(WORKSPACE, "main")
        assert report.ok, report


def test_every_acknowledged_mutation_survives_sigkill(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    served = start(data_dir)
    wait_ready(served)
    set_up_estate(served)

    acknowledged = asyncio.run(create_assets_until_killed(served, kill_after=120))
    assert served.process.returncode == -signal.SIGKILL
    assert len(acknowledged) >= 120

    with serving(data_dir) as again:  # the lock died with the process: the restart takes the directory
        some = next(iter(acknowledged))
        assert post(again, READ_ASSET, {"id": some})["data"]["trackableAsset"]["aggregateId"] == some
        assert post(again, CREATE_ASSET, {"id": "after-restart"})["data"]["createTrackableAsset"]["success"]
    asyncio.run(check_store(data_dir, acknowledged))


def test_data_and_the_development_token_survive_a_restart(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    env = {"NOMOS_JWT_SECRET": ""}
    with serving(data_dir, env=env) as first:
        token = first.output().split("valid 30 days:")[1].split()[0]
        assert f"SQLite in {data_dir}" in first.output()
        secret = data_dir / "jwt-secret"
        assert stat.S_IMODE(secret.stat().st_mode) == 0o600
        response = httpx.post(
            f"{first.url}/graphql",
            json={"query": CREATE_USER},
            headers={"authorization": f"Bearer {token}"},
            timeout=30,
        )
        assert response.json()["data"]["createUser"]["success"]
    with serving(data_dir, env=env) as second:
        response = httpx.post(
            f"{second.url}/graphql",
            json={"query": "{ __typename }"},
            headers={"authorization": f"Bearer {token}"},
            timeout=30,
        )
        assert response.status_code == 200 and "errors" not in response.json()
    issued = nomos("token", "--user", "bob", "--data-dir", str(data_dir), env=env)
    assert issued.returncode == 0 and issued.stdout.count(".") == 2


def test_a_second_server_on_one_data_directory_refuses_in_one_line(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    with serving(data_dir) as first:
        second = start(data_dir)
        assert second.process.wait(timeout=120) != 0
        lines = [line for line in second.output().splitlines() if line.strip()]
        assert len(lines) == 1 and str(data_dir) in lines[0] and "in use" in lines[0], lines
        assert "Traceback" not in second.output()
        rebuild = nomos("rebuild-snapshots", "--data-dir", str(data_dir))
        assert rebuild.returncode != 0 and "in use" in rebuild.stderr and "Traceback" not in rebuild.stderr
        assert post(first, CREATE_USER)["data"]["createUser"]["success"]  # the first one is unharmed


def one_line_failure(result: Any, *words: str) -> None:
    output = (result.stdout + result.stderr).strip()
    assert result.returncode != 0, output
    assert "Traceback" not in output and len(output.splitlines()) == 1, output
    for word in words:
        assert word in output, output


def test_a_database_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    assert nomos("init-db", "--data-dir", str(data_dir)).returncode == 0
    with sqlite3.connect(database_path(data_dir)) as connection:
        connection.execute("PRAGMA user_version = 99")
    one_line_failure(nomos("serve", "--data-dir", str(data_dir), env={"NOMOS_JWT_SECRET": SECRET}), "newer version")


def test_a_damaged_database_is_refused(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    database_path(data_dir).write_bytes(b"this is not an SQLite file" * 200)
    one_line_failure(nomos("serve", "--data-dir", str(data_dir), env={"NOMOS_JWT_SECRET": SECRET}), "damaged")


def test_a_data_directory_that_is_a_file_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "file"
    target.write_text("x")
    one_line_failure(nomos("serve", "--data-dir", str(target / "data"), env={"NOMOS_JWT_SECRET": SECRET}), "data")


@contextlib.contextmanager
def sealable_directory(path: Path) -> Iterator[Callable[[], None]]:
    """A directory, and a call that makes it read-only even to root (a tmpfs mount, remounted ro).

    A user other than root gets mode 0555 instead, which the kernel enforces for them.
    """
    path.mkdir()
    if os.geteuid() != 0:
        try:
            yield lambda: path.chmod(0o555)
        finally:
            path.chmod(0o755)
        return
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(path)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"root here cannot mount a tmpfs to make a read-only directory: {mounted.stderr.strip()!r}")
    try:
        yield lambda: subprocess.run(["mount", "-o", "remount,ro", str(path)], check=True)
    finally:
        subprocess.run(["umount", "--lazy", str(path)], check=False)


def test_a_read_only_data_directory_is_refused_in_one_line_and_left_as_it_was(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    with sealable_directory(data_dir) as seal:
        assert nomos("init-db", "--data-dir", str(data_dir)).returncode == 0
        before = {p.name: p.read_bytes() for p in data_dir.iterdir()}
        seal()
        with pytest.raises(OSError):
            (data_dir / "probe").write_text("x")  # read-only indeed, even for this process
        env = {"NOMOS_JWT_SECRET": SECRET}
        one_line_failure(nomos("serve", "--data-dir", str(data_dir), env=env), "read-only", str(data_dir.name))
        one_line_failure(nomos("init-db", "--data-dir", str(data_dir)), "read-only")
        one_line_failure(nomos("serve", "--data-dir", str(data_dir / "new"), env=env), "cannot create")
        assert {p.name: p.read_bytes() for p in data_dir.iterdir()} == before


def test_first_run_mistakes_are_one_line(tmp_path: Path) -> None:
    data_dir = str(tmp_path / "data")
    one_line_failure(nomos("serve", "--data-dir", data_dir, env={"NOMOS_JWT_SECRET": "short"}), "32")
    one_line_failure(nomos("token", env={"NOMOS_JWT_SECRET": "short"}), "32")
    one_line_failure(nomos("serve", "--data-dir", data_dir, "--port", "70000"), "65535")
    one_line_failure(nomos("serve", "--memory", "--mongo-uri", "mongodb://x"), "--memory")


def test_backup_copies_a_live_database(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    with serving(data_dir) as served:
        set_up_estate(served)
        copy = tmp_path / "backup.sqlite3"
        made = nomos("backup", str(copy), "--data-dir", str(data_dir))
        assert made.returncode == 0, made.stderr
    restored = tmp_path / "restored"
    restored.mkdir()
    database_path(restored).write_bytes(copy.read_bytes())
    asyncio.run(check_store(restored, {}))
    with sqlite3.connect(database_path(restored)) as connection:
        assert connection.execute("SELECT count(*) FROM ledger WHERE workspace_id = ?", (WORKSPACE,)).fetchone()[0] == 1
