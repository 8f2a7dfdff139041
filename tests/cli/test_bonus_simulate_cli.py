"""`kpilot bonus simulate` on the small sales team (its 2025-Q1 figures worked out in
tests/incentives/test_bonus_service.py and test_bonus_simulate.py): nothing written, the totals and what-ifs."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.bonus_cli_support import AFTER_Q1, Kpilot, kpilot, ledger, sales  # noqa: F401 (fixtures)


def test_simulate_prints_the_cost_and_writes_nothing(kpilot: Kpilot, sales: Path) -> None:  # noqa: F811
    code, printed, _ = kpilot("bonus", "simulate", "sales", "--today", AFTER_Q1)
    assert code == 0
    assert "Cost of the ended periods: 7,603.13 EUR" in printed  # 3,881.25 + 2,306.25 + 1,415.63
    assert "p10 76.875%, p50 94.375%, p90 129.375%" in printed
    assert ledger(sales) == ()


def test_what_if_as_json(kpilot: Kpilot) -> None:  # noqa: F811
    # revenue +10 %: 5,178.75 + 3,026.25 + 2,064.38 (tests/incentives/test_bonus_simulate.py)
    code, printed, _ = kpilot(
        "bonus", "simulate", "sales", "--what-if", "revenue+10%", "--today", AFTER_Q1, "-f", "json"
    )
    assert code == 0
    data = json.loads(printed)
    assert (data["scenario"], data["total"]) == ("revenue+10%", "10269.38")


def test_a_bad_scenario_is_a_clear_error(kpilot: Kpilot) -> None:  # noqa: F811
    code, _, errors = kpilot("bonus", "simulate", "sales", "--what-if", "revenue*2", "--today", AFTER_Q1)
    assert code == 1
    assert "'revenue*2' is not a scenario" in errors
    assert "revenue+10%" in errors  # the hint shows how to write one
