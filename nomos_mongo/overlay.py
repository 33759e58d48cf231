"""Predicted state of intents dispatched optimistically, until their write confirms or fails."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .model import Aggregate


@dataclass(frozen=True, slots=True)
class _Layer:
    workspace_id: str
    timeline_id: str
    states: Mapping[tuple[str, str], Aggregate]


class OptimisticOverlay:
    def __init__(self) -> None:
        self._layers: dict[str, _Layer] = {}  # insertion order = dispatch order

    def add(self, intent_id: str, ws: str, tl: str, states: Mapping[tuple[str, str], Aggregate]) -> None:
        self._layers[intent_id] = _Layer(ws, tl, dict(states))

    def remove(self, intent_id: str) -> _Layer | None:
        return self._layers.pop(intent_id, None)

    def __len__(self) -> int:
        return len(self._layers)

    def states(self, ws: str, tl: str) -> dict[tuple[str, str], Aggregate]:
        merged: dict[tuple[str, str], Aggregate] = {}
        for layer in self._layers.values():
            if layer.workspace_id == ws and layer.timeline_id == tl:
                merged.update(layer.states)
        return merged

    def of_type(self, ws: str, tl: str, type_name: str) -> dict[str, Aggregate]:
        return {i: s for (t, i), s in self.states(ws, tl).items() if t == type_name}

    def get(self, ws: str, tl: str, type_name: str, aggregate_id: str) -> Aggregate | None:
        found = None
        for layer in self._layers.values():
            if layer.workspace_id == ws and layer.timeline_id == tl:
                found = layer.states.get((type_name, aggregate_id), found)
        return found
