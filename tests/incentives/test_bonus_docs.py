"""docs/bonus.md stays true: its complete plan loads without a problem, and it documents every key of a plan, a
component, a section, a curve, a gate and its condition, with every value their choices allow."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import BaseModel

from kpilot.definitions.bonus_model import (
    BonusPlan,
    ComponentSpec,
    CurveSpec,
    GateSpec,
    GateWhen,
    Members,
    SectionSpec,
    TargetIncentive,
)
from kpilot.definitions.loader import load_definitions
from kpilot.incentives.plan_checks import plans_issues
from tests.support import write_workspace
from tests.test_docs import blocks, choices, mentioned, public_fields, read

KPIS = """kpis:
  - {name: revenue, formula: "1"}
  - {name: win_rate, formula: "1"}
  - {name: gross_margin, formula: "1"}
"""
MODELS: list[type[BaseModel]] = [
    BonusPlan,
    Members,
    TargetIncentive,
    SectionSpec,
    ComponentSpec,
    CurveSpec,
    GateSpec,
    GateWhen,
]


def test_the_complete_plan_loads(tmp_path: Path) -> None:
    (example,) = [block for block in blocks(read("bonus.md")) if "# example: plan" in block.text]
    write_workspace(tmp_path / "ws", KPIS + example.text)
    definitions, issues = load_definitions(tmp_path / "ws")
    assert [str(issue) for issue in issues + plans_issues(definitions)] == []
    (plan,) = definitions.bonus_plans
    assert [section.name for section in plan.all_sections] == ["company", "individual"]


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_every_key_is_documented(model: type[BaseModel]) -> None:
    text = read("bonus.md")
    for name, info in public_fields(model).items():
        assert mentioned(name, text), f"docs/bonus.md lacks the key '{name}' of {model.__name__}"
        for value in choices(info.annotation):
            assert f"`{value}`" in text, f"docs/bonus.md lacks {name}: {value}"
