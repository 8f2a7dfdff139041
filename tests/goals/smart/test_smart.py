"""SMART checks: one finding per problem, with its letter, severity, KPI, target, reason and fix."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from kpilot import Workspace
from kpilot.engine.periods import Calendar, Grain
from kpilot.errors import Severity
from kpilot.goals.smart.check import check_workspace, has_errors
from kpilot.goals.smart.finding import Finding, Letter

TODAY = date(2025, 6, 15)  # the last complete month is May 2025
CALENDAR = Calendar()


def months(first: date, count: int) -> list[date]:
    return [CALENDAR.shift(first, i, Grain.MONTH).replace(day=10) for i in range(count)]


SALES = {"day": months(date(2024, 1, 1), 17), "amount": [100.0] * 17}  # 2024-01 .. 2025-05, 100 a month
REFUNDS = {"day": months(date(2024, 1, 1), 17), "amount": [5.0] * 16 + [0.0]}  # nothing refunded in May 2025
RETURNS = {"day": months(date(2024, 1, 1), 15)}  # 2024-01 .. 2025-03: April and May are missing
SALES_TEXT = {"day": [date(2025, 5, 2)], "amount": ["not a number"]}  # the ledger's cast fails at run time
TABLES = {
    "sales": SALES,
    "refunds": REFUNDS,
    "returns": RETURNS,
    "roster": {"person": ["x", "y"]},
    "sales_text": SALES_TEXT,
}

GOOD_KPI = "label: L, description: D, owner: O, grain: month"
DEFINITIONS = f"""
sources:
  - name: sales
    table: sales
    time: day
    measures:
      - {{name: revenue, agg: sum, expr: amount}}
      - {{name: deals, agg: count}}
  - name: refunds
    table: refunds
    time: day
    measures:
      - {{name: refunded, agg: sum, expr: amount}}
      - {{name: average_refund, agg: avg, expr: amount, filter: amount > 0}}
  - name: returns
    table: returns
    time: day
    measures:
      - {{name: returns, agg: count}}
  - name: ledger
    sql: "select day, cast(amount as integer) as loss from sales_text"
    time: day
    measures:
      - {{name: loss, agg: sum, expr: loss}}
  - name: roster
    table: roster
    measures:
      - {{name: people, agg: count}}
kpis:
  - {{name: revenue, formula: revenue, {GOOD_KPI}}}
  - {{name: deals, formula: deals}}
  - {{name: deal_size, formula: revenue / deals, {GOOD_KPI}}}
  - {{name: refunded, formula: refunded, {GOOD_KPI}}}
  - {{name: average_refund, formula: average_refund, {GOOD_KPI}}}
  - {{name: per_person, formula: revenue / people, {GOOD_KPI}}}
  - {{name: returns, formula: returns, {GOOD_KPI}}}
  - {{name: broken, formula: loss, {GOOD_KPI}}}
  - {{name: costs, formula: revenue, direction: down, {GOOD_KPI}}}
goals:
  - name: grow
    kpis: [{{kpi: revenue}}, {{kpi: deal_size}}, {{kpi: refunded}}, {{kpi: average_refund}}, {{kpi: per_person}}]
  - name: lean
    kpis: [{{kpi: costs}}, {{kpi: ghost}}]
targets:
  - {{kpi: revenue, period: '2025-06', target: 1000}}
  - {{kpi: revenue, every: month, target: 50}}
  - {{kpi: revenue, period: '2025-07', scope: {{team: a}}, target: 1}}
  - {{kpi: costs, period: '2025-06', target: 10}}
  - {{kpi: deal_size, period: '2025-06', commit: 1}}
  - {{kpi: refunded, period: '2025-05', target: 9, stretch: 8}}
  - {{kpi: refunded, period: '2025-05', target: 20}}
  - {{kpi: average_refund, period: 'Q3', target: 1}}
  - {{kpi: average_refund, period: '2025-05-03', target: 1}}
  - {{kpi: ghost, period: '2025', target: 1}}
