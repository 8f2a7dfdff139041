"""What a share link shows (docs/dashboard.md#sharing-and-embedding), computed as its creator would see it: through
the creator's own view of the workspace (server.reading.seen_by with the creator's read-only actor), narrowed by
the filters the link locks. The visitor's query string never reaches here: nothing they send can change a filter.

A locked filter that the KPI page would now leave out (a value that no longer occurs in the creator's rows, a
dimension gone from the definitions) stops the link from showing anything (LinkBroken) rather than showing the
KPI without the filter: a link never shows more than it did when it was made."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kpilot.api import Workspace
from kpilot.errors import UserError
from kpilot.i18n import Language, text
from kpilot.server.reading import seen_by
from kpilot.server.runtime import Runtime
from kpilot.server.web.export_answers import BOARD_FILES, CHARTS, SHEETS, File, board_file, kpi_file
from kpilot.server.web.export_data import FiltersRefused, board_export, kpi_export
from kpilot.services.boards import TeamBoard
from kpilot.services.sharing import LockedFilters, OpenedShare, ShareKind, team_of_board


class LinkBroken(UserError):
    """A working link whose locked filters can no longer be applied as they were (a page answers 410)."""


@dataclass(frozen=True)
class Shown:
    template: str
    context: dict[str, Any]


def locked_pairs(filters: LockedFilters) -> list[tuple[str, str]]:
    """The locked filters as a KPI page's query string would say them."""
    pairs = [("period", filters.period)] if filters.period else []
    return [*pairs, ("grain", filters.grain.value), *filters.scope]


def shared_page(runtime: Runtime, opened: OpenedShare, language: Language, base: str) -> Shown:
    """The page of a link; `base` is the link's own path (`/s/TOKEN`), which its exports hang under."""
    link, filters = opened.view.link, opened.view.filters
    with seen_by(runtime, opened.actor) as workspace:
        if link.kind == ShareKind.KPI:
            try:
                found = kpi_export(workspace, link.target, locked_pairs(filters), language)
            except FiltersRefused as error:
                raise LinkBroken(error.message, field="filters") from None
            exports = [(f"web.export.file_{kind}", f"{base}/export.{kind}") for kind in SHEETS + CHARTS]
            context = {"view": found.view, "locked": filters.scope, "exports": exports}
            return Shown("shared_kpi.html", context)
        team = _team(runtime, opened, workspace)
        board = board_export(workspace, team, language, filters.scope_map)
        title = team.team.name if team is not None else text("web.export.company_board", language)
        exports = [(f"web.export.file_{kind}", f"{base}/export.{kind}") for kind in BOARD_FILES]
        return Shown("shared_board.html", {"board": board.cards, "title": title, "exports": exports})


def shared_file(runtime: Runtime, opened: OpenedShare, kind: str, language: Language) -> File:
    """One of a link's exports: what its page shows, as a file."""
    link, filters = opened.view.link, opened.view.filters
    with seen_by(runtime, opened.actor) as workspace:
        if link.kind == ShareKind.KPI:
            try:
                return kpi_file(workspace, link.target, locked_pairs(filters), kind, language)
            except FiltersRefused as error:
                raise LinkBroken(error.message, field="filters") from None
        return board_file(workspace, _team(runtime, opened, workspace), kind, language, filters.scope_map)


def _team(runtime: Runtime, opened: OpenedShare, workspace: Workspace) -> TeamBoard | None:
    with runtime.store() as store:
        return team_of_board(store, opened.actor, opened.view.link.target, workspace.calendar.today())
