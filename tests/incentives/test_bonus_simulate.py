"""Simulating the sales plan of bonus_support (its 2025-Q1 amounts worked out in test_bonus_service.py: anna
3,881.25, bruno 2,306.25, dino 1,415.63, payouts 1.29375, 0.76875 and 0.94375), with scenarios and fairness."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from kpilot import Workspace
from kpilot.i18n import Language, render
from kpilot.incentives.errors import BonusRefused
from kpilot.services.bonus_data import simulation_data
from kpilot.services.bonus_fairness import ComponentShares, reach_findings
from kpilot.services.bonus_simulate import simulate
from kpilot.services.permissions import PermissionDenied
from kpilot.store import open_store
from kpilot.store.session import Store
from tests.incentives.bonus_support import AFTER_Q1, DEALS, actor, build_sales
from tests.support import load_tables

D = Decimal


@pytest.fixture
def sales(tmp_path: Path) -> Iterator[tuple[Workspace, Store]]:
    workspace = build_sales(tmp_path / "ws")
    with open_store(workspace) as store:
        yield workspace, store
    workspace.close()


def test_replaying_the_year_so_far(sales: tuple[Workspace, Store]) -> None:
    workspace, store = sales
    found = simulate(store, actor(workspace, "paula", pay=True), workspace, "sales", today=AFTER_Q1)
    q1, q2 = found.periods
    assert (q1.period, q1.accrual, q1.people, q1.paid) == ("2025-Q1", False, 3, 3)
    assert q1.total == found.total == D("7603.13")  # 3,881.25 + 2,306.25 + 1,415.63
    own, team = q1.components
    assert (own.amount, team.amount) == (D("5775.00"), D("1828.13"))  # 3,150 + 1,575 + 1,050; 731.25 * 2 + 365.63
    assert own.kpi_value == 2350.0  # the company's revenue
    assert own.share_of_kpi == D("5775.00") / D("2350.0")
    # Q2 is running (10 April): its accrual reads projections, and Q2 has no targets, so it costs nothing.
    assert (q2.period, q2.accrual, q2.total) == ("2025-Q2", True, D("0.00"))
    assert found.accrual == D("0.00")
    # p10 / p50 / p90 by nearest rank over three payouts: the 1st, 2nd and 3rd.
    assert [found.percentile(p) for p in (0.1, 0.5, 0.9)] == [D("0.76875"), D("0.94375"), D("1.29375")]
    shares = {share.component: share for share in found.shares}
    assert shares["own_revenue"].reached_target == D(2) / D(3)  # anna 110 %, dino 100 %; bruno 90 %
    assert shares["own_revenue"].at_cap == shares["own_revenue"].below_threshold == 0
    assert shares["team_revenue"].reached_target == 0  # EMEA 92.5 %
    assert found.findings == ()  # three readings per component are too few to judge how many reach target


def test_reach_is_flagged_from_five_readings() -> None:
    def shares(readings: int, reached: str) -> ComponentShares:
        return ComponentShares("c", readings, D(0), D(0), D(reached))

    codes = [
        [f.message.code for f in reach_findings([shares(n, r)])]
        for n, r in ((4, "0"), (5, "0.19"), (5, "0.2"), (5, "0.81"))
    ]
    assert codes == [
        [],
        ["incentives.simulate.fair.too_few_reach"],
        [],  # 20 % is not fewer than 20 %
        ["incentives.simulate.fair.too_many_reach"],
    ]


def test_revenue_up_ten_percent(sales: tuple[Workspace, Store]) -> None:
    # anna 1,210 / 1,000 -> capped at 2.0; bruno 495 / 500 = 99 % -> 0.975; dino 330 / 300 = 110 % -> 1.5;
    # EMEA 2,035 / 2,000 = 101.75 % -> 1.0875, team part 0.32625
    # anna (1.4 + 0.32625) * 3,000 = 5,178.75; bruno (0.6825 + 0.32625) * 3,000 = 3,026.25;
    # dino (1.05 + 0.32625) * 1,500 = 2,064.375 -> 2,064.38; total 10,269.38
    workspace, store = sales
    found = simulate(
        store, actor(workspace, "paula", pay=True), workspace, "sales", scenario="revenue+10%", today=AFTER_Q1
    )
    assert found.periods[0].total == D("10269.38")
    assert {share.component: share.at_cap for share in found.shares}["own_revenue"] == D(1) / D(3)


def test_a_higher_threshold(sales: tuple[Workspace, Store]) -> None:
    # At 95 % bruno (90 %) and the team (92.5 %) pay nothing: anna 0.7 * 1.5 * 3,000 = 3,150; dino 0.7 * 1,500 = 1,050
    workspace, store = sales
    found = simulate(
        store, actor(workspace, "paula", pay=True), workspace, "sales", scenario="threshold=95%", today=AFTER_Q1
    )
    assert found.periods[0].total == D("4200.00")


def test_a_target_history_says_is_out_of_reach(sales: tuple[Workspace, Store]) -> None:
    # anna's 2024 quarters: 500, 600, 550, 580; her Q1 target of 1,000 is above 600 * 1.1 = 660.
    workspace, store = sales
    more = {key: [*values] for key, values in DEALS.items()}
    for day, amount in (
        (date(2024, 2, 1), 500),
        (date(2024, 5, 1), 600),
        (date(2024, 8, 1), 550),
        (date(2024, 11, 1), 580),
    ):
        for key, value in (("day", day), ("team", "EMEA"), ("owner", "anna"), ("amount", amount), ("days", 5)):
            more[key].append(value)
    load_tables(workspace, {"deals": more})
    workspace.forget_answers()
    found = simulate(store, actor(workspace, "paula", pay=True), workspace, "sales", today=AFTER_Q1)
    flags = [f for f in found.findings if f.message.code == "incentives.simulate.fair.out_of_reach"]
    # Anna's own target, and EMEA's (2,000 against the same 600: EMEA's 2024 is anna's), named once for the team.
    assert [(flag.component, flag.person, flag.message.values["best"]) for flag in flags] == [
        ("own_revenue", "anna@acme.example", 600.0),
        ("team_revenue", "anna@acme.example", 600.0),
    ]
    assert "for owner=anna in 2025-Q1 (1,000)" in render(flags[0].message, Language.EN)


def test_scenarios_and_who_may_simulate(sales: tuple[Workspace, Store]) -> None:
    workspace, store = sales
    paula = actor(workspace, "paula", pay=True)
    for text, code in (
        ("revenue*2", "incentives.simulate.bad_scenario"),
        ("margin+5%", "incentives.simulate.kpi_not_in_plan"),
    ):
        with pytest.raises(BonusRefused) as refused:
            simulate(store, paula, workspace, "sales", scenario=text, today=AFTER_Q1)
        assert refused.value.code == code
    with pytest.raises(PermissionDenied):
        simulate(store, actor(workspace, "paula"), workspace, "sales", today=AFTER_Q1)  # no compensation permission


def test_as_data(sales: tuple[Workspace, Store]) -> None:
    workspace, store = sales
    found = simulate(store, actor(workspace, "paula", pay=True), workspace, "sales", today=AFTER_Q1)
    data = json.loads(json.dumps(simulation_data(found)))  # plain JSON: money as decimal text
    assert (data["total"], data["accrual"]) == ("7603.13", "0.00")
    assert data["payouts"] == {"count": 3, "p10": "0.76875", "p50": "0.94375", "p90": "1.29375"}
    assert data["periods"][0]["components"][0]["amount"] == "5775.00"
    assert data["findings"] == []
