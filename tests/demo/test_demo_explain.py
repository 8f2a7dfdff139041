"""`explain` on the demo names the campaigns that burn money (docs/data-model.md, "Differences to find": the
`meta_video_views_*` and `tiktok_awareness_*` campaigns have a ROAS well below 1) as the main cause of ROAS falling
in the month each starts: June (meta_video_views, June to October) and March (tiktok_awareness, March to
September)."""

from __future__ import annotations

import pytest

from kpilot import Workspace
from kpilot.auth.actor import Actor
from kpilot.i18n import Language, render
from kpilot.services.explain import explain, headline
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
