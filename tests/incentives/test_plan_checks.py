"""Bonus plans as written in YAML: a sound plan loads with no problem; each broken one gets its own clear problem at
the line of the file it is about. The plan starts on line 6 of definitions/main.yaml (after HEAD's five lines)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kpilot.definitions.loader import load_definitions
from kpilot.definitions.model import Definitions
from kpilot.errors import Issue
from kpilot.i18n import Language, render
from kpilot.incentives.plan_checks import plans_issues
from tests.support import write_workspace

HEAD = """kpis:
  - {name: revenue, formula: "1"}
  - {name: win_rate, formula: "1"}
  - {name: gross_margin, formula: "1"}
bonus_plans:
"""
PLAN = """  - name: sales
    currency: EUR
    year: 2026
    members: {teams: [EMEA]}
    target_incentive: {amount: 12000}
"""
TWO_COMPONENTS = """    components:
      - {name: revenue, kpi: revenue, weight: 60}
      - {name: win_rate, kpi: win_rate, weight: 40}
"""


def load(tmp_path: Path, text: str) -> tuple[Definitions, list[Issue]]:
    write_workspace(tmp_path / "ws", HEAD + text)
    definitions, issues = load_definitions(tmp_path / "ws")
    return definitions, issues + plans_issues(definitions)


def problems(tmp_path: Path, text: str) -> list[tuple[int | None, str]]:
    _, issues = load(tmp_path, text)
    return [(issue.location.line, render(issue.message, Language.EN)) for issue in issues]


def test_a_sound_plan_loads(tmp_path: Path) -> None:
    definitions, issues = load(tmp_path, PLAN + TWO_COMPONENTS)
    assert issues == []
    (plan,) = definitions.bonus_plans
    assert definitions.bonus_plan("sales") is plan
    assert [component.name for component in plan.all_sections[0].components] == ["revenue", "win_rate"]
    assert plan.all_sections[0].components[0].curve == "default"


def test_an_unknown_kpi_is_named_with_what_was_meant(tmp_path: Path) -> None:
    text = PLAN + "    components:\n      - {name: revenue, kpi: revenu}\n"
    _, issues = load(tmp_path, text)
    (issue,) = issues
    assert render(issue.message, Language.EN) == "plan sales pays for KPI revenu, which is not defined"
    assert issue.suggestions[0] == "revenue"
    assert issue.location.line == 12  # the component's `kpi:`, line 6 + 6


def test_weights_that_do_not_add_up(tmp_path: Path) -> None:
    text = PLAN + TWO_COMPONENTS.replace("weight: 40", "weight: 30")
    assert problems(tmp_path, text) == [
        (11, "the weights of section main add up to 90, not 100 (revenue 60, win_rate 30)")
    ]


def test_sections_that_add_up_need_weights_that_make_100(tmp_path: Path) -> None:
    text = PLAN + (
        "    sections:\n"
        "      - {name: team, weight: 50, components: [{name: team_revenue, kpi: revenue, scope: team}]}\n"
        "      - {name: individual, components: [{name: revenue, kpi: revenue}]}\n"
    )
    assert problems(tmp_path, text) == [(11, "the sections' weights add up to 50, not 100 (team 50, individual -)")]


def test_a_multiplying_plan_has_no_section_weights(tmp_path: Path) -> None:
    text = PLAN + (
        "    combine: multiply\n"
        "    sections:\n"
        "      - {name: company, weight: 50, components: [{name: margin, kpi: gross_margin, scope: company}]}\n"
        "      - {name: individual, components: [{name: revenue, kpi: revenue}]}\n"
    )
    ((line, text_),) = problems(tmp_path, text)
    assert line == 13
    assert text_.startswith("section company has a weight, but the plan multiplies its sections")


def test_period_weights_match_the_pay_periods(tmp_path: Path) -> None:
    text = PLAN + "    pays: quarter\n    period_weights: [20, 20, 60]\n" + TWO_COMPONENTS
    assert problems(tmp_path, text) == [
        (
            12,
            "a plan that pays by quarter needs 4 period weights adding up to 100; it has 3 adding up to 100",
        )
    ]
    assert problems(tmp_path, PLAN + "    period_weights: [20, 20, 20, 40]\n" + TWO_COMPONENTS) == []


def test_a_curve_that_falls(tmp_path: Path) -> None:
    text = PLAN + (
        "    components:\n"
        "      - name: revenue\n"
        "        kpi: revenue\n"
        "        curve:\n"
        "          points: [{attainment: 0.8, payout: 0.5}, {attainment: 1, payout: 1},\n"
        "                   {attainment: 1.2, payout: 0.9}]\n"
    )
    ((line, message),) = problems(tmp_path, text)
    assert line == 14  # `curve:` (6 name, 11 components, 12 - name, 13 kpi, 14 curve)
    assert message.startswith("the curve of component revenue: ")
    assert "0.9" in message


def test_gates_in_a_circle(tmp_path: Path) -> None:
    # A component capped by a gate that reads its own section: the section needs the component's payout first,
    # and the component needs the section's.
    text = PLAN + (
        "    sections:\n"
        "      - {name: individual, components: [{name: revenue, kpi: revenue}]}\n"
        "    gates:\n"
        "      - {name: loop, when: {section: individual, below: 0.5}, cap: 0, applies_to: {component: revenue}}\n"
    )
    ((line, message),) = problems(tmp_path, text)
    assert line == 13  # `gates:`
    assert message.startswith("the gates of plan sales wait for one another in a circle: ")
    assert "section individual" in message
    assert "component revenue" in message


def test_two_sections_gated_on_each_other(tmp_path: Path) -> None:
    text = PLAN + (
        "    combine: multiply\n"
        "    sections:\n"
        "      - {name: a, components: [{name: ra, kpi: revenue}]}\n"
        "      - {name: b, components: [{name: rb, kpi: revenue}]}\n"
        "    gates:\n"
        "      - {name: ab, when: {section: a, below: 0.5}, cap: 0, applies_to: {section: b}}\n"
        "      - {name: ba, when: {section: b, below: 0.5}, cap: 0, applies_to: {section: a}}\n"
    )
    ((_, message),) = problems(tmp_path, text)
    assert "circle" in message


def test_a_gate_on_a_kpi_and_a_section_order_is_fine(tmp_path: Path) -> None:
    text = PLAN + (
        "    combine: multiply\n"
        "    sections:\n"
        "      - {name: company, components: [{name: margin, kpi: gross_margin, scope: company}]}\n"
        "      - {name: individual, components: [{name: revenue, kpi: revenue}]}\n"
        "    gates:\n"
        "      - {name: margin_gate, when: {kpi: gross_margin, below: 0.9}, cap: 0}\n"
        "      - {name: company_first, when: {section: company, below: 0.5}, cap: 0.5,\n"
        "         applies_to: {section: individual}}\n"
    )
    assert problems(tmp_path, text) == []


def test_a_gate_naming_a_part_the_plan_lacks(tmp_path: Path) -> None:
    text = (
        PLAN
        + TWO_COMPONENTS
        + (
            "    gates:\n"
            "      - {name: g, when: {component: revenu, below: 0.5}, cap: 0, applies_to: {section: main}}\n"
        )
    )
    _, issues = load(tmp_path, text)
    (issue,) = issues
    assert render(issue.message, Language.EN) == "gate g names component revenu, which the plan does not have"
    assert issue.suggestions == ("revenue",)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (PLAN.replace("EUR", "EUX") + TWO_COMPONENTS, "EUX is not an ISO 4217 currency code"),
        (PLAN + "    ramp: [0.5, 1.5]\n" + TWO_COMPONENTS, "the ramp pays 1.5 of target in month 2"),
        (
            PLAN + TWO_COMPONENTS + "      - {name: revenue, kpi: revenue, weight: 0}\n",
            "two components are named revenue",
        ),
    ],
)
def test_other_problems(tmp_path: Path, text: str, expected: str) -> None:
    found = [message for _, message in problems(tmp_path, text)]
    assert any(message.startswith(expected) for message in found), found


@pytest.mark.parametrize(
    ("fragment", "expected"),
    [
        ("    components: []\n", "a plan lists its components, or its sections"),
        (TWO_COMPONENTS + "    gates:\n      - {name: g, when: {below: 0.5}, cap: 0}\n", "a gate's condition reads"),
        (TWO_COMPONENTS.replace("weight: 60", "weight: 160"), "must be at most 100"),
    ],
)
def test_shapes_that_do_not_load(tmp_path: Path, fragment: str, expected: str) -> None:
    definitions, issues = load(tmp_path, PLAN + fragment)
    assert definitions.bonus_plans == ()  # a plan with a problem is left out
    assert any(expected in render(issue.message, Language.EN) for issue in issues), [str(i) for i in issues]
