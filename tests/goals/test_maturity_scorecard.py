"""A period whose cohorts are younger than a KPI's `mature_after` is shown with its value but not judged against
its target; a mature period is judged as usual."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from kpilot import Workspace
from kpilot.engine.periods import Grain
from kpilot.goals.scorecard import scorecard
from kpilot.goals.status import Status
from tests.engine.test_maturity import DEFINITIONS, LEADS, TODAY

TARGETS = """
targets:
  - {kpi: conversion, every: month, target: 0.4}
"""


def test_an_immature_period_is_not_judged(workspace_factory: Callable[..., Workspace]) -> None:
    ws = workspace_factory(DEFINITIONS + TARGETS, {"leads": LEADS})
    (february,) = scorecard(ws, date(2025, 2, 1), Grain.MONTH, ["conversion"], today=TODAY)
    assert february.immature
    assert february.value == pytest.approx(0.5)  # 1 of 2 leads so far, by hand
    assert february.evaluation is not None
    assert february.evaluation.status is Status.IMMATURE
    assert february.evaluation.attainment is None
    assert "30 days" in str(february.evaluation.reason)
    (january,) = scorecard(ws, date(2025, 1, 1), Grain.MONTH, ["conversion"], today=TODAY)
    assert not january.immature
    assert january.evaluation is not None
    assert january.evaluation.status is Status.ACHIEVED  # 0.5 against a target of 0.4
