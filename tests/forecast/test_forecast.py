"""Forecasts with a disclosed method: run-rate projections and next-period forecasts, checked against hand-worked
numbers."""

from __future__ import annotations

import json
import math
import warnings
from typing import Any

import pytest

from kpilot.forecast import Forecast, ForecastMethod, forecast_next, mape, project_running_period
from kpilot.i18n import Language, render

Z80 = 1.2815515655446004  # the standard normal's 90th percentile: an 80 % two-sided interval
PATTERN = [3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0, 5.0, 3.0, 5.0, 8.0]  # one season of a monthly KPI
TREND = [10.0 * i for i in range(1, 13)]  # 10, 20, ..., 120
NOISY = [100.0, 112.0, 95.0, 108.0, 121.0, 99.0, 117.0, 104.0, 126.0, 110.0, 98.0, 123.0, 115.0, 106.0]


def has_interval(forecast: Forecast) -> bool:
    return all(s.low is not None and s.high is not None for s in forecast.steps)


# --------------------------------------------------------------------------------------------------------------
# End-of-period projection


def test_run_rate_divides_by_the_elapsed_fraction() -> None:
    result = project_running_period(310.0, 10 / 31)
    assert result.value == pytest.approx(961.0)  # 310 / (10/31)
    assert result.method == "run_rate"
    assert (result.low, result.high) == (None, None)  # no past periods: no interval
    assert "Run-rate" in str(result.description)
    assert "no interval" in str(result.description)


def test_seasonal_run_rate_divides_by_the_mean_share() -> None:
    result = project_running_period(310.0, 10 / 31, shares=[0.25])
    assert result.method == "seasonal_run_rate"
    assert result.value == pytest.approx(1240.0)  # 310 / 0.25
    assert (result.low, result.high, result.shares_used) == (None, None, 1)  # one share: no spread


def test_seasonal_run_rate_interval_spans_the_past_periods() -> None:
    # Mean share 0.25 -> 1240; the fastest period (0.30) implies 310/0.3, the slowest (0.20) 310/0.2.
    result = project_running_period(310.0, 10 / 31, shares=[0.2, 0.25, 0.3])
    assert result.value == pytest.approx(1240.0)
    assert result.low == pytest.approx(310 / 0.3)
    assert result.high == pytest.approx(1550.0)
    assert result.shares_used == 3


def test_shares_that_cannot_be_divided_by_are_left_out() -> None:
    result = project_running_period(310.0, 10 / 31, shares=[0.2, None, 0.0, -0.1, math.nan, 0.25, 0.3])
    assert result.value == pytest.approx(1240.0)
    assert result.shares_used == 3


def test_no_usable_share_falls_back_to_run_rate() -> None:
    result = project_running_period(310.0, 10 / 31, shares=[None, 0.0], method="seasonal_run_rate")
    assert result.method == "run_rate"
    assert result.value == pytest.approx(961.0)
    assert "no past period's share was usable" in str(result.description)


def test_run_rate_interval_from_the_dispersion_of_shares() -> None:
    # 961 scaled by mean/max = 0.25/0.3 and mean/min = 0.25/0.2.
    result = project_running_period(310.0, 10 / 31, shares=[0.2, 0.25, 0.3], method="run_rate")
    assert result.value == pytest.approx(961.0)
    assert result.low == pytest.approx(961 * 0.25 / 0.3)
    assert result.high == pytest.approx(961 * 0.25 / 0.2)


def test_a_complete_period_projects_its_value() -> None:
    result = project_running_period(1000.0, 1.0, shares=[0.9, 0.95])
    assert (result.value, result.low, result.high) == (1000.0, 1000.0, 1000.0)
    assert "complete" in str(result.description)


def test_non_additive_kpi_projects_the_value_itself() -> None:
    result = project_running_period(0.031, 10 / 31, additive=False, shares=[0.25])
    assert result.value == pytest.approx(0.031)
    assert (result.low, result.high, result.method, result.additive) == (None, None, "run_rate", False)
    assert "not a sum" in str(result.description)


