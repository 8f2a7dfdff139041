"""Export files (docs/dashboard.md#exports): a sheet as CSV or XLSX, a chart's Vega-Lite spec as PNG or SVG, and a
board as a PDF, each rendered on the server by vl-convert (the same Vega-Lite the browser draws with).

CSV cells are plain values as text: a Decimal exactly as computed (never through a float), a day as ISO 8601, an
empty value empty; no locale formatting, so that any program reads the numbers back. XLSX cells keep their types
(numbers are numbers, days are dates). Charts are rendered with no access to the network: a spec holds its data."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from kpilot.server.web.board_cards import BoardCards
from kpilot.server.web.charts import VEGA_LITE_SCHEMA
from kpilot.server.web.export_data import Sheet

CSV = "text/csv; charset=utf-8"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PNG = "image/png"
SVG = "image/svg+xml"
PDF = "application/pdf"
MEDIA = {"csv": CSV, "xlsx": XLSX, "png": PNG, "svg": SVG, "pdf": PDF}
CHART_WIDTH = 720  # a chart drawn to the page's width ("container") is drawn this wide in a file
VEGA_LITE = "6.4"  # the version the browser's vendor script is (package-lock.json); vl-convert ships it too


def csv_bytes(sheet: Sheet) -> bytes:
    """UTF-8 with a byte order mark, so that spreadsheet programs read the words of every language right."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(sheet.headers)
    writer.writerows([_csv_cell(cell) for cell in row] for row in sheet.rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def xlsx_bytes(sheet: Sheet) -> bytes:
    from openpyxl import Workbook  # imported when a spreadsheet is asked for: it is slow to import

    book = Workbook(write_only=True)
    page = book.create_sheet(title=_sheet_title(sheet.title))
    page.append(list(sheet.headers))
    for row in sheet.rows:
        page.append(list(row))  # a Decimal is written as a number, digit for digit
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def chart_bytes(spec: Mapping[str, Any], kind: str) -> bytes:
    """A chart's spec as a PNG or an SVG (UTF-8), drawn as the browser draws it."""
    import vl_convert

    drawn = _fixed_width(spec)
    if kind == "png":
        return bytes(vl_convert.vegalite_to_png(drawn, vl_version=VEGA_LITE, scale=2, allowed_base_urls=[]))
    return str(vl_convert.vegalite_to_svg(drawn, vl_version=VEGA_LITE, allowed_base_urls=[])).encode("utf-8")


def board_pdf(cards: BoardCards, title: str, subtitle: str, headers: Sequence[str]) -> bytes:
    """A board as one page of a PDF: its title and period, then each card as a row (goal, KPI, value, target,
    status), with the words and numbers its cards show."""
    import vl_convert

    spec = board_document(cards, title, subtitle, headers)
    return bytes(vl_convert.vegalite_to_pdf(spec, vl_version=VEGA_LITE, allowed_base_urls=[]))


COLUMNS = (0, 26, 52, 68, 82)  # where each column of a board document starts, in hundredths of its width
ROW_HEIGHT = 22


def board_document(cards: BoardCards, title: str, subtitle: str, headers: Sequence[str]) -> dict[str, Any]:
    """A board as a Vega-Lite spec of text marks: a table, one row a card."""
    rows: list[tuple[str, ...]] = [tuple(headers)]
    for group in cards.groups:
        for shown in group.cards:
            rows.append((group.label or "", shown.label, shown.value, shown.target, shown.status_words or ""))
    return text_table_document(rows, title, subtitle, COLUMNS, font_size=12, limit=180)


def text_table_document(
    rows: Sequence[Sequence[str]],
    title: str,
    subtitle: str,
    columns: Sequence[int],
    *,
    font_size: int,
    limit: int,
) -> dict[str, Any]:
    """A table of words as a Vega-Lite spec of text marks (what vl-convert draws into a PDF page): the first row
    bold, each column starting at its hundredth of the width in `columns`."""
    cells = [
        {"row": index, "x": columns[column], "text": value, "weight": "bold" if index == 0 else "normal"}
        for index, row in enumerate(rows)
        for column, value in enumerate(row)
    ]
    return {
        "$schema": VEGA_LITE_SCHEMA,
        "title": {"text": title, "subtitle": subtitle, "anchor": "start", "fontSize": 18},
        "width": CHART_WIDTH,
        "height": ROW_HEIGHT * len(rows),
        "background": "white",
        "padding": 24,
        "config": {"view": {"stroke": None}},
        "data": {"values": cells},
        "mark": {"type": "text", "align": "left", "baseline": "middle", "fontSize": font_size, "limit": limit},
        "encoding": {
            "x": {"field": "x", "type": "quantitative", "scale": {"domain": [0, 100]}, "axis": None},
            "y": {"field": "row", "type": "ordinal", "axis": None},
            "text": {"field": "text"},
            "fontWeight": {"field": "weight", "type": "nominal", "scale": None, "legend": None},
        },
    }


def _fixed_width(spec: Mapping[str, Any]) -> dict[str, Any]:
    drawn = dict(spec)
    if drawn.get("width") == "container":
        drawn["width"] = CHART_WIDTH
    if drawn.get("background") is None:
        drawn["background"] = "white"
    return drawn


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def _sheet_title(title: str) -> str:
    """A sheet name Excel accepts: at most 31 characters, none of []:*?/\\."""
    cleaned = "".join("_" if ch in "[]:*?/\\" else ch for ch in title).strip() or "kpilot"
    return cleaned[:31]
