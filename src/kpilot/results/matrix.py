"""The KPI matrix as a result: `kpilot matrix` and `kpilot.Workspace.matrix` build it here, and its `to_data` is
the command's `--format json`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from kpilot.goals.matrix import Column, Flag, Matrix, Row, build_matrix
from kpilot.goals.resolved import ResolvedTarget
from kpilot.i18n import DEFAULT, Language
from kpilot.results import arguments
from kpilot.results.data import code, plain, words
from kpilot.workspace import Workspace


@dataclass(frozen=True)
class MatrixResult:
    """Goals (rows) by the KPIs that serve them (columns), with weights, and how each goal stands in one period."""

    matrix: Matrix

    @property
    def name(self) -> str:
        """The period as people write it: 2025-05."""
        return self.matrix.name

    @property
    def columns(self) -> tuple[Column, ...]:
        return self.matrix.columns

    @property
    def rows(self) -> tuple[Row, ...]:
        return self.matrix.rows

    @property
    def flags(self) -> tuple[Flag, ...]:
        return self.matrix.flags

    def to_data(self, language: Language | str = DEFAULT) -> dict[str, Any]:
        """The period, the KPIs, the goals and the flags, as `kpilot matrix --format json` prints them."""
        chosen = arguments.language(language)
        matrix = self.matrix
        data = {
            "period": matrix.name,
            "start": matrix.period,
            "grain": matrix.grain.value,
            "elapsed": matrix.elapsed,
            "weights_add_up_to": matrix.convention,
            "kpis": [_column(c, chosen) for c in matrix.columns],
            "goals": [_row(row) for row in matrix.rows],
            "flags": [_flag(f, chosen) for f in matrix.flags],
        }
        result: dict[str, Any] = plain(data)
        return result


def matrix_result(workspace: Workspace, *, period: str | None = None, today: date | None = None) -> MatrixResult:
    """The matrix of `period` (default: the last complete month)."""
    day = arguments.today(today)
    return MatrixResult(build_matrix(workspace, arguments.period(period, workspace.calendar, day), today=day))


def _column(column: Column, language: Language) -> dict[str, Any]:
    evaluation = column.evaluation
    return {
        "kpi": column.kpi.name,
        "label": column.kpi.title,
        "owner": column.kpi.owner,
        "unit": column.kpi.unit.value,
        "direction": column.kpi.direction.value,
        "value": column.value,
        "partial": column.partial,
        "target": _target(column.target, language),
        "status": evaluation.status.value,
        "attainment": evaluation.attainment,
        "reason": words(evaluation.reason, language),
        "reason_code": code(evaluation.reason),
        "error": words(column.error, language),
        "error_code": code(column.error),
    }


def _target(target: ResolvedTarget | None, language: Language) -> dict[str, Any] | None:
    if target is None:
        return None
    levels = {"commit": target.commit, "target": target.target, "stretch": target.stretch}
    levels.update(min=target.min, max=target.max)
    shown = {k: v for k, v in levels.items() if v is not None}
    return {
        "type": target.type.value,
        **shown,
        "basis": words(target.basis, language),
        "basis_code": code(target.basis),
    }


def _row(row: Row) -> dict[str, Any]:
    return {
        "name": row.goal.name,
        "label": row.goal.title,
        "owner": row.goal.owner,
        "parent": row.goal.parent,
        "depth": row.depth,
        "weights": dict(row.weights),
        "attainment": row.attainment,
        "kpis_counted": row.counted,
    }


def _flag(flag: Flag, language: Language) -> dict[str, Any]:
    return {
        "kind": flag.kind.value,
        "severity": flag.severity.value,
        "goal": flag.goal,
        "kpi": flag.kpi,
        "message": words(flag.message, language),
        "message_code": code(flag.message),
    }
