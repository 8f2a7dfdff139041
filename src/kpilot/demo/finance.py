"""The general ledger, posted from what the other domains did so that finance KPIs agree with operations."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpilot.demo._common import CURRENCY, Calendar, FloatArray, money

DEPARTMENT_ACCOUNT_TYPE = {"sales": "sales", "marketing": "marketing"}  # every other department is opex
EMPLOYER_COSTS = 1.25  # social charges on top of gross salaries
COMMISSION = 0.08
FUNDING = 10_000_000.0
FIXED_ASSETS, FIXED_ASSET_GROWTH = 4_000_000.0, 0.10  # at the epoch, and per year
# account, type, amount per month at the epoch, yearly growth
FIXED_COSTS = (
    ("rent", "opex", 18_000.0, 0.10),
    ("software", "opex", 6_000.0, 0.25),
    ("marketing_tools", "marketing", 3_500.0, 0.20),
    ("content_production", "marketing", 2_500.0, 0.20),
    ("hosting", "cogs", 4_000.0, 0.30),
)


def ledger(
    cal: Calendar,
    orders: pd.DataFrame,
    ad_spend: pd.DataFrame,
    subscriptions: pd.DataFrame,
    employees: pd.DataFrame,
    deals: pd.DataFrame,
    inventory: pd.DataFrame,
) -> pd.DataFrame:
    """Daily postings for sales and ad spend; monthly ones (salaries, subscriptions, fixed costs) and month-end
    balances only for months that are complete, as the books of the current month are not closed yet."""
    daily = _daily(cal, orders, ad_spend)
    month_ends = cal.days[(cal.days + 1).astype("datetime64[M]") != cal.days.astype("datetime64[M]")]
    monthly = _monthly(cal, month_ends, subscriptions, employees, deals)
    flows = pd.concat([daily, monthly], ignore_index=True)
    balances = _balances(month_ends, flows, inventory)
    frame = pd.concat([flows, balances], ignore_index=True)
    frame["amount"] = money(frame["amount"].to_numpy(dtype=float))
    frame["currency"] = CURRENCY
    return frame.sort_values(["day", "account"], ignore_index=True)


def _daily(cal: Calendar, orders: pd.DataFrame, ad_spend: pd.DataFrame) -> pd.DataFrame:
    paid = orders[orders["status"].eq("paid")]
    by_day = paid.groupby("day_index").agg(amount=("amount", "sum"), cost=("cost", "sum"), count=("amount", "size"))
    by_day = by_day.reindex(np.arange(cal.n), fill_value=0)
    spend = ad_spend.groupby("day_index")["spend"].sum().reindex(np.arange(cal.n), fill_value=0)
    postings = [
        ("product_sales", "revenue", by_day["amount"].to_numpy(dtype=float)),
        ("product_cogs", "cogs", by_day["cost"].to_numpy(dtype=float)),
        ("shipping", "cogs", 5.4 * by_day["count"].to_numpy(dtype=float)),
        ("payment_fees", "cogs", 0.019 * by_day["amount"].to_numpy(dtype=float)),
        ("ad_spend", "marketing", spend.to_numpy(dtype=float)),
    ]
    return pd.concat(
        [pd.DataFrame({"day": cal.days, "account": a, "account_type": t, "amount": v}) for a, t, v in postings],
        ignore_index=True,
    )


def _monthly(
    cal: Calendar, month_ends: np.ndarray, subscriptions: pd.DataFrame, employees: pd.DataFrame, deals: pd.DataFrame
) -> pd.DataFrame:
    months = month_ends.astype("datetime64[M]")
    rows: list[tuple[np.datetime64, str, str, float]] = []
    mrr_by_month = subscriptions.groupby(subscriptions["day"].to_numpy().astype("datetime64[M]"))["mrr"].sum()
    won = deals[deals["stage"].eq("won")]
    won_by_month = won.groupby(won["closed_on"].to_numpy().astype("datetime64[M]"))["amount"].sum()
    years = (months.astype(np.int64) - np.datetime64("2023-01", "M").astype(np.int64)) / 12
    for end, month, year in zip(month_ends, months, years, strict=True):
        rows.append((end, "subscription_revenue", "revenue", float(mrr_by_month.get(month, 0.0)) * 12 / 365))
        rows.append((end, "commissions", "sales", COMMISSION * float(won_by_month.get(month, 0.0))))
        rows.extend((end, account, kind, base * (1 + growth) ** year) for account, kind, base, growth in FIXED_COSTS)
        for department, cost in _payroll(employees, month, end).items():
            kind = DEPARTMENT_ACCOUNT_TYPE.get(department, "opex")
            rows.append((end, f"salaries_{department}", kind, cost))
    return pd.DataFrame(rows, columns=["day", "account", "account_type", "amount"])


def _payroll(employees: pd.DataFrame, month: np.datetime64, end: np.datetime64) -> dict[str, float]:
    """Salary cost per department for the days each person was employed in the month."""
    first = month.astype("datetime64[D]")
    hired = pd.to_datetime(employees["hired_on"]).to_numpy().astype("datetime64[D]")
    exited = pd.to_datetime(employees["exited_on"]).to_numpy().astype("datetime64[D]")
    last = np.where(np.isnat(exited), end, np.minimum(exited, end))
    days: FloatArray = np.maximum((last - np.maximum(hired, first)).astype(np.int64) + 1, 0).astype(float)
    cost = employees["salary"].to_numpy(dtype=float) / 365 * days * EMPLOYER_COSTS
    return {str(k): float(v) for k, v in pd.Series(cost).groupby(employees["department"].to_numpy()).sum().items()}


def _balances(month_ends: np.ndarray, flows: pd.DataFrame, inventory: pd.DataFrame) -> pd.DataFrame:
    """Month-end balances: cash from the cumulated result, stock at cost, receivables and payables."""
    month = flows["day"].to_numpy().astype("datetime64[M]")
    sign = np.where(flows["account_type"].eq("revenue"), 1.0, -1.0)
    result = pd.Series(sign * flows["amount"].to_numpy(dtype=float)).groupby(month).sum()
    revenue = flows["amount"].where(flows["account_type"].eq("revenue"), 0.0).groupby(month).sum()
    costs = flows["amount"].where(flows["account_type"].ne("revenue"), 0.0).groupby(month).sum()
    months = month_ends.astype("datetime64[M]")
    cumulative = result.reindex(months, fill_value=0.0).cumsum().to_numpy()
    # The rounds raised before and during the data (10 M, plus whatever the early losses took), and the equipment and
    # capitalised software of a company of this size: a balance sheet about as large as a year's revenue.
    funding = FUNDING + max(0.0, -float(cumulative.min(initial=0.0)))
    years = (months.astype(np.int64) - np.datetime64("2023-01", "M").astype(np.int64)) / 12
    stock = (inventory["recorded_units"] * inventory["unit_cost"]).groupby(inventory["day"].to_numpy()).sum()
    parts = {
        ("cash", "assets"): funding + cumulative,
        ("fixed_assets", "assets"): FIXED_ASSETS * (1 + FIXED_ASSET_GROWTH) ** years,
        ("inventory", "assets"): stock.reindex(month_ends, fill_value=0.0).to_numpy(),
        ("receivables", "assets"): 0.12 * revenue.reindex(months, fill_value=0.0).to_numpy(),
        ("payables", "liabilities"): 0.3 * costs.reindex(months, fill_value=0.0).to_numpy(),
    }
    return pd.concat(
        [
            pd.DataFrame({"day": month_ends, "account": a, "account_type": t, "amount": v})
            for (a, t), v in parts.items()
        ],
        ignore_index=True,
    )
