"""A plan's payout fraction from its components' attainments, worked out by hand for each way parts combine and
each gate level. The default curve: 80 % pays 50 %, 100 % pays 100 %, 120 % pays 200 % (the cap), linear between,
nothing below 80 %."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from kpilot.definitions.bonus_model import BonusPlan
from kpilot.incentives.payout import evaluate_plan, next_percent_worth

D = Decimal


def plan(**fields: Any) -> BonusPlan:
    base: dict[str, Any] = {
        "name": "sales",
        "currency": "EUR",
        "year": 2026,
        "members": {"teams": ["EMEA"]},
        "target_incentive": {"amount": 12000},
    }
    return BonusPlan.model_validate(base | fields)


ADDITIVE_FIELDS: dict[str, Any] = {
    "components": [
        {"name": "revenue", "kpi": "revenue", "weight": 60},
        {"name": "win_rate", "kpi": "win_rate", "weight": 40},
    ]
}
ADDITIVE = plan(**ADDITIVE_FIELDS)
MULTIPLY_FIELDS: dict[str, Any] = {
    "combine": "multiply",
    "sections": [
        {
            "name": "company",
            "components": [
                {
                    "name": "margin",
                    "kpi": "gross_margin",
                    "scope": "company",
                    "curve": {"points": [{"attainment": 0.9, "payout": 0.5}, {"attainment": 1.1, "payout": 1.5}]},
                }
            ],
        },
        {
            "name": "individual",
            "components": [
                {"name": "revenue", "kpi": "revenue", "weight": 70},
                {"name": "win_rate", "kpi": "win_rate", "weight": 30},
            ],
        },
    ],
}
COMPANY_TIMES_INDIVIDUAL = plan(**MULTIPLY_FIELDS)


def test_components_add_up_by_weight() -> None:
    # revenue 100 % pays 1.0; win rate 90 % pays 0.5 + (0.9 - 0.8) / 0.2 * 0.5 = 0.75; 0.6 * 1 + 0.4 * 0.75 = 0.9
    result = evaluate_plan(ADDITIVE, {"revenue": D("1"), "win_rate": D("0.9")})
    assert result.component("win_rate").payout == D("0.75")
    assert result.sections[0].name == "main"
    assert result.sections[0].score == D("0.9")
    assert result.payout == D("0.9")
    assert result.missing == ()


def test_sections_multiply() -> None:
    # company: margin 105 % on (0.9, 0.5)-(1.1, 1.5): 0.5 + 0.15 / 0.2 * 1 = 1.25
    # individual: revenue 110 % pays 1 + 0.1 / 0.2 * 1 = 1.5; win rate 70 % is below the 80 % threshold: 0
    #   0.7 * 1.5 + 0.3 * 0 = 1.05; plan 1.25 * 1.05 = 1.3125
    result = evaluate_plan(COMPANY_TIMES_INDIVIDUAL, {"margin": D("1.05"), "revenue": D("1.1"), "win_rate": D("0.7")})
    assert [section.payout for section in result.sections] == [D("1.25"), D("1.05")]
    win_rate = result.component("win_rate")
    assert win_rate.reading is not None
    assert win_rate.reading.below_threshold
    assert result.score == result.payout == D("1.3125")


def test_sections_add_by_their_weights() -> None:
    # team section 40 %: 1.0; individual 60 %: 0.75 (90 % on the default curve); 0.4 * 1 + 0.6 * 0.75 = 0.85
    weighted = plan(
        sections=[
            {"name": "team", "weight": 40, "components": [{"name": "team_revenue", "kpi": "revenue", "scope": "team"}]},
            {"name": "individual", "weight": 60, "components": [{"name": "revenue", "kpi": "revenue"}]},
        ]
    )
    assert evaluate_plan(weighted, {"team_revenue": D("1"), "revenue": D("0.9")}).payout == D("0.85")


def margin_gate(cap: float, applies_to: Any = "plan", below: float = 0.9) -> dict[str, Any]:
    return {
        "name": "margin_gate",
        "when": {"kpi": "gross_margin", "below": below},
        "cap": cap,
        "applies_to": applies_to,
    }


@pytest.mark.parametrize(
    ("margin", "expected", "applied"),
    [
        (D("0.85"), D("0"), True),  # below 90 %: nothing paid
        (D("0.9"), D("0.9"), False),  # at 90 %: not below, the gate does not apply
        (D("0.95"), D("0.9"), False),
        (None, D("0"), True),  # the margin cannot be read: the gate fails closed
    ],
)
def test_a_plan_gate_on_a_kpi(margin: Decimal | None, expected: Decimal, applied: bool) -> None:
    gated = plan(**ADDITIVE_FIELDS, gates=[margin_gate(0)])
    result = evaluate_plan(gated, {"revenue": D("1"), "win_rate": D("0.9")}, {"margin_gate": margin})
    assert result.payout == expected
    (effect,) = result.gates
    assert effect.applied is applied
    assert effect.unknown is (margin is None)
    assert (effect.before, effect.after) == (D("0.9"), expected)


def test_a_component_gate_caps_only_that_component() -> None:
    # revenue 120 % pays 2.0, capped at 1.0 by the gate; win rate 0.75; 0.6 * 1 + 0.4 * 0.75 = 0.9 (not 1.5)
    gated = plan(**ADDITIVE_FIELDS, gates=[margin_gate(1, {"component": "revenue"})])
    result = evaluate_plan(gated, {"revenue": D("1.2"), "win_rate": D("0.9")}, {"margin_gate": D("0.5")})
    assert result.component("revenue").payout == D("1")
    assert result.component("win_rate").gates == ()
    assert result.payout == D("0.9")


def test_a_section_gated_on_another_section() -> None:
    # company margin 92 % pays 0.5 + 0.02 / 0.2 = 0.6; "individual pays at most 50 % if company pays below 0.7":
    # individual 1.05 is capped to 0.5; plan 0.6 * 0.5 = 0.3
    gate = {"name": "company_first", "when": {"section": "company", "below": 0.7}, "cap": 0.5,
            "applies_to": {"section": "individual"}}  # fmt: skip
    gated = plan(**MULTIPLY_FIELDS, gates=[gate])
    result = evaluate_plan(gated, {"margin": D("0.92"), "revenue": D("1.1"), "win_rate": D("0.7")})
    individual = result.sections[1]
    assert individual.score == D("1.05")
    assert individual.payout == D("0.5")
    assert individual.gates[0].read == D("0.6")
    assert result.payout == D("0.3")


def test_a_missing_attainment_pays_nothing_and_says_so() -> None:
    result = evaluate_plan(ADDITIVE, {"revenue": D("1"), "win_rate": None})
    assert result.missing == ("win_rate",)
    assert result.component("win_rate").reading is None
    assert result.payout == D("0.6")


def test_what_the_next_percent_is_worth() -> None:
    attainments = {"revenue": D("1"), "win_rate": D("0.9")}
    # win rate 91 % pays 0.775: 0.4 * 0.025 = 0.01 more
    assert next_percent_worth(ADDITIVE, attainments, None, "win_rate") == D("0.01")
    # revenue 101 % pays 1.05: 0.6 * 0.05 = 0.03 more
    assert next_percent_worth(ADDITIVE, attainments, None, "revenue") == D("0.03")
    # at the cap (120 %) one more percent is worth nothing
    assert next_percent_worth(ADDITIVE, {"revenue": D("1.2"), "win_rate": D("0.9")}, None, "revenue") == D("0")
    # in a multiplying plan it is multiplied by the other section: win rate 80 % -> 81 % on the default curve is
    # 0.5 -> 0.525, 0.3 * 0.025 = 0.0075 of the individual section, times the company's 1.25 = 0.009375
    multiplied = {"margin": D("1.05"), "revenue": D("1.1"), "win_rate": D("0.8")}
    assert next_percent_worth(COMPANY_TIMES_INDIVIDUAL, multiplied, None, "win_rate") == D("0.009375")
