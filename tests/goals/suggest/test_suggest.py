"""Target suggestions from history (values worked out by hand), and writing targets into definitions/targets.yaml."""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from kpilot import QueryError, UserError, ValidationFailed, Workspace
from kpilot.definitions.goals_model import Target
from kpilot.definitions.loader import load_definitions
from kpilot.definitions.model import Definitions, Kpi
from kpilot.engine.period_names import period_name
from kpilot.engine.periods import Calendar, Grain
from kpilot.engine.scope import parse_scope
from kpilot.forecast.bounds import Bounds
from kpilot.forecast.history import Point
from kpilot.goals.suggest.methods import Method, percentile
from kpilot.goals.suggest.propose import Level, NoSuggestion, Suggestion, propose, suggest
from kpilot.goals.writer import merge_targets, write_targets
from kpilot.semantic.resolve import SemanticModel
from kpilot.semantic.series_kind import GrowthOf, SeriesKind, growth_of, series_kind

CALENDAR = Calendar()


def series(first: date, grain: Grain, values: Sequence[float | None]) -> list[Point]:
    starts = [CALENDAR.shift(first, i, grain) for i in range(len(values))]
    return [Point(s, period_name(s, grain, CALENDAR), v) for s, v in zip(starts, values, strict=True)]


def kpi(direction: str = "up", unit: str = "number") -> Kpi:
    return Kpi.model_validate({"name": "revenue", "formula": "revenue", "direction": direction, "unit": unit})


def levels(result: Suggestion, method: Method) -> tuple[float | None, float | None, float | None]:
    proposal = result.proposal(method)
    return proposal.commit, proposal.target, proposal.stretch


def flow(kpi_: Kpi, history: Sequence[Point], period: date, grain: Grain = Grain.MONTH, **options: Any) -> Suggestion:
    return propose(kpi_, history, period, grain, CALENDAR, kind=SeriesKind.FLOW, **options)


# ---------------------------------------------------------------------------------------------------- methods
# The levels sit at the quantiles of each method's errors when it is replayed on the history: a method that was always
# exactly right gets the narrowest levels, 1 % either side of its base; one with fewer than 6 replays a default 20 %.


def test_constant_series_every_method_agrees() -> None:
    history = series(date(2023, 7, 1), Grain.MONTH, [100.0] * 24)  # 2023-07 .. 2025-06
    result = flow(kpi(), history, date(2025, 7, 1))
    assert result.horizon == 1
    for method in (Method.LAST, Method.LAST_YEAR, Method.AVERAGE, Method.GROWTH, Method.SEASONAL):
        assert levels(result, method) == (99.0, 100.0, 101.0), method
        assert result.proposal(method).spread.errors == (0.0,) * len(result.proposal(method).spread.errors)  # type: ignore[union-attr]
    # The history's own percentiles are all 100; whole numbers keep commit and stretch a unit from the target.
    assert levels(result, Method.PERCENTILE) == (99.0, 100.0, 101.0)
    assert result.bounds == Bounds(low=0.0, high=None, whole=True)
    assert result.recommended is Method.SEASONAL
    seasonal = result.proposal(Method.SEASONAL).spread
    assert seasonal is not None
    assert (len(seasonal.errors), seasonal.default) == (12, False)  # replayed from 2024-07, a year after the start
    assert str(result.proposal(Method.LAST).basis) == "2025-06 = 100"
    assert str(result.proposal(Method.LAST_YEAR).basis) == "2024-07 = 100"


