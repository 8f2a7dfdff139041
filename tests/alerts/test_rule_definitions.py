"""Alert rules as written in YAML: sound rules load; each kind's keys are its own; names are checked against the
model at their line (the rules start on line 12 of definitions/main.yaml, after HEAD's 11 lines)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kpilot.definitions.alert_model import RuleKind
from kpilot.i18n import Language, render
from kpilot.services.alert_checks import rules_issues
from tests.support import make_workspace

HEAD = """sources:
  - name: tickets
    table: tickets
    time: day
    dimensions: [team, agent]
    measures:
      - {name: tickets, agg: count}
kpis:
  - {name: ticket_count, formula: tickets}
  - {name: open_count, formula: tickets, direction: down}
alert_rules:
"""
TABLES = {"tickets": {"day": ["2026-11-02"], "team": ["EMEA"], "agent": ["ana"]}}


def problems(tmp_path: Path, rules: str) -> tuple[list[str], list[str]]:
    workspace = make_workspace(tmp_path / "ws", HEAD + rules, TABLES)
    try:
        loaded = [f"{i.location.line}: {render(i.message, Language.EN)}" for i in workspace.validate()]
        checked = [f"{i.location.line}: {render(i.message, Language.EN)}" for i in rules_issues(workspace)]
        return loaded, checked
    finally:
        workspace.close()


def test_sound_rules_load(tmp_path: Path) -> None:
    rules = """  - {name: fewer_tickets, when: change, kpi: ticket_count, min_change: 20, by: [team]}
  - {name: quiet_feed, when: stale, source: tickets, hours: 48}
  - {name: too_many_open, when: threshold, kpi: open_count, above: 100, pending_for: 2}
"""
    workspace = make_workspace(tmp_path / "ws", HEAD + rules, TABLES)
    try:
        kinds = [rule.when for rule in workspace.definitions.alert_rules]
        assert kinds == [RuleKind.CHANGE, RuleKind.STALE, RuleKind.THRESHOLD]
        assert workspace.definitions.alert_rule("too_many_open").pending_for == 2  # type: ignore[union-attr]
        assert rules_issues(workspace) == []
    finally:
        workspace.close()


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ("{name: r, when: change, kpi: ticket_count}", "a 'change' rule needs the smallest change"),
        ("{name: r, when: status, kpi: ticket_count, min_change: 5}", "a 'status' rule does not read min_change"),
        ("{name: r, when: stale, hours: 5}", "a 'stale' rule needs the source to watch"),
        ("{name: r, when: threshold, kpi: ticket_count}", "a 'threshold' rule alerts below or above a limit"),
        ("{name: r, when: anomaly}", "a 'anomaly' rule needs the KPI it watches"),
    ],
)
def test_shapes_refused_where_they_are_written(tmp_path: Path, rule: str, expected: str) -> None:
    loaded, _ = problems(tmp_path, f"  - {rule}\n")
    assert any(expected in problem and problem.startswith("12:") for problem in loaded), loaded


def test_names_checked_against_the_model(tmp_path: Path) -> None:
    rules = """  - {name: a, when: change, kpi: ticket_cout, min_change: 20}
  - {name: b, when: stale, source: tikets, hours: 48}
  - {name: c, when: change, kpi: ticket_count, min_change: 20, by: [region]}
  - {name: c, when: threshold, kpi: ticket_count, below: target}
"""
    _, checked = problems(tmp_path, rules)
    assert checked == [
        "12: alert rule a watches KPI ticket_cout, which is not defined",
        "13: alert rule b watches source tikets, which is not defined",
        "14: alert rule c: ticket_count cannot be split by region",
        "15: alert rule c compares ticket_count with its target, and it has none yet: the rule has nothing to judge",
        "15: two alert rules are named c: names must be unique",
    ]
