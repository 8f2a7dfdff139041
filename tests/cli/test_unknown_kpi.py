"""An unknown KPI (or category) is the same error in every command: exit 1 and a "did you mean", never an empty
table that looks like a scorecard without problems."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.support import make_workspace
from tests.support import run_cli as kpilot

DEFINITIONS = """
sources:
  - name: sales
    table: sales
    time: day
    measures:
      - {name: revenue, agg: sum, expr: amount}
      - {name: orders, agg: count}
kpis:
  - {name: revenue, formula: revenue, unit: currency, category: sales}
  - {name: orders, formula: orders, category: sales}
  - {name: aov, formula: revenue / orders, unit: currency, category: finance}
"""
SALES = {"day": [date(2025, 1, 5), date(2025, 2, 7)], "amount": [10.0, 20.0]}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    make_workspace(tmp_path / "ws", DEFINITIONS, {"sales": SALES}).close()
    return tmp_path / "ws"


@pytest.mark.parametrize(
    "command",
    [
        ["compute", "revenu"],
        ["sql", "revenu"],
        ["scorecard", "--kpi", "revenu", "--period", "2025-01"],
        ["scorecard", "--kpi", "orders", "--kpi", "revenu", "--period", "2025-01"],
        ["forecast", "revenu"],
        ["targets", "suggest", "revenu", "--period", "2025-Q2"],
    ],
)
def test_a_misspelt_kpi_is_an_error_with_a_suggestion(
    folder: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    code, out, err = kpilot(capsys, *command, "-w", str(folder))
    assert code == 1
    assert out == ""
    assert "error: unknown KPI 'revenu'\n  hint: did you mean 'revenue'?" in err


def test_a_kpi_far_from_every_name_lists_the_defined_ones(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = kpilot(capsys, "scorecard", "--kpi", "zzz", "--period", "2025-01", "-w", str(folder))
    assert code == 1
    assert "hint: defined KPIs: revenue, orders, aov" in err


def test_a_misspelt_category_is_an_error_with_a_suggestion(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = kpilot(capsys, "scorecard", "--category", "sale", "--period", "2025-01", "-w", str(folder))
    assert code == 1
    assert out == ""
    assert "error: no KPI has the category 'sale'\n  hint: did you mean 'sales'?" in err


def test_known_names_and_category_select_in_definition_order(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = kpilot(
        capsys, "scorecard", "--category", "sales", "--period", "2025-01", "--format", "csv", "-w", str(folder)
    )
    assert code == 0
    assert [line.split(",")[0] for line in out.splitlines()[1:]] == ["revenue", "orders"]
