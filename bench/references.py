"""What kpilot is measured against: the same KPIs as kpilot definitions, hand-written DuckDB SQL, pandas and polars.

The three are written out separately on purpose (not generated from one list), as a user would write them; the
benchmark checks that they agree before it times anything.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import polars as pl
import pyarrow as pa

RATIO_KPIS = ("ctr", "cpc", "cpm", "cvr", "cpa", "roas", "aov", "revenue_per_click", "rpm", "conversions_per_mille")
DAILY_KPIS = ("revenue", "revenue_mtd", "revenue_7d")
# The 20-KPI scorecard: the ratios, the five sums, and each sum's growth on the period before.
TOTAL_KPIS = ("revenue", "impressions", "clicks", "spend", "conversions")
GROWTH_KPIS = tuple(f"{name}_growth" for name in TOTAL_KPIS)
SCORECARD_KPIS = RATIO_KPIS + TOTAL_KPIS + GROWTH_KPIS

DEFINITIONS = """\
# Written by bench/run.py: the benchmark's source and KPIs (see docs/performance.md).
sources:
  - name: marketing
    table: marketing
    time: date
    dimensions: [channel, campaign]
    measures:
      - {name: impressions, agg: sum, expr: impressions}
      - {name: clicks, agg: sum, expr: clicks}
      - {name: spend, agg: sum, expr: spend}
      - {name: conversions, agg: sum, expr: conversions}
      - {name: revenue, agg: sum, expr: revenue}

kpis:
  - {name: ctr, formula: clicks / impressions, unit: percent}
  - {name: cpc, formula: spend / clicks, unit: currency, direction: down}
  - {name: cpm, formula: spend / impressions * 1000, unit: currency, direction: down}
  - {name: cvr, formula: conversions / clicks, unit: percent}
  - {name: cpa, formula: spend / conversions, unit: currency, direction: down}
  - {name: roas, formula: revenue / spend, unit: ratio}
  - {name: aov, formula: revenue / conversions, unit: currency}
  - {name: revenue_per_click, formula: revenue / clicks, unit: currency}
  - {name: rpm, formula: revenue / impressions, unit: currency}
  - {name: conversions_per_mille, formula: conversions / impressions * 1000}
  - {name: revenue, formula: revenue, unit: currency}
  - {name: revenue_mtd, formula: "to_date(revenue, 'month')", unit: currency}
  - {name: revenue_7d, formula: "rolling(revenue, 7)", unit: currency}
  - {name: impressions, formula: impressions}
  - {name: clicks, formula: clicks}
  - {name: spend, formula: spend, unit: currency, direction: down}
  - {name: conversions, formula: conversions}
  - {name: revenue_growth, formula: growth(revenue), unit: percent}
  - {name: impressions_growth, formula: growth(impressions), unit: percent}
  - {name: clicks_growth, formula: growth(clicks), unit: percent}
  - {name: spend_growth, formula: growth(spend), unit: percent, direction: down}
  - {name: conversions_growth, formula: growth(conversions), unit: percent}
"""

# What a scorecard of one month reads, written by hand: the source's five sums by month over its history (the
# month, the 24 before it, which hold the month before and the same month last year). {start} and {end}: dates.
SCORECARD_SQL = """
SELECT
    CAST(date_trunc('month', date) AS DATE) AS period,
    sum(impressions) AS impressions,
    sum(clicks) AS clicks,
    sum(spend) AS spend,
    sum(conversions) AS conversions,
    sum(revenue) AS revenue
FROM marketing
WHERE date >= DATE '{start}' AND date < DATE '{end}'
GROUP BY ALL
ORDER BY period
"""

MONTHLY_SQL = """
SELECT
    CAST(date_trunc('month', date) AS DATE) AS period,
    channel,
    sum(clicks) / NULLIF(sum(impressions), 0) AS ctr,
    sum(spend) / NULLIF(sum(clicks), 0) AS cpc,
    sum(spend) / NULLIF(sum(impressions), 0) * 1000 AS cpm,
    sum(conversions) / NULLIF(sum(clicks), 0) AS cvr,
    sum(spend) / NULLIF(sum(conversions), 0) AS cpa,
    sum(revenue) / NULLIF(sum(spend), 0) AS roas,
    sum(revenue) / NULLIF(sum(conversions), 0) AS aov,
    sum(revenue) / NULLIF(sum(clicks), 0) AS revenue_per_click,
    sum(revenue) / NULLIF(sum(impressions), 0) AS rpm,
    sum(conversions) / NULLIF(sum(impressions), 0) * 1000 AS conversions_per_mille
FROM marketing
GROUP BY ALL
ORDER BY period, channel
"""

DAILY_SQL = """
SELECT date AS period, sum(revenue) AS revenue
FROM marketing
GROUP BY ALL
ORDER BY period
"""

MTD_SQL = """
SELECT
    period,
    sum(revenue) OVER (PARTITION BY date_trunc('month', period) ORDER BY period) AS revenue_mtd
