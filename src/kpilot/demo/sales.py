"""B2B sales: leads from marketing, deals worked by reps of differing skill, won deals becoming subscribers."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kpilot.demo._common import (
    B2B_MONTHS,
    CHANNELS,
    COUNTRIES,
    TEAM_SHARE,
    TEAMS,
    Calendar,
    FloatArray,
    IntArray,
    StrArray,
    allocate,
    choice,
    ids,
    money,
    poisson_days,
    rng_for,
)
from kpilot.demo.commerce import split_at_change
from kpilot.demo.marketing import group_key
from kpilot.demo.people import person_days

LEADS_PER_DAY = 4.5  # at the epoch, before season and growth
B2B_WEEK = (1.15, 1.15, 1.1, 1.05, 0.95, 0.3, 0.3)
LEAD_MIX = (0.2, 0.03, 0.3, 0.0, 0.02, 0.1, 0.2, 0.0, 0.1, 0.05)  # over CHANNELS
QUALIFY_RATE = {
    "referral": 0.55, "linkedin": 0.42, "organic": 0.38, "direct": 0.35, "google_ads": 0.33, "email": 0.3,
    "microsoft_ads": 0.3, "social": 0.2, "meta": 0.15, "tiktok": 0.1,
}  # fmt: skip
ACTIVITIES = (("call", 22.0, 6.0), ("email", 35.0, 3.0), ("meeting", 2.2, 35.0))  # kind, per day, minutes each
B2B_PLANS = ("business", "enterprise")


@dataclass(frozen=True)
class Sales:
    leads: pd.DataFrame
    deals: pd.DataFrame
    activities: pd.DataFrame
    customers: pd.DataFrame
    subscriptions: pd.DataFrame  # intervals, as commerce.Shop.subscriptions


def generate_sales(cal: Calendar, employees: pd.DataFrame, grid: pd.DataFrame) -> Sales:
    rng = rng_for(cal.seed, "sales")
    reps = person_days(cal, employees, "sales")
    leads = _leads(rng, cal, reps, grid)
    deals = _deals(rng, cal, leads, reps)
    customers, subscriptions = _accounts(rng, cal, deals)
    won = deals.loc[deals["stage"].eq("won")].set_index("lead_id")
    leads["converted_on"] = leads["lead_id"].map(won["closed_on"])
    leads["customer_id"] = leads["lead_id"].map(pd.Series(customers["customer_id"].to_numpy(), index=won.index))
    return Sales(leads, deals.drop(columns=["performance"]), _activities(rng, cal, reps), customers, subscriptions)


def _leads(rng: np.random.Generator, cal: Calendar, reps: pd.DataFrame, grid: pd.DataFrame) -> pd.DataFrame:
    demand = cal.demand(growth=0.35, months=B2B_MONTHS, weekly=B2B_WEEK, rng=rng)
    day = poisson_days(rng, LEADS_PER_DAY * demand)
    n = len(day)
    channel = choice(rng, CHANNELS, LEAD_MIX, n)
    row = allocate(
        rng,
        grid["group"].to_numpy(),
        (grid["spend"] * grid["lead_weight"]).to_numpy(dtype=float),
        group_key(day, pd.Series(channel)),
    )
    campaign = np.full(n, None, dtype=object)
    campaign[row >= 0] = grid["campaign"].to_numpy()[row[row >= 0]]
    team = choice(rng, TEAMS, TEAM_SHARE, n)
    owner, performance = assign_people(rng, reps, day, team)
    qualify = pd.Series(channel).map(QUALIFY_RATE).to_numpy(dtype=float) * performance**0.3
    pending = np.clip((cal.n - 1 - day) / 7, 0, 1)  # sales needs about a week to qualify a new lead
    return pd.DataFrame(
        {
            "lead_id": ids("L", n),
            "created_on": cal.days[day],
            "source_channel": channel,
            "campaign": campaign,
            "owner": owner,
            "team": team,
            "is_qualified": rng.random(n) < np.minimum(qualify, 0.95) * pending,
            "day_index": day,
            "performance": performance,
        }
    )


def assign_people(
    rng: np.random.Generator, staff_days: pd.DataFrame, day: IntArray, team: StrArray
) -> tuple[StrArray, FloatArray]:
    """A colleague of the team working that day for each item (anyone of the team if nobody was)."""
    codes = {name: i for i, name in enumerate(TEAMS)}
    staff_team = staff_days["team"].map(codes).to_numpy(dtype=np.int64)
    item_team = pd.Series(team).map(codes).to_numpy(dtype=np.int64)
    weights = np.ones(len(staff_days))
    row = allocate(rng, staff_days["day_index"].to_numpy() * 4 + staff_team, weights, day * 4 + item_team)
    fallback = allocate(rng, staff_team, weights, item_team)
    row = np.where(row >= 0, row, fallback)
    return staff_days["name"].to_numpy()[row], staff_days["performance"].to_numpy(dtype=float)[row]


def _deals(rng: np.random.Generator, cal: Calendar, leads: pd.DataFrame, reps: pd.DataFrame) -> pd.DataFrame:
    """Most qualified leads get a deal; skilled reps and referrals win more; enterprise deals are bigger and slower."""
    source = leads[leads["is_qualified"] & (rng.random(len(leads)) < 0.75)]
    created = source["day_index"].to_numpy() + rng.geometric(1 / 6, len(source)) - 1
    source, created = source[created < cal.n], created[created < cal.n]
    n = len(source)
    channel = source["source_channel"].to_numpy()
    enterprise = rng.random(n) < np.where(np.isin(channel, ["linkedin", "referral"]), 0.35, 0.15)
    growth = 1.08 ** cal.years[created]
    amount = np.where(
        enterprise,
        np.round(rng.lognormal(np.log(30_000), 0.5, n) * growth, -3),
        np.round(rng.lognormal(np.log(4_800), 0.45, n) * growth, -2),
    )
    performance = source["performance"].to_numpy()
    win = 0.3 * performance * np.where(enterprise, 0.75, 1.0) * np.where(channel == "referral", 1.3, 1.0)
    won = rng.random(n) < np.clip(win, 0.05, 0.7)
    cycle = np.where(enterprise, rng.gamma(3, 28, n), rng.gamma(2, 18, n)) * np.where(won, 1.0, 0.8)
    closed = created + np.maximum(np.round(cycle), 1).astype(np.int64)
    is_open = closed >= cal.n
    stage = np.where(is_open, "open", np.where(won, "won", "lost"))
    return pd.DataFrame(
        {
            "deal_id": ids("D", n),
            "owner": source["owner"].to_numpy(),
            "team": source["team"].to_numpy(),
            "stage": stage.astype(object),
            "created_on": cal.days[created],
            "closed_on": np.where(is_open, np.datetime64("NaT"), cal.days[np.minimum(closed, cal.n - 1)]),
            "amount": money(amount),
            "product": np.where(enterprise, "enterprise", "business").astype(object),
            "lead_id": source["lead_id"].to_numpy(),
            "source_channel": channel,
            "closed_index": closed,
            "performance": performance,
        }
    )


def _accounts(rng: np.random.Generator, cal: Calendar, deals: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A customer per won deal, subscribed from the closing day at a twelfth of the contract value per month."""
    won = deals[deals["stage"].eq("won")]
    n = len(won)
    team = won["team"].to_numpy()
    country = np.array(
        [COUNTRIES[t][int(i) % len(COUNTRIES[t])] for t, i in zip(team, rng.integers(0, 8, n), strict=True)]
    )
    amount = won["amount"].to_numpy(dtype=float)
    enterprise = won["product"].eq("enterprise").to_numpy()
    segment = np.where(enterprise, "enterprise", np.where(amount > 9_000, "mid_market", "smb"))
    customers = pd.DataFrame(
        {
            "customer_id": ids("B", n),
            "signed_up_on": won["closed_on"].to_numpy(),
            "first_order_on": pd.NaT,
            "acquisition_channel": won["source_channel"].to_numpy(),
            "segment": segment.astype(object),
            "country": country.astype(object),
            "team": team,
        }
    )
    begin = won["closed_index"].to_numpy()
    months = np.where(enterprise, 60.0, np.where(segment == "mid_market", 42.0, 30.0))
    life = np.ceil(rng.exponential(months * 30.44)).astype(np.int64)
    expand = np.where(rng.random(n) < 0.3, begin + 365 + rng.integers(0, 365, n), -1)  # seats added at renewal
    frame = pd.DataFrame(
        {
            "customer_id": customers["customer_id"].to_numpy(),
            "begin": begin,
            "stop": begin + life,
            "plan_index": enterprise.astype(np.int64),
            "mrr": money(amount / 12),
        }
    )
    return customers, split_at_change(frame, expand, B2B_PLANS, step=0, uplift=1.25)


def _activities(rng: np.random.Generator, cal: Calendar, reps: pd.DataFrame) -> pd.DataFrame:
    """Calls, e-mails and meetings per rep and working day; the CRM sync lost one day."""
    weekday = cal.weekday[reps["day_index"].to_numpy()]
    effort = np.where(weekday >= 5, 0.03, 1.0) * reps["performance"].to_numpy() ** 0.5
    parts = []
    for kind, per_day, minutes in ACTIVITIES:
        count = rng.poisson(per_day * effort)
        duration = np.round(count * minutes * rng.lognormal(0, 0.2, len(count))).astype(np.int64)
        parts.append(reps.assign(kind=kind, count=count, duration_minutes=duration))
    frame = pd.concat(parts, ignore_index=True)
    lost_day = int(rng.integers(0, cal.n - 1)) if cal.n > 60 else -1
    frame = frame[frame["count"].gt(0) & frame["day_index"].ne(lost_day)].rename(columns={"name": "owner"})
    frame["day"] = cal.days[frame["day_index"].to_numpy()]
    return frame.reset_index(drop=True)