def test_growing_quarters() -> None:
    values = [100 * 1.1**i for i in range(6)]  # 2024-Q1 .. 2025-Q2, +10 % a quarter
    history = series(date(2024, 1, 1), Grain.QUARTER, values)
    result = flow(kpi(), history, date(2025, 10, 1), Grain.QUARTER)
    assert result.horizon == 2  # 2025-Q2 -> 2025-Q4
    growth = result.proposal(Method.GROWTH)
    assert growth.base == pytest.approx(100 * 1.1**7)  # 161.051 x 1.1 x 1.1 = 194.87171
    assert "+10.00 % per period" in str(growth.basis)
    # Two replays only (2025-Q1 and 2025-Q2, each from three quarters or more, two ahead): the default spread, 20 %,
    # 155.9 / 194.9 / 233.8. But 194.9 is more than 20 % above the best quarter (161.051): the target is held at
    # 193.26, rounded down to 193.2, and the commit moves down with it.
    assert levels(result, Method.GROWTH) == (154.2, 193.2, 233.8)
    seasonal = result.proposal(Method.SEASONAL)
    # 2024-Q4 (133.1) x the last two quarters against the same a year before: (146.41 + 161.051) / (100 + 110).
    assert seasonal.base == pytest.approx(133.1 * 1.4641)
    assert str(seasonal.basis).startswith("2024-Q4 = 133.1 × 1.4641 (total 2025-Q1 .. 2025-Q2 vs a year before)")
    assert result.recommended is Method.SEASONAL


def test_seasonal_series() -> None:
    year1 = [200.0] + [100.0] * 11  # January is the high season
    year2 = [v * 1.1 for v in year1]  # and the business grew 10 %
    history = series(date(2023, 1, 1), Grain.MONTH, year1 + year2)
    result = flow(kpi(), history, date(2025, 1, 1))
    seasonal = result.proposal(Method.SEASONAL)
    assert seasonal.base == pytest.approx(220 * 1.1)  # January 2024 x (July .. December 2024 / a year before)
    assert "2024-01 = 220 × 1.1000" in str(seasonal.basis)
    # Replays: January 2024 had no trend yet (220 against 200, +10 %); February .. December were exactly right.
    # Recent replays weigh more, so the median error is 0 and the spread the narrowest: 1 % either side.
    assert seasonal.spread is not None
    assert seasonal.spread.errors[0] == pytest.approx(0.1)
    assert seasonal.spread.errors[1:] == pytest.approx((0.0,) * 11)
    assert levels(result, Method.SEASONAL) == (239.6, 242.0, 244.4)
    assert levels(result, Method.LAST)[1] == 110.0  # December: the wrong season
    assert result.recommended is Method.SEASONAL


def test_lower_is_better_targets_are_lower() -> None:
    history = series(date(2025, 1, 1), Grain.MONTH, [50.0] * 6)
    result = flow(kpi("down"), history, date(2025, 7, 1))
    # Five replays of `last`: too few, the default spread of 20 %, above for the commit of a lower-is-better KPI.
    assert levels(result, Method.LAST) == (60.0, 50.0, 40.0)
    assert result.recommended is Method.GROWTH  # no same month last year
    spread = series(date(2025, 1, 1), Grain.MONTH, [10.0, 20.0, 30.0, 40.0, 50.0])
    down = flow(kpi("down"), spread, date(2025, 6, 1))
    up = flow(kpi("up"), spread, date(2025, 6, 1))
    # Percentiles 82.5, 50 and 17.5 of 10..50: 43, 30, 17 (linear between ranks).
    assert levels(down, Method.PERCENTILE) == (43.0, 30.0, 17.0)
    assert levels(up, Method.PERCENTILE) == (17.0, 30.0, 43.0)


def test_ratios_follow_a_bounded_linear_trend() -> None:
    history = series(date(2025, 1, 1), Grain.MONTH, [1.0, 2.0, 3.0, 4.0, 5.0])
    result = propose(kpi(unit="ratio"), history, date(2025, 10, 1), Grain.MONTH, CALENDAR, kind=SeriesKind.RATE)
    growth = result.proposal(Method.GROWTH)
    # +1 a month for 5 months would be 10; the trend is held within the range 1..5 widened by half its width: 7.
    assert growth.base == 7.0
    assert "linear trend" in str(growth.basis)


