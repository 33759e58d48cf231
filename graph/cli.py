"""`nomos`: serve the GraphQL API, export its SDL, and maintain its store (SQLite or MongoDB)."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Callable, Coroutine
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any, NoReturn
from urllib.parse import quote

import typer
import uvicorn
from rich.console import Console

from nomos_mongo import BlobStorage, MemoryPersistence, NomosApp, Persistence, PersistenceError
from nomos_mongo.bench.cli import bench_app

from . import checks, datadir
from .auth import issue_token, new_secret
from .demo import load_demo
from .domain import load_modules
from .logs import configure_logging
from .schema import build_schema, sdl
from .server import NomosServer, create_app, settle_heap, uvicorn_config
from .settings import LIMITS_HELP, Settings

# plain help: typer's rich panels label every flag with a "<bool>" placeholder that takes no value
cli = typer.Typer(
    help="Nomos for Python: the CO2 GraphQL API.", no_args_is_help=True, add_completion=False, rich_markup_mode=None
)
cli.add_typer(bench_app, name="bench")
console = Console(stderr=True)
DEFAULT_SDL = Path("schema/schema.graphql")
DEV_USER, DEV_NAME = "dev", "Developer"

MongoUri = Annotated[
    str | None, typer.Option("--mongo-uri", envvar="NOMOS_MONGO_URI", help="Use MongoDB at this URI instead of SQLite.")
]
MongoDb = Annotated[str | None, typer.Option("--mongo-db", envvar="NOMOS_MONGO_DB", help="MongoDB database name.")]
DataDir = Annotated[
    Path,
    typer.Option(
        "--data-dir",
        envvar="NOMOS_DATA_DIR",
        help="Where the embedded SQLite store keeps its data (created if missing).",
        file_okay=False,
    ),
]
DEFAULT_DATA_DIR = Path("nomos-data")


def fail(message: str, code: int = 1) -> NoReturn:
    console.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)  # one line, however long
    raise typer.Exit(code)


def run(main: Callable[[], Coroutine[Any, Any, int]]) -> int:
    # uvicorn's loop (uvloop when installed), as `uvicorn.run` would choose
    factory = uvicorn.Config(app="graph.server:create_app").get_loop_factory()
    with asyncio.Runner(loop_factory=factory) as runner:
        return runner.run(main())


async def open_store(settings: Settings) -> tuple[Persistence, BlobStorage | None]:
    """The store the settings name, opened; a store that cannot open ends the command in one line."""
    if settings.store == "memory":
        return MemoryPersistence(), None
    if settings.store == "sqlite":
        from nomos_mongo.stores.sqlite import SqlitePersistence

        try:
            directory = datadir.prepare(Path(settings.data_dir))
        except datadir.DataDirectoryError as exc:
            fail(str(exc))
        embedded = SqlitePersistence(datadir.database_path(directory), synchronous=settings.sqlite_synchronous)  # type: ignore[arg-type]
        return embedded, embedded.blob_storage()
    assert settings.mongo_uri is not None
    try:
        from nomos_mongo.stores.mongo import connect
    except ImportError as exc:
        fail(f"the MongoDB adapter is not available: {exc}")
    try:
        persistence = await connect(settings.mongo_uri, settings.mongo_db)
    except PersistenceError as exc:
        fail(str(exc))
    return persistence, persistence.blob_storage()


async def start_store(persistence: Persistence) -> None:
    try:
        await persistence.start()
    except PersistenceError as exc:
        fail(str(exc))


@cli.command(epilog=LIMITS_HELP)
def serve(
    host: Annotated[str, typer.Option(envvar="NOMOS_HOST", help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(envvar="NOMOS_PORT", help="Port to listen on (1-65535).")] = 8000,
    data_dir: DataDir = DEFAULT_DATA_DIR,
    memory: Annotated[
        bool, typer.Option("--memory", help="Keep everything in memory: nothing survives a restart.", metavar="")
    ] = False,
    mongo_uri: MongoUri = None,
    mongo_db: MongoDb = None,
    demo: Annotated[bool, typer.Option("--demo", help="Load a small demo estate at start-up.", metavar="")] = False,
    production: Annotated[
        bool,
        typer.Option(
            "--production", help="No GraphiQL, no introspection, no suggestions; a JWT key is required.", metavar=""
        ),
    ] = False,
    log_level: Annotated[str, typer.Option(help="debug, info, warning or error.")] = "info",
) -> None:
    """Serve the GraphQL API (GraphiQL at /graphql); data in SQLite in --data-dir unless --memory or --mongo-uri."""
    try:
        settings = Settings.from_env(
            host=host,
            port=port,
            data_dir=str(data_dir) if data_dir != DEFAULT_DATA_DIR else None,
            memory=memory or None,
            mongo_uri=mongo_uri,
            mongo_db=mongo_db,
            production=production or None,
            demo=demo,
        )
        settings.check()
    except ValueError as exc:
        fail(str(exc))
    configure_logging(log_level)
    dev_token = None
    if not settings.jwt_secret and not settings.jwt_public_key:
        if settings.mongo_uri or settings.production:
            fail(
                "set NOMOS_JWT_SECRET (HS256) or NOMOS_JWT_PUBLIC_KEY (RS256): every API process must verify "
                "the same tokens, so none can be generated here"
            )
        settings = replace(
            settings, jwt_secret=_development_secret(settings), system_admins=(*settings.system_admins, DEV_USER)
        )
        dev_token = issue_token(settings.jwt_secret or "", DEV_USER, DEV_NAME)
    sys.exit(run(lambda: _serve(settings, dev_token)))


def _development_secret(settings: Settings) -> str:
    """Kept in the data directory, so tokens survive restarts; made anew each run on --memory."""
    if settings.store != "sqlite":
        return new_secret()
    try:
        return datadir.development_secret(datadir.prepare(Path(settings.data_dir)))
    except datadir.DataDirectoryError as exc:
        fail(str(exc))


async def _serve(settings: Settings, dev_token: str | None) -> int:
    persistence, blobs = await open_store(settings)
    app = NomosApp(persistence, modules=load_modules(), blob_storage=blobs)
    await start_store(persistence)  # here, so that a store that cannot open ends in one line

    async def demo() -> None:
        for description in await load_demo(app, DEV_USER):
            console.print(f"demo: {description}", highlight=False)

    asgi = create_app(app, settings, on_startup=[demo] if settings.demo else [])
    settle_heap()
    server = NomosServer(uvicorn_config(asgi, settings, log_level="warning"), lambda: _banner(settings, dev_token))
    try:
        await server.serve()
    finally:
        await persistence.close()  # the lifespan closed the app; this covers a server that never started
    return 0 if server.started else 3


def _banner(settings: Settings, dev_token: str | None) -> None:
    host = "127.0.0.1" if settings.host in ("0.0.0.0", "::") else settings.host
    url = f"http://{host}:{settings.port}/graphql"
    if settings.store == "mongo":
        store = f"MongoDB ({(settings.mongo_uri or '').split('@')[-1]})"
    elif settings.store == "memory":
        store = "in memory"
    else:
        store = f"SQLite in {Path(settings.data_dir).resolve()}"
    console.print(f"\n[bold]Nomos GraphQL API[/] on {url}  ({store})", highlight=False, soft_wrap=True)
    if dev_token is not None:
        headers = quote(json.dumps({"Authorization": f"Bearer {dev_token}"}))
        console.print(
            f"\nDevelopment token for user {DEV_USER!r} ({DEV_NAME}), valid 30 days:\n  {dev_token}",
            highlight=False,
            soft_wrap=True,
        )
        console.print(f"\nGraphiQL, signed in: {url}?headers={headers}\n", highlight=False, soft_wrap=True)
    if settings.store == "memory":
        console.print("The data lives in memory and is gone when the server stops. Ctrl+C to stop.\n", soft_wrap=True)
    elif settings.store == "sqlite":
        directory = Path(settings.data_dir).resolve()
        console.print(
            f"The data is kept in {directory} (back it up with `nomos backup`). Ctrl+C to stop.\n",
            highlight=False,
            soft_wrap=True,
        )


@cli.command("export-schema")
def export_schema(
    output: Annotated[
        Path, typer.Option("--output", "-o", help="The file to write; - prints to stdout.")
    ] = DEFAULT_SDL,
    check: Annotated[
        bool,
        typer.Option(
            "--check",
            help="Write nothing: exit 0 if the file is current, 2 if stale with safe changes, 1 if breaking.",
            metavar="",
        ),
    ] = False,
) -> None:
    """Write the GraphQL SDL of the served schema to --output (schema/schema.graphql); `-o -` prints it."""
    text = current_sdl()
    if check:
        if not output.exists():
            fail(f"{output} is stale: it does not exist; run `nomos export-schema --output {output}`")
        if output.read_text(encoding="utf-8") != text:
            changes = checks.sdl_changes(output.read_text(encoding="utf-8"), text)
            checks.print_sdl_changes(changes, output, console)
            raise typer.Exit(changes.exit_code)
        console.print(f"{output} is up to date")
        return
    if str(output) == "-":
        sys.stdout.write(text)
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    console.print(f"wrote {output} ({len(text.splitlines())} lines)")


def current_sdl() -> str:
    app = NomosApp(MemoryPersistence(), modules=load_modules())
    return sdl(build_schema(app.registry))


@cli.command()
def token(
    user: Annotated[str, typer.Option(help="The user id (the `sub` claim).")] = DEV_USER,
    name: Annotated[str | None, typer.Option(help="The display name (the `name` claim).")] = None,
    days: Annotated[int, typer.Option(help="Days until it expires.")] = 30,
    data_dir: DataDir = DEFAULT_DATA_DIR,
) -> None:
    """Issue an HS256 bearer token signed with NOMOS_JWT_SECRET, else with the secret kept in --data-dir."""
    try:
        settings = Settings.from_env()
        settings.check()
    except ValueError as exc:
        fail(str(exc))
    secret = settings.jwt_secret
    if not secret:
        try:
            secret = datadir.stored_secret(Path(data_dir))
        except datadir.DataDirectoryError as exc:
            fail(str(exc))
    if not secret:
        fail(
            f"set NOMOS_JWT_SECRET to the secret the server verifies tokens with (no development secret in {data_dir})"
        )
    sys.stdout.write(issue_token(secret, user, name, ttl_seconds=days * 86_400) + "\n")


def _store_settings(data_dir: Path, mongo_uri: str | None, mongo_db: str | None) -> Settings:
    try:
        settings = Settings.from_env(data_dir=str(data_dir) if data_dir != DEFAULT_DATA_DIR else None)
        settings = replace(settings, memory=False, mongo_uri=mongo_uri, mongo_db=mongo_db)
        settings.check()
    except ValueError as exc:
        fail(str(exc))
    return settings


@cli.command("init-db")
def init_db(data_dir: DataDir = DEFAULT_DATA_DIR, mongo_uri: MongoUri = None, mongo_db: MongoDb = None) -> None:
    """Create or migrate the store's tables and indexes (idempotent): SQLite in --data-dir, or MongoDB."""
    settings = _store_settings(data_dir, mongo_uri, mongo_db)

    async def main() -> int:
        persistence, _ = await open_store(settings)
        NomosApp(persistence, modules=load_modules())  # binds the registry: snapshot indexes per type
        try:
            if settings.store == "mongo":
                from nomos_mongo.stores.mongo import init_db as create_indexes

                await create_indexes(persistence)  # type: ignore[arg-type]
            else:
                await start_store(persistence)
        finally:
            await persistence.close()
        where = "MongoDB" if settings.store == "mongo" else f"the database in {settings.data_dir}"
        console.print(f"indexes are in place: {where} is ready", highlight=False)
        return 0

    sys.exit(run(main))


