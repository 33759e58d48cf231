"""Report files as bytes: JSON and CSV, written so that the same report gives the same bytes."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from typing import Any

from .values import KpiValue

KPI_COLUMNS = ("code", "key", "label", "count", "amount", "currency", "percentage")


def json_bytes(document: Any) -> bytes:
    return (json.dumps(document, sort_keys=True, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def kpi_csv(kpis: Iterable[KpiValue]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(KPI_COLUMNS)
    for kpi in kpis:
        amount = kpi.amount
        writer.writerow(
            (
                kpi.code.value,
                kpi.key,
                kpi.label,
                "" if kpi.count is None else kpi.count,
                "" if amount is None else f"{amount.amount:.{amount.currency.exponent}f}",
                "" if amount is None else amount.currency.root,
                "" if kpi.percentage is None else f"{kpi.percentage:g}",
            )
        )
    return out.getvalue().encode("utf-8")
