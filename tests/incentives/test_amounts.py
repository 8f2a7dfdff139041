"""From a payout fraction to money, worked out by hand: period shares, proration, one rounding, the split."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from kpilot.definitions.bonus_model import BonusPlan
from kpilot.incentives.amounts import earned, period_share, yearly_incentive
from kpilot.incentives.payout import evaluate_plan

D = Decimal


def plan(**fields: Any) -> BonusPlan:
    base: dict[str, Any] = {
        "name": "sales",
        "currency": "EUR",
        "year": 2026,
        "members": {"teams": ["EMEA"]},
        "target_incentive": {"amount": 12000},
        "components": [
            {"name": "revenue", "kpi": "revenue", "weight": 60},
            {"name": "win_rate", "kpi": "win_rate", "weight": 40},
        ],
    }
    return BonusPlan.model_validate(base | fields)


def test_quarter_weights_proration_and_the_split() -> None:
    weighted = plan(period_weights=[20, 20, 20, 40])
    assert [period_share(weighted, index) for index in range(4)] == [D("0.2"), D("0.2"), D("0.2"), D("0.4")]
    result = evaluate_plan(weighted, {"revenue": D("1"), "win_rate": D("0.9")})  # payout 0.6 + 0.4 * 0.75 = 0.9
    # 12,000 a year, Q4 weighs 40 %: 4,800; hired half-way through: 2,400; at 90 %: 2,160.00
    found = earned(weighted, result, yearly=D(12000), share=period_share(weighted, 3), proration=D("0.5"))
    assert found.period_incentive == D("4800")
    assert found.amount == D("2160.00")
    # revenue added 0.6 of the 0.9, win rate 0.3: 1,440.00 and 720.00
    assert found.parts == (("revenue", D("1440.00")), ("win_rate", D("720.00")))


def test_one_rounding_and_parts_that_add_up_to_the_cent() -> None:
    monthly = plan(pays="month", target_incentive={"amount": 10000})
    result = evaluate_plan(monthly, {"revenue": D("1"), "win_rate": D("1")})
    found = earned(monthly, result, yearly=D(10000), share=period_share(monthly, 0), proration=D(1))
    # 10,000 / 12 = 833.3333...: rounded once, to 833.33
    assert found.amount == D("833.33")
    # shares 0.6 and 0.4 of 83,333 cents: 49,999.8 and 33,333.2 -> 49,999 + 33,333 = 83,332, the cent left goes to
    # the larger remainder (0.8): 500.00 and 333.33
    assert found.parts == (("revenue", D("500.00")), ("win_rate", D("333.33")))
    assert sum(amount for _, amount in found.parts) == found.amount


def test_nothing_earned_is_zero_in_every_line() -> None:
    result = evaluate_plan(plan(), {"revenue": D("0.5"), "win_rate": D("0.5")})  # both below the threshold
    found = earned(plan(), result, yearly=D(12000), share=D("0.25"), proration=D(1))
    assert found.amount == D("0.00")
    assert found.parts == (("revenue", D("0.00")), ("win_rate", D("0.00")))


def test_share_of_base_pay() -> None:
    share = plan(target_incentive={"share_of_base_pay": 0.15})
    assert yearly_incentive(share, D(60000)) == D("9000.00")
    assert yearly_incentive(share, None) is None  # no base pay recorded: the run says so
    assert yearly_incentive(plan(), None) == D(12000)


def test_a_multiplying_plan_splits_by_each_sections_share() -> None:
    multiplied = plan(
        components=[],
        combine="multiply",
        sections=[
            {"name": "company", "components": [{"name": "margin", "kpi": "gross_margin", "scope": "company"}]},
            {
                "name": "individual",
                "components": [
                    {"name": "revenue", "kpi": "revenue", "weight": 50},
                    {"name": "win_rate", "kpi": "win_rate", "weight": 50},
                ],
            },
        ],
    )
    # company 1.0; individual 0.5 * 1.5 (110 %) + 0.5 * 0.5 (80 %) = 1.0; plan 1.0; 12,000 / 4 = 3,000.00
    result = evaluate_plan(multiplied, {"margin": D("1"), "revenue": D("1.1"), "win_rate": D("0.8")})
    found = earned(multiplied, result, yearly=D(12000), share=D("0.25"), proration=D(1))
    assert found.amount == D("3000.00")
    # margin: all of its section, half of the plan: 1,500; revenue 0.75 / 1.0 of the other half: 1,125; win rate 375
    assert found.parts == (("margin", D("1500.00")), ("revenue", D("1125.00")), ("win_rate", D("375.00")))
