"""Key figures and insights of an estate's assets, computed from its snapshots (pure functions)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable

from schema.assets.aggregates import TrackableAssetAggregate
from schema.contracts.enums import InsightType
from schema.contracts.identifiers import RoomId, TrackableAssetId
from schema.contracts.money import Money

from .estate_data import EstateData
from .values import AssetInsight, InsightCode, KpiCode, KpiValue

ALL_KPIS = tuple(KpiCode)


def percentage(part: int, whole: int) -> float:
    return round(100 * part / whole, 2) if whole else 0.0


def replacement_cost(asset: TrackableAssetAggregate, key: str) -> Money | None:
    field = asset.custom_fields.get(key)
    return field.money_value if field is not None else None


def cost_totals(data: EstateData, key: str) -> tuple[Money, ...]:
    totals: dict[str, Money] = {}
    for asset in data.assets:
        cost = replacement_cost(asset, key)
        if cost is not None:
            code = cost.currency.root
            totals[code] = totals[code] + cost if code in totals else cost
    return tuple(totals[code] for code in sorted(totals))


Slicer = Callable[[TrackableAssetAggregate], tuple[str, str] | None]  # (key, label) of an asset's slice


def _breakdown(
    code: KpiCode, assets: Iterable[TrackableAssetAggregate], slice_of: Slicer, total: int
) -> list[KpiValue]:
    counts: Counter[tuple[str, str]] = Counter()
    for asset in assets:
        found = slice_of(asset)
        if found is not None:
            counts[found] += 1
    return [
        KpiValue(code=code, key=key, label=label, count=count, percentage=percentage(count, total))
        for (key, label), count in sorted(counts.items())
    ]


def calculate_kpis(data: EstateData, cost_key: str, codes: Iterable[KpiCode] = ALL_KPIS) -> tuple[KpiValue, ...]:
    wanted = set(codes)
    assets = data.assets
    total = len(assets)

    def site_slice(asset: TrackableAssetAggregate) -> tuple[str, str] | None:
        site = data.site_of(asset)
        return (site.id, str(site.name)) if site is not None else None

    def building_slice(asset: TrackableAssetAggregate) -> tuple[str, str] | None:
        building = data.building_of(asset)
        return (building.id, str(building.name)) if building is not None else None

    def room_slice(asset: TrackableAssetAggregate) -> tuple[str, str] | None:
        room = data.room_of(asset)
        return (room.id, str(room.name)) if room is not None else None

    found: list[KpiValue] = []
    if KpiCode.asset_count in wanted:
        found.append(KpiValue(code=KpiCode.asset_count, count=total))
    if KpiCode.assets_by_type in wanted:
        found += _breakdown(KpiCode.assets_by_type, assets, lambda a: (a.asset_type.code, a.asset_type.code), total)
    if KpiCode.assets_by_site in wanted:
        found += _breakdown(KpiCode.assets_by_site, assets, site_slice, total)
    if KpiCode.assets_by_building in wanted:
        found += _breakdown(KpiCode.assets_by_building, assets, building_slice, total)
    if KpiCode.assets_by_room in wanted:
        found += _breakdown(KpiCode.assets_by_room, assets, room_slice, total)
    if KpiCode.unassigned_assets in wanted:
        unassigned = sum(1 for a in assets if a.structural_assignment is None)
        found.append(
            KpiValue(code=KpiCode.unassigned_assets, count=unassigned, percentage=percentage(unassigned, total))
        )
    if KpiCode.custom_field_coverage in wanted:
        covered = sum(1 for a in assets if len(a.custom_fields))
        found.append(KpiValue(code=KpiCode.custom_field_coverage, count=covered, percentage=percentage(covered, total)))
    if KpiCode.custom_field_usage in wanted:
        found += _usage(assets, total)
    if KpiCode.replacement_cost_total in wanted:
        counts = Counter(c.currency.root for a in assets if (c := replacement_cost(a, cost_key)) is not None)
        found += [
            KpiValue(
                code=KpiCode.replacement_cost_total,
                key=money.currency.root,
                label=money.currency.root,
                count=counts[money.currency.root],
                amount=money,
            )
            for money in cost_totals(data, cost_key)
        ]
    if KpiCode.replacement_cost_coverage in wanted:
        costed = sum(1 for a in assets if replacement_cost(a, cost_key) is not None)
        found.append(
            KpiValue(
                code=KpiCode.replacement_cost_coverage,
                key=cost_key,
                label=cost_key,
                count=costed,
                percentage=percentage(costed, total),
            )
        )
    return tuple(found)


def _usage(assets: Iterable[TrackableAssetAggregate], total: int) -> list[KpiValue]:
    keys: Counter[str] = Counter(key for asset in assets for key in asset.custom_fields)
    return [
        KpiValue(code=KpiCode.custom_field_usage, key=key, label=key, count=count, percentage=percentage(count, total))
        for key, count in sorted(keys.items())
    ]


def _ids(assets: Iterable[TrackableAssetAggregate]) -> tuple[TrackableAssetId, ...]:
    return tuple(TrackableAssetId(a.id) for a in assets)


def derive_insights(data: EstateData, cost_key: str) -> tuple[AssetInsight, ...]:
    assets = data.assets
    name = str(data.estate.name) or data.estate.id
    if not assets:
        return (
            AssetInsight(
                insight_type=InsightType.analysis,
                code=InsightCode.no_assets,
                message=f"{name} has no assets yet: create or import assets to get insights",
            ),
        )
    found: list[AssetInsight] = []
    unassigned = [a for a in assets if a.structural_assignment is None]
    if unassigned:
        found.append(
            AssetInsight(
                insight_type=InsightType.alert,
                code=InsightCode.unassigned_assets,
                asset_ids=_ids(unassigned),
                message=f"{len(unassigned)} of {len(assets)} assets have no room: assign them to locate them",
            )
        )
    lost = [a for a in assets if a.structural_assignment is not None and data.room_of(a) is None]
    if lost:
        found.append(
            AssetInsight(
                insight_type=InsightType.alert,
                code=InsightCode.unknown_rooms,
                asset_ids=_ids(lost),
                message=f"{len(lost)} assets name a room that is not in {name}: move them to an existing room",
            )
        )
    uncosted = [a for a in assets if replacement_cost(a, cost_key) is None]
    if uncosted:
        found.append(
            AssetInsight(
                insight_type=InsightType.recommendation,
                code=InsightCode.missing_replacement_cost,
                asset_ids=_ids(uncosted),
                message=f"{len(uncosted)} of {len(assets)} assets have no {cost_key}: record it to plan renewals",
            )
        )
    occupied = {a.structural_assignment.room_id.root for a in assets if a.structural_assignment is not None}
    empty = [r for r in data.rooms if r.id not in occupied]
    if empty:
        found.append(
            AssetInsight(
                insight_type=InsightType.analysis,
                code=InsightCode.rooms_without_assets,
                room_ids=tuple(RoomId(r.id) for r in empty),
                message=f"{len(empty)} of {len(data.rooms)} rooms hold no assets",
            )
        )
    types = Counter(a.asset_type.code for a in assets)
    ((top, count),) = sorted(types.items(), key=lambda item: (-item[1], item[0]))[:1]
    found.append(
        AssetInsight(
            insight_type=InsightType.analysis,
            code=InsightCode.dominant_asset_type,
            asset_ids=_ids(a for a in assets if a.asset_type.code == top),
            message=f"{top} is the most common asset type: {count} of {len(assets)} assets "
            f"({percentage(count, len(assets)):g}%)",
        )
    )
    found += _concentration(assets, cost_key)
    return tuple(found)


def _concentration(assets: Iterable[TrackableAssetAggregate], cost_key: str) -> list[AssetInsight]:
    """An alert when one asset carries more than half of its currency's replacement cost."""
    by_currency: dict[str, list[tuple[Money, TrackableAssetAggregate]]] = {}
    for asset in assets:
        cost = replacement_cost(asset, cost_key)
        if cost is not None and cost.is_positive:
            by_currency.setdefault(cost.currency.root, []).append((cost, asset))
    found = []
    for code in sorted(by_currency):
        costs = by_currency[code]
        if len(costs) < 2:
            continue
        total = sum(c.amount_in_minor_units for c, _ in costs)
        cost, asset = max(costs, key=lambda item: (item[0].amount_in_minor_units, item[1].id))
        share = percentage(cost.amount_in_minor_units, total)
        if share > 50:
            found.append(
                AssetInsight(
                    insight_type=InsightType.alert,
                    code=InsightCode.replacement_cost_concentration,
                    asset_ids=(TrackableAssetId(asset.id),),
                    message=f"{asset.name or asset.id} carries {share:g}% of the {code} replacement cost ({cost})",
                )
            )
    return found
