"""Paid advertising: which campaigns run when, what they cost, and what the platforms report back."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kpilot.demo._common import CHANNELS, SHOP_MONTHS, BoolArray, Calendar, IntArray, allocate, money, rng_for

AD_CHANNELS = ("google_ads", "meta", "linkedin", "tiktok", "microsoft_ads")
COST_PER_CLICK = {"google_ads": 0.9, "meta": 0.6, "linkedin": 4.5, "tiktok": 0.6, "microsoft_ads": 0.75}
CLICK_RATE = {"google_ads": 0.045, "meta": 0.012, "linkedin": 0.006, "tiktok": 0.008, "microsoft_ads": 0.035}
OVER_ATTRIBUTION = 0.12  # platforms also claim view-through purchases, so they report more than the shop sees


@dataclass(frozen=True)
class CampaignSpec:
    channel: str
    name: str  # "{year}" is replaced for campaigns that are set up again every year
    months: tuple[int, ...]  # months in which it runs; Black Friday campaigns use BLACK_FRIDAY_MONTHS
    budget: float  # share of the channel's budget
    roas: float  # return on ad spend it achieves, relative to the channel's average
    lead_weight: float  # how much it collects B2B leads


ALL_YEAR = tuple(range(1, 13))
BLACK_FRIDAY_MONTHS = (11,)
CAMPAIGNS = (
    CampaignSpec("google_ads", "google_search_brand", ALL_YEAR, 0.22, 8.0, 0.2),
    CampaignSpec("google_ads", "google_search_generic", ALL_YEAR, 0.38, 2.4, 0.6),
    CampaignSpec("google_ads", "google_shopping", ALL_YEAR, 0.40, 3.8, 0.0),
    CampaignSpec("google_ads", "google_black_friday_{year}", BLACK_FRIDAY_MONTHS, 0.9, 5.0, 0.0),
    CampaignSpec("meta", "meta_retargeting", ALL_YEAR, 0.30, 6.0, 0.0),
    CampaignSpec("meta", "meta_prospecting_{year}", (2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12), 0.45, 2.2, 0.1),
    CampaignSpec("meta", "meta_video_views_{year}", (6, 7, 8, 9, 10), 0.45, 0.35, 0.0),  # burns money
    CampaignSpec("meta", "meta_black_friday_{year}", BLACK_FRIDAY_MONTHS, 0.8, 4.5, 0.0),
    CampaignSpec("linkedin", "linkedin_leadgen_smb", ALL_YEAR, 0.6, 1.0, 1.0),
    CampaignSpec("linkedin", "linkedin_abm_enterprise", ALL_YEAR, 0.4, 0.6, 0.7),
    CampaignSpec("tiktok", "tiktok_spark_ads", ALL_YEAR, 0.45, 2.0, 0.0),
    CampaignSpec("tiktok", "tiktok_awareness_{year}", (3, 4, 5, 6, 7, 8, 9), 0.55, 0.3, 0.0),  # burns money
    CampaignSpec("microsoft_ads", "bing_search_generic", ALL_YEAR, 1.0, 1.0, 0.4),
)
CHANNEL_ROAS = {"google_ads": 4.2, "meta": 3.0, "linkedin": 0.4, "tiktok": 1.3, "microsoft_ads": 3.2}
CHANNEL_BUDGET = {"google_ads": 700.0, "meta": 450.0, "linkedin": 320.0, "tiktok": 160.0, "microsoft_ads": 90.0}


def campaign_grid(cal: Calendar, orders: pd.DataFrame) -> pd.DataFrame:
    """One row per day and running campaign with its spend and its weights for purchases and leads.

    Budgets follow the season; each channel's level is then set so that its average ROAS is CHANNEL_ROAS given the
    purchases the shop attributes to it, so campaigns land near their intended ROAS whatever the date range.
    """
    rng = rng_for(cal.seed, "campaigns")
    months, years = cal.month, cal.days.astype("datetime64[Y]").astype(np.int64) + 1970
    black_friday = _black_friday_window(cal)
    season = 1 + 0.6 * (cal.seasonality(SHOP_MONTHS) - 1)
    parts = []
    for spec in CAMPAIGNS:
        running = black_friday if spec.months == BLACK_FRIDAY_MONTHS else np.isin(months, spec.months)
        day = np.flatnonzero(running)
        budget = CHANNEL_BUDGET[spec.channel] * spec.budget * 1.3 ** cal.years[day] * season[day]
        parts.append(
            pd.DataFrame(
                {
                    "day_index": day,
                    "channel": spec.channel,
                    "campaign": [spec.name.format(year=y) for y in years[day]],
                    "spend": budget * rng.lognormal(0, 0.12, len(day)),
                    "roas": spec.roas * rng.lognormal(0, 0.15, len(day)),
                    "lead_weight": spec.lead_weight,
                }
            )
        )
    grid = pd.concat(parts, ignore_index=True)
    revenue = orders[orders["status"].ne("cancelled")].groupby("channel")["amount"].sum()
    for channel in AD_CHANNELS:
        rows = grid["channel"].eq(channel)
        spend = float(grid.loc[rows, "spend"].sum())
        claimed = float(revenue.get(channel, 0.0)) * (1 + OVER_ATTRIBUTION)
        if claimed > 1000 and spend > 0:  # too few purchases to calibrate on: keep the nominal budgets
            grid.loc[rows, "spend"] *= claimed / (CHANNEL_ROAS[channel] * spend)
    grid["spend"] = money(grid["spend"].to_numpy())
    grid["group"] = group_key(grid["day_index"].to_numpy(), grid["channel"])
    return grid.sort_values(["day_index", "channel", "campaign"], ignore_index=True)


def _black_friday_window(cal: Calendar) -> BoolArray:
    """Ten days before Black Friday to Cyber Monday."""
    boosted = cal.black_friday(2.0) > 1
    window = boosted.copy()
    for shift in range(1, 11):
        window[:-shift] |= boosted[shift:]
    return window


def group_key(day_index: IntArray, channel: pd.Series) -> IntArray:
    """A single integer per (day, channel) for `allocate`."""
    codes = {name: i for i, name in enumerate(CHANNELS)}
    return day_index.astype(np.int64) * 16 + channel.map(codes).to_numpy(dtype=np.int64)


def ad_performance(cal: Calendar, grid: pd.DataFrame, orders: pd.DataFrame, leads: pd.DataFrame) -> pd.DataFrame:
    """What the ad platforms know: spend, clicks, impressions, the purchases they claim, the leads they collected."""
    rng = rng_for(cal.seed, "ads")
    frame = grid.copy()
    claimed = orders[orders["status"].ne("cancelled") & orders["channel"].isin(AD_CHANNELS)]
    extra = claimed[rng.random(len(claimed)) < OVER_ATTRIBUTION]
    claimed = pd.concat([claimed, extra], ignore_index=True)
    row = allocate(
        rng,
        frame["group"].to_numpy(),
        (frame["spend"] * frame["roas"]).to_numpy(dtype=float),
        group_key(claimed["day_index"].to_numpy(), claimed["channel"]),
    )
    hit = row >= 0
    frame["conversions"] = np.bincount(row[hit], minlength=len(frame))
    frame["conversion_value"] = money(np.bincount(row[hit], claimed["amount"].to_numpy()[hit], minlength=len(frame)))
    cpc = frame["channel"].map(COST_PER_CLICK).to_numpy(dtype=float) * rng.lognormal(0, 0.1, len(frame))
    frame["clicks"] = rng.poisson(frame["spend"].to_numpy() / cpc)
    ctr = frame["channel"].map(CLICK_RATE).to_numpy(dtype=float) * rng.lognormal(0, 0.1, len(frame))
    frame["impressions"] = frame["clicks"] + rng.poisson(frame["clicks"].to_numpy() / ctr)
    per_campaign = leads.dropna(subset=["campaign"]).groupby(["day_index", "campaign"]).size()
    keys = pd.MultiIndex.from_frame(frame[["day_index", "campaign"]])
    frame["leads"] = per_campaign.reindex(keys).fillna(0).to_numpy(dtype=np.int64)
    frame["day"] = cal.days[frame["day_index"].to_numpy()]
    return frame


def connector_gaps(cal: Calendar, frame: pd.DataFrame) -> pd.DataFrame:
    """What the connector delivered of the ad data: the Microsoft Ads connector missed a few days, and LinkedIn
    and TikTok report a day late, so the last day has no rows for them yet."""
    rng = rng_for(cal.seed, "ad-gaps")
    missed = rng.choice(cal.n, size=min(3, cal.n // 30), replace=False)
    drop = frame["channel"].eq("microsoft_ads") & frame["day_index"].isin(missed)
    drop |= frame["channel"].isin(["linkedin", "tiktok"]) & frame["day_index"].eq(cal.n - 1)
    return frame[~drop].reset_index(drop=True)
