"""The public API is what `kpilot` exports, and only that: `__all__` is pinned here, every name in it resolves, and
the Python methods refuse wrong arguments with a QueryError that names the argument."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import kpilot
from tests.api.test_results import DEFINITIONS, sales
from tests.support import make_workspace

PUBLIC = [
    "CheckResult",
    "DataError",
    "ForecastResult",
    "FormulaError",
    "Grain",
    "InternalError",
    "Issue",
    "KpilotError",
    "Language",
    "Location",
    "MatrixResult",
    "Message",
    "QueryError",
    "Request",
    "ScorecardResult",
    "Severity",
    "SuggestionResult",
    "UserError",
    "ValidationFailed",
    "WarehouseDataError",
    "WarehouseError",
    "WarehouseQueryError",
    "WarehouseUnavailable",
    "Workspace",
]


def test_all_is_the_curated_list() -> None:
    assert kpilot.__all__ == PUBLIC


def test_every_public_name_resolves_and_is_listed() -> None:
    for name in PUBLIC:
        assert getattr(kpilot, name) is not None, name
        assert name in dir(kpilot)
    with pytest.raises(AttributeError):
        kpilot.NoSuchThing  # noqa: B018


def test_result_types_are_the_ones_the_methods_return(tmp_path: Path) -> None:
    with make_workspace(tmp_path / "ws", DEFINITIONS, {"sales": sales(), "staff": {"person": ["ann"]}}) as made:
        root = made.root
    with kpilot.Workspace(root) as ws:
        assert isinstance(ws, kpilot.Workspace)
        assert type(ws.scorecard(period="2025-06")) is kpilot.ScorecardResult
        assert type(ws.forecast("revenue")) is kpilot.ForecastResult
        assert type(ws.suggest_targets("revenue", period="2025-07")) is kpilot.SuggestionResult
        assert type(ws.check()) is kpilot.CheckResult
        assert type(ws.matrix(period="2025-06")) is kpilot.MatrixResult
        assert isinstance(ws.request("revenue"), kpilot.Request)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Any:
    root = tmp_path_factory.mktemp("public") / "ws"
    make_workspace(root, DEFINITIONS, {"sales": sales(), "staff": {"person": ["ann"]}}).close()
    with kpilot.Workspace(root) as ws:
        yield ws


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda ws: ws.scorecard(period=202506), "period"),
        (lambda ws: ws.scorecard(kpis=5), "kpis"),
        (lambda ws: ws.scorecard(scope="team=a"), "scope"),
        (lambda ws: ws.scorecard(category=["sales"]), "category"),
        (lambda ws: ws.scorecard(today="June"), "today"),
        (lambda ws: ws.forecast("revenue", periods="3"), "periods"),
        (lambda ws: ws.forecast("revenue", periods=True), "periods"),
        (lambda ws: ws.forecast("revenue", history=2.5), "history"),
        (lambda ws: ws.forecast("revenue", grain="fortnight"), "grain"),
        (lambda ws: ws.forecast(None), "kpi"),
        (lambda ws: ws.suggest_targets("revenue", period="2025-07", write="everything"), "write"),
        (lambda ws: ws.suggest_targets("revenue", period="2025-07", method="magic"), "method"),
        (lambda ws: ws.suggest_targets("revenue", period=None), "period"),
        (lambda ws: ws.matrix(period=["2025-06"]), "period"),
        (lambda ws: ws.scorecard(period="2025-06").to_data("fr"), "language"),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_wrong_arguments_are_query_errors_that_name_them(workspace: Any, call: Any, field: str) -> None:
    with pytest.raises(kpilot.QueryError) as raised:
        call(workspace)
    assert raised.value.field == field
    assert field in str(raised.value)


def test_a_wrong_choice_lists_the_right_ones(workspace: Any) -> None:
    with pytest.raises(kpilot.QueryError) as raised:
        workspace.suggest_targets("revenue", period="2025-07", write="everything")
    assert raised.value.code == "api.unknown_choice"
    assert raised.value.suggestions == ("commit", "target", "stretch", "all")
    assert str(raised.value.hint) == "use one of: commit, target, stretch, all"
    with pytest.raises(kpilot.QueryError) as raised:
        workspace.matrix(period="2025-06").to_data("fr")
    assert raised.value.suggestions == ("en", "it", "pl", "zh")


def test_shorthand_periods_count_from_today(workspace: Any) -> None:
    from datetime import date

    assert workspace.matrix(period="last", today=date(2025, 7, 15)).name == "2025-06"
    assert workspace.scorecard(period="current", today=date(2025, 6, 20), kpis=["revenue"]).name == "2025-06"
