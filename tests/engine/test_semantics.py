"""The semantic rules of the engine, each on small hand-made data, on DuckDB and on PostgreSQL.

Every expected value is worked out by hand in the comment next to it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

import pytest

from kpilot import Workspace
from tests.support import rows

Factory = Callable[..., Workspace]
D = date
T = datetime

ADS = """
sources:
  - name: ads
    table: ads
    time: day
    dimensions: [channel]
    measures:
      - {name: impressions, agg: sum, expr: impressions}
      - {name: clicks, agg: sum, expr: clicks}
      - {name: spend, agg: sum, expr: spend}
kpis:
  - {name: ctr, formula: clicks / impressions, unit: percent}
  - {name: cpc, formula: spend / clicks, unit: currency}
  - {name: clicks_total, formula: clicks}
"""


def test_ratio_is_ratio_of_aggregates(workspace_factory: Factory) -> None:
    ws = workspace_factory(
        ADS,
        {
            "ads": {
                "day": [D(2025, 1, 5), D(2025, 1, 6)],
                "channel": ["a", "a"],
                "impressions": [10, 100],
                "clicks": [1, 1],
                "spend": [1.0, 1.0],
            }
        },
    )
    # (1 + 1) / (10 + 100) = 0.0181818...; the average of row ratios would be (0.1 + 0.01) / 2 = 0.055.
    assert rows(ws.compute(["ctr"], grain="month")) == [(D(2025, 1, 1), pytest.approx(2 / 110))]


def test_division_by_zero_or_empty_is_empty(workspace_factory: Factory) -> None:
    ws = workspace_factory(
        ADS,
        {
            "ads": {
                "day": [D(2025, 1, 5), D(2025, 2, 5), D(2025, 3, 5)],
                "channel": ["a", "a", "a"],
                "impressions": [0, None, 10],
                "clicks": [0, 3, 0],
                "spend": [5.0, 1.0, 2.0],
            }
        },
    )
    result = rows(ws.compute(["ctr", "cpc"], grain="month"))
    # Jan: 0/0 and 5/0; Feb: 3/(no impressions); Mar: 0/10 = 0 but 2/0 is empty.
    assert result == [
        (D(2025, 1, 1), None, None),
        (D(2025, 2, 1), None, pytest.approx(1 / 3)),
        (D(2025, 3, 1), 0.0, None),
    ]


TWO_SOURCES = (
    ADS
    + """
  - {name: cac, formula: spend / new_customers, unit: currency}
"""
)
TWO_SOURCES = TWO_SOURCES.replace(
    "kpis:",
    """  - name: customers
    table: customers
    time: signed_up_on
    dimensions: [channel]
    measures:
      - {name: new_customers, agg: count}
kpis:""",
)


def test_two_sources_aggregate_first_then_join(workspace_factory: Factory) -> None:
    ws = workspace_factory(
        TWO_SOURCES,
        {
            "ads": {
                "day": [D(2025, 1, 2), D(2025, 1, 3), D(2025, 1, 3)],
                "channel": ["g", "g", "m"],
                "impressions": [1, 1, 1],
                "clicks": [1, 1, 1],
                "spend": [100.0, 50.0, 30.0],
            },
            "customers": {
                "signed_up_on": [D(2025, 1, 2), D(2025, 1, 9), D(2025, 1, 20), D(2025, 1, 3)],
                "channel": ["g", "g", "g", "m"],
            },
        },
    )
    # Spend 180 over 4 customers = 45 (a row-level join would count 180 four times).
    assert rows(ws.compute(["cac"], grain="month")) == [(D(2025, 1, 1), 45.0)]
    # By channel: g 150 / 3 = 50, m 30 / 1 = 30.
    assert rows(ws.compute(["cac"], grain="month", by=["channel"])) == [
        (D(2025, 1, 1), "g", 50.0),
        (D(2025, 1, 1), "m", 30.0),
    ]


VISITS = """
sources:
  - name: visits
    table: visits
    time: day
    measures:
      - {name: users, agg: count_distinct, expr: user_id}
      - {name: visits, agg: count}
