"""The downloads and the "share" link a page offers (docs/dashboard.md#exports), for the pages' templates: pass
`exports=kpi_links(...)` (and `share=share_link(...)`) and `{% include "_share_exports.html" %}`. Each download
carries the page's own query string, so that the file holds what the page shows; `lang` is left out (the file's
words follow the reader)."""

from __future__ import annotations

from urllib.parse import parse_qsl, quote, urlencode

SHEETS = ("csv", "xlsx")
CHARTS = ("png", "svg")


def kpi_links(kpi: str, query: str = "") -> tuple[tuple[str, str], ...]:
    """A KPI page's downloads: its history as CSV and XLSX, its chart as PNG and SVG."""
    name, kept = quote(kpi, safe=""), _kept(query)
    sheets = tuple((f"web.export.file_{kind}", f"/export/kpi/{name}.{kind}{kept}") for kind in SHEETS)
    return sheets + tuple((f"web.export.file_{kind}", f"/export/chart/kpi/{name}.{kind}{kept}") for kind in CHARTS)


def scorecard_links() -> tuple[tuple[str, str], ...]:
    return tuple((f"web.export.file_{kind}", f"/export/scorecard.{kind}") for kind in SHEETS)


def board_links(team_key: str | None) -> tuple[tuple[str, str], ...]:
    """A board's downloads (None: the company's board)."""
    base = "/export/board/company" if team_key is None else f"/export/board/team/{quote(team_key, safe='')}"
    return tuple((f"web.export.file_{kind}", f"{base}.{kind}") for kind in ("pdf", *SHEETS))


def share_link(kind: str, name: str, query: str = "") -> str:
    """The form of /shares filled in for this KPI (`kpi`) or board (`board`: `company`, `team:KEY`), with the page's
    filters as the link's locked ones."""
    pairs = [("kind", kind), ("name", name), *((k, v) for k, v in parse_qsl(query) if k != "lang")]
    return f"/shares?{urlencode(pairs)}"


def _kept(query: str) -> str:
    pairs = [(key, value) for key, value in parse_qsl(query) if key != "lang"]
    return f"?{urlencode(pairs)}" if pairs else ""