@cli.command("rebuild-snapshots")
def rebuild_snapshots(
    data_dir: DataDir = DEFAULT_DATA_DIR, mongo_uri: MongoUri = None, mongo_db: MongoDb = None
) -> None:
    """Recompute every timeline's snapshots from its ledger (SQLite: only while no server has it open)."""
    settings = _store_settings(data_dir, mongo_uri, mongo_db)

    async def main() -> int:
        from nomos_mongo.stores.mongo import rebuild_snapshots as rebuild

        persistence, blobs = await open_store(settings)
        app = NomosApp(persistence, modules=load_modules(), blob_storage=blobs)
        await start_store(persistence)  # on SQLite this takes the data directory's lock: no server is writing

        def progress(done: int, total: int) -> None:
            console.print(f"rebuilt {done}/{total} timelines")

        try:
            count = await rebuild(app, persistence, progress)
        finally:
            await app.close()
            await persistence.close()
        console.print(f"done: {count} timelines")
        return 0

    sys.exit(run(main))


@cli.command()
def backup(
    destination: Annotated[Path, typer.Argument(help="The file to write (it must not exist).", dir_okay=False)],
    data_dir: DataDir = DEFAULT_DATA_DIR,
) -> None:
    """Copy the SQLite database of --data-dir to one file, consistently, even while the server runs."""
    from nomos_mongo.stores.sqlite import backup_database

    source = datadir.database_path(Path(data_dir))
    if not source.exists():
        fail(f"there is no database in {Path(data_dir).resolve()}")
    if destination.exists():
        fail(f"{destination} exists already: choose a new file")
    try:
        pages = backup_database(source, destination)
    except PersistenceError as exc:
        fail(str(exc))
    console.print(f"wrote {destination} ({pages:,} pages); restore by copying it to {source} while no server runs")