kpis:
  - {name: users, formula: users}
  - {name: visits, formula: visits}
"""


def test_count_distinct_is_over_the_whole_period(workspace_factory: Factory) -> None:
    ws = workspace_factory(
        VISITS,
        {
            "visits": {
                "day": [D(2025, 1, 1), D(2025, 1, 1), D(2025, 1, 2), D(2025, 1, 2)],
                "user_id": ["u1", "u2", "u1", "u3"],
            }
        },
    )
    # January: {u1, u2, u3} = 3, not 2 + 2 = 4 from the daily counts.
    assert rows(ws.compute(["users"], grain="month")) == [(D(2025, 1, 1), 3)]
    assert rows(ws.compute(["users"], grain="day")) == [(D(2025, 1, 1), 2), (D(2025, 1, 2), 2)]


EVENTS = """
sources:
  - name: events
    table: events
    time: at
    measures:
      - {name: events, agg: count}
  - name: ny_events
    table: ny_events
    time: at
    timezone: America/New_York
    measures:
      - {name: ny_events, agg: count}
  - name: dated
    table: dated
    time: day
    measures:
      - {name: dated, agg: count}
kpis:
  - {name: events, formula: events}
  - {name: ny_events, formula: ny_events}
  - {name: dated, formula: dated}
"""
EVENT_TABLES = {
    "events": {"at": [T(2025, 3, 31, 23, 30), T(2025, 3, 31, 21, 30)]},
    # 20:00 in New York on 31 March is 00:00 UTC on 1 April, 02:00 in Rome.
    "ny_events": {"at": [T(2025, 3, 31, 20, 0), T(2025, 3, 31, 17, 0)]},
    "dated": {"day": [D(2025, 3, 31)]},
}


def test_timestamps_are_utc_and_land_in_local_periods(workspace_factory: Factory) -> None:
    ws = workspace_factory(EVENTS, EVENT_TABLES, timezone="Europe/Rome")
    # Rome is UTC+2 on 31 March 2025: 23:30 UTC is 01:30 on 1 April; 21:30 UTC is 23:30 on 31 March.
    assert rows(ws.compute(["events"], grain="month")) == [(D(2025, 3, 1), 1), (D(2025, 4, 1), 1)]
    # New York 17:00 is 23:00 in Rome (March); 20:00 is 02:00 on 1 April in Rome.
    assert rows(ws.compute(["ny_events"], grain="month")) == [(D(2025, 3, 1), 1), (D(2025, 4, 1), 1)]
    # A plain date is a local calendar date: no shift.
    assert rows(ws.compute(["dated"], grain="month")) == [(D(2025, 3, 1), 1)]


def test_utc_workspace_keeps_utc_days(workspace_factory: Factory) -> None:
    ws = workspace_factory(EVENTS, EVENT_TABLES, timezone="UTC")
    assert rows(ws.compute(["events"], grain="month")) == [(D(2025, 3, 1), 2)]
    # In UTC the New York times are 00:00 on 1 April and 21:00 on 31 March.
    assert rows(ws.compute(["ny_events"], grain="day")) == [(D(2025, 3, 31), 1), (D(2025, 4, 1), 1)]


def test_from_and_to_are_inclusive_local_dates(workspace_factory: Factory) -> None:
    ws = workspace_factory(
        EVENTS,
        # 31 Dec 23:30 UTC = 1 Jan 00:30 Rome (in); 31 Jan 22:30 UTC = 23:30 Rome (in);
        # 31 Jan 23:30 UTC = 1 Feb 00:30 Rome (out).
        {**EVENT_TABLES, "events": {"at": [T(2024, 12, 31, 23, 30), T(2025, 1, 31, 22, 30), T(2025, 1, 31, 23, 30)]}},
        timezone="Europe/Rome",
    )
    result = ws.compute(["events"], grain="all", start="2025-01-01", end="2025-01-31")
    assert rows(result) == [(2,)]


def test_empty_periods_appear_with_zero_counts_and_empty_ratios(workspace_factory: Factory) -> None:
    ws = workspace_factory(
        ADS,
        {
            "ads": {
                "day": [D(2025, 1, 5), D(2025, 3, 5)],
                "channel": ["a", "b"],
                "impressions": [10, 20],
                "clicks": [1, 2],
                "spend": [1.0, 2.0],
            }
        },
    )
    assert rows(ws.compute(["clicks_total", "ctr"], grain="month")) == [
        (D(2025, 1, 1), 1, 0.1),
        (D(2025, 2, 1), 0, None),
        (D(2025, 3, 1), 2, 0.1),
    ]
    # With a range, the periods of the whole range appear, and every channel in every period.
    result = rows(ws.compute(["clicks_total"], grain="month", by=["channel"], start="2025-01-01", end="2025-04-30"))
    assert result == [
        (D(2025, 1, 1), "a", 1),
        (D(2025, 1, 1), "b", 0),
        (D(2025, 2, 1), "a", 0),
        (D(2025, 2, 1), "b", 0),
        (D(2025, 3, 1), "a", 0),
        (D(2025, 3, 1), "b", 2),
        (D(2025, 4, 1), "a", 0),
        (D(2025, 4, 1), "b", 0),
    ]


DAYS = """
sources:
  - name: sales
    table: sales
    time: day
    measures:
      - {name: revenue, agg: sum, expr: amount}
