"""What a benchmark reports: figures with their target and how they were measured."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Better = Literal["higher", "lower"]


@dataclass(frozen=True, slots=True)
class Scale:
    """How much work each suite does; `quick` is for smoke tests and CI, not for figures."""

    runs: int = 5
    dispatches: int = 10_000
    multi_dispatches: int = 5_000
    warmup: int = 2_000
    aggregates: int = 1_000
    changes_per_aggregate: int = 100
    memory_aggregates: int = 200
    replays: int = 3
    snapshot_samples: int = 25
    undo_samples: int = 20
    peer_aggregates: int = 2_000
    peer_updates: int = 20_000
    peer_runs: int = 3
    http_seconds: float = 3.0
    http_clients: tuple[int, ...] = (1, 16, 64)
    subscribers: tuple[int, ...] = (1, 100, 1_000)
    subscription_updates: int = 30
    stored_intents: int = 100_000
    stall_seconds: float = 5.0
    estate_assets: int = 100_000

    @classmethod
    def quick(cls) -> Scale:
        return cls(
            runs=2,
            dispatches=300,
            multi_dispatches=150,
            warmup=50,
            aggregates=20,
            changes_per_aggregate=10,
            memory_aggregates=10,
            replays=2,
            snapshot_samples=5,
            undo_samples=3,
            peer_aggregates=50,
            peer_updates=200,
            peer_runs=1,
            http_seconds=0.5,
            http_clients=(1, 4),
            subscribers=(1, 10),
            subscription_updates=3,
            stored_intents=640,
            stall_seconds=0.5,
            estate_assets=50,
        )

    @property
    def timeline_intents(self) -> int:
        return self.aggregates * self.changes_per_aggregate


@dataclass(frozen=True, slots=True)
class Figure:
    name: str
    value: float | None
    unit: str
    how: str
    target: float | None = None
    better: Better = "higher"
    note: str = ""

    @property
    def met(self) -> bool | None:
        if self.target is None or self.value is None:
            return None
        return self.value >= self.target if self.better == "higher" else self.value <= self.target

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["met"] = self.met
        return data


@dataclass(slots=True)
class SuiteResult:
    name: str
    figures: list[Figure] = field(default_factory=list)
    skipped: str | None = None
    seconds: float = 0.0
    settings: dict[str, Any] = field(default_factory=dict)

    def add(self, figure: Figure) -> Figure:
        self.figures.append(figure)
        return figure

    def to_json(self) -> dict[str, Any]:
        return {
            "status": f"skipped: {self.skipped}" if self.skipped else "ok",
            "seconds": round(self.seconds, 2),
            "settings": self.settings,
            "figures": [f.to_json() for f in self.figures],
        }


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile: the smallest value with at least p% of the values at or below it."""
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]