"""


@pytest.fixture(scope="module")
def findings(tmp_path_factory: pytest.TempPathFactory) -> list[Finding]:
    from tests.support import make_workspace

    with make_workspace(tmp_path_factory.mktemp("smart"), DEFINITIONS, TABLES) as ws:
        return check_workspace(ws, today=TODAY)


def _label(finding: Finding) -> str | None:
    """The target a finding is about, in English ("2025-Q3 team=EMEA", "every month")."""
    return None if finding.target is None else str(finding.target)


def about(findings: list[Finding], letter: Letter, kpi: str | None) -> list[tuple[Severity, str | None, str]]:
    """The findings of a letter and KPI: severity, target and the reason in English."""
    return [(f.severity, _label(f), str(f.reason)) for f in findings if f.letter is letter and f.kpi == kpi]


def codes(findings: list[Finding], letter: Letter, kpi: str | None) -> list[str]:
    return [f.reason.code for f in findings if f.letter is letter and f.kpi == kpi]


def test_specific(findings: list[Finding]) -> None:
    deals = about(findings, Letter.S, "deals")
    assert [(level, reason.split(":")[0]) for level, _, reason in deals] == [
        (Severity.WARNING, "no owner"),
        (Severity.WARNING, "no description"),
        (Severity.INFO, "no label"),
    ]
    assert about(findings, Letter.S, "revenue") == []
    (conflict,) = about(findings, Letter.S, "refunded")
    assert conflict[0] is Severity.ERROR
    assert "two targets for 2025-05" in conflict[2]
    assert codes(findings, Letter.S, "deals") == [
        "goals.smart.no_owner",
        "goals.smart.no_description",
        "goals.smart.no_label",
    ]
    assert codes(findings, Letter.S, "refunded") == ["engine.two_targets"]
    fix = next(f.fix for f in findings if f.letter is Letter.S and f.kpi == "deals")
    assert (fix.code, str(fix)) == ("goals.smart.no_owner_fix", "add `owner: <person or team>`")
    assert str(Letter.S.word) == "Specific"


def test_measurable(findings: list[Finding]) -> None:
    (broken,) = about(findings, Letter.M, "broken")
    assert broken[0] is Severity.ERROR
    assert broken[2].startswith("does not compute per month: the warehouse could not compute the request")
    assert about(findings, Letter.M, "per_person") == []  # it computes over all time: see T
    assert about(findings, Letter.M, "returns") == [
        (Severity.WARNING, None, "the data ends with 2025-03; the last complete month is 2025-05")
    ]
    (refunded,) = [f for f in about(findings, Letter.M, "refunded") if f[1] is None]
    assert refunded[0] is Severity.WARNING
    assert refunded[2].startswith("0 for 2025-05, the last complete month")
    (average,) = about(findings, Letter.M, "average_refund")
    assert average[:2] == (Severity.WARNING, None)
    assert average[2] == "no value for 2025-05, the last complete month"
    (no_target,) = about(findings, Letter.M, "deal_size")
    assert (no_target[0], no_target[1]) == (Severity.ERROR, "2025-06")
    assert "needs 'target: <value>'" in no_target[2]
    (misordered,) = [f for f in about(findings, Letter.M, "refunded") if f[1] is not None]
    assert misordered[:2] == (Severity.ERROR, "2025-05")
    assert "commit <= target <= stretch" in misordered[2]
    (scope,) = [f for f in about(findings, Letter.M, "revenue") if f[1] == "2025-07 team=a"]
    assert scope[0] is Severity.ERROR
    assert "scope cannot be computed" in scope[2]
    assert about(findings, Letter.M, "costs") == []


def test_achievable(findings: list[Finding]) -> None:
    revenue = about(findings, Letter.A, "revenue")
    assert [(level, target) for level, target, _ in revenue] == [
        (Severity.WARNING, "2025-06"),
        (Severity.INFO, "every month"),
    ]
    beyond, easy = (reason for _, _, reason in revenue)
    # The best month ever was 100: 1000 is more than 20 % above it.
    assert beyond == "the target (1,000) is more than 20% above the highest value history reached (100 in 2024-01)"
    # What kpilot suggests for June 2025: June 2024 (100), with no trend; seasonal has only 5 replays (2025-01 ..
    # 2025-05, a year after the first months), too few for a spread: commit 20 % below, 80.
    assert easy == (
        "the target (50) asks no more than the commit kpilot suggests for 2025-06 (80 by seasonal, reached in about "
        "4 periods out of 5)"
    )
    costs = about(findings, Letter.A, "costs")  # lower is better: 10 against a lowest ever of 100
    assert [reason for _, _, reason in costs] == [
        "the target (10) is more than 20% below the lowest value history reached (100 in 2024-01)",
    ]
    # A target for a day: no suggestion to judge it by, so the last period tells it is met already.
    assert about(findings, Letter.A, "average_refund") == [
        (Severity.INFO, "2025-05-03", "the target (1) is already met by 2025-04-10 (5)")
    ]


def test_targets_beyond_reach_and_kpilot_s_own(duckdb_factory: Callable[..., Workspace]) -> None:
    """With enough history to replay the suggestion, a target past its reach is flagged; kpilot's own is not."""
    days = months(date(2023, 1, 1), 29)  # 2023-01 .. 2025-05, 100 a month
    ws = duckdb_factory(
        f"""
        sources:
          - {{name: sales, table: sales, time: day, measures: [{{name: revenue, agg: sum, expr: amount}}]}}
        kpis:
          - {{name: revenue, formula: revenue, {GOOD_KPI}}}
        goals:
          - {{name: grow, kpis: [{{kpi: revenue}}]}}
        targets:
          - {{kpi: revenue, period: '2025-06', target: 115}}
          - {{kpi: revenue, period: '2025-07', commit: 99, target: 100, stretch: 101}}
        """,
        {"sales": {"day": days, "amount": [100.0] * 29}},
    )
    found = [(f.severity, _label(f), str(f.reason)) for f in check_workspace(ws, today=TODAY) if f.letter is Letter.A]
    # 17 replays of seasonal (2024-01 .. 2025-05), all exactly right: the KPI never beat the projection (100).
    assert found == [
        (
            Severity.WARNING,
            "2025-06",
            "reaching 115 in 2025-06 needs more than the KPI ever did against what its history projected: seasonal "
            "projects 100, and in 17 replays the KPI beat it by +0.0% at best (100 here)",
        )
    ]