kpis:
  - {name: revenue, formula: revenue}
  - {name: revenue_growth, formula: growth(revenue)}
  - {name: revenue_prev, formula: previous(revenue)}
  - {name: revenue_prev2, formula: "previous(revenue, n=2)"}
  - {name: revenue_roll2, formula: "rolling(revenue, 2)"}
  - {name: revenue_roll3, formula: "rolling(revenue, 3)"}
  - {name: revenue_ytd, formula: "to_date(revenue, 'year')"}
  - {name: revenue_qtd, formula: "to_date(revenue, 'quarter')"}
  - {name: revenue_mtd, formula: "to_date(revenue, 'month')"}
  - {name: growth_of_growth, formula: growth(growth(revenue))}
"""


def test_week_start_is_respected(workspace_factory: Factory) -> None:
    data = {"sales": {"day": [D(2025, 3, 29), D(2025, 3, 30), D(2025, 3, 31)], "amount": [1, 2, 4]}}
    # Sat 29, Sun 30, Mon 31 March 2025.
    sunday = workspace_factory(DAYS, data, week_start="sunday")
    assert rows(sunday.compute(["revenue"], grain="week")) == [(D(2025, 3, 23), 1), (D(2025, 3, 30), 6)]
    monday = workspace_factory(DAYS, data, week_start="monday")
    assert rows(monday.compute(["revenue"], grain="week")) == [(D(2025, 3, 24), 3), (D(2025, 3, 31), 4)]


def test_quarters_and_years_follow_the_fiscal_year(workspace_factory: Factory) -> None:
    data = {"sales": {"day": [D(2025, 3, 15), D(2025, 4, 2), D(2025, 6, 30), D(2025, 7, 1)], "amount": [1, 2, 4, 8]}}
    ws = workspace_factory(DAYS, data, fiscal_year_start=4)
    # Fiscal quarters start in April, July, October and January.
    assert rows(ws.compute(["revenue"], grain="quarter")) == [
        (D(2025, 1, 1), 1),
        (D(2025, 4, 1), 6),
        (D(2025, 7, 1), 8),
    ]
    # The fiscal year 2024 runs April 2024 - March 2025.
    assert rows(ws.compute(["revenue"], grain="year")) == [(D(2024, 4, 1), 1), (D(2025, 4, 1), 14)]
    # Year to date restarts in April; quarter to date restarts in April and July.
    assert rows(ws.compute(["revenue_ytd", "revenue_qtd"], grain="month", start="2025-03-01", end="2025-07-31")) == [
        (D(2025, 3, 1), 1, 1),
        (D(2025, 4, 1), 2, 2),
        (D(2025, 5, 1), 2, 2),
        (D(2025, 6, 1), 6, 6),
        (D(2025, 7, 1), 14, 8),
    ]


MONTHLY = {
    "sales": {
        "day": [D(2024, 11, 10), D(2024, 12, 10), D(2025, 1, 10), D(2025, 3, 10)],
        "amount": [50, 100, 150, 30],
    }
}


def test_time_functions_look_back_before_from(workspace_factory: Factory) -> None:
    ws = workspace_factory(DAYS, MONTHLY)
    names = ["revenue", "revenue_growth", "revenue_prev", "revenue_prev2", "revenue_roll2", "revenue_ytd"]
    result = rows(ws.compute(names, grain="month", start="2025-01-01", end="2025-03-31"))
    assert result == [
        # Jan: growth 150/100 - 1; previous 100 (December); two back 50 (November); rolling 100 + 150; YTD 150.
        (D(2025, 1, 1), 150, 0.5, 100, 50, 250, 150),
        # Feb: no sales: 0/150 - 1 = -1; rolling 150 + 0; YTD 150.
        (D(2025, 2, 1), 0, -1.0, 150, 100, 150, 150),
        # Mar: the base is 0, so growth is empty.
        (D(2025, 3, 1), 30, None, 0, 150, 30, 180),
    ]


def test_missing_base_gives_empty_growth(workspace_factory: Factory) -> None:
    ws = workspace_factory(DAYS, MONTHLY)
    result = rows(ws.compute(["revenue_growth", "growth_of_growth"], grain="month"))
    # Nov has no earlier month; Dec 100/50-1 = 1; Jan 150/100-1 = 0.5; Feb -1; Mar empty.
    # growth of growth: Dec empty (Nov growth empty); Jan 0.5/1-1 = -0.5; Feb -1/0.5-1 = -3; Mar empty.
    assert result == [
        (D(2024, 11, 1), None, None),
        (D(2024, 12, 1), 1.0, None),
        (D(2025, 1, 1), 0.5, -0.5),
        (D(2025, 2, 1), -1.0, -3.0),
        (D(2025, 3, 1), None, None),
    ]


def test_day_grain_month_to_date_and_rolling(workspace_factory: Factory) -> None:
    data = {"sales": {"day": [D(2025, 1, 30), D(2025, 1, 31), D(2025, 2, 1), D(2025, 2, 2)], "amount": [10, 20, 5, 7]}}
    ws = workspace_factory(DAYS, data)
    result = rows(ws.compute(["revenue_mtd", "revenue_roll3"], grain="day", start="2025-01-31", end="2025-02-02"))
    # MTD: 10 + 20 on the 31st (the 30th is read though before --from); 5; 5 + 7.
    # Rolling 3 days: 29th (none) + 30th + 31st = 30; 10 + 20 + 5 = 35; 20 + 5 + 7 = 32.
    assert result == [(D(2025, 1, 31), 30, 30), (D(2025, 2, 1), 5, 35), (D(2025, 2, 2), 12, 32)]


def test_running_period_is_partial(workspace_factory: Factory) -> None:
    ws = workspace_factory(DAYS, MONTHLY)
    result = ws.compute(["revenue"], grain="month", start="2025-01-10", today=date(2025, 3, 15))
    # January is cut by --from, March is still running; February is whole.
    assert rows(result, "period", "partial") == [
        (D(2025, 1, 1), True),
        (D(2025, 2, 1), False),
        (D(2025, 3, 1), True),
    ]
    # The January value counts only from the 10th on.
    assert rows(result, "revenue")[0] == (150,)


STOCK = """
sources:
  - name: subscriptions
    table: subscriptions
    time: day
    dimensions: [plan]
    measures:
      - {name: mrr, agg: last, expr: mrr}
      - {name: mrr_pro, agg: last, expr: mrr, filter: "plan = 'pro'"}
      - {name: avg_mrr, agg: avg, expr: mrr}
      - {name: median_mrr, agg: median, expr: mrr}
      - {name: p90_mrr, agg: percentile, fraction: 0.9, expr: mrr}
      - {name: min_mrr, agg: min, expr: mrr}
      - {name: max_mrr, agg: max, expr: mrr}
