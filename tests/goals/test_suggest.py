"""Target suggestions from history (values worked out by hand), and writing targets into definitions/targets.yaml."""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

import pytest

from kpilot import QueryError, UserError, ValidationFailed, Workspace
from kpilot.definitions.goals_model import Target
from kpilot.definitions.loader import load_definitions
from kpilot.definitions.model import Kpi
from kpilot.engine.periods import Calendar, Grain
from kpilot.goals.periods import period_name
from kpilot.goals.scope import parse_scope, scope_filter
from kpilot.goals.suggest import Level, Suggestion, propose, suggest
from kpilot.goals.suggest_history import Point
from kpilot.goals.suggest_methods import Method, percentile
from kpilot.goals.writer import merge_targets, write_targets

CALENDAR = Calendar()


def series(first: date, grain: Grain, values: Sequence[float | None]) -> list[Point]:
    starts = [CALENDAR.shift(first, i, grain) for i in range(len(values))]
    return [Point(s, period_name(s, grain, CALENDAR), v) for s, v in zip(starts, values, strict=True)]


def kpi(direction: str = "up", unit: str = "number") -> Kpi:
    return Kpi.model_validate({"name": "revenue", "formula": "revenue", "direction": direction, "unit": unit})


def levels(result: Suggestion, method: Method) -> tuple[float | None, float | None, float | None]:
    proposal = result.proposal(method)
    return proposal.commit, proposal.target, proposal.stretch


# ---------------------------------------------------------------------------------------------------- methods


def test_constant_series_every_method_agrees() -> None:
    history = series(date(2023, 7, 1), Grain.MONTH, [100.0] * 24)  # 2023-07 .. 2025-06
    result = propose(kpi(), history, date(2025, 7, 1), Grain.MONTH, CALENDAR, additive=True)
    assert result.horizon == 1
    assert result.step == 0.02  # no movement at all: the smallest step
    for method in (Method.LAST, Method.LAST_YEAR, Method.AVERAGE, Method.GROWTH, Method.SEASONAL):
        assert levels(result, method) == (100.0, 102.0, 104.0), method
    assert levels(result, Method.PERCENTILE) == (100.0, 100.0, 100.0)
    assert result.recommended is Method.SEASONAL
    assert result.proposal(Method.LAST).basis == "2025-06 = 100"
    assert result.proposal(Method.LAST_YEAR).basis == "2024-07 = 100"


def test_growing_series_without_two_years_recommends_growth() -> None:
    values = [100 * 1.1**i for i in range(6)]  # 2024-Q1 .. 2025-Q2, +10 % a quarter
    history = series(date(2024, 1, 1), Grain.QUARTER, values)
    result = propose(kpi(), history, date(2025, 10, 1), Grain.QUARTER, CALENDAR, additive=True)
    assert result.horizon == 2  # 2025-Q2 -> 2025-Q4
    assert result.step == 0.02  # a steady growth does not wander
    growth = result.proposal(Method.GROWTH)
    assert growth.base == pytest.approx(100 * 1.1**7)  # 161.051 x 1.1 x 1.1 = 194.87171
    assert levels(result, Method.GROWTH) == (194.9, 198.8, 202.7)  # base, x 1.02, x 1.04
    assert "+10.00 % per period" in growth.basis
    assert levels(result, Method.LAST) == (161.1, 164.3, 167.5)
    assert levels(result, Method.LAST_YEAR)[0] == 133.1  # 2024-Q4
    assert result.proposal(Method.AVERAGE).base == pytest.approx(sum(values) / 6)
    seasonal = result.proposal(Method.SEASONAL)
    assert not seasonal.available
    assert "two years" in (seasonal.unavailable or "")
    assert result.recommended is Method.GROWTH


def test_seasonal_series() -> None:
    year1 = [200.0] + [100.0] * 11  # January is the high season
    year2 = [v * 1.1 for v in year1]  # and the business grew 10 %
    history = series(date(2023, 1, 1), Grain.MONTH, year1 + year2)
    result = propose(kpi(), history, date(2025, 1, 1), Grain.MONTH, CALENDAR, additive=True)
    seasonal = result.proposal(Method.SEASONAL)
    assert seasonal.base == pytest.approx(220 * 1.1)  # January 2024 x (total 2024 / total 2023)
    assert levels(result, Method.SEASONAL) == (242.0, 246.8, 251.7)
    assert "2024-01 = 220 × 1.1000" in seasonal.basis
    assert levels(result, Method.LAST_YEAR)[0] == 220.0
    assert levels(result, Method.LAST)[0] == 110.0  # December: the wrong season
    assert result.step == 0.02  # year-over-year changes are all +10 %
    assert result.recommended is Method.SEASONAL


