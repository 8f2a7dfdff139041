"""Website analytics: sessions driven by ad clicks and by the shop's own traffic, purchases matching the orders."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from kpilot.demo._common import CHANNELS, Calendar, FloatArray, allocate, rng_for
from kpilot.demo.marketing import AD_CHANNELS, group_key

PAGES = ("/", "/products", "/blog", "/pricing", "/deals")
DEVICES = ("desktop", "mobile", "tablet")


class Source(NamedTuple):
    source: str
    medium: str
    channel: str
    share: float  # of the channel's sessions
    devices: tuple[float, float, float]
    pages: tuple[float, float, float, float, float]


SOURCES = (
    Source("google", "cpc", "google_ads", 1.0, (0.45, 0.5, 0.05), (0.15, 0.6, 0.05, 0.1, 0.1)),
    Source("bing", "cpc", "microsoft_ads", 1.0, (0.7, 0.25, 0.05), (0.2, 0.55, 0.05, 0.1, 0.1)),
    Source("facebook", "paid_social", "meta", 0.6, (0.2, 0.75, 0.05), (0.1, 0.55, 0.05, 0.05, 0.25)),
    Source("instagram", "paid_social", "meta", 0.4, (0.1, 0.87, 0.03), (0.1, 0.55, 0.05, 0.05, 0.25)),
    Source("linkedin", "paid_social", "linkedin", 1.0, (0.6, 0.38, 0.02), (0.1, 0.1, 0.2, 0.6, 0.0)),
    Source("tiktok", "paid_social", "tiktok", 1.0, (0.05, 0.93, 0.02), (0.1, 0.6, 0.05, 0.0, 0.25)),
    Source("newsletter", "email", "email", 1.0, (0.45, 0.5, 0.05), (0.1, 0.4, 0.15, 0.05, 0.3)),
    Source("google", "organic", "organic", 0.85, (0.5, 0.45, 0.05), (0.3, 0.25, 0.35, 0.1, 0.0)),
    Source("bing", "organic", "organic", 0.15, (0.7, 0.27, 0.03), (0.3, 0.25, 0.35, 0.1, 0.0)),
    Source("instagram", "social", "social", 0.6, (0.1, 0.88, 0.02), (0.4, 0.3, 0.2, 0.0, 0.1)),
    Source("linkedin", "social", "social", 0.4, (0.6, 0.38, 0.02), (0.3, 0.1, 0.3, 0.3, 0.0)),
    Source("techreviews.example", "referral", "referral", 1.0, (0.55, 0.42, 0.03), (0.1, 0.6, 0.2, 0.1, 0.0)),
    Source("(direct)", "(none)", "direct", 1.0, (0.5, 0.45, 0.05), (0.6, 0.2, 0.05, 0.1, 0.05)),
)
CONVERSION_RATE = {"email": 0.045, "organic": 0.022, "social": 0.008, "referral": 0.025, "direct": 0.035}
BOUNCE = {"cpc": 0.45, "paid_social": 0.58, "email": 0.35, "organic": 0.48, "social": 0.6, "referral": 0.4}
NEW_USERS = {"cpc": 0.72, "paid_social": 0.8, "email": 0.15, "organic": 0.62, "social": 0.55, "referral": 0.7}
PAGE_BOUNCE = (0.0, -0.03, 0.15, -0.05, -0.05)
PAGE_CTA = (0.06, 0.12, 0.04, 0.25, 0.18)
PAGE_BUYING = (1.0, 1.5, 0.4, 0.6, 1.6)
DEVICE_BUYING = (1.3, 0.8, 1.0)
LANDED = 0.88  # share of ad clicks that become a session (the rest bounce before the page loads)


def web_sessions(cal: Calendar, ads: pd.DataFrame, orders: pd.DataFrame) -> pd.DataFrame:
    rng = rng_for(cal.seed, "web")
    channel_sessions = _channel_sessions(cal, ads, orders)
    frame = _cells(cal, channel_sessions)
    frame["sessions"] = rng.poisson(frame["expected"].to_numpy())
    frame = frame[frame["sessions"] > 0].reset_index(drop=True)
    _behaviour(rng, frame)
    _purchases(rng, frame, orders)
    outage = rng.choice(cal.n - 1, size=min(2, cal.n // 60), replace=False)  # tracking was broken on two days
    frame = frame[~frame["day_index"].isin(outage)]
    frame = frame.assign(day=cal.days[frame["day_index"].to_numpy()])
    return frame.reset_index(drop=True)


def _channel_sessions(cal: Calendar, ads: pd.DataFrame, orders: pd.DataFrame) -> FloatArray:
    """Expected sessions per day (rows) and channel (columns, as CHANNELS): paid ones from ad clicks, the others
    from the orders they bring at their usual conversion rate."""
    result = np.zeros((cal.n, len(CHANNELS)))
    clicks = ads.groupby(["day_index", "channel"])["clicks"].sum().unstack(fill_value=0)
    counts = orders.groupby(["day_index", "channel"]).size().unstack(fill_value=0)
    for j, channel in enumerate(CHANNELS):
        if channel in AD_CHANNELS:
            if channel in clicks:
                result[clicks.index.to_numpy(), j] = LANDED * clicks[channel].to_numpy()
            continue
        daily = np.zeros(cal.n)
        if channel in counts:
            daily[counts.index.to_numpy()] = counts[channel].to_numpy()
        smooth = pd.Series(daily).rolling(7, min_periods=1, center=True).mean().to_numpy()
        result[:, j] = (0.5 * daily + 0.5 * smooth + 0.3) / CONVERSION_RATE[channel]
    result[-1] *= 0.55  # analytics still processing the last day
    return result


def _cells(cal: Calendar, channel_sessions: FloatArray) -> pd.DataFrame:
    """Expected sessions per day, source, device and landing page; weekends shift to mobile."""
    weekend = cal.weekday >= 5
    parts = []
    for source in SOURCES:
        total = channel_sessions[:, CHANNELS.index(source.channel)] * source.share
        devices = np.tile(source.devices, (cal.n, 1)) * np.where(weekend[:, None], (0.75, 1.25, 1.0), 1.0)
        devices /= devices.sum(axis=1, keepdims=True)
        for d, device in enumerate(DEVICES):
            for p, page in enumerate(PAGES):
                if source.pages[p] == 0:
                    continue
                parts.append(
                    pd.DataFrame(
                        {
                            "day_index": np.arange(cal.n),
                            "source": source.source,
                            "medium": source.medium,
                            "channel": source.channel,
                            "device": device,
                            "landing_page": page,
                            "device_index": d,
                            "page_index": p,
                            "expected": total * devices[:, d] * source.pages[p],
                        }
                    )
                )
    return pd.concat(parts, ignore_index=True)


def _behaviour(rng: np.random.Generator, frame: pd.DataFrame) -> None:
    sessions = frame["sessions"].to_numpy()
    page, device = frame["page_index"].to_numpy(), frame["device_index"].to_numpy()
    medium = frame["medium"]
    bounce_rate = medium.map(BOUNCE).fillna(0.38).to_numpy() + np.asarray(PAGE_BOUNCE)[page] + 0.05 * (device == 1)
    bounces = rng.binomial(sessions, np.clip(bounce_rate, 0.05, 0.95))
    engaged = sessions - bounces
    frame["bounces"] = bounces
    frame["entrances"] = sessions - rng.binomial(sessions, 0.01)  # a few sessions continue from the day before
    frame["pageviews"] = sessions + rng.poisson(engaged * 2.6)
    frame["duration_seconds"] = np.round(bounces * 8 + engaged * 175 * rng.lognormal(0, 0.15, len(frame)))
    frame["cta_clicks"] = rng.binomial(engaged, np.asarray(PAGE_CTA)[page])
    frame["new_users"] = rng.binomial(sessions, medium.map(NEW_USERS).fillna(0.3).to_numpy())


def _purchases(rng: np.random.Generator, frame: pd.DataFrame, orders: pd.DataFrame) -> None:
    """Each order lands in a session row of its day and channel; ad blockers hide about 7 % of them."""
    tracked = orders[rng.random(len(orders)) >= 0.07]
    weights = (
        frame["sessions"].to_numpy()
        * np.asarray(PAGE_BUYING)[frame["page_index"].to_numpy()]
        * np.asarray(DEVICE_BUYING)[frame["device_index"].to_numpy()]
    )
    row = allocate(
        rng,
        group_key(frame["day_index"].to_numpy(), frame["channel"]),
        weights.astype(float),
        group_key(tracked["day_index"].to_numpy(), tracked["channel"]),
    )
    hit = row >= 0
    frame["transactions"] = np.bincount(row[hit], minlength=len(frame))
    frame["transaction_revenue"] = np.round(
        np.bincount(row[hit], tracked["amount"].to_numpy(dtype=float)[hit], minlength=len(frame)), 2
    )
