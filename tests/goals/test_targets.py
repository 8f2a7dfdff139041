"""Which target applies: exact period > a longer period's target spread down > an `every:` target; scope must match."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path

import pytest

from kpilot.definitions.goals_model import Target, TargetType
from kpilot.definitions.loader import load_definitions
from kpilot.definitions.model import Definitions, Direction, Kpi, Unit
from kpilot.engine.periods import Calendar, Grain
from kpilot.engine.target_checks import target_conflicts, target_issues, target_type
from kpilot.errors import QueryError, Severity
from kpilot.goals.resolved import ResolvedTarget
from kpilot.goals.targets import period_value, resolve_target
from kpilot.i18n import Language, Period, value_text
from tests.support import write_workspace

BASE = """\
sources:
  - name: sales
    table: sales
    time: day
    dimensions: [team]
    measures:
      - {name: amount, agg: sum, expr: amount}
      - {name: deals, agg: count}
      - {name: won, agg: count, filter: won}
kpis:
  - {name: revenue, formula: amount, unit: currency}
  - {name: win_rate, formula: won / deals, unit: percent}
  - {name: cost, formula: amount, direction: down}
  - {name: stock_days, formula: amount / deals, direction: range}
targets:
"""
CAL = Calendar()
MAY = date(2025, 5, 1)


def load(tmp_path: Path, targets: str, fiscal_year_start: int = 1) -> Definitions:
    write_workspace(tmp_path / "ws", BASE + targets, fiscal_year_start=fiscal_year_start)
    definitions, issues = load_definitions(tmp_path / "ws")
    assert [str(i) for i in issues] == []
    return definitions


def resolve(
    definitions: Definitions,
    kpi: str,
    start: date = MAY,
    grain: Grain = Grain.MONTH,
    scope: Mapping[str, str] | None = None,
    calendar: Calendar = CAL,
    last_year: Mapping[date, float | None] | None = None,
) -> ResolvedTarget | None:
    found = definitions.kpi(kpi)
    assert found is not None
    return resolve_target(definitions, found, start, grain, scope or {}, calendar, last_year=last_year)


def must(target: ResolvedTarget | None) -> ResolvedTarget:
    assert target is not None
    return target


# --------------------------------------------------------------------------------------------------------------
# Exact periods and types


def test_a_target_for_exactly_this_month(tmp_path: Path) -> None:
    definitions = load(tmp_path, "  - {kpi: revenue, period: 2025-05, commit: 90, target: 100, stretch: 120}\n")
    found = must(resolve(definitions, "revenue"))
    assert (found.kpi, found.period_start, found.grain, dict(found.scope)) == ("revenue", MAY, Grain.MONTH, {})
    assert (found.commit, found.target, found.stretch, found.min, found.max) == (90, 100, 120, None, None)
    assert found.type is TargetType.INCREASE  # from direction: up
    assert found.share == 1
    assert str(found.basis) == "the target set for May 2025"
    assert found.origin is definitions.targets[0]
    # Any day of May finds May's target; April and June have none.
    assert must(resolve(definitions, "revenue", date(2025, 5, 17))).period_start == MAY
    assert resolve(definitions, "revenue", date(2025, 4, 1)) is None
    assert resolve(definitions, "revenue", date(2025, 6, 1)) is None


def test_the_type_defaults_from_the_direction(tmp_path: Path) -> None:
    definitions = load(
        tmp_path,
        "  - {kpi: cost, period: 2025-05, target: 100}\n"
        "  - {kpi: stock_days, period: 2025-05, min: 30, max: 45}\n"
        "  - {kpi: revenue, period: 2025-05, type: above, target: 10}\n",
    )
    assert must(resolve(definitions, "cost")).type is TargetType.DECREASE
    stock = must(resolve(definitions, "stock_days"))
    assert (stock.type, stock.min, stock.max) == (TargetType.RANGE, 30, 45)
    assert must(resolve(definitions, "revenue")).type is TargetType.ABOVE  # written: kept
    cost = definitions.kpi("cost")
    assert cost is not None
    assert target_type(Target(kpi="cost", every="month", target=1), cost) is TargetType.DECREASE


def test_quarter_year_and_day_targets_for_their_own_grain(tmp_path: Path) -> None:
    definitions = load(
        tmp_path,
        "  - {kpi: revenue, period: 2025-Q2, target: 300}\n"
        '  - {kpi: revenue, period: "2025", target: 1200}\n'
        "  - {kpi: revenue, period: 2025-05-12, target: 7}\n",
    )
    assert must(resolve(definitions, "revenue", date(2025, 4, 1), Grain.QUARTER)).target == 300
    year = must(resolve(definitions, "revenue", date(2025, 1, 1), Grain.YEAR))
    assert (year.target, str(year.basis)) == (1200, "the target set for 2025")
    day = must(resolve(definitions, "revenue", date(2025, 5, 12), Grain.DAY))
    assert (day.target, str(day.basis)) == (7, "the target set for 12 May 2025")
    # Nothing is spread to days or weeks, and the 'all' grain has no periods.
    assert resolve(definitions, "revenue", date(2025, 5, 13), Grain.DAY) is None
    assert resolve(definitions, "revenue", date(2025, 5, 12), Grain.WEEK) is None
    assert resolve(definitions, "revenue", date(2025, 5, 12), Grain.ALL) is None


# --------------------------------------------------------------------------------------------------------------
# Spreading a longer period's target


def test_a_year_target_spread_evenly_over_months_and_quarters(tmp_path: Path) -> None:
    definitions = load(
        tmp_path, '  - {kpi: revenue, period: "2025", commit: 1080000, target: 1200000, stretch: 1440000}\n'
    )
    month = must(resolve(definitions, "revenue"))
    # 1,200,000 / 12 = 100,000; 1,080,000 / 12 = 90,000; 1,440,000 / 12 = 120,000.
    assert (month.commit, month.target, month.stretch) == pytest.approx((90_000, 100_000, 120_000))
    assert month.share == pytest.approx(1 / 12)
    assert str(month.basis) == "the 2025 target of 1,200,000 spread evenly over 12 months"
    quarter = must(resolve(definitions, "revenue", date(2025, 4, 1), Grain.QUARTER))
    assert quarter.target == pytest.approx(300_000)  # 1,200,000 / 4
    assert str(quarter.basis) == "the 2025 target of 1,200,000 spread evenly over 4 quarters"
    assert resolve(definitions, "revenue", date(2026, 5, 1)) is None  # another year


def test_a_quarter_target_is_spread_over_its_months_and_beats_the_year(tmp_path: Path) -> None:
    definitions = load(
        tmp_path,
        '  - {kpi: revenue, period: "2025", target: 1200000}\n  - {kpi: revenue, period: 2025-Q2, target: 360000}\n',
    )
    may = must(resolve(definitions, "revenue"))
    assert may.target == pytest.approx(120_000)  # 360,000 / 3: the quarter is the shorter containing period
    assert str(may.basis) == "the 2025-Q2 target of 360,000 spread evenly over 3 months"
    february = must(resolve(definitions, "revenue", date(2025, 2, 1)))
    assert february.target == pytest.approx(100_000)  # no Q1 target: the year's 1,200,000 / 12


def test_a_range_target_on_an_additive_kpi_is_spread_too(tmp_path: Path) -> None:
    definitions = load(tmp_path, '  - {kpi: revenue, period: "2025", type: range, min: 1200000, max: 2400000}\n')
    found = must(resolve(definitions, "revenue"))
    assert (found.min, found.max, found.target) == (pytest.approx(100_000), pytest.approx(200_000), None)
    assert str(found.basis) == "the 2025 target of 1,200,000 to 2,400,000 spread evenly over 12 months"


# Last year's months: January 10, February 30, March 60, and 100 for each of the other nine: 1,000 in all.
LAST_YEAR = {date(2024, month, 1): {1: 10.0, 2: 30.0, 3: 60.0}.get(month, 100.0) for month in range(1, 13)}


def test_seasonal_spread_follows_last_years_months(tmp_path: Path) -> None:
    definitions = load(tmp_path, '  - {kpi: revenue, period: "2025", target: 1200000, spread: seasonal}\n')

    def month(number: int) -> ResolvedTarget:
        return must(resolve(definitions, "revenue", date(2025, number, 1), last_year=LAST_YEAR))

    # Shares 10/1000 = 1%, 30/1000 = 3%, 60/1000 = 6%, 100/1000 = 10% of 1,200,000.
    assert month(1).target == pytest.approx(12_000)
    assert month(2).target == pytest.approx(36_000)
    assert month(3).target == pytest.approx(72_000)
    assert month(5).target == pytest.approx(120_000)
    assert month(3).share == pytest.approx(0.06)
    assert (
        str(month(3).basis) == "the 2025 target of 1,200,000 spread like last year's months (March 2024 was 6% of 2024)"
    )
    assert str(month(1).basis).endswith("(January 2024 was 1% of 2024)")
    # Q1 = (10 + 30 + 60) / 1000 = 10% = 120,000; Q2 = 300 / 1000 = 30% = 360,000.
    q1 = must(resolve(definitions, "revenue", date(2025, 1, 1), Grain.QUARTER, last_year=LAST_YEAR))
    q2 = must(resolve(definitions, "revenue", date(2025, 4, 1), Grain.QUARTER, last_year=LAST_YEAR))
    assert (q1.target, q2.target) == (pytest.approx(120_000), pytest.approx(360_000))
    assert str(q1.basis).endswith("(2024-Q1 was 10% of 2024)")
    total = sum(
        must(resolve(definitions, "revenue", date(2025, m, 1), last_year=LAST_YEAR)).target or 0 for m in range(1, 13)
    )
    assert total == pytest.approx(1_200_000)


def test_seasonal_spread_falls_back_to_even_with_a_note(tmp_path: Path) -> None:
    definitions = load(tmp_path, '  - {kpi: revenue, period: "2025", target: 1200000, spread: seasonal}\n')
    gaps: dict[date, float | None] = {**LAST_YEAR, date(2024, 3, 1): None}
    del gaps[date(2024, 4, 1)]
    found = must(resolve(definitions, "revenue", last_year=gaps))
    assert found.target == pytest.approx(100_000)
    assert str(found.basis) == (
        "the 2025 target of 1,200,000 spread evenly over 12 months "
        "(seasonal spread asked, but last year has no value for 2024-03, 2024-04)"
    )
    assert "no value for 2024-01, 2024-02, 2024-03 ..." in str(must(resolve(definitions, "revenue")).basis)
    zeros = dict.fromkeys(LAST_YEAR, 0.0)
    assert "add up to zero" in str(must(resolve(definitions, "revenue", last_year=zeros)).basis)
    negative = {**LAST_YEAR, date(2024, 1, 1): -10.0}
    assert must(resolve(definitions, "revenue", last_year=negative)).target == pytest.approx(100_000)


def test_seasonal_spread_over_a_fiscal_year(tmp_path: Path) -> None:
    # Fiscal year 2025 runs from April 2025 to March 2026; last year's months are April 2024 to March 2025.
    definitions = load(tmp_path, '  - {kpi: revenue, period: "2025", target: 1200, spread: seasonal}\n', 4)
    fiscal = Calendar(fiscal_year_start=4)
    last_year = {fiscal.shift(date(2024, 4, 1), i, Grain.MONTH): 100.0 for i in range(12)}
    last_year[date(2024, 4, 1)] = 400.0  # total 1,500: April had 400 / 1,500
    april = must(resolve(definitions, "revenue", date(2025, 4, 1), calendar=fiscal, last_year=last_year))
    assert april.target == pytest.approx(320)  # 1,200 x 400 / 1,500
    march = must(resolve(definitions, "revenue", date(2026, 3, 1), calendar=fiscal, last_year=last_year))
    assert march.target == pytest.approx(80)  # 1,200 x 100 / 1,500
    assert resolve(definitions, "revenue", date(2025, 3, 1), calendar=fiscal, last_year=last_year) is None


def test_a_ratio_kpis_year_target_applies_to_each_month_as_is(tmp_path: Path) -> None:
    definitions = load(
        tmp_path,
        '  - {kpi: win_rate, period: "2025", commit: 0.25, target: 0.3, spread: seasonal}\n'
        '  - {kpi: stock_days, period: "2025", min: 30, max: 45}\n',
    )
    found = must(resolve(definitions, "win_rate", last_year=LAST_YEAR))
    assert (found.commit, found.target, found.share) == (0.25, 0.3, 1.0)
    assert str(found.basis) == (
        "the 2025 target of 30%, applied to May 2025 as is "
        "(win_rate does not add up over time, so the target is not shared out)"
    )
    stock = must(resolve(definitions, "stock_days", date(2025, 4, 1), Grain.QUARTER))
    assert (stock.min, stock.max) == (30, 45)


BOOKS = """\
sources:
  - name: books
    table: books
    time: day
    measures:
      - {name: profit, agg: sum, expr: profit}
      - {name: assets, agg: last, expr: assets}
      - {name: asset_balances, agg: sum, expr: assets}
      - {name: balance_days, agg: count_distinct, expr: day}