def test_lower_is_better_targets_are_lower() -> None:
    history = series(date(2025, 1, 1), Grain.MONTH, [50.0] * 6)
    result = propose(kpi("down"), history, date(2025, 7, 1), Grain.MONTH, CALENDAR, additive=True)
    assert levels(result, Method.LAST) == (50.0, 49.0, 48.0)
    spread = series(date(2025, 1, 1), Grain.MONTH, [10.0, 20.0, 30.0, 40.0, 50.0])
    down = propose(kpi("down"), spread, date(2025, 6, 1), Grain.MONTH, CALENDAR, additive=True)
    up = propose(kpi("up"), spread, date(2025, 6, 1), Grain.MONTH, CALENDAR, additive=True)
    assert levels(down, Method.PERCENTILE) == (30.0, 20.0, 14.0)  # median, 25th, 10th
    assert levels(up, Method.PERCENTILE) == (30.0, 40.0, 46.0)  # median, 75th, 90th


def test_ratios_follow_a_bounded_linear_trend() -> None:
    history = series(date(2025, 1, 1), Grain.MONTH, [1.0, 2.0, 3.0, 4.0, 5.0])
    result = propose(kpi(unit="ratio"), history, date(2025, 10, 1), Grain.MONTH, CALENDAR, additive=False)
    growth = result.proposal(Method.GROWTH)
    # +1 a month for 5 months would be 10; the trend is held within the range 1..5 widened by half its width: 7.
    assert growth.base == 7.0
    # Step: monthly changes +100 %, +50 %, +33 %, +25 %; their median 41.7 %, deviations from it 58.3, 8.3, 8.3,
    # 16.7 points, whose median is 12.5 %.
    assert result.step == pytest.approx(0.125)
    assert levels(result, Method.GROWTH) == (7.0, 7.875, 8.75)


def test_percent_rates_stay_within_0_and_100_percent() -> None:
    history = series(date(2025, 1, 1), Grain.MONTH, [0.5, 0.6, 0.7, 0.8, 0.9])
    result = propose(kpi(unit="percent"), history, date(2025, 9, 1), Grain.MONTH, CALENDAR, additive=False)
    assert levels(result, Method.GROWTH) == (1.0, 1.0, 1.0)
    assert levels(result, Method.LAST)[2] is not None
    assert max(v for v in levels(result, Method.LAST) if v is not None) <= 1.0


def test_range_kpis_get_min_and_max() -> None:
    history = series(date(2025, 1, 1), Grain.MONTH, [100.0] * 4)
    result = propose(kpi("range"), history, date(2025, 5, 1), Grain.MONTH, CALENDAR, additive=False)
    last = result.proposal(Method.LAST)
    assert (last.minimum, last.target, last.maximum) == (98.0, 100.0, 102.0)
    assert result.entry(Level.ALL, Method.LAST) == {
        "kpi": "revenue",
        "period": "2025-05",
        "type": "range",
        "min": 98.0,
        "max": 102.0,
    }


def test_missing_values_and_no_history() -> None:
    history = series(date(2025, 1, 1), Grain.MONTH, [100.0, None, 120.0, None])
    result = propose(kpi(), history, date(2025, 5, 1), Grain.MONTH, CALENDAR, additive=True)
    assert not result.proposal(Method.LAST).available
    assert "2025-04" in (result.proposal(Method.LAST).unavailable or "")
    assert result.proposal(Method.AVERAGE).base == 110.0
    assert result.recommended is Method.AVERAGE
    empty = propose(kpi(), [], date(2025, 5, 1), Grain.MONTH, CALENDAR, additive=True)
    assert empty.recommended is None
    assert empty.notes
    with pytest.raises(QueryError, match="no history"):
        empty.entry(Level.TARGET)


def test_entries_to_write() -> None:
    history = series(date(2023, 7, 1), Grain.MONTH, [100.0] * 24)
    result = propose(kpi(), history, date(2025, 7, 1), Grain.MONTH, CALENDAR, additive=True, scope={"team": "a"})
    base = {"kpi": "revenue", "period": "2025-07", "scope": {"team": "a"}}
    assert result.entry(Level.ALL) == {**base, "commit": 100.0, "target": 102.0, "stretch": 104.0}
    assert result.entry(Level.TARGET) == {**base, "target": 102.0}
    assert result.entry(Level.STRETCH) == {**base, "target": 104.0}  # the stretch level as the target
    assert result.entry(Level.COMMIT, Method.PERCENTILE) == {**base, "target": 100.0}


