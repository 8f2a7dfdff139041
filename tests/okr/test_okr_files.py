"""Reading cycle files (services.okr_files): what a file says becomes the service's specs, numbers exactly as written,
and every problem is told with its code and file:line:col, all at once. Round trips through a store are in
tests/okr/test_okr_cli.py."""

from __future__ import annotations

import textwrap
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from kpilot.errors import DataError, ValidationFailed
from kpilot.okr.kinds import CycleState, Direction, KeyResultKind, Level, OwnerKind, Rollup
from kpilot.services.okr_files import read_cycle_file

GOOD = """\
cycle: 2026-Q4                # the cycle's name
period: 2026-Q4
rollup: minimum
grading: {green: 0.8, yellow: 0.5}
objectives:
  - key: company-growth
    title: Grow the company
    level: company
    owner: {team: Acme}
    key_results:
      - {title: Revenue, kpi: revenue, direction: increase, baseline: 0, target: 0.1, stretch: 0.30000000000000000001}
  - key: revenue
    title: Grow revenue in EMEA
    level: team
    owner: {team: EMEA}
    description: Mostly new clients
    aligned_to: [{objective: company-growth, weight: 2}, {key_result: company-growth/1}, {objective: 12}]
    key_results:
      - {title: EMEA revenue of 120k, kpi: revenue, scope: {team: EMEA}, direction: increase, baseline: 0,
         target: 120000, weight: 2.5}
      - {title: 300 client meetings, kind: number, unit: meetings, direction: increase, baseline: 0, target: 3e2}
      - {title: Margin in the band, kind: number, direction: stay_within, baseline: "0.2", target: 0.25, upper: 0.35}
      - {title: Launch the partner programme, kind: milestone}
      - {title: Three partner contracts, kind: milestones, milestones: [first, second, third]}
  - title: Anna's own
    level: person
    owner: {person: anna@acme.example}
    key_results: []
"""