def test_percent_rates_stay_within_0_and_100_percent() -> None:
    history = series(date(2025, 1, 1), Grain.MONTH, [0.5, 0.6, 0.7, 0.8, 0.9])
    result = propose(kpi(unit="percent"), history, date(2025, 9, 1), Grain.MONTH, CALENDAR, kind=SeriesKind.RATE)
    assert result.bounds == Bounds(low=0.0, high=1.0, whole=False)
    for proposal in result.proposals:
        if proposal.available:
            assert all(0 <= v <= 1 for v in (proposal.commit, proposal.target, proposal.stretch) if v is not None)
    assert levels(result, Method.GROWTH)[1] == 1.0  # 0.9 + 0.1 a month for 4 months, held at 100 %


def test_counts_get_whole_numbers_rounded_in_their_direction() -> None:
    deals = [40.0, 47.0, 43.0, 51.0, 45.0, 49.0, 44.0, 52.0, 46.0, 48.0, 50.0, 42.0] * 2
    history = series(date(2023, 7, 1), Grain.MONTH, deals)
    for direction in ("up", "down"):
        result = flow(kpi(direction), history, date(2025, 7, 1))
        assert result.bounds.whole
        for proposal in result.proposals:
            if proposal.available:
                shown = [proposal.commit, proposal.target, proposal.stretch]
                assert all(v is not None and v.is_integer() for v in shown), (direction, proposal)
                assert shown == sorted(shown, reverse=direction == "down")  # type: ignore[type-var]
                assert len(set(shown)) == 3
    # A stock of people (a range KPI) too: min rounded up, max rounded down.
    people = propose(kpi("range"), series(date(2025, 1, 1), Grain.MONTH, [100.0] * 4), date(2025, 5, 1), Grain.MONTH,
                     CALENDAR, kind=SeriesKind.STOCK)  # fmt: skip
    # One replay: the default spread; the range holds the middle half: 100 -+ 0.6745 x 20 % / 0.9346 = 85.57 .. 114.43.
    assert people.recommended is Method.GROWTH
    growth = people.proposal(Method.GROWTH)
    assert (growth.minimum, growth.target, growth.maximum) == (86.0, 100.0, 114.0)
    assert people.entry(Level.ALL) == {
        "kpi": "revenue",
        "period": "2025-05",
        "type": "range",
        "min": 86.0,
        "max": 114.0,
    }


def test_no_suggestion_for_a_kpi_always_zero_or_without_history() -> None:
    zero = flow(kpi("down"), series(date(2025, 1, 1), Grain.MONTH, [0.0] * 6), date(2025, 7, 1))
    assert (zero.recommended, zero.reason) == (None, NoSuggestion.ALWAYS_ZERO)
    assert not any(p.available for p in zero.proposals)
    with pytest.raises(QueryError, match="it was 0 in every month of its history") as always_zero:
        zero.entry(Level.ALL)
    assert always_zero.value.code == "goals.suggest.no_target_suggested"
    assert always_zero.value.message.values["why"].code == "goals.suggest.always_zero"
    empty = flow(kpi(), [], date(2025, 5, 1))
    assert (empty.recommended, empty.reason) == (None, NoSuggestion.NO_HISTORY)
    with pytest.raises(QueryError, match="no complete month with a value before 2025-05"):
        empty.entry(Level.TARGET)


def test_missing_values() -> None:
    history = series(date(2025, 1, 1), Grain.MONTH, [100.0, None, 120.0, None])
    result = flow(kpi(), history, date(2025, 5, 1))
    assert not result.proposal(Method.LAST).available
    assert result.proposal(Method.AVERAGE).base == 110.0
    assert result.recommended is Method.AVERAGE


def test_the_target_stays_within_kpilots_own_limit() -> None:
    """Growth of 50 % a month would take the target far beyond the best month ever; it is held 20 % above it."""
    history = series(date(2025, 1, 1), Grain.MONTH, [100 * 1.5**i for i in range(6)])  # best: 759.375 in 2025-06
    result = flow(kpi(), history, date(2025, 7, 1))
    growth = result.proposal(Method.GROWTH)
    assert growth.target == 911.2  # 759.375 x 1.2 = 911.25, rounded towards history
    assert growth.commit is not None
    assert growth.commit < growth.target
    assert "target held at 20% beyond the best value history reached" in str(growth.basis)


