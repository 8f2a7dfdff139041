"""Building blocks shared by the demo domains: the calendar with its demand curves, seeded generators, sampling."""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import numpy.typing as npt
import pandas as pd

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
DayArray = npt.NDArray[np.datetime64]
StrArray = npt.NDArray[np.object_]

CURRENCY = "EUR"
CHANNELS = (
    "google_ads",
    "meta",
    "linkedin",
    "tiktok",
    "microsoft_ads",
    "email",
    "organic",
    "social",
    "referral",
    "direct",
)
TEAMS = ("EMEA", "Americas", "APAC")
TEAM_SHARE = (0.55, 0.30, 0.15)
COUNTRIES = {
    "EMEA": ("DE", "FR", "IT", "ES", "NL", "GB", "PL", "SE"),
    "Americas": ("US", "CA", "BR", "MX"),
    "APAC": ("AU", "JP", "SG", "IN"),
}
# Growth and seasonality are anchored on a fixed epoch so that a day looks the same whatever range is generated.
EPOCH = date(2023, 1, 1)
# Relative demand per month for the web shop (gift season) and for B2B sales (holidays are slow).
SHOP_MONTHS = (0.80, 0.82, 0.92, 0.95, 0.97, 0.92, 0.86, 0.82, 0.97, 1.05, 1.38, 1.62)
B2B_MONTHS = (1.10, 1.12, 1.15, 1.05, 1.02, 0.98, 0.85, 0.70, 1.05, 1.10, 1.05, 0.75)


def last_complete_month(last: date) -> date:
    """The first day of the latest month that has ended by `last` (its own month when `last` closes it)."""
    month_start = last.replace(day=1)
    if (last + timedelta(days=1)).day == 1:
        return month_start
    return (month_start - timedelta(days=1)).replace(day=1)


