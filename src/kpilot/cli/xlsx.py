"""`--format xlsx`: a result as an Excel workbook with typed cells.

Numbers are number cells holding the raw value (a percent KPI holds the fraction 0.0197 and is shown as 1.97% by
the cell's number format), dates are date cells, `partial` is a true/false cell. Text cells (dimension values, the
header) go through the same guard as CSV (`export_safety`): one that a spreadsheet would run as a formula gets a
leading `'`, and every text cell is written as text, never as a formula. XML cannot hold most control characters,
so those are written as U+FFFD (�).
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pyarrow as pa
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from kpilot.cli.export_safety import neutralised
from kpilot.definitions.model import Kpi, Unit
from kpilot.results.formatting import TIME_UNITS

SHEET = "kpilot"
DATE_FORMAT = "yyyy-mm-dd"
PERCENT_FORMAT = "0.00##%"  # two decimals, and up to four when needed: 0.0139% stays 0.0139%
WIDEST = 60  # characters: a column is never made wider than this


def to_xlsx(table: pa.Table, kpis: Mapping[str, Kpi], currency: str) -> bytes:
    """The workbook's bytes: a header row of column names (as in CSV), then one row per result row."""
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    names = table.column_names
    formats = {name: number_format(kpi, currency) for name, kpi in kpis.items() if name in names}
    for column, name in enumerate(names, start=1):
        cell = sheet.cell(row=1, column=column)
        _text(cell, name)
        cell.font = Font(bold=True)
    for row_number, row in enumerate(table.to_pylist(), start=2):
        for column, name in enumerate(names, start=1):
            cell = sheet.cell(row=row_number, column=column)
            _value(cell, row[name], formats.get(name))
    sheet.freeze_panes = "A2"
    for column, name in enumerate(names, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = min(WIDEST, max(10, len(name) + 2))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def number_format(kpi: Kpi, currency: str) -> str:
    """How a KPI's cells are shown in the spreadsheet; the value stays raw."""
    if kpi.unit is Unit.PERCENT:
        return PERCENT_FORMAT
    code = currency.replace('"', "")
    if kpi.unit is Unit.CURRENCY:
        return f'#,##0.00 "{code}"'
    if kpi.unit is Unit.DURATION and kpi.time_unit is not None:
        return f'#,##0.0 "{TIME_UNITS[kpi.time_unit]}"'
    return "General"


def _value(cell: Any, value: Any, number_format: str | None) -> None:
    if value is None:
        return
    if isinstance(value, bool):
        cell.value = value
    elif isinstance(value, int | float | Decimal):
        if isinstance(value, Decimal) and not value.is_finite():
            return
        if isinstance(value, float) and not math.isfinite(value):
            return  # NaN and infinities have no cell value: empty, as in CSV
        cell.value = value
        if number_format is not None:
            cell.number_format = number_format
    elif isinstance(value, datetime):
        if value.tzinfo is not None:  # Excel has no time zones: the exact instant as text
            _text(cell, value.isoformat())
            return
        cell.value = value
        cell.number_format = DATE_FORMAT + " hh:mm:ss"
    elif isinstance(value, date):
        cell.value = value
        cell.number_format = DATE_FORMAT
    elif isinstance(value, list | tuple):  # `immature`: the KPIs of the row that are not final yet
        if value:
            _text(cell, " ".join(str(item) for item in value))
    else:
        _text(cell, str(value))


def _text(cell: Any, text: str) -> None:
    cell.value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", neutralised(text))
    cell.data_type = "s"  # text, never a formula, whatever it starts with
