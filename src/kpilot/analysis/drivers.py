"""What drives a goal (docs/analysis.md#what-drives-a-goal): how much of its outcome KPI's variation each of the
goal's other KPIs explains, over periods (and the members of a dimension, such as teams), to check the KPI matrix's
weights against the data.

The outcome is regressed (least squares, with an intercept) on the drivers' values. The explained variance R² is
split among the drivers by their Shapley values (the LMG decomposition): a driver's share is its gain in R² when it
joins a set of the others, averaged over every order in which the drivers could join,

    share_j = sum over S not holding j of |S|! (p - |S| - 1)! / p! x (R²(S + j) - R²(S))

which adds up exactly to R² whatever the drivers' correlations, and needs no choice of order. Shares are reported as
parts of R² (adding up to 1) next to the drivers' weights in the matrix (made to add up to 1 over the same drivers):
a driver whose part of the explained variance differs from its weight by more than `DISAGREE` (0.2) is named, for
the weights to be looked at again, when the drivers explain at least `CHECKABLE` (a quarter) of the outcome's
variance: below that, how a small R² splits says nothing of the weights. The sign of each driver's coefficient (in
the full regression) says which way it moves the outcome.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from math import factorial

import numpy as np

MOST_DRIVERS = 10  # 2^10 regressions: beyond that the Shapley sum is too long to do exactly
MIN_POINTS_PER_DRIVER = 5
DISAGREE = 0.2
CHECKABLE = 0.25  # an R² under this explains too little of the outcome for its split to say anything of the weights


@dataclass(frozen=True)
class Driver:
    kpi: str
    share: float  # of the explained variance (the drivers' shares add up to 1)
    weight: float | None  # in the matrix, over the same drivers (None: the goal gives it no weight)
    direction: int  # +1 / -1: the sign of its coefficient in the full regression (0: none)

    @property
    def off_weight(self) -> bool:
        """Its part of the explained variance is more than DISAGREE away from its weight."""
        return self.weight is not None and abs(self.share - self.weight) > DISAGREE


@dataclass(frozen=True)
class GoalDrivers:
    outcome: str
    points: int  # observations (periods x members) where the outcome and every driver have values
    r_squared: float | None  # None: not enough data, or an outcome that never moves
    drivers: tuple[Driver, ...]  # largest share first

    @property
    def checkable(self) -> bool:
        """Whether the drivers explain enough of the outcome for their shares to check the weights by."""
        return self.r_squared is not None and self.r_squared >= CHECKABLE

    @property
    def disagreeing(self) -> tuple[Driver, ...]:
        """The drivers whose weight the data disagrees with (none when the goal cannot be checked)."""
        return tuple(driver for driver in self.drivers if driver.off_weight) if self.checkable else ()


def goal_drivers(
    outcome: str, points: Sequence[Mapping[str, float | None]], drivers: Sequence[str], weights: Mapping[str, float]
) -> GoalDrivers:
    """`points`: one mapping per observation, KPI -> value; those missing a value are left out."""
    used = [row for row in points if all(row.get(name) is not None for name in (outcome, *drivers))]
    if not drivers or len(drivers) > MOST_DRIVERS or len(used) < MIN_POINTS_PER_DRIVER * len(drivers) + 2:
        return GoalDrivers(outcome, len(used), None, ())
    y = np.array([float(row[outcome] or 0) for row in used])
    columns = {name: np.array([float(row[name] or 0) for row in used]) for name in drivers}
    if np.ptp(y) == 0:
        return GoalDrivers(outcome, len(used), None, ())
    total = _r_squared(y, [columns[name] for name in drivers])
    shares = _shapley(y, columns)
    signs = _signs(y, [columns[name] for name in drivers])
    weight_sum = sum(weights.get(name, 0.0) for name in drivers)
    found = [
        Driver(
            name,
            shares[name] / total if total > 0 else 0.0,
            weights[name] / weight_sum if name in weights and weight_sum > 0 else None,
            signs[index],
        )
        for index, name in enumerate(drivers)
    ]
    return GoalDrivers(outcome, len(used), total, tuple(sorted(found, key=lambda d: -d.share)))


def _shapley(y: np.ndarray, columns: Mapping[str, np.ndarray]) -> dict[str, float]:
    names = list(columns)
    p = len(names)
    known: dict[frozenset[str], float] = {}

    def r2(subset: frozenset[str]) -> float:
        if subset not in known:
            known[subset] = _r_squared(y, [columns[name] for name in names if name in subset]) if subset else 0.0
        return known[subset]

    shares = {}
    for name in names:
        others = [other for other in names if other != name]
        value = 0.0
        for size in range(p):
            weight = factorial(size) * factorial(p - size - 1) / factorial(p)
            for chosen in combinations(others, size):
                subset = frozenset(chosen)
                value += weight * (r2(subset | {name}) - r2(subset))
        shares[name] = value
    return shares


def _r_squared(y: np.ndarray, xs: Sequence[np.ndarray]) -> float:
    design = np.column_stack([np.ones(len(y)), *xs])
    coefficients, *_ = np.linalg.lstsq(design, y, rcond=None)
    residual = y - design @ coefficients
    spread = float(np.sum((y - y.mean()) ** 2))
    return max(0.0, 1 - float(np.sum(residual**2)) / spread) if spread else 0.0


def _signs(y: np.ndarray, xs: Sequence[np.ndarray]) -> list[int]:
    design = np.column_stack([np.ones(len(y)), *xs])
    coefficients, *_ = np.linalg.lstsq(design, y, rcond=None)
    return [int(np.sign(value)) for value in coefficients[1:]]
