"""`explain` on the demo names the campaigns that burn money (docs/data-model.md, "Differences to find": the
`meta_video_views_*` and `tiktok_awareness_*` campaigns have a ROAS well below 1) as the main cause of ROAS falling
in the month each starts: June (meta_video_views, June to October) and March (tiktok_awareness, March to
September); and its slow support week (EMEA short-staffed in 2026-W42) as the main cause of the first response
time rising, that week and in October."""

from __future__ import annotations

import math
from datetime import date, timedelta

import pandas as pd
import pytest

from kpilot import Workspace
from kpilot.analysis.anomalies import Side
from kpilot.analysis.change import Contribution
from kpilot.auth.actor import Actor
from kpilot.demo._common import Calendar as DemoCalendar
from kpilot.demo.generator import generate
from kpilot.demo.service import slow_week
from kpilot.engine.periods import Grain
from kpilot.i18n import Language, render
from kpilot.services.anomalies import anomalies
from kpilot.services.explain import Explanation, Method, Versus, explain, headline
from tests.demo.conftest import NOVEMBER, NOVEMBER_GROUP

pytestmark = [pytest.mark.slow, NOVEMBER_GROUP]


@pytest.mark.parametrize(
    ("period", "campaign"), [("2026-06", "meta_video_views_2026"), ("2026-03", "tiktok_awareness_2026")]
)
def test_the_failing_campaign_is_named_as_the_main_cause(november_demo: Workspace, period: str, campaign: str) -> None:
    (found,) = explain(None, Actor.operator(), november_demo, "roas", period=period, by=["campaign"], today=NOVEMBER)
    change = found.change
    assert change.change is not None
    assert change.change < 0  # ROAS fell
    starting = next(part for part in change.contributions if part.member == campaign)
    assert starting.presence.value == "new"  # it began that month
    assert starting.after is not None
    assert starting.after < 1  # burns money
    largest = max(change.contributions, key=lambda part: -(part.rate + part.mix))  # the most negative part
    assert largest.member == campaign
    sentence = render(headline(found), Language.EN)
    assert sentence.startswith("Return on ad spend (ROAS) fell ")
    assert f"because {campaign} began" in sentence.split(":", 1)[1].split(",")[0]  # named first


# The slow support week (docs/data-model.md, "Differences to find"): EMEA's first responses take four times longer
# in the week from the second Monday of the last complete month, 12 to 18 October 2026 (ISO week 42) for a demo
# built on 22 November 2026.
SLOW_WEEK, WEEK_BEFORE = ("2026-10-12", "2026-10-19"), ("2026-10-05", "2026-10-12")
OCTOBER, SEPTEMBER = ("2026-10-01", "2026-11-01"), ("2026-09-01", "2026-10-01")


@pytest.mark.parametrize(
    ("end", "monday"),
    [
        (date(2026, 11, 21), date(2026, 10, 12)),  # 1 October 2026 is a Thursday: Mondays 5 and 12
        (date(2026, 10, 31), date(2026, 10, 12)),  # the last day closes October: October is complete
        (date(2026, 3, 15), date(2026, 2, 9)),  # 1 February 2026 is a Sunday: Mondays 2 and 9
        (date(2026, 7, 1), date(2026, 6, 8)),  # 1 June 2026 is a Monday: the second is the 8th
    ],
)
def test_the_slow_week_is_the_second_week_of_the_last_complete_month(end: date, monday: date) -> None:
    assert slow_week(DemoCalendar(date(2026, 1, 1), end, seed=7)) == (monday, monday + timedelta(days=6))


