"""Owned media: social-media posts, marketing e-mails and published content."""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache
from importlib import resources

import numpy as np
import pandas as pd
from ruamel.yaml import YAML

from kpilot.demo._common import TEAM_SHARE, TEAMS, Calendar, IntArray, choice, ids, poisson_days, rng_for
from kpilot.demo.people import person_days
from kpilot.demo.sales import assign_people

# network: posts per weekday, followers at the epoch, yearly follower growth, reach per follower, engagement rate
NETWORKS = {
    "instagram": (0.8, 12_000, 0.45, 0.35, 0.045),
    "facebook": (0.4, 20_000, 0.05, 0.08, 0.012),
    "linkedin": (0.5, 6_000, 0.6, 0.25, 0.03),
    "tiktok": (0.5, 3_000, 1.2, 1.2, 0.06),
    "x": (0.9, 8_000, 0.0, 0.1, 0.01),
}
# campaign: unique open rate, clicks per opener, unsubscribe rate
EMAILS = {
    "newsletter": (0.31, 0.11, 0.0018),
    "promo": (0.24, 0.16, 0.0035),
    "black_friday": (0.29, 0.22, 0.004),
    "onboarding": (0.52, 0.2, 0.003),
}
# kind: pieces per weekday, typical views
CONTENT = {
    "blog": (0.4, 1_500),
    "video": (0.1, 4_000),
    "case_study": (0.05, 900),
    "webinar": (0.04, 600),
    "whitepaper": (0.015, 1_200),
}


def social_posts(cal: Calendar) -> pd.DataFrame:
    rng = rng_for(cal.seed, "social")
    weekday_factor = np.where(cal.weekday >= 5, 0.5, 1.0)
    parts = []
    for network, (rate, followers, growth, reach_rate, engagement) in NETWORKS.items():
        day = poisson_days(rng, rate * weekday_factor)
        audience = followers * (1 + growth) ** cal.years[day]
        reach = np.round(audience * reach_rate * rng.lognormal(0, 0.5, len(day))).astype(np.int64)
        if len(reach):
            reach[int(rng.integers(0, len(reach)))] *= 30  # one post went viral
        engaged = rng.binomial(reach, min(engagement, 1.0))
        parts.append(
            pd.DataFrame(
                {
                    "day_index": day,
                    "network": network,
                    "reach": reach,
                    "impressions": np.round(reach * rng.uniform(1.1, 1.6, len(day))).astype(np.int64),
                    "likes": engaged,
                    "shares": rng.binomial(engaged, 0.08),
                    "comments": rng.binomial(engaged, 0.05),
                    "clicks": rng.binomial(reach, 0.006),
                    "followers_gained": rng.binomial(reach, 0.0015),
                }
            )
        )
    frame = pd.concat(parts, ignore_index=True).sort_values(["day_index", "network"], kind="stable", ignore_index=True)
    frame["post_id"] = ids("S", len(frame))
    frame["published_on"] = cal.days[frame["day_index"].to_numpy()]
    return frame


def email_campaigns(cal: Calendar, signups_per_day: IntArray) -> pd.DataFrame:
    """A weekly newsletter, a monthly promotion, Black Friday blasts and a daily onboarding e-mail to sign-ups."""
    rng = rng_for(cal.seed, "email")
    list_size = np.round(8_000 * 1.35**cal.years * rng.lognormal(0, 0.01, cal.n)).astype(np.int64)
    day_of_month = (cal.days - cal.days.astype("datetime64[M]")).astype(np.int64) + 1
    sends = [
        ("newsletter", np.flatnonzero(cal.weekday == 1), list_size),
        ("promo", np.flatnonzero((cal.weekday == 3) & (day_of_month <= 7)), list_size),
        ("black_friday", np.flatnonzero(_black_friday_sends(cal)), list_size),
        ("onboarding", np.arange(cal.n), signups_per_day),
    ]
    parts = []
    for campaign, day, audience in sends:
        open_rate, click_rate, unsubscribe_rate = EMAILS[campaign]
        sent = audience[day]
        bounces = rng.binomial(sent, 0.012)
        delivered = sent - bounces
        unique_opens = rng.binomial(delivered, np.clip(open_rate * rng.lognormal(0, 0.08, len(day)), 0, 1))
        unique_clicks = rng.binomial(unique_opens, click_rate)
        parts.append(
            pd.DataFrame(
                {
                    "day_index": day,
                    "campaign": campaign,
                    "sent": sent,
                    "delivered": delivered,
                    "opens": unique_opens + rng.poisson(unique_opens * 0.4),
                    "unique_opens": unique_opens,
                    "clicks": unique_clicks + rng.poisson(unique_clicks * 0.25),
                    "unique_clicks": unique_clicks,
                    "unsubscribes": rng.binomial(delivered, unsubscribe_rate),
                    "bounces": bounces,
                    "complaints": rng.binomial(delivered, 0.0002),
                }
            )
        )
    frame = pd.concat(parts, ignore_index=True).sort_values(["day_index", "campaign"], kind="stable", ignore_index=True)
    frame = frame[frame["sent"] > 0].reset_index(drop=True)
    frame["campaign_id"] = ids("M", len(frame))
    frame["sent_on"] = cal.days[frame["day_index"].to_numpy()]
    return frame


def _black_friday_sends(cal: Calendar) -> np.ndarray[tuple[int], np.dtype[np.bool_]]:
    """Teaser a week before, Black Friday itself and Cyber Monday."""
    sends = np.zeros(cal.n, dtype=bool)
    for year in range(cal.start.year, cal.end.year + 1):
        first = date(year, 11, 1)
        friday = first + timedelta(days=(4 - first.weekday()) % 7 + 21)
        for day in (friday - timedelta(days=7), friday, friday + timedelta(days=3)):
            sends |= cal.days == np.datetime64(day, "D")
    return sends


@cache
def topics() -> tuple[str, ...]:
    """The titles content posts are given, from the demo's data files."""
    text = resources.files("kpilot.demo").joinpath("data", "topics.yaml").read_text(encoding="utf-8")
    return tuple(str(title) for title in YAML(typ="safe").load(text))


def content_posts(cal: Calendar, employees: pd.DataFrame) -> pd.DataFrame:
    rng = rng_for(cal.seed, "content")
    weekday_factor = np.where(cal.weekday >= 5, 0.0, 1.0)
    authors = person_days(cal, employees, "marketing")
    parts = []
    for kind, (rate, views) in CONTENT.items():
        day = poisson_days(rng, rate * weekday_factor * 1.15**cal.years)
        age = (cal.n - day).astype(float)
        seen = views * np.sqrt(np.minimum(age / 90, 1)) * rng.lognormal(0, 0.7, len(day))
        parts.append(pd.DataFrame({"day_index": day, "kind": kind, "views": np.round(seen).astype(np.int64)}))
    frame = pd.concat(parts, ignore_index=True).sort_values(["day_index", "kind"], kind="stable", ignore_index=True)
    n = len(frame)
    frame["team"] = choice(rng, TEAMS, TEAM_SHARE, n)
    frame["author"], _ = assign_people(rng, authors, frame["day_index"].to_numpy(), frame["team"].to_numpy())
    titles = topics()
    frame["title"] = choice(rng, titles, (1.0,) * len(titles), n)
    frame["post_id"] = ids("P", n)
    frame["published_on"] = cal.days[frame["day_index"].to_numpy()]
    return frame