def test_zero_and_negative_values_to_date() -> None:
    zero = project_running_period(0.0, 0.5, shares=[0.4, 0.6])
    assert (zero.value, zero.low, zero.high) == (0.0, 0.0, 0.0)
    loss = project_running_period(-310.0, 10 / 31, shares=[0.2, 0.25, 0.3])
    assert loss.value == pytest.approx(-1240.0)
    assert loss.low == pytest.approx(-1550.0)  # the interval stays ordered low <= high
    assert loss.high == pytest.approx(-310 / 0.3)


def test_no_projection_without_a_value_or_before_the_period_starts() -> None:
    for result in (project_running_period(None, 0.5), project_running_period(math.nan, 0.5)):
        assert (result.value, result.method) == (None, "none")
        assert str(result.reason) == "there is no value so far for this period"
    early = project_running_period(5.0, 0.0)
    assert early.value is None
    assert "not started" in (str(early.reason) or "")


def test_projection_rejects_impossible_calls() -> None:
    with pytest.raises(ValueError, match="elapsed"):
        project_running_period(1.0, 1.5)
    with pytest.raises(ValueError, match="elapsed"):
        project_running_period(1.0, -0.1)


def test_projection_serialises_with_its_method() -> None:
    data = project_running_period(310.0, 10 / 31).to_dict()
    assert data["method"] == "run_rate"
    assert set(data) >= {"value", "low", "high", "method", "description", "reason", "shares_used"}
    # The description as data: its code and values, nested messages as codes and values too (JSON-ready).
    assert data["description"]["code"] == "forecast.then"
    assert data["description"]["values"]["first"]["code"] == "forecast.running.run_rate"
    assert json.loads(json.dumps(data))["description"] == data["description"]


def test_descriptions_are_written_in_the_readers_language() -> None:
    # 1,234.5 so far, a quarter of the period gone, two past periods 20 % and 30 % of the way by then: a mean
    # share of 25 %, so 1,234.5 / 0.25 = 4,938. Each language writes the same digits with its own symbols.
    result = project_running_period(1234.5, 0.25, shares=[0.2, 0.3])
    assert result.value == pytest.approx(4938.0)
    assert str(result.description).startswith(
        "Seasonal run-rate: the value so far, 1,234.5, divided by 25 %, the average share of their final value that "
        "2 past period(s) had reached at the same point (25 % elapsed)."
    )
    italian = render(result.description, Language.IT)
    assert italian.startswith("Run-rate stagionale: il valore finora, 1.234,5, diviso per 25 %,")
    assert "2 periodi passati" in italian
    assert "25%" in render(result.description, Language.ZH)
    forecast = forecast_next([100.0, 110.0, 99.0, 121.0, 130.0, 125.0], 2, 1)
    for language in Language:  # every sentence of the description has the values its text names
        assert render(forecast.description, language)


# --------------------------------------------------------------------------------------------------------------
# Next-period forecasts


@pytest.mark.parametrize("method", ["seasonal_naive", "exponential_smoothing", "auto"])
def test_constant_series_every_method_predicts_the_constant(method: ForecastMethod) -> None:
    result = forecast_next([50.0] * 24, 3, 12, method)
    assert result.values == pytest.approx([50.0] * 3)
    assert result.mape == pytest.approx(0.0, abs=1e-9)
    assert len(result.backtest) == 12  # k = 12 one-step back-test forecasts
    assert result.requested == method


def test_constant_tie_goes_to_seasonal_naive() -> None:
    result = forecast_next([50.0] * 24, 1, 12)
    assert result.method == "seasonal_naive"
    assert "tie" in str(result.description)


def test_holt_continues_a_linear_trend() -> None:
    for season_length in (1, 12):  # 12 values are less than two seasons of 12: no seasonality either way
        result = forecast_next(TREND, 2, season_length, "exponential_smoothing")
        assert (result.method, result.variant) == ("exponential_smoothing", "holt")
        assert result.values == pytest.approx([130.0, 140.0], abs=1e-3)
        assert "Holt's linear trend" in str(result.description)