kpis:
  - {name: roa, formula: profit / assets, unit: percent}
  - {name: roa_average_assets, formula: profit / (asset_balances / balance_days), unit: percent}
  - {name: margin_on_assets, formula: profit / (assets + 0 * profit), unit: percent}
targets:
  - {kpi: roa, period: "2025", commit: 0.06, target: 0.12, stretch: 0.18}
  - {kpi: margin_on_assets, period: "2025", target: 0.12}
  - {kpi: roa_average_assets, period: "2025", target: 0.12}
"""


def test_a_flow_over_a_stocks_year_target_is_spread_like_a_flow(tmp_path: Path) -> None:
    write_workspace(tmp_path / "books", BOOKS)
    definitions, issues = load_definitions(tmp_path / "books")
    assert issues == []
    month = must(resolve(definitions, "roa"))
    # A year's ROA is its profit over the assets: about twelve months' ROA, so May gets 1/12 of each level.
    assert (month.commit, month.target, month.stretch) == pytest.approx((0.005, 0.01, 0.015))
    assert str(month.basis) == (
        "the 2025 target of 12% spread evenly over 12 months "
        "(roa is a flow over a stock: a month's is about 1/12 of the whole)"
    )
    quarter = must(resolve(definitions, "roa", date(2025, 4, 1), Grain.QUARTER))
    assert quarter.target == pytest.approx(0.03)
    # Over average assets (daily balances over the days counted), the same: 0.12 / 12.
    assert must(resolve(definitions, "roa_average_assets")).target == pytest.approx(0.01)
    # A stock mixed with a flow in the divisor is not a pure stock: applied as is.
    assert must(resolve(definitions, "margin_on_assets")).target == pytest.approx(0.12)


def test_additivity_can_be_passed_in(tmp_path: Path) -> None:
    definitions = load(tmp_path, '  - {kpi: win_rate, period: "2025", target: 0.3}\n')
    kpi = definitions.kpi("win_rate")
    assert kpi is not None
    found = resolve_target(definitions, kpi, MAY, Grain.MONTH, {}, CAL, additive=True)
    assert must(found).target == pytest.approx(0.025)


# --------------------------------------------------------------------------------------------------------------
# every:, and targets that change mid-year


def test_every_month(tmp_path: Path) -> None:
    definitions = load(tmp_path, "  - {kpi: revenue, every: month, target: 100000}\n")
    for month in (1, 5, 12):
        found = must(resolve(definitions, "revenue", date(2025, month, 1)))
        assert (found.target, found.period_start) == (100_000, date(2025, month, 1))
        assert str(found.basis) == "the monthly target set for every month"
    assert resolve(definitions, "revenue", date(2025, 4, 1), Grain.QUARTER) is None  # not of this grain
    week = load(tmp_path / "w", "  - {kpi: revenue, every: week, target: 5}\n")
    assert must(resolve(week, "revenue", date(2025, 5, 14), Grain.WEEK)).period_start == date(2025, 5, 12)


def test_target_changed_mid_year_every_month_overridden_by_one_month(tmp_path: Path) -> None:
    definitions = load(
        tmp_path,
        "  - {kpi: revenue, every: month, target: 100000}\n  - {kpi: revenue, period: 2025-07, target: 150000}\n",
    )
    june, july, august = (must(resolve(definitions, "revenue", date(2025, m, 1))) for m in (6, 7, 8))
    assert (june.target, july.target, august.target) == (100_000, 150_000, 100_000)
    assert str(july.basis) == "the target set for July 2025 (in place of the monthly target set for every month)"
    assert str(june.basis) == "the monthly target set for every month"


def test_target_changed_mid_year_as_two_month_targets(tmp_path: Path) -> None:
    definitions = load(
        tmp_path,
        "  - {kpi: revenue, period: 2025-05, target: 100}\n  - {kpi: revenue, period: 2025-06, target: 130}\n",
    )
    assert must(resolve(definitions, "revenue")).target == 100
    assert must(resolve(definitions, "revenue", date(2025, 6, 1))).target == 130


def test_precedence_exact_then_spread_then_every(tmp_path: Path) -> None:
    definitions = load(
        tmp_path,
        "  - {kpi: revenue, every: month, target: 90000}\n"
        '  - {kpi: revenue, period: "2025", target: 1200000}\n'
        "  - {kpi: revenue, period: 2025-05, target: 130000}\n",
    )
    assert must(resolve(definitions, "revenue")).target == 130_000  # exact
    assert must(resolve(definitions, "revenue", date(2025, 6, 1))).target == pytest.approx(100_000)  # year / 12
    assert must(resolve(definitions, "revenue", date(2026, 6, 1))).target == 90_000  # only every: month in 2026


# --------------------------------------------------------------------------------------------------------------
# Scope


def test_scope_must_match_exactly(tmp_path: Path) -> None:
    definitions = load(
        tmp_path,
        "  - {kpi: revenue, period: 2025-05, target: 1000}\n"
        "  - {kpi: revenue, period: 2025-05, target: 300, scope: {team: EMEA}}\n"
        "  - {kpi: revenue, period: 2025-05, target: 50, scope: {team: EMEA, region: north}}\n",
    )
    assert must(resolve(definitions, "revenue")).target == 1000  # the whole company
    emea = must(resolve(definitions, "revenue", scope={"team": "EMEA"}))
    assert (emea.target, dict(emea.scope)) == (300, {"team": "EMEA"})
    assert must(resolve(definitions, "revenue", scope={"region": "north", "team": "EMEA"})).target == 50
    assert resolve(definitions, "revenue", scope={"team": "APAC"}) is None  # the company's target is not APAC's
    assert resolve(definitions, "revenue", scope={"team": "emea"}) is None


# --------------------------------------------------------------------------------------------------------------
# Ambiguity and validation


def test_two_targets_for_the_same_month_are_ambiguous(tmp_path: Path) -> None:
    definitions = load(
        tmp_path,
        "  - {kpi: revenue, period: 2025-05, target: 100}\n"  # line 16
        "  - {kpi: revenue, period: 2025-05, target: 120, scope: {team: EMEA}}\n"  # line 17: another scope
        "  - {kpi: revenue, period: 2025-05, target: 110}\n",  # line 18
    )
    with pytest.raises(QueryError) as raised:
        resolve(definitions, "revenue")
    assert (raised.value.code, raised.value.message.values["count"]) == ("goals.targets.ambiguous", 2)
    assert str(raised.value.message) == (
        "KPI 'revenue' has 2 targets for May 2025 (the whole company): "
        "definitions/main.yaml:16:5 and definitions/main.yaml:18:5"
    )
    assert str(raised.value.location) == "definitions/main.yaml:18:5"
    assert must(resolve(definitions, "revenue", scope={"team": "EMEA"})).target == 120


def test_ambiguity_matters_only_where_it_is_used(tmp_path: Path) -> None:
    definitions = load(
        tmp_path,
        '  - {kpi: revenue, period: "2025", target: 1200}\n'  # line 16
        '  - {kpi: revenue, period: "2025", target: 2400}\n'  # line 17
        "  - {kpi: revenue, period: 2025-05, target: 100}\n"
        "  - {kpi: revenue, every: month, target: 1}\n"  # line 19
        "  - {kpi: revenue, every: month, target: 2}\n",  # line 20
    )
    assert must(resolve(definitions, "revenue")).target == 100  # May's own target: the year's conflict is moot
    with pytest.raises(QueryError, match=r"2 targets for 2025 .*main.yaml:16:5 and definitions/main.yaml:17:5"):
        resolve(definitions, "revenue", date(2025, 6, 1))
    with pytest.raises(QueryError, match=r"2 targets for every month .*main.yaml:19:5 and definitions/main.yaml:20:5"):
        resolve(definitions, "revenue", date(2026, 6, 1))


def test_target_conflicts_name_both_locations(tmp_path: Path) -> None:
    definitions = load(
        tmp_path,
        "  - {kpi: revenue, period: 2025-Q2, target: 100}\n"  # line 16
        "  - {kpi: revenue, period: 2025-q2, target: 120}\n"  # line 17: the same quarter
        "  - {kpi: revenue, period: 2025-Q2, target: 130, scope: {team: EMEA}}\n"  # another scope: fine
        "  - {kpi: win_rate, period: 2025-Q2, target: 0.3}\n"  # another KPI: fine
        "  - {kpi: revenue, every: month, target: 1}\n"
        "  - kpi: revenue\n"  # line 21
        "    every: month\n"
        "    target: 2\n",
    )
    found = [str(issue) for issue in target_conflicts(definitions)]
    assert found == [
        "definitions/main.yaml:17:5: error: KPI 'revenue' has two targets for 2025-Q2 (the whole company): "
        "definitions/main.yaml:16:5 and definitions/main.yaml:17:5 (keep one of them, or give them different scopes)",
        "definitions/main.yaml:21:5: error: KPI 'revenue' has two targets for every month (the whole company): "
        "definitions/main.yaml:20:5 and definitions/main.yaml:21:5 (keep one of them, or give them different scopes)",
    ]


def test_target_issues(tmp_path: Path) -> None:
    definitions = load(
        tmp_path,
        "  - {kpi: revenu, period: 2025-05, target: 1}\n"  # line 16: unknown KPI, at the name (col 11)
        "  - {kpi: revenue, period: 2025-13, target: 1}\n"  # line 17: no such month, at the period (col 28)
        "  - {kpi: revenue, period: 2025-06, commit: 5}\n"  # line 18: increase (from up) needs a target
        "  - {kpi: stock_days, period: 2025-06, target: 5}\n"  # line 19: range (from direction) needs min/max
        "  - {kpi: cost, period: 2025-06, commit: 90, target: 100}\n"  # line 20: decrease: commit >= target
        '  - {kpi: win_rate, period: "2025", target: 0.3, spread: even}\n'  # line 21: spread on a ratio
        "  - {kpi: revenue, period: 2025-07, target: 1}\n",
    )
    found = [str(issue) for issue in target_issues(definitions)]
    assert found == [
        "definitions/main.yaml:16:11: error: target for unknown KPI 'revenu' (did you mean 'revenue'?)",
        "definitions/main.yaml:17:28: error: '2025-13' is not a period "
        "(write a month as 2025-05, a quarter as 2025-Q2, a (fiscal) year as 2025, a week as 2025-W20, "
        "a day as 2025-05-12)",
        "definitions/main.yaml:18:5: error: target for KPI 'revenue': an 'increase' target needs 'target: <value>' "
        "(the type comes from the KPI's direction)",
        "definitions/main.yaml:19:5: error: target for KPI 'stock_days': a 'range' target needs 'min' and 'max' "
        "(the type comes from the KPI's direction)",
        "definitions/main.yaml:20:5: error: target for KPI 'cost': for a 'decrease' target (from the KPI's "
        "direction) the levels must be ordered commit >= target >= stretch",
        "definitions/main.yaml:21:5: warning: KPI 'win_rate' does not add up over time: its year target applies "
        "to each month as is, and 'spread' is ignored",
    ]
    assert [i.severity for i in target_issues(definitions)][-1] is Severity.WARNING


def test_resolving_an_incomplete_or_malformed_target_says_where(tmp_path: Path) -> None:
    incomplete = load(tmp_path, "  - {kpi: revenue, period: 2025-06, commit: 5}\n")  # line 16
    with pytest.raises(QueryError, match="needs 'target: <value>'") as missing:
        resolve(incomplete, "revenue", date(2025, 6, 1))
    assert str(missing.value.location) == "definitions/main.yaml:16:5"
    # A period that does not parse stops every resolution for the KPI and scope: it is a definition to fix.
    malformed = load(tmp_path / "other", "  - {kpi: revenue, period: May, target: 1}\n")  # line 16, value at col 28
    with pytest.raises(QueryError, match="target for KPI 'revenue': 'May' is not a period") as bad:
        resolve(malformed, "revenue")
    assert str(bad.value.location) == "definitions/main.yaml:16:28"
    assert resolve(malformed, "revenue", scope={"team": "EMEA"}) is None  # other scopes are not affected


def test_periods_in_sentences() -> None:
    fiscal = Calendar(fiscal_year_start=4)

    def label(start: date, grain: Grain, calendar: Calendar, language: Language = Language.EN) -> str:
        return value_text(period_value(start, grain, calendar), language)

    assert period_value(MAY, Grain.MONTH, CAL) == Period(MAY, "month", "2025-05")
    assert label(MAY, Grain.MONTH, CAL) == "May 2025"
    assert label(date(2025, 4, 1), Grain.QUARTER, CAL) == "2025-Q2"
    assert label(date(2025, 4, 1), Grain.QUARTER, fiscal) == "2025-Q1"
    assert label(date(2025, 4, 1), Grain.YEAR, fiscal) == "2025"
    assert label(date(2025, 5, 12), Grain.DAY, CAL) == "12 May 2025"
    assert label(date(2025, 5, 12), Grain.WEEK, CAL) == "the week of 12 May 2025"
    # Each language names months its own way; quarters and years keep their names.
    assert [label(MAY, Grain.MONTH, CAL, language) for language in Language] == [
        "May 2025",
        "maggio 2025",
        "maj 2025",
        "2025年5月",
    ]
    assert label(date(2025, 4, 1), Grain.QUARTER, CAL, Language.IT) == "2025-Q2"


def test_direct_models_without_files() -> None:
    kpi = Kpi(name="revenue", formula="1")
    definitions = Definitions(kpis=(kpi,), targets=(Target(kpi="revenue", every="month", target=5),))
    assert must(resolve_target(definitions, kpi, MAY, Grain.MONTH, {}, CAL)).target == 5


def test_the_documented_bases_are_real(tmp_path: Path) -> None:
    text = (Path(__file__).resolve().parents[2] / "docs" / "targets.md").read_text(encoding="utf-8")
    definitions = load(
        tmp_path,
        "  - {kpi: revenue, every: month, target: 100000}\n"
        "  - {kpi: revenue, period: 2025-07, target: 150000}\n"
        '  - {kpi: revenue, period: "2025", target: 1200000}\n'
        '  - {kpi: cost, period: "2025", target: 1200000, spread: seasonal}\n',
    )
    churn_rate = Kpi(name="churn_rate", formula="1", unit=Unit.PERCENT, direction=Direction.DOWN)
    churn = Definitions(kpis=(churn_rate,), targets=(Target(kpi="churn_rate", period="2025", target=0.03),))
    bases = [
        str(must(resolve(definitions, "revenue", date(2025, 7, 1))).basis),
        str(must(resolve(definitions, "revenue", date(2025, 6, 1))).basis),
        str(must(resolve(definitions, "cost", date(2025, 3, 1), last_year=LAST_YEAR)).basis),
        str(must(resolve(churn, "churn_rate")).basis),
        str(must(resolve(definitions, "revenue", date(2026, 6, 1))).basis),
    ]
    for basis in bases:
        assert f"- {basis}\n" in text, basis
