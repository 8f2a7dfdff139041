"""A deterministic demo company, written as one Parquet file per table of the standard data model.

Brightloop sells smart-home devices in its web shop, a cloud-monitoring subscription to consumers, and business
plans through a B2B sales team in three regions (EMEA, Americas, APAC). The data has growth, a gift-season peak,
weekly cycles, campaigns that fail, reps and agents who perform differently, a few missing days and late data, and
it is consistent across tables wherever KPIs combine them (orders and customers, leads and deals, ads and web...).

The same seed and dates always give the same tables: every random draw comes from a generator seeded by `seed`
and the domain's name, never from the clock.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from kpilot.catalogue.datamodel import Table, load_datamodel
from kpilot.demo import content, finance, marketing, service
from kpilot.demo._common import Calendar
from kpilot.demo.commerce import generate_shop
from kpilot.demo.people import generate_people
from kpilot.demo.sales import generate_sales
from kpilot.demo.web import web_sessions
from kpilot.errors import InternalError

DEFAULT_START = date(2023, 1, 1)


def generate(
    out_dir: Path,
    *,
    seed: int = 7,
    start: date = DEFAULT_START,
    end: date | None = None,
    today: date | None = None,
) -> dict[str, Path]:
    """Write the demo tables to `out_dir` (created if needed) and return the Parquet file of each table.

    `end` defaults to the day before `today` (the real date unless given). The range is widened back if needed so
    that it always holds the last complete month before `end` and the month before that.
    """
    tables = build_tables(seed=seed, start=start, end=end, today=today)
    model = load_datamodel()
    out_dir.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    for name, frame in tables.items():
        path = out_dir / f"{name}.parquet"
        pq.write_table(to_arrow(frame, model.table(name)), path, compression="zstd")
        paths[name] = path
    return paths


def demo_range(start: date = DEFAULT_START, end: date | None = None, today: date | None = None) -> tuple[date, date]:
    """The days the demo covers, as `generate` explains."""
    last = end if end is not None else (today or date.today()) - timedelta(days=1)
    month_start = last.replace(day=1)
    complete_month_start = (month_start - timedelta(days=1)).replace(day=1)
    if (last + timedelta(days=1)).day == 1:  # `last` closes its month: that month is complete
        complete_month_start = month_start
    earliest = (complete_month_start - timedelta(days=1)).replace(day=1)
    if last < start:
        raise ValueError(f"the demo range is empty: end {last} is before start {start}")
    return min(start, earliest), last


def build_tables(
    *, seed: int = 7, start: date = DEFAULT_START, end: date | None = None, today: date | None = None
) -> dict[str, pd.DataFrame]:
    """The demo tables as data frames (with some extra helper columns that `to_arrow` leaves out)."""
    cal = Calendar(*demo_range(start, end, today), seed=seed)
    people = generate_people(cal)
    shop = generate_shop(cal)
    grid = marketing.campaign_grid(cal, shop.orders)
    sales = generate_sales(cal, people.employees, grid)
    ads = marketing.ad_performance(cal, grid, shop.orders, sales.leads)
    subscriptions = expand_subscriptions(cal, pd.concat([shop.subscriptions, sales.subscriptions]))
    customers = _with_churn(cal, pd.concat([shop.customers, sales.customers], ignore_index=True), subscriptions)
    orders_per_day = np.bincount(shop.orders["day_index"].to_numpy(), minlength=cal.n).astype(float)
    signups_per_day = np.bincount(
        (customers["signed_up_on"].to_numpy().astype("datetime64[D]") - cal.days[0]).astype(np.int64), minlength=cal.n
    )
    tickets = service.support_tickets(cal, people.employees, customers, orders_per_day)
    return {
        "ad_performance": marketing.connector_gaps(cal, ads),
        "web_sessions": web_sessions(cal, ads, shop.orders),
        "orders": shop.orders,
        "order_lines": shop.order_lines,
        "customers": customers,
        "subscriptions": subscriptions,
        "leads": sales.leads,
        "deals": sales.deals,
        "sales_activities": sales.activities,
        "support_tickets": tickets,
        "surveys": service.surveys(cal, customers, tickets, people.engagement),
        "social_posts": content.social_posts(cal),
        "email_campaigns": content.email_campaigns(cal, signups_per_day),
        "content_posts": content.content_posts(cal, people.employees),
        "employees": people.employees,
        "employee_snapshots": people.snapshots,
        "ledger": finance.ledger(cal, shop.orders, ads, subscriptions, people.employees, sales.deals, shop.inventory),
        "inventory": shop.inventory,
    }


def expand_subscriptions(cal: Calendar, intervals: pd.DataFrame) -> pd.DataFrame:
    """Subscription intervals [begin, stop) as one snapshot row per day inside the calendar."""
    begin = np.clip(intervals["begin"].to_numpy(dtype=np.int64), 0, cal.n)
    stop = np.clip(intervals["stop"].to_numpy(dtype=np.int64), 0, cal.n)
    length = np.maximum(stop - begin, 0)
    source = np.repeat(np.arange(len(intervals)), length)
    offset = np.arange(length.sum()) - np.repeat(np.cumsum(length) - length, length)
    day = np.repeat(begin, length) + offset
    frame = pd.DataFrame(
        {
            "day": cal.days[day],
            "customer_id": intervals["customer_id"].to_numpy()[source],
            "plan": intervals["plan"].to_numpy()[source],
            "mrr": intervals["mrr"].to_numpy(dtype=float)[source],
            "stop": intervals["stop"].to_numpy(dtype=np.int64)[source],
        }
    )
    return frame.sort_values(["day", "customer_id"], ignore_index=True)


def _with_churn(cal: Calendar, customers: pd.DataFrame, subscriptions: pd.DataFrame) -> pd.DataFrame:
    """Subscribers churn the day after their subscription ends; others a year after their last paid order."""
    last_stop = subscriptions.groupby("customer_id")["stop"].max()
    ended = last_stop[last_stop < cal.n]
    churned = customers["customer_id"].map(pd.Series(cal.days[ended.to_numpy()], index=ended.index))
    lapsed = pd.to_datetime(customers["last_paid_on"]) + pd.Timedelta(days=365)
    lapsed = lapsed.where(lapsed <= pd.Timestamp(cal.end))
    subscriber = customers["customer_id"].isin(last_stop.index)
    result = customers.copy()
    result["churned_on"] = churned.where(subscriber, lapsed)
    return result.sort_values(["signed_up_on", "customer_id"], ignore_index=True)


def to_arrow(frame: pd.DataFrame, table: Table) -> pa.Table:
    """The frame's columns of `table`, in its order and exact types, sorted by time and key."""
    missing = [name for name in table.column_names if name not in frame.columns]
    if missing:
        raise InternalError(f"demo table {table.name} lacks column(s) {', '.join(missing)}")
    keys = list(dict.fromkeys([table.time_column, *table.primary_key]))
    frame = frame.sort_values(keys, kind="stable", ignore_index=True)
    arrays = []
    for column in table.columns:
        array = pa.array(frame[column.name], from_pandas=True).cast(column.type.arrow_type())
        if not column.nullable and array.null_count:
            raise InternalError(f"demo column {table.name}.{column.name} has {array.null_count} empty values")
        arrays.append(array)
    return pa.Table.from_arrays(arrays, schema=table.arrow_schema())