@pytest.fixture(scope="module")
def tickets(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    """The demo's support tickets read from the Parquet files `kpilot demo` writes: the reference the explanations
    are checked against, computed with pandas and not through kpilot."""
    paths = generate(tmp_path_factory.mktemp("parquet"), today=NOVEMBER)
    frame = pd.read_parquet(paths["support_tickets"])
    answered = frame[frame["first_response_at"].notna()].copy()
    answered["hours"] = (answered["first_response_at"] - answered["created_at"]).dt.total_seconds() / 3600
    return answered


def _mean_hours(tickets: pd.DataFrame, days: tuple[str, str], team: str | None = None) -> float:
    """The mean first-response hours of the tickets created in [first, end) (of `team`, or of all)."""
    inside = (tickets["created_at"] >= days[0]) & (tickets["created_at"] < days[1])
    if team is not None:
        inside &= tickets["team"] == team
    return float(tickets.loc[inside, "hours"].mean())


def _response_time(workspace: Workspace, period: str) -> Explanation:
    (found,) = explain(
        None,
        Actor.operator(),
        workspace,
        "first_response_time",
        period=period,
        versus=Versus.PREVIOUS,
        by=["team"],
        today=NOVEMBER,
    )
    return found


def _most_unfavourable(found: Explanation) -> Contribution:
    """The part that raised the response time most (higher is worse: the KPI's direction is down)."""
    return max(found.change.contributions, key=lambda part: part.rate + part.mix + part.unshared)


def test_the_slow_week_is_week_42_and_emea_is_its_cause(november_demo: Workspace, tickets: pd.DataFrame) -> None:
    found = _response_time(november_demo, "2026-W42")
    assert (found.period, found.grain, found.compared) == (date(2026, 10, 12), Grain.WEEK, date(2026, 10, 5))
    assert found.change.before == pytest.approx(_mean_hours(tickets, WEEK_BEFORE))
    assert found.change.after == pytest.approx(_mean_hours(tickets, SLOW_WEEK))
    assert found.change.change is not None
    assert found.change.change > 0  # the time rose
    emea = _most_unfavourable(found)
    assert emea.member == "EMEA"
    before, after = _mean_hours(tickets, WEEK_BEFORE, "EMEA"), _mean_hours(tickets, SLOW_WEEK, "EMEA")
    assert emea.before == pytest.approx(before)
    assert emea.after == pytest.approx(after)
    assert 3 < after / before < 5.5  # about four times longer than the week before
    assert render(headline(found), Language.EN).startswith("First response time rose ")


def test_emea_is_the_main_cause_of_october(november_demo: Workspace, tickets: pd.DataFrame) -> None:
    found = _response_time(november_demo, "2026-10")
    assert found.change.change is not None
    assert found.change.change > 0
    emea = _most_unfavourable(found)
    assert emea.member == "EMEA"
    assert emea.before == pytest.approx(_mean_hours(tickets, SEPTEMBER, "EMEA"))
    assert emea.after == pytest.approx(_mean_hours(tickets, OCTOBER, "EMEA"))
    # Without its slow week, EMEA's October would have been faster than its September: the week is the cause.
    october = tickets[(tickets["created_at"] >= OCTOBER[0]) & (tickets["created_at"] < OCTOBER[1])]
    outside_week = october[(october["created_at"] < SLOW_WEEK[0]) | (october["created_at"] >= SLOW_WEEK[1])]
    assert _mean_hours(outside_week, OCTOBER, "EMEA") < _mean_hours(tickets, SEPTEMBER, "EMEA")


@pytest.mark.parametrize(
    ("period", "days", "compared"), [("2026-W42", SLOW_WEEK, WEEK_BEFORE), ("2026-10", OCTOBER, SEPTEMBER)]
)
def test_the_headline_names_emea_first(
    november_demo: Workspace, tickets: pd.DataFrame, period: str, days: tuple[str, str], compared: tuple[str, str]
) -> None:
    """The average is split as sum / count (Method.RATIO): EMEA's own mean rising is the first part named, and the
    hours are written as the tables write them (one decimal, `h`), here from the pandas means."""
    found = _response_time(november_demo, period)
    assert found.method is Method.RATIO
    assert math.fsum(part.total for part in found.change.contributions) == pytest.approx(found.change.change)
    sentence = render(headline(found), Language.EN)
    before, after = _mean_hours(tickets, compared), _mean_hours(tickets, days)
    assert sentence.startswith(
        f"First response time rose {after - before:.1f} h, from {before:.1f} h to {after:.1f} h: "
    )
    assert sentence.split(":", 1)[1].lstrip().split(",")[0].endswith(" h because it rose within EMEA")


def test_anomalies_flag_emea_in_its_slow_week(november_demo: Workspace, tickets: pd.DataFrame) -> None:
    start, grain, found = anomalies(
        None, Actor.operator(), november_demo, ["first_response_time"], period="2026-W42", by=["team"], today=NOVEMBER
    )
    assert (start, grain) == (date(2026, 10, 12), Grain.WEEK)
    flagged = {item.found.member: item.found for item in found if item.dimension == "team"}
    assert set(flagged) == {"EMEA"}  # only the short-staffed team
    assert flagged["EMEA"].side is Side.ABOVE
    assert flagged["EMEA"].value == pytest.approx(_mean_hours(tickets, SLOW_WEEK, "EMEA"))