def test_helpers() -> None:
    assert percentile([1.0, 2.0, 3.0, 4.0], 0.5) == 2.5
    assert parse_scope(["team=EMEA", " country = IT "]) == {"team": "EMEA", "country": "IT"}
    assert parse_scope(["team=EMEA,country=IT"]) == {"team": "EMEA", "country": "IT"}
    with pytest.raises(QueryError, match="cannot read the scope"):
        parse_scope(["team"])
    assert scope_filter({"team": "O'Neil", "a": "x"}) == "a = 'x' and team = 'O''Neil'"
    assert scope_filter({}) is None


# ---------------------------------------------------------------------------------------------------- workspace

DEFINITIONS = """
sources:
  - name: sales
    table: sales
    time: day
    dimensions: [team]
    measures:
      - {name: revenue, agg: sum, expr: amount}
kpis:
  - {name: revenue, formula: revenue, unit: currency}
"""


def monthly_sales() -> dict[str, dict[str, list[object]]]:
    """2024-01 .. 2025-01: team a sells 100 a month, team b 50; and something in the running month."""
    days: list[object] = []
    teams: list[object] = []
    amounts: list[object] = []
    for index in range(13):
        month = CALENDAR.shift(date(2024, 1, 1), index, Grain.MONTH)
        for team, amount in (("a", 100.0), ("b", 50.0)):
            days.append(month.replace(day=5))
            teams.append(team)
            amounts.append(amount)
    days.append(date(2025, 2, 3))
    teams.append("a")
    amounts.append(999.0)
    return {"sales": {"day": days, "team": teams, "amount": amounts}}


def test_suggest_reads_complete_periods_from_the_first_with_data(duckdb_factory: Callable[..., Workspace]) -> None:
    ws = duckdb_factory(DEFINITIONS, monthly_sales())
    result = suggest(ws, "revenue", "2025-03", scope={"team": "a"}, today=date(2025, 2, 15))
    # History ends with January 2025 (February is still running) and starts with January 2024, not with zeros.
    assert [p.name for p in result.history][:2] == ["2024-01", "2024-02"]
    assert result.history[-1].name == "2025-01"
    assert {p.value for p in result.history} == {100.0}
    assert result.horizon == 2
    assert result.recommended is Method.GROWTH
    assert levels(result, Method.GROWTH) == (100.0, 102.0, 104.0)
    everyone = suggest(ws, "revenue", "2025-03", count=6, today=date(2025, 2, 15))
    assert [p.value for p in everyone.history] == [150.0] * 6
    assert everyone.history[0].name == "2024-08"


def test_suggest_starts_from_where_the_data_ends(duckdb_factory: Callable[..., Workspace]) -> None:
    ws = duckdb_factory(DEFINITIONS, monthly_sales())
    result = suggest(ws, "revenue", "2025-06", scope={"team": "b"}, today=date(2025, 8, 1))
    assert result.history[-1].name == "2025-01"  # not followed by months of zeros
    assert result.horizon == 5
    assert levels(result, Method.LAST) == (50.0, 51.0, 52.0)
    assert result.notes == (
        "the data ends with 2025-01 (the last complete month is 2025-05): the suggestions start there",
    )


def test_a_series_never_negative_gets_no_negative_suggestion() -> None:
    history = series(date(2025, 1, 1), Grain.MONTH, [10.0, 8.0, 6.0, 4.0, 2.0, 0.0])
    result = propose(kpi(), history, date(2025, 7, 1), Grain.MONTH, CALENDAR, additive=True)
    growth = result.proposal(Method.GROWTH)
    assert "linear trend" in growth.basis  # a zero: no compound growth
    assert growth.base == 0.0  # 0 - 2 would be -2


def test_suggest_refuses_unknown_kpis_and_days(duckdb_factory: Callable[..., Workspace]) -> None:
    ws = duckdb_factory(DEFINITIONS, monthly_sales())
    with pytest.raises(QueryError, match="unknown KPI 'revenu'"):
        suggest(ws, "revenu", "2025-03")
    with pytest.raises(QueryError, match="month, quarter or year"):
        suggest(ws, "revenue", "2025-03-01")
    with pytest.raises(UserError):
        suggest(ws, "revenue", "2025-03", scope={"region": "x"}, today=date(2025, 2, 15))


# ---------------------------------------------------------------------------------------------------- writing

HEADER = (
    "# Targets: what each KPI should reach, per period and scope (see docs/goals.md).\n"
    "# `kpilot targets suggest ... --write` merges into this file: one entry per KPI, period and scope.\n"
)


def workspace_folder(tmp_path: Path, extra: str = "") -> Path:
    root = tmp_path / "ws"
    (root / "definitions").mkdir(parents=True)
    (root / "kpilot.yaml").write_text("name: test\n")
    (root / "definitions" / "main.yaml").write_text(textwrap.dedent(DEFINITIONS) + extra)
    return root


