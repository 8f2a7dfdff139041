"""docs/bonus.md's worked statement is what kpilot prints for the small sales team of tests/incentives/bonus_support
(and its plan is that team's plan, as written there)."""

from __future__ import annotations

from pathlib import Path

from tests.cli.bonus_cli_support import AFTER_Q1, Kpilot, kpilot, sales  # noqa: F401 (fixtures)
from tests.incentives.bonus_support import DEFINITIONS
from tests.test_docs import read


def block_after(marker: str) -> str:
    text = read("bonus.md")
    start = text.index(f"<!-- bonus example: {marker} -->")
    opening = text.index("```", start)
    body = text.index("\n", opening) + 1
    return text[body : text.index("```", body)]


def test_the_plan_is_the_teams() -> None:
    assert block_after("plan") in DEFINITIONS[DEFINITIONS.index("bonus_plans:") :]


def test_the_statement_is_what_kpilot_prints(kpilot: Kpilot, sales: Path) -> None:  # noqa: F811
    code, _, _ = kpilot("bonus", "run", "sales", "--period", "2025-Q1", "--today", AFTER_Q1)
    assert code == 0
    code, printed, _ = kpilot("bonus", "statement", "sales", "--person", "anna@acme.example", "--period", "2025-Q1")
    assert code == 0
    assert [line.rstrip() for line in printed.strip().splitlines()] == block_after("statement").strip().splitlines()