def test_entries_to_write() -> None:
    history = series(date(2023, 7, 1), Grain.MONTH, [100.0] * 24)
    result = flow(kpi(), history, date(2025, 7, 1), scope={"team": "a"})
    base = {"kpi": "revenue", "period": "2025-07", "scope": {"team": "a"}}
    assert result.entry(Level.ALL) == {**base, "commit": 99.0, "target": 100.0, "stretch": 101.0}
    assert result.entry(Level.TARGET) == {**base, "target": 100.0}
    assert result.entry(Level.STRETCH) == {**base, "target": 101.0}  # the stretch level as the target
    assert result.entry(Level.COMMIT, Method.PERCENTILE) == {**base, "target": 99.0}


def test_series_kinds_and_growth_kpis() -> None:
    definitions = Definitions.model_validate(
        {
            "sources": [
                {
                    "name": "s",
                    "table": "t",
                    "time": "day",
                    "measures": [
                        {"name": "revenue", "agg": "sum", "expr": "amount"},
                        {"name": "mrr", "agg": "last", "expr": "mrr"},
                        {"name": "accounts", "agg": "last", "expr": "accounts"},
                    ],
                }
            ],
            "kpis": [
                {"name": "revenue", "formula": "s.revenue"},
                {"name": "mrr", "formula": "s.mrr"},
                {"name": "arpa", "formula": "s.mrr / s.accounts"},
                {"name": "mom", "formula": "growth(s.revenue)"},
                {"name": "yoy", "formula": "s.revenue / previous(s.revenue, n=12) - 1"},
                {"name": "mrr_growth", "formula": "growth(mrr)"},
                {"name": "odd", "formula": "growth(s.revenue * 2)"},
            ],
        }
    )
    model = SemanticModel(definitions)
    assert [series_kind(model, k) for k in ("revenue", "mrr", "arpa", "mom")] == [
        SeriesKind.FLOW,
        SeriesKind.STOCK,
        SeriesKind.RATE,
        SeriesKind.RATE,
    ]
    assert growth_of(model, "mom") == GrowthOf("revenue", 1)
    assert growth_of(model, "yoy") == GrowthOf("revenue", 12)
    assert growth_of(model, "mrr_growth") == GrowthOf("mrr", 1)
    assert growth_of(model, "odd") is None  # no KPI is revenue * 2
    assert growth_of(model, "revenue") is None


def test_helpers() -> None:
    assert percentile([1.0, 2.0, 3.0, 4.0], 0.5) == 2.5
    assert parse_scope(["team=EMEA", " country = IT "]) == {"team": "EMEA", "country": "IT"}
    assert parse_scope(["team=EMEA,country=IT"]) == {"team": "EMEA", "country": "IT"}
    with pytest.raises(QueryError, match="cannot read the scope"):
        parse_scope(["team"])


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
    # March 2024 (100), trend 1 (January 2025 against January 2024); one replay two months ahead: the default spread.
    assert result.recommended is Method.SEASONAL
    assert levels(result, Method.SEASONAL) == (80.0, 100.0, 120.0)
    everyone = suggest(ws, "revenue", "2025-03", count=6, today=date(2025, 2, 15))
    assert [p.value for p in everyone.recent] == [150.0] * 6
    assert everyone.recent[0].name == "2024-08"
    assert len(everyone.history) == 13  # the replays read all of it


def test_suggest_starts_from_where_the_data_ends(duckdb_factory: Callable[..., Workspace]) -> None:
    ws = duckdb_factory(DEFINITIONS, monthly_sales())
    result = suggest(ws, "revenue", "2025-06", scope={"team": "b"}, today=date(2025, 8, 1))
    assert result.history[-1].name == "2025-01"  # not followed by months of zeros
    assert result.horizon == 5
    # `last` replayed five months ahead from 2024-06 on: 8 replays, all right, so 1 % either side.
    assert levels(result, Method.LAST) == (49.5, 50.0, 50.5)
    assert [(note.code, note.values["end"], note.values["last"]) for note in result.notes] == [
        ("goals.suggest.data_ends", "2025-01", "2025-05")
    ]
    assert [str(note) for note in result.notes] == [
        "the data ends with 2025-01 (the last complete month is 2025-05): the suggestions start there"
    ]


