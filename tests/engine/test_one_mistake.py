"""One mistake blocks only itself: a KPI whose formula does not resolve is refused when asked for, and the others
compute; a mistake that makes every name ambiguous (a duplicate) still stops everything."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from kpilot import Workspace
from kpilot.errors import Location, QueryError, ValidationFailed
from tests.support import rows

Factory = Callable[..., Workspace]
DEFINITIONS = """
sources:
  - name: ads
    table: ads
    time: day
    measures:
      - {name: clicks, agg: sum, expr: clicks}
kpis:
  - {name: clicks, formula: clicks}
  - {name: typo, formula: clickz / 2}
  - {name: built_on_typo, formula: typo * 2}
"""
ADS = {"ads": {"day": [date(2025, 1, 5), date(2025, 2, 7)], "clicks": [10, 20]}}


def test_the_other_kpis_compute(workspace_factory: Factory) -> None:
    ws = workspace_factory(DEFINITIONS, ADS)
    assert rows(ws.compute(["clicks"])) == [(date(2025, 1, 1), 10), (date(2025, 2, 1), 20)]


@pytest.mark.parametrize("asked", [["typo"], ["clicks", "typo"]])
def test_the_broken_kpi_is_refused_where_it_is(workspace_factory: Factory, asked: list[str]) -> None:
    ws = workspace_factory(DEFINITIONS, ADS)
    with pytest.raises(QueryError) as raised:
        ws.compute(asked)
    assert raised.value.code == "engine.kpi_problem"
    assert raised.value.message.values["kpi"] == "typo"
    assert str(raised.value.message) == "KPI 'typo': unknown measure or KPI 'clickz'"
    assert raised.value.location == Location("definitions/main.yaml", 10, 27)


def test_a_kpi_built_on_the_broken_one_is_refused_too(workspace_factory: Factory) -> None:
    ws = workspace_factory(DEFINITIONS, ADS)
    with pytest.raises(QueryError, match="typo"):
        ws.compute(["built_on_typo"])


def test_validate_still_reports_it(workspace_factory: Factory) -> None:
    ws = workspace_factory(DEFINITIONS, ADS)
    messages = [str(issue.message) for issue in ws.validate()]
    assert any(m.startswith("KPI 'typo': unknown measure or KPI 'clickz'") for m in messages)


def test_a_duplicate_name_still_stops_every_computation(workspace_factory: Factory) -> None:
    ws = workspace_factory(DEFINITIONS + "  - {name: clicks, formula: clicks * 1}\n", ADS)
    with pytest.raises(ValidationFailed, match="problem"):
        ws.compute(["typo"])
