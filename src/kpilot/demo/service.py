"""Customer service: support tickets handled by agents of differing speed, and NPS / CSAT survey answers."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

from kpilot.demo._common import (
    TEAM_SHARE,
    TEAMS,
    Calendar,
    FloatArray,
    IntArray,
    StrArray,
    choice,
    ids,
    last_complete_month,
    poisson_days,
    rng_for,
    times_of_day,
)
from kpilot.demo.people import person_days
from kpilot.demo.sales import assign_people

SUPPORT_WEEK = (1.1, 1.05, 1.0, 1.0, 0.95, 0.6, 0.5)
SUPPORT_HOURS = (0.2, 0.1, 0.1, 0.1, 0.1, 0.2, 0.5, 1.2, 2.5, 3.2, 3.3, 3.1, 2.6, 2.9, 3.0, 2.9, 2.6, 2.2, 1.7, 1.4,
                 1.2, 0.9, 0.6, 0.4)  # fmt: skip
FIRST_RESPONSE_HOURS = {"email": 3.5, "chat": 0.08, "phone": 0.02}
PRIORITY_SPEED = {"low": 1.5, "normal": 1.0, "high": 0.6, "urgent": 0.3}
RESOLUTION_HOURS = {"low": 40.0, "normal": 24.0, "high": 10.0, "urgent": 4.0}
TEAM_MOOD = {"EMEA": 0.1, "Americas": 0.0, "APAC": -0.25}  # how kindly each region rates service
SLOW_WEEK_TEAM = "EMEA"  # short-staffed for one week (docs/data-model.md, "Differences to find")
SLOW_WEEK_FACTOR = 4.0  # how many times longer its first responses take that week


def support_tickets(
    cal: Calendar, employees: pd.DataFrame, customers: pd.DataFrame, orders_per_day: FloatArray
) -> pd.DataFrame:
    """Ticket volume follows recent orders; slow answers earn worse ratings; recent tickets are still open."""
    rng = rng_for(cal.seed, "support")
    recent_orders = pd.Series(orders_per_day).rolling(14, min_periods=1).mean().to_numpy()
    day = poisson_days(rng, (0.12 * recent_orders + 2) * np.asarray(SUPPORT_WEEK)[cal.weekday])
    n = len(day)
    customer, team = _customers_of(rng, cal, customers, day, linked_share=0.85)
    agent, speed = assign_people(rng, person_days(cal, employees, "support"), day, team)
    channel = choice(rng, ("email", "chat", "phone"), (0.5, 0.33, 0.17), n)
    priority = choice(rng, ("low", "normal", "high", "urgent"), (0.3, 0.5, 0.15, 0.05), n)
    created = cal.days[day].astype("datetime64[us]") + times_of_day(rng, n, SUPPORT_HOURS)
    wait = pd.Series(channel).map(FIRST_RESPONSE_HOURS).to_numpy(dtype=float) * rng.lognormal(0, 0.8, n)
    wait = wait * pd.Series(priority).map(PRIORITY_SPEED).to_numpy(dtype=float) / speed
    wait = wait + np.where((cal.weekday[day] >= 5) & (channel == "email"), 30.0, 0.0)  # e-mail waits for Monday
    wait = wait * _short_staffed(cal, day, team)
    work = pd.Series(priority).map(RESOLUTION_HOURS).to_numpy(dtype=float) / np.sqrt(speed) * rng.lognormal(0, 1, n)
    responded = created + (wait * 3_600_000_000).astype(np.int64).astype("timedelta64[us]")
    resolved = responded + (work * 3_600_000_000).astype(np.int64).astype("timedelta64[us]")
    horizon = (cal.days[-1] + 1).astype("datetime64[us]")  # nothing after the end of the data has happened yet
    responded = np.where(responded < horizon, responded, np.datetime64("NaT"))
    resolved = np.where(~np.isnat(responded) & (resolved < horizon), resolved, np.datetime64("NaT"))
    replies = np.where(np.isnat(responded), 0, 1 + rng.poisson(0.3 + 0.4 * np.minimum(work / 24, 4)))
    frame = pd.DataFrame(
        {
            "ticket_id": ids("T", n),
            "created_at": created,
            "first_response_at": responded,
            "resolved_at": resolved,
            "channel": channel,
            "agent": agent,
            "team": team,
            "priority": priority,
            "replies": replies,
            "customer_id": customer,
        }
    )
    frame["csat"] = _ratings(rng, frame, speed)
    return frame.sort_values(["created_at", "ticket_id"], ignore_index=True)


def slow_week(cal: Calendar) -> tuple[date, date]:
    """The Monday and Sunday of the week the EMEA support team was short-staffed: the second Monday of the last
    complete month to the Sunday after.

    It is placed relative to the end of the data, not on a fixed calendar week: a fixed week would come back every
    year of a long range (or fall outside a short one), while the last complete month is the one the scorecard
    shows, so every demo, whenever it is built, has its slow week in plain sight.
    """
    first = last_complete_month(cal.end)
    monday = first + timedelta(days=(0 - first.weekday()) % 7 + 7)
    return monday, monday + timedelta(days=6)


def _short_staffed(cal: Calendar, day: IntArray, team: StrArray) -> FloatArray:
    """SLOW_WEEK_FACTOR for the slow team's tickets created in its slow week, 1 elsewhere. It draws nothing, so
    every other ticket, and every other table, stays as it was; resolution starts after the first response, so it
    is late too and ratings follow through `_ratings`."""
    monday, sunday = slow_week(cal)
    created = cal.days[day]
    slow = (team == SLOW_WEEK_TEAM) & (created >= np.datetime64(monday, "D")) & (created <= np.datetime64(sunday, "D"))
    return np.where(slow, SLOW_WEEK_FACTOR, 1.0)


def _customers_of(
    rng: np.random.Generator, cal: Calendar, customers: pd.DataFrame, day: IntArray, linked_share: float
) -> tuple[StrArray, StrArray]:
    """A customer who had signed up by that day for most items (their region's team serves them), else nobody."""
    ordered = customers.sort_values("signed_up_on", kind="stable")
    signup = ordered["signed_up_on"].to_numpy().astype("datetime64[D]")
    known = np.searchsorted(signup, cal.days[day], side="right")
    pick = (rng.random(len(day)) * known).astype(np.int64)
    linked = (known > 0) & (rng.random(len(day)) < linked_share)
    customer = np.full(len(day), None, dtype=object)
    customer[linked] = ordered["customer_id"].to_numpy()[np.minimum(pick, len(ordered) - 1)][linked]
    anonymous_team = choice(rng, TEAMS, TEAM_SHARE, len(day))
    team = np.where(linked, ordered["team"].to_numpy()[np.minimum(pick, len(ordered) - 1)], anonymous_team)
    return customer.astype(object), team.astype(object)


def _ratings(rng: np.random.Generator, frame: pd.DataFrame, speed: FloatArray) -> FloatArray:
    """A third of resolved tickets get rated, worse when resolution took long."""
    hours = (frame["resolved_at"] - frame["created_at"]).dt.total_seconds().to_numpy() / 3600
    mood = frame["team"].map(TEAM_MOOD).to_numpy(dtype=float)
    score = 4.4 - 0.35 * np.log1p(np.nan_to_num(hours) / 24) + 0.3 * (speed - 1) + mood
    score = np.clip(np.round(score + rng.normal(0, 0.8, len(frame))), 1, 5)
    rated = ~np.isnan(hours) & (rng.random(len(frame)) < 0.35)
    return np.where(rated, score, np.nan)


def surveys(
    cal: Calendar, customers: pd.DataFrame, tickets: pd.DataFrame, engagement: pd.DataFrame | None = None
) -> pd.DataFrame:
    """NPS answers from e-mail and in-app surveys, the CSAT ratings of support tickets, and the employees'
    engagement answers (made by `people`)."""
    rng = rng_for(cal.seed, "surveys")
    day = poisson_days(rng, 3.0 * 1.3**cal.years)
    customer, team = _customers_of(rng, cal, customers, day, linked_share=1.0)
    nps = pd.DataFrame(
        {
            "answered_on": cal.days[day],
            "kind": "nps",
            "score": _nps_scores(rng, cal.years[day], team),
            "channel": choice(rng, ("email", "in_app"), (0.6, 0.4), len(day)),
            "team": team,
            "customer_id": customer,
        }
    )
    rated = tickets[tickets["csat"].notna()]
    csat = pd.DataFrame(
        {
            "answered_on": rated["resolved_at"].dt.floor("D").to_numpy(),
            "kind": "csat",
            "score": rated["csat"].to_numpy(),
            "channel": "support",
            "team": rated["team"].to_numpy(),
            "customer_id": rated["customer_id"].to_numpy(),
        }
    )
    parts = [nps, csat] if engagement is None or engagement.empty else [nps, csat, engagement]
    frame = pd.concat(parts, ignore_index=True).sort_values(["answered_on", "kind"], kind="stable")
    frame["response_id"] = ids("R", len(frame))
    return frame.reset_index(drop=True)


def _nps_scores(rng: np.random.Generator, years: FloatArray, team: StrArray) -> IntArray:
    """Promoters grow as the product matures; APAC is harder to please."""
    apac = team == "APAC"
    promoter = np.clip(0.42 + 0.04 * years - 0.08 * apac, 0, 1)
    detractor = np.clip(0.22 - 0.02 * years + 0.05 * apac, 0, 1)
    u = rng.random(len(years))
    low = rng.choice(7, size=len(years), p=np.array([1, 1, 1, 2, 3, 5, 7]) / 20)
    return np.where(
        u < promoter,
        rng.integers(9, 11, len(years)),
        np.where(u < promoter + detractor, low, rng.integers(7, 9, len(years))),
    ).astype(np.int64)
