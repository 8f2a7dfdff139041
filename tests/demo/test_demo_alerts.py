"""The demo's alert rules fire on its planted problems (docs/data-model.md, "Differences to find"), evaluated as of
the session demo's day (22 November 2026: the last complete month is October): the campaign that burns money in
October (meta_video_views_2026, June to October, ROAS well below 1) and EMEA's first responses, slower in October
than in September because of its slow support week (12-18 October)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from kpilot import Workspace
from kpilot.alerts.states import Outcome
from kpilot.services.alert_checks import rules_issues
from kpilot.services.alert_eval import evaluate
from tests.demo.conftest import NOVEMBER, NOVEMBER_GROUP

pytestmark = [pytest.mark.slow, NOVEMBER_GROUP]
AT = datetime(NOVEMBER.year, NOVEMBER.month, NOVEMBER.day, 9, tzinfo=UTC)


def fired(workspace: Workspace, name: str) -> dict[str, Outcome]:
    rule = workspace.definitions.alert_rule(name)
    assert rule is not None
    found = evaluate(workspace, rule, AT)
    assert {verdict.period for verdict in found} == {"2026-10"}
    return {next(iter(verdict.scope.values())): verdict.verdict.outcome for verdict in found}


def test_the_rules_are_sound(november_demo: Workspace) -> None:
    assert [rule.name for rule in november_demo.definitions.alert_rules] == [
        "campaign_burns_money",
        "first_responses_slower",
    ]
    assert rules_issues(november_demo) == []


def test_the_failing_campaign_fires(november_demo: Workspace) -> None:
    found = fired(november_demo, "campaign_burns_money")
    assert found["meta_video_views_2026"] is Outcome.BREACH
    assert Outcome.CLEAR in found.values()  # the campaigns that pay for themselves do not


def test_the_slow_support_week_fires(november_demo: Workspace) -> None:
    found = fired(november_demo, "first_responses_slower")
    assert found["EMEA"] is Outcome.BREACH
