"""The KPI matrix: each KPI judged for the period, each goal's weighted attainment, and the structure's flags."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from kpilot import Workspace
from kpilot.goals.matrix import Kind, build_matrix, goal_attainment, goal_tree
from kpilot.goals.status import Status

TODAY = date(2025, 6, 10)  # the default period is May 2025
DEFINITIONS = """
sources:
  - {name: sales, table: sales, time: day, measures: [{name: revenue, agg: sum, expr: amount}]}
  - {name: signups, table: signups, time: day, measures: [{name: signups, agg: count}]}
  - {name: costs, table: costs, time: day, measures: [{name: cost, agg: sum, expr: amount}]}
  - {name: survey, table: survey, time: day, measures: [{name: nps, agg: avg, expr: score}]}
kpis:
  - {name: revenue, formula: revenue, unit: currency, owner: Ann}
  - {name: signups, formula: signups}
  - {name: cost, formula: cost, direction: down, owner: Bob}
  - {name: nps, formula: nps}
  - {name: orphan, formula: revenue * 2}
targets:
  - {kpi: revenue, period: '2025-05', target: 100}
  - {kpi: signups, period: '2025-05', target: 2}
  - {kpi: cost, every: month, target: 100}
goals:
  - name: growth
    label: Grow the business
    owner: CEO
    kpis: [{kpi: revenue, weight: 0.6}, {kpi: signups, weight: 0.4}]
  - {name: efficiency, parent: growth, kpis: [{kpi: cost, weight: 1}, {kpi: nps, weight: 1}]}
  - {name: brand, parent: growth, kpis: [{kpi: revenue, weight: 100}]}
  - {name: empty, parent: nowhere}
  - {name: loop_a, parent: loop_b, kpis: [{kpi: ghost}]}
  - {name: loop_b, parent: loop_a, kpis: [{kpi: nps, weight: 0.5}, {kpi: nps, weight: 0.5}]}
