"""Rendering results: a Rich table for people, CSV and JSON for machines (raw values, full precision)."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from itertools import chain
from typing import Any

import pyarrow as pa
from rich.table import Table

from kpilot.cli.export_safety import neutralised
from kpilot.definitions.model import Kpi, Unit
from kpilot.engine.execute import PARTIAL

EMPTY = "–"


def plain_value(value: Any) -> Any:
    """A JSON-ready value: dates as ISO text, NaN and infinities (a Decimal's too) as null."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        value = float(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def to_csv(table: pa.Table) -> str:
    names = table.column_names
    return csv_text(names, ([row[name] for name in names] for row in table.to_pylist()))


# A field is quoted when a reader could split it: at the comma, quote and line ends of RFC 4180, and also at the
# semicolon and tab that spreadsheets in many locales take as the separator (unquoted, `a;=cmd` would give those a
# cell `=cmd`, past the guard on the field's first character).
QUOTED_WHEN = frozenset(',";\t\r\n')


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """Every CSV kpilot writes: a header line, then one line per row, every cell through `csv_cell`."""
    return "".join(_csv_line(line) for line in chain([header], rows))


def _csv_line(values: Sequence[Any]) -> str:
    return ",".join(_csv_field(csv_cell(value)) for value in values) + "\n"


def _csv_field(text: str) -> str:
    if QUOTED_WHEN.isdisjoint(text):
        return text
    return '"' + text.replace('"', '""') + '"'


def csv_cell(value: Any) -> str:
    """A value as CSV text: numbers raw and in full precision, text made inert for spreadsheets."""
    value = plain_value(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return neutralised(value) if isinstance(value, str) else str(value)


def to_json(table: pa.Table) -> str:
    return json_text(table.to_pylist())


def json_text(data: Any, *, indent: int | None = 2) -> str:
    """Every JSON kpilot writes. NaN and infinities have no JSON spelling (`NaN` and `Infinity`, which Python would
    write, are refused by JSON parsers), so every value goes through `plain_value` (they become null), and
    allow_nan=False makes sure that no path forgotten here can write them."""
    return json.dumps(_plain(data), ensure_ascii=False, indent=indent, allow_nan=False)


def _plain(data: Any) -> Any:
    if isinstance(data, dict):
        return {key: _plain(value) for key, value in data.items()}
    if isinstance(data, list | tuple):
        return [_plain(value) for value in data]
    return plain_value(data)


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
