"""The subscription suite: watchTimeline delivery latency and live-query fan-out, over websockets."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from websockets.frames import Frame, Opcode

from .clients import CpuMeter, CpuShares, HttpConnection, Server, running_server
from .figures import Figure, Scale, SuiteResult, percentile
from .server import graph_available

PROTOCOL = "graphql-transport-ws"
WATCH = (
    "subscription($ws: ID!, $from: Int!) { watchTimeline(workspaceId: $ws, fromSequence: $from) "
    "{ sequence intentType actorId description } }"
)
LIVE = "subscription($ws: ID!) { watchTodos(workspaceId: $ws, orderBy: TITLE, limit: 10) { id title } }"
CREATE = "mutation($ws: ID!, $t: String!) { createTodo(workspaceId: $ws, input: {title: $t}) { sequence } }"
RENAME = (
    "mutation($ws: ID!, $id: ID!, $t: String!) { renameTodo(workspaceId: $ws, input: {todoId: $id, title: $t}) "
    "{ sequence } }"
)
OPEN_BATCH = 50
NEXT_FRAME = re.compile(rb'"type":\s*"next"')
DELIVERY_TIMEOUT = 20.0
OPEN_TIMEOUT = 30.0
Handler = Callable[[dict[str, Any], float], None]


class Subscriber(asyncio.Protocol):
    """One websocket with one subscription; `handler(data, received_at)` sees each result.

    A thousand subscribers share this one process, so a frame must cost it little, or this
    process, not the server, is what the latencies measure. The socket is an asyncio protocol
    whose `data_received` feeds websockets' sans-I/O client protocol (the library's parser and
    handshake; it answers pings and closes by itself): no reader task, no message queue, no
    await per frame, which the library's asyncio client spends and which cost some 60 µs a
    frame here. With `parse=False` the handler learns only that a result arrived (its data is
    empty): decoding every frame of a live query's fifty rows would cost more than the rest.
    """

    def __init__(self, handler: Handler, *, parse: bool = True) -> None:
        self.handler = handler
        self.parse = parse
        self._protocol: Any = None  # websockets.client.ClientProtocol
        self._transport: asyncio.Transport | None = None
        self._opened: asyncio.Future[None] | None = None  # the handshake's answer
        self._first: asyncio.Future[dict[str, Any]] | None = None  # the server's first message

    async def open(self, url: str, token: str, query: str, variables: dict[str, Any]) -> None:
        from websockets.client import ClientProtocol
        from websockets.uri import parse_uri

        loop = asyncio.get_running_loop()
        uri = parse_uri(url)
        self._protocol = ClientProtocol(uri, subprotocols=[PROTOCOL], max_size=None)  # type: ignore[list-item]
        self._opened, self._first = loop.create_future(), loop.create_future()
        await asyncio.wait_for(loop.create_connection(lambda: self, uri.host, uri.port), OPEN_TIMEOUT)
        self._protocol.send_request(self._protocol.connect())
        self._flush()
        await asyncio.wait_for(self._opened, OPEN_TIMEOUT)
        self._send({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}})
        ack = await asyncio.wait_for(self._first, OPEN_TIMEOUT)
        if ack.get("type") != "connection_ack":
            raise RuntimeError(f"the server refused the subscription socket: {ack}")
        self._send({"id": "1", "type": "subscribe", "payload": {"query": query, "variables": variables}})

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        received = time.perf_counter()  # every frame of this read arrived now
        protocol = self._protocol
        protocol.receive_data(data)
        for event in protocol.events_received():
            if isinstance(event, Frame):
                if event.opcode is Opcode.TEXT:
                    self._message(event.data, received)
            elif self._opened is not None and not self._opened.done():  # the handshake's response
                failure = protocol.handshake_exc
                if failure is None:
                    self._opened.set_result(None)
                else:
                    self._opened.set_exception(failure)
        self._flush()  # pongs and the answer to a close

    def connection_lost(self, exc: Exception | None) -> None:
        for waiting in (self._opened, self._first):
            if waiting is not None and not waiting.done():
                waiting.set_exception(ConnectionError(f"the server closed the subscription socket ({exc})"))

    def _message(self, raw: bytes | bytearray | memoryview, received: float) -> None:
        if self._first is not None and not self._first.done():
            self._first.set_result(json.loads(bytes(raw)))
            return
        if not self.parse and NEXT_FRAME.search(raw, 0, 64):  # id and type come first
            self.handler({}, received)
            return
        message = json.loads(bytes(raw))
        kind = message.get("type")
        if kind == "next":
            self.handler(message["payload"].get("data") or {}, received)
        elif kind == "ping":
            self._send({"type": "pong"})

    def _send(self, message: dict[str, Any]) -> None:
        self._protocol.send_text(json.dumps(message).encode())
        self._flush()

    def _flush(self) -> None:
        if self._transport is not None and not self._transport.is_closing():
            for data in self._protocol.data_to_send():
                if data:
                    self._transport.write(data)

    async def close(self) -> None:
        if self._transport is None or self._transport.is_closing():
            return
        with contextlib.suppress(Exception):
            self._send({"id": "1", "type": "complete"})
            self._protocol.send_close(1000)
            self._flush()
        self._transport.close()  # after what is buffered; the server sees the close frame first


class Deliveries:
    """Who has received which update, and how long after it was sent."""

    def __init__(self, subscribers: int) -> None:
        self.subscribers = subscribers
        self.sent: dict[int, float] = {}
        self.counts: dict[int, int] = {}
        self.latencies: list[float] = []
        self._done: dict[int, asyncio.Event] = {}

    def expect(self, key: int) -> None:
        self.sent[key] = time.perf_counter()
        self._done.setdefault(key, asyncio.Event())

    def received(self, key: int, at: float) -> None:
        self.counts[key] = self.counts.get(key, 0) + 1
        if key in self.sent:
            self.latencies.append(at - self.sent[key])
        if self.counts[key] >= self.subscribers:
            self._done.setdefault(key, asyncio.Event()).set()

    async def wait(self, key: int) -> None:
        try:
            await asyncio.wait_for(self._done.setdefault(key, asyncio.Event()).wait(), DELIVERY_TIMEOUT)
        except TimeoutError:
            got = self.counts.get(key, 0)
            raise RuntimeError(
                f"only {got} of {self.subscribers} subscribers had update {key} after {DELIVERY_TIMEOUT:g} s"
            ) from None


async def open_all(subscribers: list[Subscriber], url: str, token: str, query: str, variables: dict[str, Any]) -> None:
    for start in range(0, len(subscribers), OPEN_BATCH):
        batch = subscribers[start : start + OPEN_BATCH]
        await asyncio.gather(*(s.open(url, token, query, variables) for s in batch))


async def close_all(subscribers: list[Subscriber]) -> None:
    for start in range(0, len(subscribers), OPEN_BATCH * 4):
        await asyncio.gather(*(s.close() for s in subscribers[start : start + OPEN_BATCH * 4]))


async def watch_timeline(server: Server, http: HttpConnection, count: int, updates: int) -> list[float]:
    ws = f"bench-watch-{count}"
    head = (await http.graphql(CREATE, {"ws": ws, "t": "first"}))["createTodo"]["sequence"]
    deliveries = Deliveries(count)

    def on_entry(data: dict[str, Any], at: float) -> None:
        deliveries.received(data["watchTimeline"]["sequence"], at)

    subscribers = [Subscriber(on_entry) for _ in range(count)]
    try:
        await open_all(subscribers, server.ws_url, server.token(), WATCH, {"ws": ws, "from": head + 1})
        await http.graphql(CREATE, {"ws": ws, "t": "priming"})  # every subscription is live after this one
        await deliveries.wait(head + 1)
        deliveries.latencies.clear()
        for k in range(updates):
            sequence = head + 2 + k
            deliveries.expect(sequence)
            await http.graphql(CREATE, {"ws": ws, "t": f"update {k}"})
            await deliveries.wait(sequence)
    finally:
        await close_all(subscribers)
    return deliveries.latencies


Update = Callable[[int], tuple[str, dict[str, Any]]]  # update k -> (mutation, variables)


@dataclass(frozen=True, slots=True)
class LiveFigures:
    cpu_ms_per_update: float  # the server's, the mutation included
    p50_ms: float
    p99_ms: float
    evaluations_per_update: float  # nan without a counter of the server's evaluations
    cpu: CpuShares

    def describe(self) -> str:
        return f"meanwhile {self.cpu.describe(client='the subscribers process (one, all sockets)')}"


async def live_fanout(
    url: str,
    token: str,
    http: HttpConnection,
    pid: int,
    count: int,
    updates: int,
    subscription: tuple[str, dict[str, Any]],
    update: Update,
    evaluations: Callable[[], Awaitable[float]] | None = None,
) -> LiveFigures:
    """`count` sockets subscribe to one live query; each of `updates` mutations changes its result.

    Each mutation is awaited until every subscriber has the new result. Returns the server
    process's CPU per update (the mutation included), the delivery latencies' p50 and p99,
    given a counter of the server's live-query evaluations how many ran per update, and
    `cpu`: what both processes used meanwhile (the subscribers' one times the deliveries).
    """
    deliveries = Deliveries(count)
    results_of: dict[int, int] = {}  # subscriber -> results received; result n answers update n

    def handler_for(index: int) -> Handler:
        def handler(data: dict[str, Any], at: float) -> None:
            round_ = results_of.get(index, 0)
            results_of[index] = round_ + 1
            deliveries.received(round_, at)

        return handler

    subscribers = [Subscriber(handler_for(index), parse=False) for index in range(count)]
    try:
        await open_all(subscribers, url, token, *subscription)
        await deliveries.wait(0)  # the seeded results
        deliveries.latencies.clear()
        evaluated = await evaluations() if evaluations else 0.0
        meter = CpuMeter(pid)
        for k in range(1, updates + 1):
            deliveries.expect(k)
            await http.graphql(*update(k))
            await deliveries.wait(k)
        cpu = meter.stop()
        evaluated = (await evaluations() - evaluated) if evaluations else float("nan")
    finally:
        await close_all(subscribers)
    return LiveFigures(
        cpu_ms_per_update=cpu.server_seconds * 1000 / updates,
        p50_ms=percentile(deliveries.latencies, 50) * 1000,
        p99_ms=percentile(deliveries.latencies, 99) * 1000,
        evaluations_per_update=evaluated / updates,
        cpu=cpu,
    )


async def live_query(server: Server, http: HttpConnection, count: int, updates: int) -> tuple[LiveFigures, int]:
    """The todo scenario's live query, and how many evaluators served its subscribers."""
    ws = "bench-live"
    for i in range(10):
        await http.graphql(CREATE, {"ws": ws, "t": f"todo {i:02}"})
    rows = await http.graphql(
        f'{{ todos(workspaceId: "{ws}", orderBy: TITLE, first: 10) {{ nodes {{ aggregateId }} }} }}'
    )
    todo_ids = [row["aggregateId"] for row in rows["todos"]["nodes"]]

    def rename(k: int) -> tuple[str, dict[str, Any]]:
        return RENAME, {"ws": ws, "id": todo_ids[k % len(todo_ids)], "t": f"todo {k % 10:02} v{k}"}

    evaluators = 0

    async def evaluations() -> float:
        nonlocal evaluators
        stats = await http.get_json("/bench/stats")
        evaluators = int(stats["evaluators"])  # while every subscriber is open
        return float(stats["evaluations"])

    figures = await live_fanout(
        server.ws_url, server.token(), http, server.pid, count, updates, (LIVE, {"ws": ws}), rename, evaluations
    )
    return figures, evaluators


async def run_subscriptions(scale: Scale) -> SuiteResult:
    result = SuiteResult(
        "subscriptions", settings={"subscribers": list(scale.subscribers), "updates": scale.subscription_updates}
    )
    reason = graph_available()
    if reason is not None:
        result.skipped = reason
        return result
    raise_file_limit(max(scale.subscribers) * 2 + 256)
    started = time.perf_counter()
    updates = scale.subscription_updates
    async with running_server() as server:
        http = HttpConnection(server.port, server.token())
        try:
            for count in scale.subscribers:
                latencies = await watch_timeline(server, http, count, updates)
                how = (
                    f"{count} websocket subscriber(s) of watchTimeline (graphql-transport-ws); after one priming "
                    f"update, {updates} createTodo mutations over HTTP, one at a time, each awaited until every "
                    "subscriber has it; latency = "
                    "receipt by a subscriber - sending of the mutation, over every (subscriber, update)"
                )
                target = {100: 20.0, 1_000: 100.0}.get(count)
                p50, p99 = percentile(latencies, 50) * 1000, percentile(latencies, 99) * 1000
                result.add(Figure(f"watchTimeline p50, {count} subscriber(s)", p50, "ms", how))
                result.add(
                    Figure(f"watchTimeline p99, {count} subscriber(s)", p99, "ms", how, target=target, better="lower")
                )
            count = max(scale.subscribers)
            live, evaluators = await live_query(server, http, count, updates)
            how = (
                f"{count} websocket subscribers of one identical watchTodos query (top 10 by title); after the "
                f"seeded result, {updates} renames of a listed todo, one at a time, each awaited until every "
                f"subscriber has the new result; {live.describe()}"
            )
            result.add(
                Figure(
                    f"live query: evaluations per update, {count} subscribers",
                    live.evaluations_per_update,
                    "evaluations",
                    how,
                    target=1,
                    better="lower",
                    note=f"{evaluators} evaluator(s) for {count} subscribers",
                )
            )
            result.add(
                Figure(
                    f"live query: server CPU per update, {count} subscribers",
                    live.cpu_ms_per_update,
                    "ms",
                    f"{how}; the server process's user+system CPU time / updates, including the mutation itself",
                )
            )
            result.add(
                Figure(f"live query p99, {count} subscribers", live.p99_ms, "ms", f"{how}; includes the 16 ms debounce")
            )
        finally:
            await http.close()
    result.seconds = time.perf_counter() - started
    return result


def raise_file_limit(wanted: int) -> None:
    with contextlib.suppress(ImportError, ValueError, OSError):
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        if soft < wanted:
            resource.setrlimit(resource.RLIMIT_NOFILE, (min(wanted, hard), hard))