kpis:
  - {name: mrr, formula: mrr}
  - {name: mrr_pro, formula: mrr_pro}
  - {name: stats, formula: avg_mrr + 0 * (median_mrr + p90_mrr + min_mrr + max_mrr)}
  - {name: median_mrr, formula: median_mrr}
  - {name: p90_mrr, formula: p90_mrr}
  - {name: min_mrr, formula: min_mrr}
  - {name: max_mrr, formula: max_mrr}
"""


def test_last_sums_the_latest_rows_of_each_period(workspace_factory: Factory) -> None:
    ws = workspace_factory(
        STOCK,
        {
            "subscriptions": {
                "day": [D(2025, 1, 30), D(2025, 1, 30), D(2025, 1, 31), D(2025, 1, 31), D(2025, 2, 15), D(2025, 1, 20)],
                "plan": ["pro", "basic", "pro", "basic", "pro", "pro"],
                "mrr": [10.0, 20.0, 10.0, 25.0, 12.0, 3.0],
            }
        },
    )
    # January's snapshot is the 31st: 10 + 25; February's is the 15th: 12. Pro only: 10 and 12.
    assert rows(ws.compute(["mrr", "mrr_pro"], grain="month")) == [
        (D(2025, 1, 1), 35.0, 10.0),
        (D(2025, 2, 1), 12.0, 12.0),
    ]
    # By plan, each plan's own latest rows: Jan pro 10 (31st), basic 25; Feb pro 12, basic none.
    assert rows(ws.compute(["mrr"], grain="month", by=["plan"])) == [
        (D(2025, 1, 1), "basic", 25.0),
        (D(2025, 1, 1), "pro", 10.0),
        (D(2025, 2, 1), "basic", None),
        (D(2025, 2, 1), "pro", 12.0),
    ]


def test_average_median_percentile_min_max(workspace_factory: Factory) -> None:
    ws = workspace_factory(
        STOCK,
        {
            "subscriptions": {
                "day": [D(2025, 1, d) for d in (1, 2, 3, 4)],
                "plan": ["p"] * 4,
                "mrr": [1.0, 2.0, 3.0, 10.0],
            }
        },
    )
    result = rows(ws.compute(["stats", "median_mrr", "p90_mrr", "min_mrr", "max_mrr"], grain="month"))
    # Mean 16/4 = 4; median (2+3)/2 = 2.5; 90th percentile (continuous): position 0.9 * 3 = 2.7 -> 3 + 0.7 * 7 = 7.9.
    assert result == [(D(2025, 1, 1), 4.0, 2.5, pytest.approx(7.9), 1.0, 10.0)]


ORDERS = """
sources:
  - name: orders
    table: orders
    time: ordered_at
    dimensions:
      - channel
      - {name: big, expr: "if(amount >= 100, 'big', 'small')"}
    measures:
      - {name: paid_orders, agg: count, filter: "status = 'paid'"}
      - {name: revenue, agg: sum, expr: amount, filter: "status = 'paid'"}
      - {name: orders, agg: count}
      - {name: refunds, agg: count, filter: "status in ('refunded', 'cancelled')"}
      - {name: with_coupon, agg: count, filter: coupon is not null}
