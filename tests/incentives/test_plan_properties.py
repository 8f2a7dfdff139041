"""Properties of a whole plan's payout for random attainments: raising one component's attainment never lowers the
payout; nothing is paid above the plan's possible maximum; a failed gate with cap 0 pays nothing; and the
components' lines always add up to the rounded total, to the cent."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from kpilot.definitions.bonus_model import BonusPlan
from kpilot.incentives.amounts import earned
from kpilot.incentives.payout import evaluate_plan, with_attainment

D = Decimal
CAP = D(2)  # the default curve's cap

attainment = st.decimals(min_value=D("-0.5"), max_value=D("2.5"), places=4)
money = st.decimals(min_value=D("0"), max_value=D("250000"), places=2)


def plan(combine: str, weights: tuple[int, int], gate: bool) -> BonusPlan:
    def section_weight(weight: int) -> int | None:
        return None if combine == "multiply" else weight

    individual = [{"name": "a", "kpi": "a", "weight": weights[0]}, {"name": "b", "kpi": "b", "weight": weights[1]}]
    fields: dict[str, Any] = {
        "name": "p",
        "currency": "EUR",
        "year": 2026,
        "members": {"people": ["a@example.com"]},
        "target_incentive": {"amount": 1000},
        "combine": combine,
        "sections": [
            {"name": "company", "weight": section_weight(30), "components": [{"name": "margin", "kpi": "m"}]},
            {"name": "individual", "weight": section_weight(70), "components": individual},
        ],
    }
    if gate:
        fields["gates"] = [{"name": "g", "when": {"kpi": "m", "below": 0.9}, "cap": 0}]
    return BonusPlan.model_validate(fields)


plans = st.builds(
    plan,
    st.sampled_from(["add", "multiply"]),
    st.integers(0, 100).map(lambda w: (w, 100 - w)),
    st.booleans(),
)
attainments = st.fixed_dictionaries({"margin": attainment, "a": attainment, "b": attainment})


@settings(max_examples=300, deadline=None)
@given(plans, attainments, st.sampled_from(["margin", "a", "b"]), st.decimals(D("0.0001"), D("1"), places=4))
def test_more_attainment_never_pays_less(
    chosen: BonusPlan, found: dict[str, Decimal], component: str, step: Decimal
) -> None:
    gate = {"g": found["margin"]}
    before = evaluate_plan(chosen, found, gate).payout
    after = evaluate_plan(chosen, with_attainment(found, component, step), gate).payout
    assert after >= before
    most = CAP * CAP if chosen.combine.value == "multiply" else CAP
    assert D(0) <= before <= most


@settings(max_examples=200, deadline=None)
@given(plans, attainments, st.decimals(D("-1"), D("0.8999"), places=4))
def test_a_failed_gate_pays_nothing(chosen: BonusPlan, found: dict[str, Decimal], margin: Decimal) -> None:
    result = evaluate_plan(chosen, found, {"g": margin})
    if chosen.gates:
        assert result.payout == 0
        assert result.gates[0].applied


@settings(max_examples=300, deadline=None)
@given(plans, attainments, money, st.decimals(D("0"), D("1"), places=6), st.sampled_from(["0.25", "0.4", "1"]))
def test_lines_add_up_to_the_total(
    chosen: BonusPlan, found: dict[str, Decimal], yearly: Decimal, proration: Decimal, share: str
) -> None:
    result = evaluate_plan(chosen, found, {"g": D(1)})
    amount = earned(chosen, result, yearly=yearly, share=D(share), proration=proration)
    assert sum((part for _, part in amount.parts), D(0)) == amount.amount
    assert all(part >= 0 for _, part in amount.parts)
    assert amount.amount == amount.exact.quantize(D("0.01"), rounding="ROUND_HALF_UP")