def test_a_month_the_data_stops_in_is_not_history(duckdb_factory: Callable[..., Workspace]) -> None:
    # Every day of 2024-01 .. 2025-01, then the data stops on 9 February 2025: February is over, but not complete.
    days = [date(2024, 1, 1) + timedelta(days=i) for i in range((date(2025, 2, 10) - date(2024, 1, 1)).days)]
    ws = duckdb_factory(DEFINITIONS, {"sales": {"day": days, "team": ["a"] * len(days), "amount": [1.0] * len(days)}})
    result = suggest(ws, "revenue", "2025-04", today=date(2025, 6, 1))
    assert result.history[-1].name == "2025-01"
    assert [(note.code, note.values["end"], note.values["last"]) for note in result.notes] == [
        ("goals.suggest.data_ends", "2025-01", "2025-03")
    ]
    assert [str(note) for note in result.notes] == [
        "the data ends with 2025-01 (the last complete month is 2025-03): the suggestions start there"
    ]
    # A source posted once a month, on the 5th, covers its months: its last month is history.
    monthly = duckdb_factory(DEFINITIONS, monthly_sales())
    assert suggest(monthly, "revenue", "2025-03", today=date(2025, 3, 1)).history[-1].name == "2025-02"


def test_a_series_never_negative_gets_no_negative_suggestion() -> None:
    history = series(date(2025, 1, 1), Grain.MONTH, [10.0, 8.0, 6.0, 4.0, 2.0, 0.0])
    result = flow(kpi(), history, date(2025, 7, 1))
    growth = result.proposal(Method.GROWTH)
    assert "linear trend" in str(growth.basis)  # a zero: no compound growth
    assert growth.base == -2.0  # 0 - 2
    assert (growth.commit, growth.target) == (0.0, 0.0)  # held at 0
    assert growth.stretch is not None
    assert growth.stretch >= 1


def test_growth_kpis_follow_their_base_kpi(duckdb_factory: Callable[..., Workspace]) -> None:
    ws = duckdb_factory(
        DEFINITIONS + "  - {name: revenue_growth, formula: growth(revenue), unit: percent}\n",
        {"sales": {"day": [CALENDAR.shift(date(2023, 1, 1), i, Grain.MONTH) for i in range(24)],
                   "team": ["a"] * 24, "amount": [100.0] * 24}},
    )  # fmt: skip
    result = suggest(ws, "revenue_growth", "2025-01", today=date(2025, 1, 15))
    # Revenue's suggestion for January 2025: 99 / 100 / 101; against December 2024's 100: -1 %, 0, +1 %.
    assert result.growth_of == "revenue"
    assert levels(result, result.recommended or Method.LAST) == (-0.01, 0.0, 0.01)
    assert "the growth that revenue's suggestion implies" in str(result.why)


def test_suggest_refuses_unknown_kpis_and_days(duckdb_factory: Callable[..., Workspace]) -> None:
    ws = duckdb_factory(DEFINITIONS, monthly_sales())
    with pytest.raises(QueryError, match="unknown KPI 'revenu'"):
        suggest(ws, "revenu", "2025-03")
    with pytest.raises(QueryError, match="month, quarter or year") as daily:
        suggest(ws, "revenue", "2025-03-01")
    assert (daily.value.code, daily.value.field) == ("goals.suggest.grain_not_suggested", "period")
    assert str(daily.value.hint) == "name a month, quarter or year as the period, e.g. 2025-Q3"
    with pytest.raises(QueryError, match=r"\(count\) must be at least 1") as no_history:
        suggest(ws, "revenue", "2025-03", count=0)
    assert no_history.value.field == "count"
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
    # Same month last year (2024-10) = 100, plus the shift of the last half year (2025-04 .. 2025-09, 100 each)
    # against the same months a year before (2024-04 .. 2024-09: five times -10 and 130, a mean of 80 / 6).
    assert seasonal.base == pytest.approx(100 + 100 - 80 / 6)