kpis:
  - {name: aov, formula: revenue / paid_orders, unit: currency}
  - {name: paid_share, formula: paid_orders / orders, unit: percent}
  - {name: refund_rate, formula: refunds / orders, unit: percent}
  - {name: coupon_rate, formula: with_coupon / orders}
"""
ORDER_ROWS = {
    "orders": {
        "ordered_at": [T(2025, 1, 2, 10), T(2025, 1, 3, 10), T(2025, 1, 4, 10), T(2025, 1, 5, 10), T(2025, 1, 6, 10)],
        "status": ["paid", "paid", "refunded", "cancelled", "paid"],
        "amount": [100.0, 50.0, 70.0, 10.0, 30.0],
        "channel": ["web", "shop", "web", None, None],
        "coupon": ["X", None, None, "Y", None],
    }
}


def test_filters_where_and_null_dimension_values(workspace_factory: Factory) -> None:
    ws = workspace_factory(ORDERS, ORDER_ROWS)
    # Paid: 100 + 50 + 30 over 3 orders = 60; 3 of 5 paid; 2 of 5 refunded or cancelled; 2 of 5 with a coupon.
    assert rows(ws.compute(["aov", "paid_share", "refund_rate", "coupon_rate"], grain="all")) == [(60.0, 0.6, 0.4, 0.4)]
    assert rows(ws.compute(["aov"], grain="all", where="channel = 'web'")) == [(100.0,)]
    # Rows without a channel form their own group (and are not lost in joins): paid 30 over 1.
    assert rows(ws.compute(["aov", "paid_share"], grain="all", by=["channel"])) == [
        ("shop", 50.0, 1.0),
        ("web", 100.0, 0.5),
        (None, 30.0, 0.5),
    ]
    # A dimension defined by an expression.
    assert rows(ws.compute(["paid_share"], grain="all", by=["big"])) == [("big", 1.0), ("small", 0.5)]


DURATIONS = """
sources:
  - name: deals
    table: deals
    time: closed_on
    measures:
      - {name: cycle_days, agg: avg, expr: "days_between(created_on, closed_on)"}
  - name: tickets
    table: tickets
    time: created_at
    measures:
      - {name: response_hours, agg: avg, expr: "hours_between(created_at, first_response_at)"}
