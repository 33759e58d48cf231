"""`nomos`: serve the GraphQL API, export its SDL, and maintain a MongoDB database."""

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

from . import checks
from .auth import issue_token, new_secret
from .demo import load_demo
from .domain import load_modules
from .logs import configure_logging
from .schema import build_schema, sdl
from .server import NomosServer, create_app, uvicorn_config
from .settings import Settings

cli = typer.Typer(help="Nomos for Python: the CO2 GraphQL API.", no_args_is_help=True, add_completion=False)
cli.add_typer(bench_app, name="bench")
console = Console(stderr=True)
DEFAULT_SDL = Path("schema/schema.graphql")
DEV_USER, DEV_NAME = "dev", "Developer"

MongoUri = Annotated[str | None, typer.Option("--mongo-uri", envvar="NOMOS_MONGO_URI", help="MongoDB URI.")]
MongoDb = Annotated[str | None, typer.Option("--mongo-db", envvar="NOMOS_MONGO_DB", help="Database name.")]


def fail(message: str, code: int = 1) -> NoReturn:
    console.print(f"[bold red]error:[/] {message}", highlight=False)
    raise typer.Exit(code)


def run(main: Callable[[], Coroutine[Any, Any, int]]) -> int:
    # uvicorn's loop (uvloop when installed), as `uvicorn.run` would choose
    factory = uvicorn.Config(app="graph.server:create_app").get_loop_factory()
    with asyncio.Runner(loop_factory=factory) as runner:
        return runner.run(main())


async def open_store(settings: Settings) -> tuple[Persistence, BlobStorage | None]:
    if not settings.mongo_uri:
        return MemoryPersistence(), None
    try:
        from nomos_mongo.stores.mongo import connect
    except ImportError as exc:
        fail(f"the MongoDB adapter is not available: {exc}")
    try:
        persistence = await connect(settings.mongo_uri, settings.mongo_db)
    except PersistenceError as exc:
        fail(str(exc))
    return persistence, persistence.blob_storage()


@cli.command()
def serve(
    host: Annotated[str, typer.Option(envvar="NOMOS_HOST", help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(envvar="NOMOS_PORT", help="Port to listen on.")] = 8000,
    mongo_uri: MongoUri = None,
    mongo_db: MongoDb = None,
    demo: Annotated[bool, typer.Option(help="Load a small demo estate at start-up.")] = False,
    production: Annotated[bool, typer.Option(help="No GraphiQL, no introspection; a JWT key is required.")] = False,
    log_level: Annotated[str, typer.Option(help="debug, info, warning or error.")] = "info",
) -> None:
    """Serve the GraphQL API (GraphiQL at /graphql), on the embedded store unless --mongo-uri is given."""
    try:
        settings = Settings.from_env(
            host=host, port=port, mongo_uri=mongo_uri, mongo_db=mongo_db, production=production or None, demo=demo
        )
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
        settings = replace(settings, jwt_secret=new_secret(), system_admins=(*settings.system_admins, DEV_USER))
        dev_token = issue_token(settings.jwt_secret or "", DEV_USER, DEV_NAME)
    sys.exit(run(lambda: _serve(settings, dev_token)))


async def _serve(settings: Settings, dev_token: str | None) -> int:
    persistence, blobs = await open_store(settings)
    app = NomosApp(persistence, modules=load_modules(), blob_storage=blobs)

    async def demo() -> None:
        for description in await load_demo(app, DEV_USER):
            console.print(f"demo: {description}", highlight=False)

    asgi = create_app(app, settings, on_startup=[demo] if settings.demo else [])
    server = NomosServer(uvicorn_config(asgi, settings, log_level="warning"), lambda: _banner(settings, dev_token))
    await server.serve()
    return 0 if server.started else 3


def _banner(settings: Settings, dev_token: str | None) -> None:
    host = "127.0.0.1" if settings.host in ("0.0.0.0", "::") else settings.host
    url = f"http://{host}:{settings.port}/graphql"
    store = f"MongoDB ({settings.mongo_uri.split('@')[-1]})" if settings.mongo_uri else "the embedded in-memory store"
    console.print(f"\n[bold]Nomos GraphQL API[/] on {url}  ({store})", highlight=False, soft_wrap=True)
    if dev_token is not None:
        headers = quote(json.dumps({"Authorization": f"Bearer {dev_token}"}))
        console.print(
            f"\nDevelopment token for user {DEV_USER!r} ({DEV_NAME}), valid 30 days:\n  {dev_token}",
            highlight=False,
            soft_wrap=True,
        )
        console.print(f"\nGraphiQL, signed in: {url}?headers={headers}\n", highlight=False, soft_wrap=True)
        console.print("The data lives in memory and is gone when the server stops. Ctrl+C to stop.\n", soft_wrap=True)


@cli.command("export-schema")
def export_schema(
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write the SDL; - for stdout.")] = DEFAULT_SDL,
    check: Annotated[
        bool,
        typer.Option(help="Only check the file: exit 0 if current, 2 if stale with safe changes, 1 if breaking."),
    ] = False,
) -> None:
    """Print the GraphQL SDL of the served schema (the committed schema/schema.graphql)."""
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
) -> None:
    """Issue an HS256 bearer token signed with NOMOS_JWT_SECRET."""
    secret = Settings.from_env().jwt_secret
    if not secret:
        fail("set NOMOS_JWT_SECRET to the secret the server verifies tokens with")
    sys.stdout.write(issue_token(secret, user, name, ttl_seconds=days * 86_400) + "\n")