def rng_for(seed: int, domain: str) -> np.random.Generator:
    """An independent generator per domain, so changing one domain does not reshuffle the others."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(zlib.crc32(domain.encode()),)))


@dataclass(frozen=True)
class Calendar:
    """The generated days with the demand curves every domain draws from."""

    start: date
    end: date
    seed: int
    days: DayArray = field(init=False)

    def __post_init__(self) -> None:
        days = np.arange(np.datetime64(self.start, "D"), np.datetime64(self.end + timedelta(days=1), "D"))
        object.__setattr__(self, "days", days)

    @property
    def n(self) -> int:
        return len(self.days)

    @property
    def day_numbers(self) -> IntArray:
        """Days since 1970-01-01."""
        return self.days.astype(np.int64)

    @property
    def weekday(self) -> IntArray:
        """0 = Monday ... 6 = Sunday (1970-01-01 was a Thursday)."""
        return (self.day_numbers + 3) % 7

    @property
    def month(self) -> IntArray:
        return self.days.astype("datetime64[M]").astype(np.int64) % 12 + 1

    @property
    def years(self) -> FloatArray:
        """Years since the epoch, for growth curves."""
        return (self.day_numbers - np.datetime64(EPOCH, "D").astype(np.int64)) / 365.25

    def seasonality(self, months: Sequence[float]) -> FloatArray:
        """Smooth yearly curve through the monthly values (placed mid-month), wrapping over the new year."""
        day_of_year = (self.days - self.days.astype("datetime64[Y]")).astype(np.int64)
        anchors = np.arange(-1, 13) * 30.44 + 15.2
        values = np.array([months[-1], *months, months[0]])
        return np.asarray(np.interp(day_of_year, anchors, values), dtype=np.float64)

    def black_friday(self, boost: float) -> FloatArray:
        """`boost` from Black Friday to Cyber Monday, 1 elsewhere."""
        factor = np.ones(self.n)
        for year in range(self.start.year, self.end.year + 1):
            november_first = date(year, 11, 1)
            friday = november_first + timedelta(days=(4 - november_first.weekday()) % 7 + 21)
            window = (self.days >= np.datetime64(friday, "D")) & (
                self.days <= np.datetime64(friday + timedelta(days=3), "D")
            )
            factor[window] = boost
        return factor

    def demand(
        self, *, growth: float, months: Sequence[float], weekly: Sequence[float], rng: np.random.Generator
    ) -> FloatArray:
        """Expected relative volume per day: growth × season × weekday × slowly wandering noise (mean about 1)."""
        trend = (1 + growth) ** self.years
        weekday = np.asarray(weekly, dtype=np.float64)[self.weekday]
        return np.asarray(trend * self.seasonality(months) * weekday * wandering_noise(rng, self.n), dtype=np.float64)


def wandering_noise(rng: np.random.Generator, n: int, sigma: float = 0.06, memory: float = 0.85) -> FloatArray:
    """Autocorrelated multiplicative noise: good and bad weeks rather than independent days."""
    kernel = memory ** np.arange(60)
    shocks = rng.normal(0, sigma * np.sqrt(1 - memory**2), n + len(kernel))
    smooth = np.convolve(shocks, kernel, mode="full")[len(kernel) : len(kernel) + n]
    return np.asarray(np.exp(smooth - smooth.var() / 2), dtype=np.float64)


def allocate(
    rng: np.random.Generator, row_groups: npt.ArrayLike, row_weights: npt.ArrayLike, item_groups: npt.ArrayLike
) -> IntArray:
    """For each item, a random row of its group, with probability proportional to the row weights.

    -1 where the item's group has no row of positive weight. Vectorised: one cumulative sum and two binary searches.
    """
    row_groups = np.asarray(row_groups, dtype=np.int64)
    item_groups = np.asarray(item_groups, dtype=np.int64)
    order = np.argsort(row_groups, kind="stable")
    groups, cumulative = row_groups[order], np.cumsum(np.asarray(row_weights, dtype=np.float64)[order])
    low = np.searchsorted(groups, item_groups, side="left")
    high = np.searchsorted(groups, item_groups, side="right")
    before = np.where(low > 0, cumulative[np.maximum(low - 1, 0)], 0.0)
    total = np.where(high > low, cumulative[np.maximum(high - 1, 0)] - before, 0.0)
    target = before + rng.random(len(item_groups)) * total
    index = np.clip(np.searchsorted(cumulative, target, side="right"), low, np.maximum(high - 1, low))
    found = (high > low) & (total > 0)
    return np.where(found, order[np.minimum(index, len(order) - 1)], -1) if len(order) else -np.ones_like(item_groups)


def poisson_days(rng: np.random.Generator, rate: FloatArray) -> IntArray:
    """Day index (into the calendar) of every event when day i has `rate[i]` expected events."""
    counts = rng.poisson(np.maximum(rate, 0))
    return np.repeat(np.arange(len(rate)), counts).astype(np.int64)


def times_of_day(rng: np.random.Generator, n: int, hourly: Sequence[float]) -> npt.NDArray[np.timedelta64]:
    """Random times of day (microseconds) following a relative hourly profile."""
    weights = np.asarray(hourly, dtype=float)
    hours = rng.choice(24, size=n, p=weights / weights.sum())
    micros = (hours * 3600 + rng.random(n) * 3600) * 1_000_000
    return micros.astype(np.int64).astype("timedelta64[us]")


def ids(prefix: str, n: int, width: int = 6) -> StrArray:
    """Readable, sortable identifiers: prefix + zero-padded sequence from 1."""
    return pd.Series(np.arange(1, n + 1)).astype(str).str.zfill(width).radd(prefix).to_numpy(dtype=object)


def money(values: npt.ArrayLike) -> FloatArray:
    """Round to cents: amounts are stored as DECIMAL(18, 2)."""
    return np.round(np.asarray(values, dtype=float), 2)


def choice(rng: np.random.Generator, options: Sequence[str], weights: Sequence[float], n: int) -> StrArray:
    p = np.asarray(weights, dtype=float)
    return np.asarray(options, dtype=object)[rng.choice(len(options), size=n, p=p / p.sum())]