def test_auto_prefers_smoothing_on_a_trend() -> None:
    result = forecast_next(TREND, 2, 1)
    assert result.method == "exponential_smoothing"
    scores = dict(result.candidates)
    assert scores["exponential_smoothing"] is not None
    assert scores["seasonal_naive"] is not None
    assert scores["exponential_smoothing"] < scores["seasonal_naive"]
    assert result.mape == scores["exponential_smoothing"]


def test_seasonal_naive_repeats_the_pattern_exactly() -> None:
    result = forecast_next(PATTERN * 3, 15, 12, "seasonal_naive")
    assert result.method == "seasonal_naive"
    assert list(result.values) == PATTERN + PATTERN[:3]  # step 13 looks two seasons back
    assert result.mape == 0.0


def test_holt_winters_gets_close_to_a_pure_pattern() -> None:
    result = forecast_next(PATTERN * 3, 12, 12, "exponential_smoothing")
    assert result.variant == "holt_winters"
    assert "Holt-Winters" in str(result.description)
    assert result.values == pytest.approx(PATTERN, abs=0.1)


def test_auto_prefers_seasonal_naive_on_a_pure_pattern() -> None:
    result = forecast_next(PATTERN * 3, 12, 12)
    assert result.method == "seasonal_naive"
    assert result.requested == "auto"
    assert "Chosen automatically" in str(result.description)


def test_mape_of_a_tiny_example_by_hand() -> None:
    # Naive back-test from index 2: 110 forecasts 99 (error 11/99 = 1/9), 99 forecasts 121 (22/121 = 2/11).
    result = forecast_next([100.0, 110.0, 99.0, 121.0], 2, 1, "seasonal_naive")
    assert result.method == "naive"  # season length 1: seasonal naive is naive
    assert result.values == (121.0, 121.0)
    assert [(p.index, p.actual, p.predicted) for p in result.backtest] == [(2, 99.0, 110.0), (3, 121.0, 99.0)]
    assert result.mape == pytest.approx(100 * (1 / 9 + 2 / 11) / 2)  # 14.6465 %
    # Interval: root mean square error sqrt((11² + 22²) / 2), times z, times sqrt(step).
    spread = math.sqrt((11**2 + 22**2) / 2)
    assert result.steps[0].low == pytest.approx(121 - Z80 * spread)
    assert result.steps[1].high == pytest.approx(121 + Z80 * spread * math.sqrt(2))


def test_mape_ignores_zero_actuals() -> None:
    assert mape([0.0, 100.0, 200.0], [5.0, 110.0, 190.0]) == pytest.approx(7.5)  # (10 % + 5 %) / 2
    assert mape([0.0], [1.0]) is None
    assert mape([], []) is None
    result = forecast_next([0.0, 0.0, 0.0, 0.0], 1, 1, "seasonal_naive")
    assert result.mape is None
    assert "cannot be computed" in str(result.description)


@pytest.mark.parametrize("method", ["seasonal_naive", "exponential_smoothing"])
def test_intervals_contain_the_point_and_widen_with_the_horizon(method: ForecastMethod) -> None:
    result = forecast_next(NOISY, 4, 1, method)
    assert has_interval(result)
    widths = []
    for step in result.steps:
        assert step.low is not None
        assert step.high is not None
        assert step.low < step.value < step.high
        widths.append(step.high - step.low)
    assert widths == sorted(widths)
    assert widths[0] < widths[-1]
    assert result.level == 0.8


def test_seasonal_naive_skips_missing_values() -> None:
    history: list[float | None] = [*PATTERN, *PATTERN]
    history[13] = None  # last season's February is missing: take the season before's
    result = forecast_next(history, 3, 12, "seasonal_naive")
    assert result.values == (3.0, 1.0, 4.0)
    assert "earlier season" in str(result.description)


