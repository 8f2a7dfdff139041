"""Targets and goals as written in YAML: what loads, and what is refused with which message at which file:line:col.

Each bad target below is the only item of `targets:` and sits on line 5 of definitions/main.yaml, written as a flow
mapping that starts at column 5: `  - {kpi: ...}`. Columns of values are counted by hand from the item's text.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kpilot.definitions.goals_model import Every, Spread, TargetType
from kpilot.definitions.loader import load_definitions
from kpilot.definitions.model import Definitions
from kpilot.engine.target_checks import target_issues
from kpilot.errors import Location
from tests.support import write_workspace

HEAD = 'kpis:\n  - {name: revenue, formula: "1"}\n  - {name: churn, formula: "1", direction: down}\ntargets:\n'
DOCS = Path(__file__).resolve().parents[2] / "docs" / "targets.md"


def load(tmp_path: Path, text: str) -> tuple[Definitions, list[str]]:
    write_workspace(tmp_path / "ws", text)
    definitions, issues = load_definitions(tmp_path / "ws")
    return definitions, [str(issue) for issue in issues]


def problems_of_target(tmp_path: Path, item: str) -> list[str]:
    # HEAD has four lines, so the item is on line 5.
    definitions, issues = load(tmp_path, HEAD + f"  - {item}\n")
    assert definitions.targets == ()  # an item with a problem is left out
    return issues


def test_good_targets_and_goals_load(tmp_path: Path) -> None:
    definitions, issues = load(
        tmp_path,
        HEAD
        + "  - {kpi: revenue, period: 2025-05, commit: 90, target: 100, stretch: 120, owner: ana, note: launch}\n"
        + '  - {kpi: revenue, period: "2025", target: 1200, spread: seasonal, scope: {team: EMEA}}\n'
        + "  - {kpi: churn, every: month, type: below, target: 0.03, stretch: 0.02}\n"
        + "  - {kpi: churn, period: 2025-Q2, type: range, min: 0.01, max: 0.03}\n"
        + "goals:\n"
        + "  - name: grow\n"
        + "    label: Grow the business\n"
        + "    owner: ceo\n"
        + "    kpis:\n"
        + "      - {kpi: revenue, weight: 2}\n"
        + "      - {kpi: churn}\n"
        + "  - {name: retain, parent: grow}\n",
    )
    assert issues == []
    month, year, every, quarter = definitions.targets
    assert (month.kpi, month.period, month.every, month.type) == ("revenue", "2025-05", None, None)
    assert (month.commit, month.target, month.stretch, month.owner, month.note) == (90, 100, 120, "ana", "launch")
    assert month.origin == Location("definitions/main.yaml", 5, 5)
    assert month.locations["period"] == Location("definitions/main.yaml", 5, 28)
    assert month.locations["kpi"] == Location("definitions/main.yaml", 5, 11)
    assert (year.period, year.spread, year.scope) == ("2025", Spread.SEASONAL, {"team": "EMEA"})
    assert (every.every, every.type, every.scope) == ("month", TargetType.BELOW, {})
    assert (quarter.type, quarter.min, quarter.max, quarter.target) == (TargetType.RANGE, 0.01, 0.03, None)
    grow, retain = definitions.goals
    assert (grow.title, grow.owner, grow.origin.line) == ("Grow the business", "ceo", 10)
    assert [(link.kpi, link.weight) for link in grow.kpis] == [("revenue", 2.0), ("churn", 1.0)]
    assert (retain.title, retain.parent, retain.kpis) == ("retain", "grow", ())
    assert definitions.goal("retain") is retain
    assert definitions.targets_of("churn") == (every, quarter)


NAME_RULE = "is not a name: use letters, digits and '_', starting with a letter or '_'"
PERIOD_OR_EVERY = "a target needs exactly one of 'period' (e.g. 2025-05, 2025-Q2, 2025) or 'every' (e.g. month)"


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        # period xor every: reported at the item itself
        ("{kpi: revenue, target: 1}", f"5:5: error: {PERIOD_OR_EVERY}"),
        ("{kpi: revenue, period: 2025-05, every: month, target: 1}", f"5:5: error: {PERIOD_OR_EVERY}"),
        # a range needs both bounds, in order
        (
            "{kpi: revenue, period: 2025-05, type: range, min: 5}",
            "5:5: error: a 'range' target needs 'min' and 'max' with min <= max",
        ),
        (
            "{kpi: revenue, period: 2025-05, type: range, min: 5, max: 4}",
            "5:5: error: a 'range' target needs 'min' and 'max' with min <= max",
        ),
        # a written type other than range needs a target value
        (
            "{kpi: revenue, period: 2025-05, type: above, commit: 1}",
            "5:5: error: an 'above' target needs 'target: <value>'",
        ),
        # the levels' order follows the type
        (
            "{kpi: revenue, period: 2025-05, type: increase, commit: 110, target: 100}",
            "5:5: error: for an 'increase' target the levels must be ordered commit <= target <= stretch",
        ),
        (
            "{kpi: revenue, period: 2025-05, type: above, target: 100, stretch: 90}",
            "5:5: error: for an 'above' target the levels must be ordered commit <= target <= stretch",
        ),
        (
            "{kpi: churn, period: 2025-05, type: decrease, target: 100, stretch: 120}",
            "5:5: error: for a 'decrease' target the levels must be ordered commit >= target >= stretch",
        ),
        (
            "{kpi: churn, period: 2025-05, type: below, commit: 5, target: 6}",
            "5:5: error: for a 'below' target the levels must be ordered commit >= target >= stretch",
        ),
        # spread only on a year
        (
            "{kpi: revenue, period: 2025-05, target: 1, spread: even}",
            "5:5: error: 'spread' applies to a year's target (period: 2025), which it shares among the months",
        ),
        (
            "{kpi: revenue, period: 2025-Q2, target: 1, spread: seasonal}",
            "5:5: error: 'spread' applies to a year's target (period: 2025), which it shares among the months",
        ),
        (
            "{kpi: revenue, every: year, target: 1, spread: even}",
            "5:5: error: 'spread' applies to a year's target (period: 2025), which it shares among the months",
        ),
        # choices, reported at the value
        (
            '{kpi: revenue, period: "2025", target: 1, spread: monthly}',
            "5:55: error: 'spread': invalid value 'monthly'; expected 'even' or 'seasonal'",
        ),
        (
            "{kpi: revenue, every: fortnight, target: 1}",
            "5:27: error: 'every': invalid value 'fortnight'; expected 'day', 'week', 'month', 'quarter' or 'year'",
        ),
        (
            "{kpi: revenue, period: 2025-05, type: more, target: 1}",
            "5:43: error: 'type': invalid value 'more'; expected 'increase', 'decrease', 'above', 'below' or 'range'",
        ),
        # keys, and values of the wrong kind: kpilot's words, never pydantic's ("String should match pattern")
        ("{kpi: revenue, period: 2025-05, targt: 1}", "5:37: error: unknown key 'targt' (did you mean 'target'?)"),
        ("{period: 2025-05, target: 1}", "5:5: error: missing required key 'kpi' (add 'kpi: ...')"),
        (
            "{kpi: my kpi, period: 2025-05, target: 1}",
            f"5:11: error: 'kpi': 'my kpi' {NAME_RULE}",
        ),
        (
            "{kpi: revenue, period: 2025-05, target: 1, scope: EMEA}",
            "5:55: error: 'scope': 'EMEA' is not a mapping of keys to values",
        ),
        (
            "{kpi: revenue, period: 2025-05, target: lots}",
            "5:45: error: 'target': 'lots' is not a number",
        ),
    ],
)
def test_bad_targets(tmp_path: Path, item: str, expected: str) -> None:
    assert problems_of_target(tmp_path, item) == [f"definitions/main.yaml:{expected}"]


def test_the_level_order_is_not_checked_for_ranges_or_defaulted_types(tmp_path: Path) -> None:
    # Without a written type the model cannot know the direction: target_issues() checks it against the KPI.
    definitions, issues = load(
        tmp_path,
        HEAD
        + "  - {kpi: revenue, period: 2025-05, type: range, min: 1, max: 2, commit: 9, target: 1}\n"
        + "  - {kpi: churn, period: 2025-05, commit: 1, target: 2}\n",  # line 6: churn is down, so misordered
    )
    assert issues == []
    assert [str(i) for i in target_issues(definitions)] == [
        "definitions/main.yaml:6:5: error: target for KPI 'churn': for a 'decrease' target (from the KPI's "
        "direction) the levels must be ordered commit >= target >= stretch"
    ]


def test_every_problem_is_reported_and_good_items_are_kept(tmp_path: Path) -> None:
    definitions, issues = load(
        tmp_path,
        HEAD
        + "  - {kpi: revenue, period: 2025-05, target: 1}\n"
        + "  - {kpi: revenue, target: 1}\n"  # line 6
        + "  - kpi: revenue\n"  # line 7
        + "    every: month\n"
        + "    type: range\n"
        + "    min: 3\n",  # line 10: no max
    )
    assert [t.period for t in definitions.targets] == ["2025-05"]
    assert issues == [
        f"definitions/main.yaml:6:5: error: {PERIOD_OR_EVERY}",
        "definitions/main.yaml:7:5: error: a 'range' target needs 'min' and 'max' with min <= max",
    ]


def test_a_year_may_be_written_as_a_number(tmp_path: Path) -> None:
    definitions, issues = load(tmp_path, HEAD + "  - {kpi: revenue, period: 2025, target: 1}\n")
    assert issues == []
    assert definitions.targets[0].period == "2025"


def test_bad_goals(tmp_path: Path) -> None:
    definitions, issues = load(
        tmp_path,
        HEAD
        + "  - {kpi: revenue, every: month, target: 1}\n"
        + "goals:\n"
        + "  - {label: no name}\n"  # line 7
        + "  - name: grow\n"  # line 8
        + "    kpis:\n"
        + "      - {kpi: revenue, weight: 0}\n"  # line 10: weight at column 32
        + "      - {kpi: revenue, wieght: 2}\n"  # line 11: the key at column 24
        + "  - {name: bad name}\n"  # line 12: the value at column 12
        + "  - {name: fine, kpis: [{kpi: revenue}], colour: red}\n",  # line 13: the key at column 42
    )
    assert definitions.goals == ()
    assert issues == [
        "definitions/main.yaml:7:5: error: missing required key 'name' (add 'name: ...')",
        "definitions/main.yaml:10:32: error: 'kpis.0.weight': 0 must be greater than 0",
        "definitions/main.yaml:11:24: error: unknown key 'wieght' (did you mean 'weight'?)",
        f"definitions/main.yaml:12:12: error: 'name': 'bad name' {NAME_RULE}",
        "definitions/main.yaml:13:42: error: unknown key 'colour' (allowed keys: name, label, description, owner, "
        "parent, kpis)",
    ]


def test_the_model_choices_are_as_documented() -> None:
    assert [t.value for t in TargetType] == ["increase", "decrease", "above", "below", "range"]
    assert [s.value for s in Spread] == ["even", "seasonal"]
    assert Every.__args__ == ("day", "week", "month", "quarter", "year")  # type: ignore[attr-defined]
    text = DOCS.read_text(encoding="utf-8")
    for value in [*(t.value for t in TargetType), *(s.value for s in Spread)]:
        assert f"`{value}`" in text, f"docs/targets.md does not mention `{value}`"


def yaml_examples() -> list[str]:
    text = DOCS.read_text(encoding="utf-8")
    return [block for block in re.findall(r"```yaml\n(.*?)```", text, re.S) if "# example: complete" in block]


def test_there_are_complete_examples_in_the_docs() -> None:
    assert len(yaml_examples()) >= 2


@pytest.mark.parametrize("block", yaml_examples(), ids=lambda b: b.splitlines()[0])
def test_the_documented_examples_load_cleanly(tmp_path: Path, block: str) -> None:
    definitions, issues = load(tmp_path, block)
    assert issues == []
    assert definitions.targets
    assert [str(i) for i in target_issues(definitions)] == []
