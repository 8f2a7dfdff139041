"""`/goals`: the goals and the KPI matrix (docs/dashboard.md#goals-and-the-kpi-matrix): goals as rows, the KPIs that
serve them as columns with each link's weight, and each goal's attainment as the matrix works it out
(kpilot.goals.matrix: the weighted mean of its KPIs' attainments, each held within 0 and 150 %).

The matrix is the reader's (server.reading.seen_by): a KPI they may not see is no column, and its link is not told.
The period is the one the scorecard and the boards show by default (the last complete month with data), so that
the numbers here are the boards' numbers. Under the matrix, the objectives of the current OKR cycle whose key results
its KPIs measure (services.okr_links): which objectives move which KPIs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from kpilot.api import Workspace
from kpilot.engine.period_names import period_name
from kpilot.goals.matrix import Column, Row
from kpilot.goals.scorecard import default_period
from kpilot.i18n import Language, Period
from kpilot.results.data import words
from kpilot.results.formatting import EMPTY, format_kpi_value, format_share, format_weight, status_words
from kpilot.server.reading import seen_by
from kpilot.server.runtime import Runtime
from kpilot.server.web.reader import Reader, signed_in, signed_page
from kpilot.services.okr_links import Moving as MovedKpi
from kpilot.services.okr_links import moving_kpis

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True)
class KpiColumn:
    kpi: str
    label: str
    value: str
    status: str  # the status's code (its colour)
    status_words: str
    attainment: str


@dataclass(frozen=True)
class GoalRow:
    goal: str
    label: str
    description: str | None
    depth: int  # in the goal tree (a goal under another is indented)
    weights: tuple[str, ...]  # one a column, in the columns' order; empty where the goal has no link to that KPI
    attainment: str
    counted: int


@dataclass(frozen=True)
class Flagged:
    severity: str
    words: str


@dataclass(frozen=True)
class MatrixPage:
    period: Period
    columns: tuple[KpiColumn, ...]
    rows: tuple[GoalRow, ...]
    flags: tuple[Flagged, ...]


@dataclass(frozen=True)
class MovedBy:
    """A key result of the current cycle measured by one of the matrix's KPIs: which objective moves which KPI."""

    kpi: str  # the KPI's title
    objective_id: int
    objective: str
    owner: str
    key_result: str
    grade: str
    colour: str | None  # the grade's colour code


@dataclass(frozen=True)
class Moving:
    cycle: str | None
    items: tuple[MovedBy, ...]


@router.get("/goals")
async def goals(request: Request) -> Response:
    reader = await signed_in(request)
    if not isinstance(reader, Reader):
        return reader
    runtime: Runtime = request.app.state.runtime

    def made() -> tuple[MatrixPage, Moving]:
        with seen_by(runtime, reader.actor) as workspace:
            page = matrix_page(workspace, reader.language)
        # The OKRs are read through the workspace itself: services.okrs makes the reader's view of it.
        with runtime.workspace() as workspace, runtime.store() as store:
            found = moving_kpis(workspace, reader.actor, store=store)
        return page, _moving(page, found, reader.language)

    matrix, moving = await run_in_threadpool(made)
    return signed_page(request, "goals.html", reader, matrix=matrix, moving=moving)


def _moving(page: MatrixPage, found: Mapping[str, tuple[MovedKpi, ...]], language: Language) -> Moving:
    items = []
    cycle = None
    for column in page.columns:
        for moved in found.get(column.kpi, ()):
            cycle = moved.cycle
            grade = EMPTY if moved.grade is None else format_share(float(moved.grade), language)
            colour = None if moved.colour is None else moved.colour.value
            items.append(
                MovedBy(column.label, moved.objective_id, moved.objective, moved.owner, moved.key_result, grade, colour)
            )
    return Moving(cycle, tuple(items))


def matrix_page(workspace: Workspace, language: Language) -> MatrixPage:
    linked = list(dict.fromkeys(link.kpi for goal in workspace.definitions.goals for link in goal.kpis))
    chosen = default_period(workspace, linked or None)
    name = period_name(chosen.start, chosen.grain, workspace.calendar)
    matrix = workspace.matrix(period=name)
    currency = workspace.settings.currency
    columns = tuple(_column(column, currency, language) for column in matrix.columns)
    rows = tuple(_row(row, matrix.columns, language) for row in matrix.rows)
    flags = tuple(Flagged(flag.severity.value, words(flag.message, language) or "") for flag in matrix.flags)
    return MatrixPage(Period(chosen.start, chosen.grain.value, name), columns, rows, flags)


def _column(column: Column, currency: str, language: Language) -> KpiColumn:
    evaluation = column.evaluation
    value = EMPTY if column.value is None else format_kpi_value(column.value, column.kpi, currency, language=language)
    return KpiColumn(
        column.kpi.name,
        column.kpi.title,
        value,
        evaluation.status.value,
        status_words(evaluation.status, language),
        format_share(evaluation.attainment, language),
    )


def _row(row: Row, columns: tuple[Column, ...], language: Language) -> GoalRow:
    weights = tuple(
        format_weight(row.weights[c.kpi.name], language) if c.kpi.name in row.weights else "" for c in columns
    )
    goal = row.goal
    attainment = format_share(row.attainment, language)
    return GoalRow(goal.name, goal.title, goal.description, row.depth, weights, attainment, row.counted)