def test_smoothing_interpolates_missing_values() -> None:
    # Inside gaps are interpolated (a straight line 10..70); the two missing periods at the end are stepped over.
    history = [None, 10.0, None, 30.0, 40.0, math.nan, 60.0, 70.0, None, None]
    result = forecast_next(history, 2, 1, "exponential_smoothing")
    assert result.variant == "holt"
    assert result.values == pytest.approx([100.0, 110.0], abs=1e-3)
    assert "interpolation" in str(result.description)
    assert "last 2 period(s) are missing" in str(result.description)


@pytest.mark.parametrize(("history", "reason"), [([], "the history is empty"), ([None, None], "no known value")])
def test_no_forecast_without_data(history: list[float | None], reason: str) -> None:
    for method in ("auto", "seasonal_naive", "exponential_smoothing"):
        result = forecast_next(history, 3, 12, method)
        assert (result.method, result.steps, result.mape) == ("none", (), None)
        assert reason in (str(result.reason) or "")


def test_too_short_series() -> None:
    one = forecast_next([5.0], 2, 12, "exponential_smoothing")
    assert (one.method, one.values, one.mape) == ("naive", (5.0, 5.0), None)
    assert not any(s.low is not None for s in one.steps)  # no back-test, no interval
    two = forecast_next([5.0, 7.0], 1, 12, "exponential_smoothing")
    assert two.variant == "simple"
    assert two.backtest == ()
    short = forecast_next([5.0, 7.0, 6.0], 2, 12, "seasonal_naive")
    assert short.method == "naive"  # less than one season
    assert "needs one full season" in str(short.description)


def test_statsmodels_warnings_stay_inside(capsys: pytest.CaptureFixture[str]) -> None:
    awkward = [1.0, 0.0, 0.0, 1e9, 0.0, 1.0, 0.0, 0.0, 2.0, 0.0, 0.0, 1.0, 5.0, 5.0, 5.0]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for history in (awkward, [3.0, 3.0, 3.0], [1.0, 2.0] * 4):
            forecast_next(history, 2, 4)
    assert [str(w.message) for w in caught] == []
    assert capsys.readouterr() == ("", "")


def test_forecasts_are_deterministic() -> None:
    assert forecast_next(NOISY, 3, 4, backtest_periods=4) == forecast_next(NOISY, 3, 4, backtest_periods=4)


def test_forecast_rejects_impossible_calls() -> None:
    with pytest.raises(ValueError, match="horizon"):
        forecast_next([1.0], 0, 12)
    with pytest.raises(ValueError, match="season length"):
        forecast_next([1.0], 1, 0)
    with pytest.raises(ValueError, match="unknown forecast method"):
        forecast_next([1.0], 1, 12, "arima")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="level"):
        forecast_next([1.0], 1, 12, level=1.0)


def test_forecast_serialises_with_its_method() -> None:
    data = forecast_next([100.0, 110.0, 99.0, 121.0], 1, 1, "seasonal_naive").to_dict()
    assert data["method"] == "naive"
    assert data["steps"][0]["value"] == 121.0
    assert set(data) >= {"variant", "description", "level", "mape", "backtest", "requested", "candidates", "reason"}


def test_a_variant_that_cannot_be_fitted_falls_back_to_a_simpler_one(monkeypatch: pytest.MonkeyPatch) -> None:
    from kpilot.forecast import models as forecast_models

    real_fit = forecast_models._fit

    def failing_seasonal(series: list[float], variant: str, season_length: int, steps: int) -> Any:
        if variant == "holt_winters":
            raise ValueError("degenerate")
        return real_fit(series, variant, season_length, steps)

    monkeypatch.setattr(forecast_models, "_fit", failing_seasonal)
    result = forecast_next(TREND * 2, 1, 12, "exponential_smoothing", backtest_periods=0)
    assert result.variant == "holt"
    assert "Holt-Winters could not be fitted" in str(result.description)