@cli.command("check-ledger")
def check_ledger(
    data_dir: DataDir = DEFAULT_DATA_DIR,
    mongo_uri: MongoUri = None,
    mongo_db: MongoDb = None,
    import_file: Annotated[
        Path | None, typer.Option("--import", help="Check an exported ledger file (JSON lines) instead.")
    ] = None,
    domain: Annotated[
        str | None, typer.Option(help="The domain's modules as package.module:NAME (default: the CO2 domain).")
    ] = None,
) -> None:
    """Before a deploy: can this code read every stored document? Exit 1 if any fails, 2 if snapshots are stale."""
    modules = checks.domain_modules(domain) if domain else load_modules()

    async def main() -> int:
        if import_file is not None:
            check = checks.scan_file(NomosApp(MemoryPersistence(), modules=modules), import_file, console)
        else:
            persistence, blobs = await open_store(_store_settings(data_dir, mongo_uri, mongo_db))
            app = NomosApp(persistence, modules=modules, blob_storage=blobs)  # binds the registry first
            await start_store(persistence)
            try:
                check = await checks.scan_store(app, console)
            finally:
                await app.close()
        checks.print_check(check, console)
        return checks.check_exit_code(check)

    sys.exit(run(main))


def main(argv: list[str] | None = None) -> Any:
    return cli(args=argv)