kpis:
  - {name: sales_cycle, formula: cycle_days, unit: duration, direction: down}
  - {name: first_response, formula: response_hours, unit: duration, direction: down}
"""


def test_days_and_hours_between(workspace_factory: Factory) -> None:
    ws = workspace_factory(
        DURATIONS,
        {
            "deals": {"created_on": [D(2025, 1, 1), D(2025, 1, 5)], "closed_on": [D(2025, 1, 11), D(2025, 1, 25)]},
            "tickets": {
                "created_at": [T(2025, 1, 1, 8), T(2025, 1, 2, 9)],
                "first_response_at": [T(2025, 1, 1, 10, 30), T(2025, 1, 2, 9, 30)],
            },
        },
    )
    # (10 + 20) / 2 = 15 days; (2.5 + 0.5) / 2 = 1.5 hours.
    assert rows(ws.compute(["sales_cycle", "first_response"], grain="all")) == [(15.0, 1.5)]


CONSTANTS = """
sources:
  - name: ratings
    table: ratings
    time: day
    measures:
      - {name: answers, agg: sum, expr: "1"}
      - {name: mean_score, agg: avg, expr: score}
      - {name: median_score, agg: median, expr: score}
kpis:
  - {name: answers, formula: answers}
  - {name: mean_score, formula: mean_score}
  - {name: median_score, formula: median_score}
"""


def test_constant_measures_and_integer_averages(workspace_factory: Factory) -> None:
    ws = workspace_factory(
        CONSTANTS, {"ratings": {"day": [D(2025, 1, 1), D(2025, 1, 2), D(2025, 1, 3)], "score": [4, 5, 5]}}
    )
    # Three answers; the mean of the integers 4, 5, 5 is 14 / 3 (a float on every backend); the median is 5.
    assert rows(ws.compute(["answers", "mean_score", "median_score"], grain="all")) == [(3, pytest.approx(14 / 3), 5.0)]


def test_rows_without_a_time_belong_to_no_period(workspace_factory: Factory) -> None:
    ws = workspace_factory(
        VISITS, {"visits": {"day": [D(2025, 1, 1), None, D(2025, 1, 2)], "user_id": ["u1", "u2", "u3"]}}
    )
    # The row without a day is in no month, and outside any date range; a total over all rows counts it.
    assert rows(ws.compute(["visits"], grain="month")) == [(D(2025, 1, 1), 2)]
    assert rows(ws.compute(["visits"], grain="all", start="2025-01-01", end="2025-01-31")) == [(2,)]
    assert rows(ws.compute(["visits"], grain="all")) == [(3,)]