def write(tmp_path: Path, text: str, name: str = "cycle.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def problems(path: Path) -> list[tuple[str, str, tuple[str, ...]]]:
    """(code, file:line:col, suggestions) of each problem the file has."""
    with pytest.raises(ValidationFailed) as refused:
        read_cycle_file(path, "cycle.yaml")
    return [(issue.code, str(issue.location), issue.suggestions) for issue in refused.value.issues]


def test_a_file_becomes_the_specs_with_numbers_as_written(tmp_path: Path) -> None:
    found = read_cycle_file(write(tmp_path, GOOD))
    spec = found.spec
    assert (spec.name, spec.period, spec.starts_on, spec.ends_on) == ("2026-Q4", "2026-Q4", None, None)
    assert (spec.state, spec.rollup) == (CycleState.OPEN, Rollup.MINIMUM)  # open: the default
    assert (spec.grading.green, spec.grading.yellow) == (Fraction(4, 5), Fraction(1, 2))
    growth, revenue, own = found.objectives
    assert (growth.key, own.key) == ("company-growth", "3")  # without `key:`, its place in the file
    assert (own.objective.owner_kind, own.objective.owner, own.objective.level) == (
        OwnerKind.PERSON,
        "anna@acme.example",
        Level.PERSON,
    )
    (kr,) = growth.objective.key_results
    assert kr.kind is KeyResultKind.KPI  # kind: kpi by default, with kpi: given
    # Exactly the digits written: 0.1 is 1/10, and 20 significant digits survive (a float keeps 17).
    assert (kr.target, kr.stretch) == (Decimal("0.1"), Decimal("0.30000000000000000001"))
    assert revenue.aligned_to == (("company-growth", None, Decimal(2)), ("company-growth", 1, Decimal(1)))
    assert [(link.objective, link.key_result) for link in revenue.objective.aligned_to] == [(12, None)]  # by id
    emea, meetings, band, milestone, milestones = revenue.objective.key_results
    assert (emea.scope, emea.weight, emea.scope is not None) == ({"team": "EMEA"}, Decimal("2.5"), True)
    assert (meetings.kind, meetings.target, meetings.unit) == (KeyResultKind.NUMBER, Decimal(300), "meetings")
    assert (band.direction, band.baseline, band.target, band.upper) == (
        Direction.STAY_WITHIN,
        Decimal("0.2"),  # quoted: read as the number it spells
        Decimal("0.25"),
        Decimal("0.35"),
    )
    assert (milestone.kind, milestone.milestones) == (KeyResultKind.MILESTONE, ())
    assert milestones.milestones == ("first", "second", "third")
    assert revenue.objective.description == "Mostly new clients"


def test_dates_instead_of_a_period(tmp_path: Path) -> None:
    path = write(tmp_path, "cycle: Autumn\nstarts_on: 2026-09-01\nends_on: '2026-11-30'\nstate: draft\n")
    spec = read_cycle_file(path).spec
    assert (str(spec.starts_on), str(spec.ends_on), spec.period, spec.state) == (
        "2026-09-01",
        "2026-11-30",
        None,
        CycleState.DRAFT,
    )
    assert read_cycle_file(path).objectives == ()


def test_unknown_keys_are_refused_at_the_key_with_the_known_ones(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
        cycle: X
        period: 2026-Q4
        colour: red
        objectives:
          - title: A
            level: team
            owner: {team: EMEA}
            key_results:
              - {title: k, kind: number, direction: increase, baseline: 0, tagret: 3, target: 1}
        """,
    )
    found = problems(path)
    # Line 3 column 1: `colour`, not near any key: every key of the cycle is suggested. Line 9 column 68: `tagret`.
    assert found == [
        (
            "okr.file_unknown_key",
            "cycle.yaml:3:1",
            ("cycle", "period", "starts_on", "ends_on", "state", "rollup", "grading", "objectives"),
        ),
        ("okr.file_unknown_key", "cycle.yaml:9:68", ("target",)),
    ]


def test_every_rule_the_file_breaks_is_told_at_its_place(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
        cycle: X
        period: 2026-Q4
        state: closed
        objectives:
          - key: a
            title: A
            level: squad
            owner: {team: EMEA}
            key_results:
              - {title: k1, kind: number, direction: increase, baseline: 0, target: 1, weight: -1}
              - {title: k2}
              - {title: k3, kind: milestone}
              - {title: k4, kind: milestone}
              - {title: k5, kind: milestone}
              - {title: k6, kind: milestone}
          - key: a
            title: B
            level: team
            owner: {group: EMEA}
            key_results:
              - {title: m, kind: number, direction: increase, baseline: 10, target: 5}
        """,
    )
    codes = [(code, where) for code, where, _ in problems(path)]
    assert codes == [
        ("okr.file_invalid_choice", "cycle.yaml:3:8"),  # a file never makes a closed cycle
        ("okr.file_invalid_choice", "cycle.yaml:7:12"),
        ("okr.too_many_key_results", "cycle.yaml:15:9"),  # at the sixth key result
        ("okr.weight_negative", "cycle.yaml:10:88"),
        ("okr.file_kind_missing", "cycle.yaml:11:9"),
        ("okr.duplicate_key", "cycle.yaml:16:10"),
        ("okr.file_owner", "cycle.yaml:19:12"),
        ("okr.target_not_above_baseline", "cycle.yaml:21:77"),  # at the target
    ]


def test_alignment_keys_must_exist_and_make_no_cycle(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
        cycle: X
        period: 2026-Q4
        objectives:
          - {key: a, title: A, level: team, owner: {team: EMEA}, aligned_to: [{objective: c}]}
          - {key: b, title: B, level: team, owner: {team: EMEA}, aligned_to: [{key_result: a/1}]}
          - key: c
            title: C
            level: team
            owner: {team: EMEA}
            aligned_to: [{objective: b}, {objective: bb}, {key_result: b/3}, {key_result: b}]
        """,
    )
    found = problems(path)
    # a -> c is fine alone; b -> a/1: a has no key result 1; c -> b closes a -> c -> b -> ... only through a link
    # already refused, so it stands; bb and b/3 do not exist; `b` alone is not KEY/N.
    assert [(code, where) for code, where, _ in found] == [
        ("okr.file_key_result_ref", "cycle.yaml:10:83"),
        ("okr.unknown_key", "cycle.yaml:5:84"),
        ("okr.unknown_key", "cycle.yaml:10:46"),
        ("okr.unknown_key", "cycle.yaml:10:64"),
    ]
    assert found[2][2] == ("b",)  # bb: did you mean b?


def test_a_link_that_closes_a_loop_is_refused(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
        cycle: X
        period: 2026-Q4
        objectives:
          - {key: a, title: A, level: team, owner: {team: EMEA}, aligned_to: [{objective: c}]}
          - {key: b, title: B, level: team, owner: {team: EMEA}, aligned_to: [{objective: a}]}
          - {key: c, title: C, level: team, owner: {team: EMEA}, aligned_to: [{objective: b}]}
        """,
    )
    with pytest.raises(ValidationFailed) as refused:
        read_cycle_file(path, "cycle.yaml")
    (issue,) = refused.value.issues
    # a -> c and b -> a are written first; c -> b would close c -> b -> a -> c.
    assert (issue.code, str(issue.location), issue.message.values["path"]) == (
        "okr.alignment_cycle",
        "cycle.yaml:6:83",
        "c → b → a → c",
    )


def test_files_that_are_not_cycle_files(tmp_path: Path) -> None:
    assert problems(write(tmp_path, "- a list\n")) == [("okr.file_not_mapping", "cycle.yaml:1:1", ())]
    assert [code for code, _, _ in problems(write(tmp_path, "period: 2026\nobjectives: {a: 1}\n"))] == [
        "okr.file_missing_key",
        "okr.file_not_list",
    ]
    assert [code for code, _, _ in problems(write(tmp_path, "cycle: X\nperiod: 2026\ngrading: {green: .inf}\n"))] == [
        "okr.file_not_number"
    ]
    assert [code for code, _, _ in problems(write(tmp_path, "cycle: X\nperiod: [1]\n"))] == ["okr.file_not_text"]
    assert [code for code, _, _ in problems(write(tmp_path, "cycle: X\nperiod: 2026\nfoo: &a 1\n"))] == [
        "definitions.yaml_anchor"  # the project's YAML reading: no anchors
    ]
    with pytest.raises(DataError):
        read_cycle_file(tmp_path / "missing.yaml")
