"""Rendering results: a Rich table for people, CSV and JSON for machines (raw values, full precision)."""

from __future__ import annotations

import csv
import io
import json
import math
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pyarrow as pa
from rich.table import Table

from kpilot.definitions.model import Kpi, Unit
from kpilot.engine.execute import PARTIAL

EMPTY = "–"


def plain_value(value: Any) -> Any:
    """A JSON-ready value: dates as ISO text, NaN and infinities as null."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def to_csv(table: pa.Table) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(table.column_names)
    for row in table.to_pylist():
        writer.writerow([csv_cell(row[name]) for name in table.column_names])
    return buffer.getvalue()


def csv_cell(value: Any) -> str:
    value = plain_value(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value) if isinstance(value, float) else str(value)


def to_json(table: pa.Table) -> str:
    rows = [{key: plain_value(value) for key, value in row.items()} for row in table.to_pylist()]
    return json.dumps(rows, ensure_ascii=False, indent=2)


def to_rich(table: pa.Table, kpis: dict[str, Kpi], currency: str) -> Table:
    """A table for the terminal: formatted by each KPI's unit, with partial periods marked by '*'."""
    names = [name for name in table.column_names if name != PARTIAL]
    view = Table(show_header=True, header_style="bold", caption_justify="left")
    for name in names:
        kpi = kpis.get(name)
        view.add_column(kpi.title if kpi else name, justify="right" if kpi else "left")
    rows = table.to_pylist()
    for row in rows:
        cells = []
        for name in names:
            kpi = kpis.get(name)
            cells.append(format_value(row[name], kpi.unit if kpi else None, currency))
        if row.get(PARTIAL) and cells:
            cells[0] += " *"
        view.add_row(*cells)
    if any(row.get(PARTIAL) for row in rows):
        view.caption = "* partial: the period is still running or the date range cuts into it"
    return view


def format_value(value: Any, unit: Unit | None, currency: str) -> str:
    value = plain_value(value)
    if value is None:
        return EMPTY
    if unit is None or not isinstance(value, int | float) or isinstance(value, bool):
        return str(value)
    if unit is Unit.PERCENT:
        return f"{value * 100:,.2f} %"
    if unit is Unit.CURRENCY:
        return f"{value:,.2f} {currency}"
    if unit is Unit.DURATION:
        return f"{value:,.2f}"
    if isinstance(value, int) or float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.4g}" if abs(value) < 1 else f"{value:,.2f}"
