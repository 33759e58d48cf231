"""An SVG drawing of building footprints, projected from latitude and longitude to metres."""

from __future__ import annotations

import math
from collections.abc import Sequence
from xml.sax.saxutils import escape, quoteattr

from schema.contracts.identifiers import BuildingId
from schema.estates.aggregates import BuildingAggregate

from .values import ExportedItem, SkippedItem

WIDTH = 1000.0
MARGIN = 40.0
METRES_PER_DEGREE_LATITUDE = 110_540.0
METRES_PER_DEGREE_LONGITUDE = 111_320.0


def _n(value: float) -> str:
    # fixed precision: the same footprints always give the same bytes
    return f"{value:.2f}"


def footprint_drawing(
    buildings: Sequence[BuildingAggregate], title: str
) -> tuple[bytes, tuple[ExportedItem, ...], tuple[SkippedItem, ...]]:
    drawn = [b for b in buildings if b.footprint]
    skipped = tuple(
        SkippedItem(building_id=BuildingId(b.id), reason="the building has no footprint")
        for b in buildings
        if not b.footprint
    )
    points = [p for b in drawn for p in b.footprint]
    mid_latitude = math.radians(sum(p.latitude for p in points) / len(points))
    west = min(p.longitude for p in points)
    north = max(p.latitude for p in points)

    def metres(latitude: float, longitude: float) -> tuple[float, float]:
        x = (longitude - west) * METRES_PER_DEGREE_LONGITUDE * math.cos(mid_latitude)
        return x, (north - latitude) * METRES_PER_DEGREE_LATITUDE

    projected = {b.id: [metres(p.latitude, p.longitude) for p in b.footprint] for b in drawn}
    span_x = max(x for ring in projected.values() for x, _ in ring) or 1.0
    span_y = max(y for ring in projected.values() for _, y in ring) or 1.0
    scale = (WIDTH - 2 * MARGIN) / max(span_x, span_y)
    height = span_y * scale + 2 * MARGIN
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_n(WIDTH)}" height="{_n(height)}" '
        f'viewBox="0 0 {_n(WIDTH)} {_n(height)}" data-metres-per-unit={quoteattr(_n(1 / scale))}>',
        f"<title>{escape(title)}</title>",
    ]
    items = []
    for building in drawn:
        ring = [(MARGIN + x * scale, MARGIN + y * scale) for x, y in projected[building.id]]
        label = str(building.name) or building.id
        cx = sum(x for x, _ in ring) / len(ring)
        cy = sum(y for _, y in ring) / len(ring)
        lines += [
            f"<g id={quoteattr('building-' + building.id)}>",
            f'<polygon points="{" ".join(f"{_n(x)},{_n(y)}" for x, y in ring)}" '
            'fill="#dfe9f3" stroke="#1f4e79" stroke-width="2"/>',
            f'<text x="{_n(cx)}" y="{_n(cy)}" text-anchor="middle" font-family="sans-serif" '
            f'font-size="14">{escape(label)}</text>',
            "</g>",
        ]
        items.append(ExportedItem(path=f"building-{building.id}", building_id=BuildingId(building.id)))
    lines.append("</svg>")
    return ("\n".join(lines) + "\n").encode("utf-8"), tuple(items), skipped
