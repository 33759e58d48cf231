"""A MongoDB wire-protocol stand-in for the test suite: mongoeco's proxy server, run by Python 3.13.

    python server.py [--port N] [--sqlite PATH] [--replica-set NAME]

Prints one JSON line with the bound address once it accepts connections, then serves until
SIGTERM or SIGINT. This file runs in the stand-in's own virtual environment and imports
nothing of the project.

Two small shims, both off unless `--replica-set` is given, make the stand-in answer as a
replica set member does where it otherwise answers as something else:
- `hello` names the replica set (`setName`, `hosts`, `primary`), so that a client takes the
  transaction path instead of the standalone one;
- a transaction refused at commit because another one committed first fails the way MongoDB
  documents a write conflict: code 112 (WriteConflict) with the TransientTransactionError label,
  and the transaction is aborted, where the stand-in raises a bare OperationFailure without a
  code and leaves the transaction open.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import sys
from typing import Any

from mongoeco.engines.memory import MemoryEngine
from mongoeco.engines.sqlite import SQLiteEngine
from mongoeco.errors import OperationFailure
from mongoeco.wire.handshake import WireHandshakeService
from mongoeco.wire.proxy import AsyncMongoEcoProxyServer
from mongoeco.wire.sessions import WireSessionStore

WRITE_CONFLICT = 112


def report_replica_set(name: str, address: str) -> None:
    plain_hello = WireHandshakeService.build_hello_response

    def hello(self: WireHandshakeService, **arguments: Any) -> Any:
        response = plain_hello(self, **arguments)
        response.update(setName=name, hosts=[address], primary=address, me=address, secondary=False)
        return response

    WireHandshakeService.build_hello_response = hello  # type: ignore[method-assign]


def commit_conflicts_as_write_conflicts() -> None:
    plain_commit = WireSessionStore.commit_transaction

    def commit_transaction(self: WireSessionStore, body: dict[str, Any]) -> dict[str, Any]:
        try:
            return plain_commit(self, body)
        except OperationFailure as exc:
            if exc.code is not None or "write conflict" not in str(exc).lower():
                raise
            # MongoDB aborts a transaction whose commit conflicted; the stand-in leaves it
            # open, and the next command on that (pooled) session would run inside it
            self.abort_transaction(body)
            raise OperationFailure(
                f"WriteConflict: {exc}",
                code=WRITE_CONFLICT,
                details={"codeName": "WriteConflict"},
                error_labels=("TransientTransactionError",),
            ) from exc

    WireSessionStore.commit_transaction = commit_transaction  # type: ignore[method-assign]


async def serve(port: int, sqlite: str | None, replica_set: str | None) -> None:
    engine = SQLiteEngine(sqlite) if sqlite else MemoryEngine()
    server = AsyncMongoEcoProxyServer(engine=engine, host="127.0.0.1", port=port)
    address = await server.start()
    if replica_set:
        report_replica_set(replica_set, f"{address.host}:{address.port}")
        commit_conflicts_as_write_conflicts()
    print(json.dumps({"host": address.host, "port": address.port}), flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    try:
        await stop.wait()
    finally:
        await server.close()


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0, help="0: any free loopback port")
    parser.add_argument("--sqlite", help="keep the data in this SQLite file (survives a restart)")
    parser.add_argument("--replica-set", help="answer as a member of this replica set (see the shims above)")
    arguments = parser.parse_args(argv)
    asyncio.run(serve(arguments.port, arguments.sqlite, arguments.replica_set))


if __name__ == "__main__":
    main(sys.argv[1:])
