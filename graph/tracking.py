"""The engine watches held by open subscriptions, so that shutdown can end them all."""

from __future__ import annotations

from typing import Protocol


class Closable(Protocol):
    def close(self) -> None: ...


class Subscriptions:
    def __init__(self) -> None:
        self._open: set[Closable] = set()
        self.closed = False

    def add(self, watch: Closable) -> None:
        if self.closed:
            watch.close()
        else:
            self._open.add(watch)

    def discard(self, watch: Closable) -> None:
        self._open.discard(watch)

    def close_all(self) -> None:
        self.closed = True
        for watch in list(self._open):
            watch.close()
        self._open.clear()

    def __len__(self) -> int:
        return len(self._open)
