"""The `nomos` command line."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from graph.auth import TokenVerifier
from graph.cli import cli, current_sdl
from graph.settings import Settings

runner = CliRunner()
SECRET = "a-secret-of-at-least-thirty-two-bytes!"


def test_export_schema_writes_the_sdl_and_checks_it(tmp_path: Path) -> None:
    target = tmp_path / "schema.graphql"
    result = runner.invoke(cli, ["export-schema", "--output", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_text() == current_sdl()
    assert runner.invoke(cli, ["export-schema", "--output", str(target), "--check"]).exit_code == 0
    target.write_text("type Query { stale: Int }\n")
    stale = runner.invoke(cli, ["export-schema", "--output", str(target), "--check"])
    assert stale.exit_code == 1 and "stale" in stale.output


def test_serve_on_mongodb_needs_a_configured_key(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("NOMOS_JWT_SECRET", "NOMOS_JWT_PUBLIC_KEY"):
        monkeypatch.delenv(name, raising=False)
    result = runner.invoke(cli, ["serve", "--mongo-uri", "mongodb://127.0.0.1:1"])
    assert result.exit_code == 1 and "NOMOS_JWT_SECRET" in result.output


def test_serve_reports_a_bad_mongodb_uri_in_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NOMOS_JWT_SECRET", SECRET)
    result = runner.invoke(cli, ["serve", "--mongo-uri", "mongodb://"])
    assert result.exit_code == 1
    assert "error:" in result.output and "Traceback" not in result.output


def test_token_issues_what_the_server_accepts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NOMOS_JWT_SECRET", SECRET)
    result = runner.invoke(cli, ["token", "--user", "alice", "--name", "Alice"])
    assert result.exit_code == 0
    assert TokenVerifier(secret=SECRET).verify(result.stdout.strip()).name == "Alice"


def test_settings_come_from_the_environment_and_flags_win() -> None:
    environ = {
        "NOMOS_PRODUCTION": "1",
        "NOMOS_MAX_DEPTH": "7",
        "NOMOS_ALLOWED_ORIGINS": "https://a.example, x",
        "NOMOS_PORT": "1",
        "NOMOS_JWT_SECRET": SECRET,
    }
    settings = Settings.from_env(environ, port=9000, max_depth=None)
    assert settings.production and not settings.graphiql_enabled and not settings.introspection_enabled
    assert (settings.max_depth, settings.port, settings.allowed_origins) == (7, 9000, ("https://a.example", "x"))
    with pytest.raises(ValueError, match="NOMOS_PRODUCTION"):
        Settings.from_env({"NOMOS_PRODUCTION": "maybe"})


@pytest.mark.parametrize(
    "command", [["serve"], ["export-schema"], ["token"], ["init-db"], ["rebuild-snapshots"], ["backup"]]
)
def test_help_shows_no_placeholder_for_flags(command: list[str]) -> None:
    result = runner.invoke(cli, [*command, "--help"])
    assert result.exit_code == 0 and "<bool>" not in result.output


def test_export_schema_says_it_writes_the_file() -> None:
    text = " ".join(runner.invoke(cli, ["export-schema", "--help"]).output.split())
    assert "Write the GraphQL SDL" in text and "-o -" in text


@pytest.mark.parametrize("port", ["0", "65536", "-1"])
def test_serve_checks_the_port(port: str, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["serve", "--data-dir", str(tmp_path), "--port", port])
    assert result.exit_code == 1 and "1 to 65535" in result.output
    assert not (tmp_path / "nomos.sqlite3").exists()


def test_a_short_secret_is_one_line_for_serve_and_token(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("NOMOS_JWT_SECRET", "too-short")
    for command in (["serve", "--data-dir", str(tmp_path)], ["token"]):
        result = runner.invoke(cli, command)
        assert result.exit_code == 1 and "at least 32" in result.output, result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)


def test_init_db_prepares_the_sqlite_store(tmp_path: Path) -> None:
    result = runner.invoke(cli, ["init-db", "--data-dir", str(tmp_path / "data")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "data" / "nomos.sqlite3").exists()
    again = runner.invoke(cli, ["init-db", "--data-dir", str(tmp_path / "data")])
    assert again.exit_code == 0, again.output