def test_relevant(findings: list[Finding]) -> None:
    (deals,) = about(findings, Letter.R, "deals")
    assert deals == (Severity.INFO, None, "serves no goal (it is used by deal_size)")
    ghosts = about(findings, Letter.R, "ghost")
    assert ghosts == [
        (Severity.ERROR, "2025", "a target for unknown KPI 'ghost'"),
        (Severity.ERROR, None, "goal 'lean' links to unknown KPI 'ghost'"),
    ]
    assert about(findings, Letter.R, "revenue") == []


def test_time_bound(findings: list[Finding]) -> None:
    (deals,) = about(findings, Letter.T, "deals")
    assert deals[0] is Severity.WARNING
    assert deals[2].startswith("no grain and no target")
    (per_person,) = about(findings, Letter.T, "per_person")
    assert per_person[0] is Severity.WARNING
    assert per_person[2].startswith("computes only over all time, not per month: source 'roster'")
    (every,) = about(findings, Letter.T, "revenue")
    assert every == (Severity.INFO, "every month", "recurs every month with no end")
    average = about(findings, Letter.T, "average_refund")
    assert [(level, target) for level, target, _ in average] == [
        (Severity.ERROR, "Q3"),
        (Severity.WARNING, "2025-05-03"),
    ]
    assert "'Q3' is not a period" in average[0][2]
    assert average[1][2] == "a target for a day while the KPI is measured per month"


def test_order_and_errors(findings: list[Finding]) -> None:
    letters = [f.letter for f in findings]
    assert letters == sorted(letters, key=list(Letter).index)
    assert has_errors(findings)
    assert all(f.fix for f in findings)


def test_clean_workspace_and_no_goals(duckdb_factory: Callable[..., Workspace]) -> None:
    ws = duckdb_factory(
        f"""
        sources:
          - {{name: sales, table: sales, time: day, measures: [{{name: revenue, agg: sum, expr: amount}}]}}
        kpis:
          - {{name: revenue, formula: revenue, {GOOD_KPI}}}
        """,
        {"sales": SALES},
    )
    found = check_workspace(ws, today=TODAY)
    assert [(f.letter, f.severity, f.kpi, str(f.reason).split(":")[0]) for f in found] == [
        (Letter.R, Severity.WARNING, None, "no goals are defined")
    ]
    assert not has_errors(found)


def test_definition_errors_skip_the_data_checks(duckdb_factory: Callable[..., Workspace]) -> None:
    ws = duckdb_factory(
        f"""
        sources:
          - {{name: sales, table: sales, time: day, measures: [{{name: revenue, agg: sum, expr: amount}}]}}
        kpis:
          - {{name: revenue, formula: revenu, {GOOD_KPI}}}
        goals:
          - {{name: grow, kpis: [{{kpi: revenue}}]}}
        targets:
          - {{kpi: revenue, period: '2025-06', target: 1000}}
        """,
        {"sales": SALES},
    )
    found = check_workspace(ws, today=TODAY)
    measurable = [(f.severity, str(f.reason)) for f in found if f.letter is Letter.M]
    assert measurable[0][0] is Severity.ERROR
    assert "revenu" in measurable[0][1]
    assert measurable[-1] == (
        Severity.INFO,
        "the data checks (values, history) were skipped: the definitions have errors",
    )
    assert [f.reason.code for f in found if f.letter is Letter.M][-1] == "goals.smart.data_checks_skipped"
    assert not [f for f in found if f.letter is Letter.A]