"""
TABLES = {
    "sales": {
        "day": [date(2025, 4, 3), date(2025, 5, 2), date(2025, 5, 20), date(2025, 6, 2)],
        "amount": [1.0, 70.0, 50.0, 45.0],
    },
    "signups": {"day": [date(2025, 5, d) for d in (1, 2, 3, 4)]},
    "costs": {"day": [date(2025, 5, 9), date(2025, 6, 3)], "amount": [80.0, 20.0]},
    "survey": {"day": [date(2025, 5, 9)], "score": [7.0]},
}


def test_columns_rows_and_attainment(duckdb_factory: Callable[..., Workspace]) -> None:
    ws = duckdb_factory(DEFINITIONS, TABLES)
    matrix = build_matrix(ws, today=TODAY)
    assert (matrix.name, matrix.elapsed) == ("2025-05", 1.0)
    assert [c.kpi.name for c in matrix.columns] == ["revenue", "signups", "cost", "nps"]
    judged = {c.kpi.name: (c.value, c.evaluation.status, c.evaluation.attainment) for c in matrix.columns}
    assert judged == {
        "revenue": (120.0, Status.ACHIEVED, pytest.approx(1.2)),  # 120 against 100
        "signups": (4.0, Status.ACHIEVED, pytest.approx(2.0)),  # 4 against 2
        "cost": (80.0, Status.ACHIEVED, pytest.approx(1.25)),  # lower is better: 100 / 80
        "nps": (7.0, Status.NO_TARGET, None),
    }
    cost = matrix.column("cost")
    assert cost is not None
    assert cost.target is not None
    assert cost.target.target == 100.0
    rows = [(r.goal.name, r.depth, r.counted) for r in matrix.rows]
    assert rows == [
        ("growth", 0, 2),
        ("efficiency", 1, 1),
        ("brand", 1, 1),
        ("empty", 0, 0),
        ("loop_a", 0, 0),
        ("loop_b", 0, 0),
    ]
    attainment = {r.goal.name: r.attainment for r in matrix.rows}
    # growth: signups' 2.0 is held at 1.5, so (0.6 x 1.2 + 0.4 x 1.5) / (0.6 + 0.4) = 1.32
    assert attainment["growth"] == pytest.approx(1.32)
    assert attainment["efficiency"] == pytest.approx(1.25)  # nps has no target: only cost counts
    assert attainment["brand"] == pytest.approx(1.2)
    assert attainment["empty"] is None
    assert attainment["loop_b"] is None
    loop_b = matrix.row("loop_b")
    assert loop_b is not None
    assert dict(loop_b.weights) == {"nps": 1.0}


def test_flags(duckdb_factory: Callable[..., Workspace]) -> None:
    ws = duckdb_factory(DEFINITIONS, TABLES)
    matrix = build_matrix(ws, today=TODAY)
    assert matrix.convention == 1.0  # growth, loop_a and loop_b add up to 1; brand to 100
    # Each flag's code is its kind (weights have two: a sum that fits no convention, and the minority convention).
    assert [f.message.code for f in matrix.flags] == [
        "goals.matrix.goal_without_kpis",
        "goals.matrix.unknown_parent",
        "goals.matrix.unknown_kpi",
        "goals.matrix.duplicate_link",
        "goals.matrix.parent_cycle",
        "goals.matrix.kpi_without_goal",
        "goals.matrix.not_a_convention",
        "goals.matrix.mixed_conventions",
    ]
    assert [(f.kind, f.severity, f.goal, f.kpi, str(f.message)) for f in matrix.flags] == [
        (Kind.GOAL_WITHOUT_KPIS, "warning", "empty", None, "goal 'empty' has no KPI"),
        (Kind.UNKNOWN_PARENT, "error", "empty", None, "goal 'empty' has parent 'nowhere', which is not a goal"),
        (Kind.UNKNOWN_KPI, "error", "loop_a", "ghost", "goal 'loop_a' links to unknown KPI 'ghost'"),
        (
            Kind.DUPLICATE_LINK,
            "warning",
            "loop_b",
            "nps",
            "goal 'loop_b' links KPI 'nps' 2 times (its weights are added up)",
        ),
        (Kind.PARENT_CYCLE, "error", "loop_a", None, "goals form a cycle of parents: loop_a -> loop_b -> loop_a"),
        (Kind.KPI_WITHOUT_GOAL, "warning", None, "orphan", "KPI 'orphan' serves no goal"),
        (Kind.WEIGHTS, "warning", "efficiency", None, "the weights of goal 'efficiency' add up to 2, not 1"),
        (
            Kind.WEIGHTS,
            "warning",
            "brand",
            None,
            "the weights of goal 'brand' add up to 100, while most goals' add up to 1: use one convention",
        ),
    ]


def test_running_period_and_no_goals(duckdb_factory: Callable[..., Workspace]) -> None:
    ws = duckdb_factory(DEFINITIONS, TABLES)
    june = build_matrix(ws, "2025-06", today=TODAY)
    assert june.elapsed == pytest.approx(9 / 30)
    revenue = june.column("revenue")
    assert revenue is not None
    assert revenue.evaluation.status is Status.NO_TARGET
    cost = june.column("cost")  # 20 so far against a pace of 100 x 9/30 = 30: within the limit
    assert cost is not None
    assert cost.evaluation.status is Status.ON_TRACK
    bare = duckdb_factory(DEFINITIONS.split("targets:")[0], TABLES)
    empty = build_matrix(bare, today=TODAY)
    assert (empty.columns, empty.rows) == ((), ())
    assert [f.kind for f in empty.flags] == [Kind.NO_GOALS]


def test_goal_attainment_rule() -> None:
    # (2 x 0.5 + 1 x min(3, 1.5)) / (2 + 1); c has no attainment and does not count.
    attainment, counted = goal_attainment({"a": 2, "b": 1, "c": 1}, {"a": 0.5, "b": 3.0, "c": None})
    assert attainment == pytest.approx(2.5 / 3)
    assert counted == 2
    assert goal_attainment({"a": 1}, {"a": -0.5}) == (0.0, 1)  # held at 0
    assert goal_attainment({"a": 1}, {}) == (None, 0)


def test_goal_tree_puts_children_under_parents() -> None:
    from kpilot.definitions.goals_model import Goal

    goals = [Goal(name="child", parent="top"), Goal(name="top"), Goal(name="grandchild", parent="child")]
    assert [(g.name, depth) for g, depth in goal_tree(goals)] == [("top", 0), ("child", 1), ("grandchild", 2)]