@cli.command("init-db")
def init_db(mongo_uri: MongoUri = None, mongo_db: MongoDb = None) -> None:
    """Create every MongoDB collection index (idempotent)."""
    settings = _mongo_settings(mongo_uri, mongo_db)

    async def main() -> int:
        from nomos_mongo.stores.mongo import init_db as create_indexes

        persistence, _ = await open_store(settings)
        NomosApp(persistence, modules=load_modules())  # binds the registry: snapshot indexes per type
        try:
            await create_indexes(persistence)  # type: ignore[arg-type]
        finally:
            await persistence.close()
        console.print("indexes are in place")
        return 0

    sys.exit(run(main))


@cli.command("rebuild-snapshots")
def rebuild_snapshots(mongo_uri: MongoUri = None, mongo_db: MongoDb = None) -> None:
    """Recompute every timeline's snapshots from its ledger."""
    settings = _mongo_settings(mongo_uri, mongo_db)

    async def main() -> int:
        from nomos_mongo.stores.mongo import rebuild_snapshots as rebuild

        persistence, blobs = await open_store(settings)
        app = NomosApp(persistence, modules=load_modules(), blob_storage=blobs)

        def progress(done: int, total: int) -> None:
            console.print(f"rebuilt {done}/{total} timelines")

        try:
            count = await rebuild(app, persistence, progress)
        finally:
            await app.close()
        console.print(f"done: {count} timelines")
        return 0

    sys.exit(run(main))


@cli.command("check-ledger")
def check_ledger(
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
            persistence, blobs = await open_store(Settings(mongo_uri=mongo_uri, mongo_db=mongo_db))
            if isinstance(persistence, MemoryPersistence):
                fail("the in-memory store starts empty: give --mongo-uri, or --import an exported ledger file")
            app = NomosApp(persistence, modules=modules, blob_storage=blobs)
            try:
                check = await checks.scan_store(app, console)
            finally:
                await app.close()
        checks.print_check(check, console)
        return checks.check_exit_code(check)

    sys.exit(run(main))


def _mongo_settings(mongo_uri: str | None, mongo_db: str | None) -> Settings:
    if not mongo_uri:
        fail("give --mongo-uri (or set NOMOS_MONGO_URI): the embedded store has nothing to maintain")
    return Settings(mongo_uri=mongo_uri, mongo_db=mongo_db)


def main(argv: list[str] | None = None) -> Any:
    return cli(args=argv)
