"""Export files as answers (docs/dashboard.md#exports): what each kind of export holds, in the formats it is offered
in, for a reader's view of the workspace (signed in, or a share link's creator). The routes are in
server.web.exports and server.web.sharing; the numbers in server.web.export_data; the files in export_files."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import quote

from fastapi.responses import Response

from kpilot.api import Workspace
from kpilot.errors import QueryError
from kpilot.i18n import Language, Message, text
from kpilot.server.web.export_data import BoardExport, board_export, kpi_export, scorecard_sheet
from kpilot.server.web.export_files import MEDIA, board_pdf, chart_bytes, csv_bytes, xlsx_bytes
from kpilot.services.boards import TeamBoard

SHEETS = ("csv", "xlsx")
CHARTS = ("png", "svg")
BOARD_FILES = ("pdf", "csv", "xlsx")


@dataclass(frozen=True)
class File:
    body: bytes
    kind: str  # csv, xlsx, png, svg, pdf
    name: str  # without the extension

    def response(self) -> Response:
        """The file as a download, never kept by a cache (it holds what one reader may see)."""
        filename = f"{self.name}.{self.kind}"
        headers = {
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}",
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        }
        return Response(self.body, media_type=MEDIA[self.kind], headers=headers)


class NotOffered(QueryError):
    """An export asked for in a format it is not offered in (an address of no page: 404)."""


def kpi_file(
    workspace: Workspace,
    name: str,
    pairs: Sequence[tuple[str, str]],
    kind: str,
    language: Language,
    kinds: Sequence[str] = SHEETS + CHARTS,
) -> File:
    """A KPI's history (csv, xlsx) or its history chart (png, svg), over the KPI page's filters."""
    _offered(kind, kinds)
    found = kpi_export(workspace, name, pairs, language)
    if kind in CHARTS:
        spec = found.view.history_spec
        if spec is None:
            raise QueryError(Message("web.export.no_chart", kpi=name), field="kpi")
        return File(chart_bytes(spec, kind), kind, name)
    sheet = found.sheet
    return File(csv_bytes(sheet) if kind == "csv" else xlsx_bytes(sheet), kind, name)


def scorecard_file(workspace: Workspace, kind: str, language: Language) -> File:
    _offered(kind, SHEETS)
    period, sheet = scorecard_sheet(workspace, language)
    return File(csv_bytes(sheet) if kind == "csv" else xlsx_bytes(sheet), kind, f"scorecard-{period.name}")


def board_file(
    workspace: Workspace,
    team: TeamBoard | None,
    kind: str,
    language: Language,
    scope: Mapping[str, str] | None = None,
) -> File:
    """A board as a PDF (its cards, as the board shows them) or its lines' values (csv, xlsx)."""
    _offered(kind, BOARD_FILES)
    found = board_export(workspace, team, language, scope)
    name = f"board-{team.key if team is not None else 'company'}-{found.cards.period.name}"
    if kind == "pdf":
        return File(_pdf(found, language), kind, name)
    return File(csv_bytes(found.sheet) if kind == "csv" else xlsx_bytes(found.sheet), kind, name)


def _pdf(found: BoardExport, language: Language) -> bytes:
    headers = [text(f"web.export.column.{code}", language) for code in ("goal", "label", "value", "target", "status")]
    subtitle = text("web.share.board_period", language, period=found.cards.period)
    return board_pdf(found.cards, found.sheet.title, subtitle, headers)


def _offered(kind: str, kinds: Sequence[str]) -> None:
    if kind not in kinds:
        raise NotOffered(Message("web.export.not_offered", kind=kind, kinds=tuple(kinds)), field="format")
