"""`explain` over a workspace (services.explain, `kpilot explain`): the engine's numbers split as analysis.change
splits them, checked against the rows worked out by hand.

    day         channel  sessions  transactions  visitor
    2025-10-05  paid        100         5         a
    2025-10-09  display     100         1         b
    2025-11-03  paid         50         2         a
    2025-11-20  display     150         3         c

October: conversion 6/200 = 3%; November 5/200 = 2.5%: -0.5 points. Shares of sessions: paid 0.5 -> 0.25, display
0.5 -> 0.75; own rates: paid 5% -> 4%, display 1% -> 2%; the mean of the two months' rates is 2.75%.

    paid     rate (4% - 5%) x (0.5 + 0.25) / 2           = -0.375 points
             mix  (0.25 - 0.5) x ((5% + 4%) / 2 - 2.75%)   = -0.4375 points
    display  rate (2% - 1%) x (0.5 + 0.75) / 2           = +0.625 points
             mix  (0.75 - 0.5) x ((1% + 2%) / 2 - 2.75%)   = -0.3125 points
                                                    total = -0.5 points
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from kpilot import Workspace
from kpilot.auth.actor import Actor
from kpilot.errors import QueryError
from kpilot.i18n import Language, render
from kpilot.services.explain import Method, explain, headline
from tests.support import make_workspace, run_cli

DEFINITIONS = """\
sources:
  - name: web
    table: web
    time: day
    dimensions: [channel]
    measures:
      - {name: sessions, agg: sum, expr: sessions}
      - {name: transactions, agg: sum, expr: transactions}
      - {name: visitors, agg: count_distinct, expr: visitor}
kpis:
  - {name: conversion, label: Conversion, formula: transactions / sessions, unit: percent}
  - {name: conversion_score, formula: transactions / sessions * 100}
  - {name: orders, label: Orders, formula: transactions}
  - {name: visitors, label: Visitors, formula: visitors}
"""
WEB = {
    "day": [date(2025, 10, 5), date(2025, 10, 9), date(2025, 11, 3), date(2025, 11, 20)],
    "channel": ["paid", "display", "paid", "display"],
    "sessions": [100, 100, 50, 150],
    "transactions": [5, 1, 2, 3],
    "visitor": ["a", "b", "a", "c"],
}
TODAY = date(2026, 1, 10)
OPERATOR = Actor.operator()


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    with make_workspace(tmp_path_factory.mktemp("explain") / "ws", DEFINITIONS, {"web": WEB}) as workspace:
        yield workspace


def test_a_ratio_splits_into_rate_and_mix_as_worked_out_by_hand(web: Workspace) -> None:
    (found,) = explain(None, OPERATOR, web, "conversion", period="2025-11", today=TODAY)
    assert (found.method, found.dimension, found.compared) == (Method.RATIO, "channel", date(2025, 10, 1))
    change = found.change
    assert (change.before, change.after) == (pytest.approx(0.03), pytest.approx(0.025))
    parts = {part.member: (part.rate, part.mix) for part in change.contributions}
    assert parts["paid"] == (pytest.approx(-0.00375), pytest.approx(-0.004375))
    assert parts["display"] == (pytest.approx(0.00625), pytest.approx(-0.003125))
    assert sum(part.total for part in change.contributions) == pytest.approx(-0.005)
    assert render(headline(found), Language.EN) == (
        "Conversion fell 0.5 points, from 3% to 2.5%: 0.44 points because the share of paid moved, "
        "0.38 points because it fell within paid"
    )


def test_a_factor_scales_every_part(web: Workspace) -> None:
    """`transactions / sessions * 100`: the same split, a hundred times larger."""
    (found,) = explain(None, OPERATOR, web, "conversion_score", period="2025-11", today=TODAY)
    parts = {part.member: (part.rate, part.mix) for part in found.change.contributions}
    assert parts["paid"] == (pytest.approx(-0.375), pytest.approx(-0.4375))
    assert found.change.change == pytest.approx(-0.5)


def test_a_sum_splits_into_each_members_change(web: Workspace) -> None:
    """Orders: paid 5 -> 2 (-3), display 1 -> 3 (+2); 6 -> 5."""
    (found,) = explain(None, OPERATOR, web, "orders", period="2025-11", today=TODAY)
    assert found.method is Method.ADDITIVE
    assert {p.member: p.total for p in found.change.contributions} == {"paid": -3, "display": 2}
    assert render(headline(found), Language.EN) == "Orders fell 1, from 6 to 5: 3 less from paid"


def test_a_distinct_count_shows_members_that_do_not_add_up(web: Workspace) -> None:
    """Visitors: October a, b (2); November a, c (2). By channel paid 1 -> 1, display 1 -> 1: no change either way,
    but the KPI's own values come from the whole rows, not from the members' sum."""
    (found,) = explain(None, OPERATOR, web, "visitors", period="2025-11", today=TODAY)
    assert found.method is Method.MEMBERS
    assert (found.change.before, found.change.after) == (2, 2)


def test_last_year_and_an_unknown_dimension(web: Workspace) -> None:
    (found,) = explain(None, OPERATOR, web, "orders", period="2025-11", versus="last_year", today=TODAY)  # type: ignore[arg-type]
    assert found.compared == date(2024, 11, 1)
    assert found.change.before == 0  # no rows a year before: nothing then, everything new
    with pytest.raises(QueryError) as refused:
        explain(None, OPERATOR, web, "orders", period="2025-11", by=["planet"], today=TODAY)
    assert (refused.value.code, refused.value.field, refused.value.suggestions) == (
        "analysis.explain.unknown_dimension", "by", ("channel",)
    )  # fmt: skip


def test_the_command(web: Workspace, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "explain", "conversion", "--period", "2025-11", "-w", str(web.root))
    assert code == 0
    assert "0.44 points because the share of paid moved" in out
    assert "-0.375\u00a0points" in out  # paid's rate effect in the table (kept on one line)
    code, out, _ = run_cli(capsys, "explain", "orders", "--period", "2025-11", "--format", "json", "-w", str(web.root))
    assert '"sentence": "Orders fell 1, from 6 to 5: 3 less from paid"' in out
