"""Whether a leading KPI really leads a lagging one (docs/analysis.md#leading-and-lagging): for lags of 1 to N
periods, the lagged cross-correlation of the two differenced series and a Granger test (statsmodels: does the
leading KPI's past improve the prediction of the lagging one beyond the lagging one's own past, an F test), every
p-value of every candidate and lag corrected together by Benjamini-Hochberg, with an honest verdict:

- `leads`: the smallest corrected p-value is at most `ALPHA` (0.05): "leads by 2 months, p = 0.01, 30 months";
- `no_evidence`: none is;
- `not_enough_data`: fewer than `MIN_PERIODS + 2 x lags` periods where both KPIs have values.

The series are differenced once (period to period), so that two KPIs that merely both grow are not taken for one
leading the other; the test runs on the periods both have, in order, with no gap filled.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

import numpy as np

ALPHA = 0.05
MIN_PERIODS = 12  # differenced points needed on top of two per lag tested
Series = Mapping[date, float]


class Verdict(StrEnum):
    LEADS = "leads"
    NO_EVIDENCE = "no_evidence"
    NOT_ENOUGH_DATA = "not_enough_data"


@dataclass(frozen=True)
class LagResult:
    lag: int  # periods the leading KPI is ahead
    correlation: float | None  # of the differenced series, the leading one `lag` periods earlier
    p_value: float  # the Granger F test's, before correction
    adjusted: float  # after Benjamini-Hochberg over every candidate and lag


@dataclass(frozen=True)
class LeadTest:
    candidate: str
    verdict: Verdict
    periods: int  # periods where both KPIs have values
    lags: tuple[LagResult, ...]  # empty when there is not enough data

    @property
    def best(self) -> LagResult | None:
        """The lag with the smallest corrected p-value (the first of equals)."""
        return min(self.lags, key=lambda found: (found.adjusted, found.lag)) if self.lags else None


def lead_tests(lagging: Series, candidates: Mapping[str, Series], max_lag: int) -> tuple[LeadTest, ...]:
    """Each candidate tested as a leading indicator of `lagging`, for lags 1..max_lag, corrected together."""
    raw: dict[str, tuple[int, list[tuple[int, float | None, float]]]] = {}
    for name, series in candidates.items():
        days = sorted(set(lagging) & set(series))
        target = np.diff(np.array([lagging[day] for day in days], dtype=float))
        driver = np.diff(np.array([series[day] for day in days], dtype=float))
        if len(days) < MIN_PERIODS + 2 * max_lag or _constant(target) or _constant(driver):
            raw[name] = (len(days), [])
            continue
        raw[name] = (len(days), _per_lag(target, driver, max_lag))
    pooled = [p for _, found in raw.values() for _, _, p in found]
    corrected = iter(benjamini_hochberg(pooled))
    tests = []
    for name, (periods, found) in raw.items():
        lags = tuple(LagResult(lag, correlation, p, next(corrected)) for lag, correlation, p in found)
        if not lags:
            verdict = Verdict.NOT_ENOUGH_DATA
        elif min(result.adjusted for result in lags) <= ALPHA:
            verdict = Verdict.LEADS
        else:
            verdict = Verdict.NO_EVIDENCE
        tests.append(LeadTest(name, verdict, periods, lags))
    return tuple(tests)


def benjamini_hochberg(p_values: Sequence[float]) -> list[float]:
    """The Benjamini-Hochberg adjusted p-values, in the order given: p_(i) x m / i, made monotone from the largest
    down and held at 1."""
    count = len(p_values)
    order = sorted(range(count), key=lambda index: p_values[index])
    adjusted = [1.0] * count
    running = 1.0
    for rank in range(count, 0, -1):
        index = order[rank - 1]
        running = min(running, p_values[index] * count / rank)
        adjusted[index] = min(1.0, running)
    return adjusted


def _per_lag(target: np.ndarray, driver: np.ndarray, max_lag: int) -> list[tuple[int, float | None, float]]:
    from statsmodels.tsa.stattools import grangercausalitytests  # type: ignore[import-untyped, unused-ignore]

    data = np.column_stack([target, driver])  # does the second column Granger-cause the first?
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # statsmodels' notes on the small samples it is given
        found = grangercausalitytests(data, maxlag=max_lag)
    results = []
    for lag in range(1, max_lag + 1):
        p_value = float(found[lag][0]["ssr_ftest"][1])
        results.append((lag, _correlation(target[lag:], driver[:-lag]), p_value if np.isfinite(p_value) else 1.0))
    return results


def _correlation(first: np.ndarray, second: np.ndarray) -> float | None:
    if len(first) < 3 or _constant(first) or _constant(second):
        return None
    return float(np.corrcoef(first, second)[0, 1])


def _constant(values: np.ndarray) -> bool:
    return len(values) == 0 or bool(np.all(values == values[0]))
