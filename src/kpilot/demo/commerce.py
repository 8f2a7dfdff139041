"""The web shop: consumer customers, their orders and order lines, consumer subscriptions, and stock counts."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kpilot.demo._common import (
    CHANNELS,
    COUNTRIES,
    CURRENCY,
    SHOP_MONTHS,
    Calendar,
    FloatArray,
    IntArray,
    choice,
    ids,
    money,
    poisson_days,
    rng_for,
    times_of_day,
)

ACQUISITION_MIX = (0.22, 0.16, 0.01, 0.05, 0.03, 0.06, 0.26, 0.06, 0.06, 0.09)
REPEAT_MIX = (0.05, 0.05, 0.0, 0.0, 0.01, 0.36, 0.17, 0.03, 0.02, 0.31)  # returning buyers come back by e-mail / direct
SHOP_WEEK = (0.97, 0.95, 0.95, 0.97, 1.0, 1.08, 1.12)
SHOP_HOURS = (1, 0.6, 0.4, 0.3, 0.3, 0.4, 0.8, 1.5, 2.2, 2.8, 3, 3.2, 3.5, 3.2, 3, 3, 3.2, 3.5, 4, 4.6, 5, 4.5, 3, 1.8)
NEW_BUYERS_PER_DAY = 18.0  # at the epoch, before season and growth
REPEAT_MEMORY_DAYS = 300.0  # how long a buyer stays likely to come back
REPEAT_RATE = 1 / 160  # orders per day per "fresh" buyer
# name, category, list price and unit cost at the epoch, popularity, monthly stock shrinkage
PRODUCTS = (
    ("home_hub", "hubs", 129.0, 61.0, 0.9, 0.004),
    ("home_hub_pro", "hubs", 219.0, 108.0, 0.4, 0.004),
    ("indoor_cam", "cameras", 79.0, 34.0, 1.0, 0.006),
    ("outdoor_cam", "cameras", 149.0, 70.0, 0.7, 0.007),
    ("video_doorbell", "cameras", 169.0, 79.0, 0.6, 0.006),
    ("door_sensor", "sensors", 24.0, 8.0, 1.3, 0.01),
    ("motion_sensor", "sensors", 29.0, 10.0, 1.1, 0.01),
    ("water_leak_sensor", "sensors", 34.0, 12.0, 0.5, 0.01),
    ("smoke_detector", "sensors", 59.0, 24.0, 0.6, 0.008),
    ("smart_bulb", "lighting", 19.0, 6.0, 1.6, 0.015),
    ("light_strip", "lighting", 39.0, 14.0, 0.8, 0.012),
    ("smart_plug", "lighting", 22.0, 7.0, 1.2, 0.012),
    ("wall_switch", "lighting", 45.0, 17.0, 0.5, 0.008),
    ("thermostat", "climate", 189.0, 88.0, 0.5, 0.005),
    ("radiator_valve", "climate", 54.0, 21.0, 0.6, 0.008),
    ("mounting_kit", "accessories", 14.0, 3.0, 0.7, 0.03),
    ("battery_pack", "accessories", 12.0, 3.0, 0.8, 0.025),
    ("cable_kit", "accessories", 9.0, 2.0, 0.6, 0.03),
)
MULTI_UNIT = {"smart_bulb", "door_sensor", "motion_sensor", "smart_plug", "radiator_valve", "battery_pack"}
CONSUMER_PLANS = (("basic", 9.90), ("plus", 19.90))


@dataclass(frozen=True)
class Shop:
    customers: pd.DataFrame
    orders: pd.DataFrame
    order_lines: pd.DataFrame
    subscriptions: pd.DataFrame  # intervals: customer_id, plan, mrr, begin and stop (exclusive) day index
    inventory: pd.DataFrame


def generate_shop(cal: Calendar) -> Shop:
    rng = rng_for(cal.seed, "shop")
    demand = cal.demand(growth=0.32, months=SHOP_MONTHS, weekly=SHOP_WEEK, rng=rng) * cal.black_friday(2.0)
    first_day = poisson_days(rng, NEW_BUYERS_PER_DAY * demand)
    repeat_day, repeat_buyer = _repeat_orders(rng, cal, demand, first_day)
    buyers = len(first_day)
    customers = _customers(rng, cal, first_day, n_browsers=int(rng.poisson(0.9 * len(first_day))))
    order_day = np.concatenate([first_day, repeat_day])
    order_buyer = np.concatenate([np.arange(buyers), repeat_buyer])
    orders = _orders(rng, cal, customers, order_day, order_buyer)
    lines = _order_lines(rng, cal, orders)
    _price_orders(rng, cal, orders, lines)
    subscriptions = _consumer_subscriptions(rng, cal, customers.iloc[:buyers], first_day)
    customers = _with_order_dates(customers, orders)
    customers = customers.sort_values(["signed_up_on", "customer_id"], ignore_index=True)
    return Shop(customers, orders, lines, subscriptions, _inventory(rng, cal, lines))


def _repeat_orders(
    rng: np.random.Generator, cal: Calendar, demand: FloatArray, first_day: IntArray
) -> tuple[IntArray, IntArray]:
    """Returning buyers: volume follows the recently acquired base; each order goes to a past buyer, recent ones
    likelier."""
    new_per_day = np.bincount(first_day, minlength=cal.n).astype(float)
    decay = np.exp(-1 / REPEAT_MEMORY_DAYS)
    fresh_base = np.zeros(cal.n)
    for i in range(1, cal.n):  # a recursive filter over days, not rows
        fresh_base[i] = fresh_base[i - 1] * decay + new_per_day[i - 1]
    season = demand / (1.32**cal.years)
    day = poisson_days(rng, REPEAT_RATE * fresh_base * season)
    age = -REPEAT_MEMORY_DAYS * np.log(1 - rng.random(len(day)) * (1 - np.exp(-day / REPEAT_MEMORY_DAYS)))
    cohort = day - np.maximum(np.ceil(age), 1).astype(np.int64)
    cumulative = np.cumsum(new_per_day).astype(np.int64)  # buyers are numbered in order of their first day
    low = np.where(cohort > 0, cumulative[np.maximum(cohort - 1, 0)], 0)
    high = cumulative[np.maximum(cohort, 0)]
    buyer = np.where(high > low, low + (rng.random(len(day)) * (high - low)).astype(np.int64), low - 1)
    keep = (cohort >= 0) & (buyer >= 0)
    return day[keep], buyer[keep]


def _customers(rng: np.random.Generator, cal: Calendar, first_day: IntArray, n_browsers: int) -> pd.DataFrame:
    """Buyers (in order of their first order) followed by sign-ups who never buy."""
    delay = np.where(rng.random(len(first_day)) < 0.6, 0, rng.geometric(1 / 10, len(first_day)))
    browser_day = rng.integers(0, cal.n, n_browsers)
    signup = np.concatenate([np.maximum(first_day - delay, 0), browser_day])
    n = len(signup)
    team = choice(rng, ("EMEA", "Americas", "APAC"), (0.7, 0.2, 0.1), n)
    country = np.empty(n, dtype=object)
    for region, codes in COUNTRIES.items():
        mask = team == region
        weights = np.linspace(2.0, 1.0, len(codes))
        country[mask] = choice(rng, codes, tuple(weights), int(mask.sum()))
    return pd.DataFrame(
        {
            "customer_id": ids("C", n, 7)[np.argsort(np.argsort(signup, kind="stable"))],  # numbered by sign-up
            "signed_up_on": cal.days[signup],
            "acquisition_channel": choice(rng, CHANNELS, ACQUISITION_MIX, n),
            "segment": "consumer",
            "country": country,
            "team": team,
        }
    )


def _orders(
    rng: np.random.Generator, cal: Calendar, customers: pd.DataFrame, day: IntArray, buyer: IntArray
) -> pd.DataFrame:
    n = len(day)
    order = np.lexsort((rng.random(n), day))
    day, buyer = day[order], buyer[order]
    is_first = np.zeros(n, dtype=bool)
    is_first[np.unique(buyer, return_index=True)[1]] = True  # sorted by day: a buyer's first row is the first order
    acquisition = customers["acquisition_channel"].to_numpy()[buyer]
    returning_channel = choice(rng, CHANNELS, REPEAT_MIX, n)
    channel = np.where(is_first | (rng.random(n) < 0.4), acquisition, returning_channel)
    status = choice(rng, ("paid", "refunded", "cancelled"), (0.91, 0.05, 0.04), n)
    recent = day >= cal.n - 2  # the payment provider has not confirmed the last orders yet
    status[recent & (rng.random(n) < 0.35)] = "pending"
    ordered_at = cal.days[day].astype("datetime64[us]") + times_of_day(rng, n, SHOP_HOURS)
    return pd.DataFrame(
        {
            "order_id": ids("O", n, 7),
            "customer_id": customers["customer_id"].to_numpy()[buyer],
            "ordered_at": ordered_at,
            "status": status,
            "channel": channel,
            "currency": CURRENCY,
            "day_index": day,
        }
    )


def _order_lines(rng: np.random.Generator, cal: Calendar, orders: pd.DataFrame) -> pd.DataFrame:
    count = 1 + np.minimum(rng.poisson(0.6, len(orders)), 4)
    owner = np.repeat(np.arange(len(orders)), count)
    line_no = np.arange(len(owner)) - np.repeat(np.cumsum(count) - count, count) + 1
    popularity = np.array([p[4] for p in PRODUCTS])
    product = rng.choice(len(PRODUCTS), size=len(owner), p=popularity / popularity.sum())
    names = np.array([p[0] for p in PRODUCTS], dtype=object)[product]
    multi = np.isin(names, list(MULTI_UNIT))
    quantity = 1 + np.where(multi, rng.poisson(1.2, len(owner)), rng.poisson(0.15, len(owner)))
    year = orders["ordered_at"].dt.year.to_numpy()[owner]
    price, cost = _prices(product, year)
    return pd.DataFrame(
        {
            "order_id": orders["order_id"].to_numpy()[owner],
            "line_no": line_no,
            "ordered_at": orders["ordered_at"].to_numpy()[owner],
            "status": orders["status"].to_numpy()[owner],
            "product": names,
            "category": np.array([p[1] for p in PRODUCTS], dtype=object)[product],
            "quantity": quantity,
            "unit_price": price,
            "unit_cost": cost,
            "order_index": owner,
        }
    )


def _prices(product: IntArray, year: IntArray) -> tuple[FloatArray, FloatArray]:
    """List prices rise 4 % and costs 3 % every January; prices end in .99."""
    years = np.maximum(year - 2023, 0)
    base_price = np.array([p[2] for p in PRODUCTS])[product]
    base_cost = np.array([p[3] for p in PRODUCTS])[product]
    return money(np.round(base_price * 1.04**years) - 0.01), money(base_cost * 1.03**years)


def _price_orders(rng: np.random.Generator, cal: Calendar, orders: pd.DataFrame, lines: pd.DataFrame) -> None:
    """Order totals from their lines, with promotion discounts (Black Friday, e-mail codes)."""
    owner = lines["order_index"].to_numpy()
    gross = np.bincount(owner, lines["quantity"] * lines["unit_price"], minlength=len(orders))
    cost = np.bincount(owner, lines["quantity"] * lines["unit_cost"], minlength=len(orders))
    black_friday = cal.black_friday(2.0)[orders["day_index"].to_numpy()] > 1
    is_email = orders["channel"].eq("email").to_numpy()
    promo_share = np.where(black_friday, 0.55, np.where(is_email, 0.3, 0.05))
    rate = np.where(rng.random(len(orders)) < promo_share, np.where(black_friday, 0.2, 0.1), 0.0)
    discount = money(gross * rate)
    orders["amount"] = money(gross - discount)
    orders["cost"] = money(cost)
    orders["discount"] = discount


def _consumer_subscriptions(
    rng: np.random.Generator, cal: Calendar, buyers: pd.DataFrame, first_day: IntArray
) -> pd.DataFrame:
    """About 1 % of buyers subscribe to cloud monitoring with their first order; some upgrade, many cancel."""
    subscribe = rng.random(len(buyers)) < 0.012
    begin = first_day[subscribe]
    n = len(begin)
    life = np.ceil(rng.exponential(30 * 30.44, n)).astype(np.int64)
    plan = rng.choice(2, n, p=[0.62, 0.38])
    upgrade_at = np.where((plan == 0) & (rng.random(n) < 0.18), begin + (rng.random(n) * life).astype(np.int64), -1)
    frame = pd.DataFrame({"customer_id": buyers["customer_id"].to_numpy()[subscribe], "begin": begin})
    frame["stop"] = begin + life
    frame["plan_index"] = plan
    frame["mrr"] = np.array([price for _, price in CONSUMER_PLANS])[plan]
    plans = tuple(name for name, _ in CONSUMER_PLANS)
    return split_at_change(frame, upgrade_at, plans, step=1, uplift=CONSUMER_PLANS[1][1] / CONSUMER_PLANS[0][1])


def split_at_change(
    frame: pd.DataFrame, change_at: IntArray, plans: tuple[str, ...], step: int, uplift: float
) -> pd.DataFrame:
    """Subscription intervals split in two where `change_at` falls inside: the later part moves `step` plans up and
    its MRR grows by `uplift` (expansion revenue)."""
    changed = (change_at > frame["begin"].to_numpy()) & (change_at < frame["stop"].to_numpy())
    before = frame.copy()
    before.loc[changed, "stop"] = change_at[changed]
    after = frame[changed].copy()
    after["begin"] = change_at[changed]
    after["plan_index"] = np.minimum(after["plan_index"] + step, len(plans) - 1)
    after["mrr"] = money(after["mrr"].to_numpy() * uplift)
    result = pd.concat([before, after], ignore_index=True)
    result["plan"] = np.asarray(plans, dtype=object)[result["plan_index"].to_numpy()]
    return result.drop(columns="plan_index")


def _with_order_dates(customers: pd.DataFrame, orders: pd.DataFrame) -> pd.DataFrame:
    """first_order_on is the first *paid* order; is_first_order marks that order."""
    paid = orders[orders["status"].eq("paid")]
    first_index = paid.groupby("customer_id", sort=False)["ordered_at"].idxmin()
    orders["is_first_order"] = False
    orders.loc[first_index.to_numpy(), "is_first_order"] = True
    first = paid.loc[first_index.to_numpy()].set_index("customer_id")["ordered_at"].dt.floor("D")
    last = paid.groupby("customer_id")["ordered_at"].max().dt.floor("D")
    result = customers.copy()
    result["first_order_on"] = result["customer_id"].map(first)
    result["last_paid_on"] = result["customer_id"].map(last)
    return result


def _inventory(rng: np.random.Generator, cal: Calendar, lines: pd.DataFrame) -> pd.DataFrame:
    """Month-end counts: the system's stock versus what is on the shelf; small items go missing more."""
    month_ends = cal.days[(cal.days + 1).astype("datetime64[M]") != cal.days.astype("datetime64[M]")]
    names = [p[0] for p in PRODUCTS]
    sold = lines[lines["status"].eq("paid")].assign(month=lines["ordered_at"].dt.to_period("M"))
    monthly = sold.groupby(["month", "product"])["quantity"].sum()
    grid = pd.MultiIndex.from_product([pd.PeriodIndex(month_ends, freq="M"), names], names=["month", "product"])
    units = monthly.reindex(grid, fill_value=0).to_numpy()
    product = np.tile(np.arange(len(names)), len(month_ends))
    recorded = np.round(units * rng.uniform(1.2, 2.0, len(units))).astype(np.int64) + 20
    shrink = np.array([p[5] for p in PRODUCTS])[product] * rng.lognormal(0, 0.3, len(units))
    day = np.repeat(month_ends, len(names))
    year = day.astype("datetime64[Y]").astype(np.int64) + 1970
    theft = (np.array(names, dtype=object)[product] == "outdoor_cam") & (day == np.datetime64("2024-12-31"))
    shrink[theft] = 0.08  # one bad month stands out
    return pd.DataFrame(
        {
            "day": day,
            "product": np.array(names, dtype=object)[product],
            "recorded_units": recorded,
            "counted_units": recorded - rng.binomial(recorded, np.minimum(shrink, 1)),
            "unit_cost": _prices(product, year)[1],
        }
    )