FROM (SELECT date AS period, sum(revenue) AS revenue FROM marketing GROUP BY ALL)
ORDER BY period
"""

ROLLING_SQL = """
SELECT
    period,
    sum(revenue) OVER (ORDER BY period RANGE BETWEEN INTERVAL 6 DAYS PRECEDING AND CURRENT ROW) AS revenue_7d
FROM (SELECT date AS period, sum(revenue) AS revenue FROM marketing GROUP BY ALL)
ORDER BY period
"""

MEASURES = ["impressions", "clicks", "spend", "conversions", "revenue"]


def run_sql(con: Any, sql: str) -> pa.Table:
    """A query on a raw DuckDB connection, fetched as Arrow (as kpilot's result is)."""
    return con.execute(sql).to_arrow_table()


def load_frame(con: Any) -> pd.DataFrame:
    """The whole table in memory, through Arrow (several times faster than `.df()`, same dtypes but the date's unit):
    date datetime64[ms], channel and campaign str, impressions, clicks and conversions int32, spend, revenue float64."""
    table = con.execute("SELECT * FROM marketing").to_arrow_table()
    frame: pd.DataFrame = table.to_pandas(date_as_object=False, self_destruct=True)
    return frame


def pandas_monthly(frame: pd.DataFrame) -> pd.DataFrame:
    """The ten ratio KPIs by month and channel: group, sum, divide."""
    month = frame["date"].dt.to_period("M").rename("period")
    sums = frame.groupby([month, frame["channel"]], sort=True)[MEASURES].sum().astype("float64")
    result = pd.DataFrame(
        {
            "ctr": _ratio(sums["clicks"], sums["impressions"]),
            "cpc": _ratio(sums["spend"], sums["clicks"]),
            "cpm": _ratio(sums["spend"], sums["impressions"]) * 1000,
            "cvr": _ratio(sums["conversions"], sums["clicks"]),
            "cpa": _ratio(sums["spend"], sums["conversions"]),
            "roas": _ratio(sums["revenue"], sums["spend"]),
            "aov": _ratio(sums["revenue"], sums["conversions"]),
            "revenue_per_click": _ratio(sums["revenue"], sums["clicks"]),
            "rpm": _ratio(sums["revenue"], sums["impressions"]),
            "conversions_per_mille": _ratio(sums["conversions"], sums["impressions"]) * 1000,
        }
    )
    return result.reset_index()


def _ratio(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    """Division where a zero divisor gives no value (NaN), as NULLIF does in SQL, rather than infinity."""
    return numerator / denominator.where(denominator != 0)


def load_polars(con: Any) -> pl.DataFrame:
    """The whole table in memory as a polars DataFrame, through Arrow (date Date, channel and campaign String)."""
    frame = pl.from_arrow(con.execute("SELECT * FROM marketing").to_arrow_table())
    assert isinstance(frame, pl.DataFrame)
    return frame


def polars_monthly(frame: pl.DataFrame) -> pl.DataFrame:
    """The ten ratio KPIs by month and channel in polars: group, sum, divide (a zero divisor gives null)."""

    def ratio(numerator: str, denominator: str) -> pl.Expr:
        return pl.when(pl.col(denominator) != 0).then(pl.col(numerator) / pl.col(denominator))

    sums = frame.group_by(pl.col("date").dt.truncate("1mo").alias("period"), "channel").agg(
        pl.col(list(MEASURES)).sum().cast(pl.Float64)
    )
    return sums.select(
        "period",
        "channel",
        ratio("clicks", "impressions").alias("ctr"),
        ratio("spend", "clicks").alias("cpc"),
        (ratio("spend", "impressions") * 1000).alias("cpm"),
        ratio("conversions", "clicks").alias("cvr"),
        ratio("spend", "conversions").alias("cpa"),
        ratio("revenue", "spend").alias("roas"),
        ratio("revenue", "conversions").alias("aov"),
        ratio("revenue", "clicks").alias("revenue_per_click"),
        ratio("revenue", "impressions").alias("rpm"),
        (ratio("conversions", "impressions") * 1000).alias("conversions_per_mille"),
    ).sort("period", "channel")


def polars_as_arrow(result: pl.DataFrame) -> pa.Table:
    """polars' result as Arrow, for the comparison only (not timed)."""
    return result.to_arrow()


def pandas_as_arrow(result: pd.DataFrame) -> pa.Table:
    """pandas' result in the shape of the others (period as a date), for the comparison only (not timed)."""
    shaped = result.assign(period=result["period"].dt.start_time.dt.date, channel=result["channel"].astype(str))
    return pa.Table.from_pandas(shaped, preserve_index=False)