def test_write_creates_the_file_and_is_idempotent(tmp_path: Path) -> None:
    root = workspace_folder(tmp_path)
    entry = {"kpi": "revenue", "period": "2025-Q3", "scope": {"team": "a"}, "commit": 100.0, "target": 102.5}
    path = write_targets(root, [entry, {"kpi": "revenue", "period": "2025", "target": 1200}])
    assert path == root / "definitions" / "targets.yaml"
    expected = HEADER + (
        "targets:\n"
        "  - {kpi: revenue, period: '2025-Q3', scope: {team: a}, commit: 100, target: 102.5}\n"
        "  - {kpi: revenue, period: '2025', target: 1200}\n"
    )
    assert path.read_text() == expected
    definitions, issues = load_definitions(root)
    assert issues == []
    assert [(t.period, t.scope, t.target) for t in definitions.targets] == [
        ("2025-Q3", {"team": "a"}, 102.5),
        ("2025", {}, 1200.0),
    ]
    report = merge_targets(root, [entry])
    assert (report.added, report.replaced, report.unchanged) == ((), (), ("revenue 2025-Q3 team=a",))
    assert path.read_text() == expected


def test_write_replaces_in_place_and_keeps_comments(tmp_path: Path) -> None:
    root = workspace_folder(tmp_path)
    path = root / "definitions" / "targets.yaml"
    path.write_text(
        "# my plan\n"
        "targets:\n"
        "  - kpi: revenue   # the big one\n"
        "    period: 2025-q3\n"
        "    target: 90\n"
        "  - {kpi: revenue, every: month, target: 30}\n"
    )
    report = merge_targets(root, [Target(kpi="revenue", period="2025-Q3", target=110.0, note="from history")])
    assert report.added == ()
    assert [(r.key, r.before["target"], r.after["target"]) for r in report.replaced] == [("revenue 2025-Q3", 90, 110)]
    assert path.read_text() == (
        "# my plan\n"
        "targets:\n"
        "  - {kpi: revenue, period: '2025-Q3', target: 110, note: from history}\n"
        "  - {kpi: revenue, every: month, target: 30}\n"
    )


def test_write_refuses_and_leaves_files_unchanged(tmp_path: Path) -> None:
    root = workspace_folder(tmp_path, "targets:\n  - {kpi: revenue, period: '2026', target: 5}\n")
    path = root / "definitions" / "targets.yaml"
    with pytest.raises(ValidationFailed, match="nothing was written") as refused:
        write_targets(root, [{"kpi": "revenu", "period": "2025-Q3", "target": 1}])
    assert "target for unknown KPI 'revenu'" in str(refused.value)
    assert not path.exists()
    path.write_text("targets:\n  - {kpi: revenue, period: '2025-05', target: 7}\n")
    before = path.read_text()
    with pytest.raises(UserError, match="levels must be ordered"):
        write_targets(root, [{"kpi": "revenue", "period": "2025-05", "type": "increase", "commit": 9, "target": 8}])
    with pytest.raises(UserError, match=r"already defined in definitions/main\.yaml"):
        write_targets(root, [{"kpi": "revenue", "period": "2026", "target": 6}])
    with pytest.raises(ValidationFailed):
        write_targets(root, [{"kpi": "revenue", "period": "2025-05", "target": 8}, {"kpi": "x", "every": "month"}])
    assert path.read_text() == before


PROFIT = """
sources:
  - name: ledger
    table: ledger
    time: day
    measures:
      - {name: profit, agg: sum, expr: amount}
kpis:
  - {name: profit, formula: profit, unit: currency}
"""


def test_seasonal_uses_the_mean_shift_when_values_are_not_all_positive(
    duckdb_factory: Callable[..., Workspace],
) -> None:
    # Two years of months: the first year -10 each month except +130 in its last month (total 20), the second year
    # 100 each month (total 1200). Sum over sum would multiply by 60; the mean shift is 100 - 20/12 = 98.333...
    days = [date(2023 + (m + 9) // 12, (m + 9) % 12 + 1, 15) for m in range(24)]  # 2023-10 .. 2025-09
    amounts = [-10.0] * 11 + [130.0] + [100.0] * 12
    ws = duckdb_factory(PROFIT, {"ledger": {"day": days, "amount": amounts}})
    suggestion = suggest(ws, "profit", "2025-10", today=date(2025, 10, 20))
    seasonal = suggestion.proposal(Method.SEASONAL)
    # Same month last year (2024-10) = 100, plus the shift 1200/12 - 20/12.
    assert seasonal.base == pytest.approx(100 + 100 - 20 / 12)
