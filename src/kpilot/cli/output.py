"""Rendering results: a Rich table for people, CSV and JSON for machines (raw values, full precision).

Numbers for people are formatted by `results.formatting` (re-exported here as `format_value` and `EMPTY`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from itertools import chain
from typing import Any

import pyarrow as pa
from rich.markup import escape

from kpilot.cli.export_safety import neutralised
from kpilot.cli.layout import Fitted, Kind, Spec, fit_table
from kpilot.definitions.model import Kpi
from kpilot.engine.aggregate import PERIOD
from kpilot.engine.execute import IMMATURE, PARTIAL
from kpilot.i18n import DEFAULT, Language, text
from kpilot.results.data import plain, plain_value
from kpilot.results.formatting import EMPTY, format_kpi_value, format_value

# Columns that say something about a row rather than hold a value: `partial` (shown as '*') and the engine's list of
# KPIs whose cohorts are not final yet (`immature`, only there when a KPI has `mature_after`).
ROW_FLAGS = frozenset({PARTIAL, IMMATURE})

__all__ = ["EMPTY", "csv_text", "format_value", "json_text", "plain_value", "rich_table", "to_csv", "to_json"]


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
    if isinstance(value, list | tuple):  # `immature`: the KPIs of the row that are not final yet
        return neutralised(" ".join(str(item) for item in value))
    return neutralised(value) if isinstance(value, str) else str(value)


def to_json(table: pa.Table) -> str:
    return json_text(table.to_pylist())


def json_text(data: Any, *, indent: int | None = 2) -> str:
    """Every JSON kpilot writes. NaN and infinities have no JSON spelling (`NaN` and `Infinity`, which Python would
    write, are refused by JSON parsers), so every value goes through `plain` (they become null), and
    allow_nan=False makes sure that no path forgotten here can write them."""
    return json.dumps(plain(data), ensure_ascii=False, indent=indent, allow_nan=False)


def rich_table(
    table: pa.Table,
    kpis: Mapping[str, Kpi],
    currency: str,
    width: int,
    headers: Mapping[str, str] | None = None,
    language: Language = DEFAULT,
) -> Fitted:
    """A table for the terminal, `width` columns wide at most: values formatted by each KPI's unit (`kpis` maps a
    column to its KPI), partial periods marked by '*'. Every number is shown whole; when the table is too wide, the
    KPI columns on the right are left out first (and named under the table). Words and numbers in `language`."""
    names = [name for name in table.column_names if name not in ROW_FLAGS]
    headers = headers or {}
    specs = []
    for index, name in enumerate(names):
        kpi = kpis.get(name)
        header = headers.get(name) or (kpi.title if kpi else name)
        if name == PERIOD and name not in headers:
            header = text("cli.column.period", language)
        if kpi is not None:
            specs.append(Spec(header, Kind.FIXED, "right", drop=-index))
        elif name == PERIOD:
            specs.append(Spec(header, Kind.FIXED, "left"))
        else:
            specs.append(Spec(header, Kind.LABEL, "left"))
    rows = table.to_pylist()
    cells = []
    for row in rows:
        line = []
        young = set(row.get(IMMATURE) or ())
        for name in names:
            kpi = kpis.get(name)
            if kpi is not None:
                shown = format_kpi_value(row[name], kpi, currency, language=language)
            else:
                shown = format_value(row[name], None, "", language=language)
            line.append(escape(shown) + (" °" if kpi is not None and kpi.name in young else ""))
        if row.get(PARTIAL) and line:
            line[0] += " *"
        cells.append(line)
    notes = []
    if any(row.get(PARTIAL) for row in rows):
        notes.append(text("cli.compute.partial_note", language))
    if any(row.get(IMMATURE) for row in rows):
        notes.append(text("cli.compute.immature_note", language))
    return fit_table(specs, cells, width, notes=notes, language=language)
