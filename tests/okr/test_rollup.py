"""Rolling key results up to objectives, and objectives up the cascade, worked out by hand (docs/okrs.md)."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

from kpilot.okr import Rollup
from kpilot.okr.alignment import Link, cascade, cycle_through
from kpilot.okr.kinds import Direction
from kpilot.okr.pace import BEHIND_BY, NoteReason, band, elapsed, expected, note_reasons, pace
from kpilot.okr.rollup import Part, roll_up

F = Fraction


def test_weighted_by_size_not_a_third_each() -> None:
    """Three key results of 100k, 20k and 1k: the big one done, the middle one half way, the small one not started.
    A third each would say 0.5; by weight it is (100000*1 + 20000*0.5 + 1000*0) / 121000 = 110/121."""
    parts = [Part("kr:1", F(100_000), F(1)), Part("kr:2", F(20_000), F(1, 2)), Part("kr:3", F(1_000), F(0))]
    rolled = roll_up(parts, Rollup.WEIGHTED_MEAN)
    assert rolled.progress == F(110, 121)
    assert dict(rolled.shares) == {"kr:1": F(100, 121), "kr:2": F(20, 121), "kr:3": F(1, 121)}
    assert roll_up([Part(p.key, F(1), p.grade) for p in parts], Rollup.WEIGHTED_MEAN).progress == F(1, 2)


def test_minimum_rule_and_missing_values() -> None:
    parts = [Part("kr:1", F(1), F(9, 10)), Part("kr:2", F(3), F(1, 2)), Part("kr:3", F(1), None)]
    assert roll_up(parts, Rollup.MINIMUM).progress == 0  # the third has no value yet: counted as 0
    mean = roll_up(parts, Rollup.WEIGHTED_MEAN)
    assert mean.progress == (F(9, 10) + 3 * F(1, 2)) / 5  # 2.4 / 5 = 0.48
    assert mean.missing == ("kr:3",)
    assert roll_up([], Rollup.WEIGHTED_MEAN).progress is None
    assert roll_up([Part("kr:1", F(0), F(1))], Rollup.WEIGHTED_MEAN).progress is None  # no weight at all


def test_cascade_rolls_up_along_weighted_links() -> None:
    """Company objective 1 has one key result (kr 10, grade 0.8, weight 1) and two aligned team objectives: 2
    (weight 2) and 3 (weight 1). Objective 2 has kr 20 at 0.5; objective 3 has kr 30 at 0.2 and a person's
    objective 4 aligned to it (weight 1), whose kr 40 is at 1. Objective 5 aligns to kr 10 only.

        3: (0.2*1 + 1*1) / 2 = 0.6
        1: (0.8*1 + 0.5*2 + 0.6*1) / 4 = 2.4 / 4 = 0.6
        kr 10's cascade: objective 5 alone, 0.3; objective 1 itself is not changed by it."""
    krs = {
        1: [Part("kr:10", F(1), F(8, 10))],
        2: [Part("kr:20", F(1), F(1, 2))],
        3: [Part("kr:30", F(1), F(2, 10))],
        4: [Part("kr:40", F(1), F(1))],
        5: [Part("kr:50", F(1), F(3, 10))],
    }
    links = [
        Link(2, 1, None, F(2)),
        Link(3, 1, None, F(1)),
        Link(4, 3, None, F(1)),
        Link(5, None, 10, F(1)),
    ]
    owners = {10: 1, 20: 2, 30: 3, 40: 4, 50: 5}
    found = cascade(krs, links, owners, Rollup.WEIGHTED_MEAN)
    assert found.objectives[3].progress == F(6, 10)
    assert found.objectives[1].progress == F(6, 10)
    assert found.key_results[10].progress == F(3, 10)


def test_links_that_close_a_cycle() -> None:
    owners = {10: 1, 20: 2}
    links = [Link(2, 1, None, F(1)), Link(3, 2, None, F(1))]
    assert cycle_through(links, owners, Link(1, 3, None, F(1))) == (1, 3, 2, 1)
    assert cycle_through(links, owners, Link(1, None, 20, F(1))) == (1, 2, 1)  # through objective 2's key result
    assert cycle_through(links, owners, Link(1, 1, None, F(1))) == (1, 1)  # aligned to itself
    assert cycle_through(links, owners, Link(1, None, 10, F(1))) == (1, 1)  # to its own key result
    assert cycle_through(links, owners, Link(3, 1, None, F(1))) is None  # a second parent is fine


def test_expected_progress_and_notes() -> None:
    q4 = (date(2026, 10, 1), date(2027, 1, 1))  # 92 days
    assert elapsed(*q4, date(2026, 9, 30)) == 0
    assert elapsed(*q4, date(2026, 10, 1)) == F(1, 92)
    assert elapsed(*q4, date(2026, 11, 15)) == F(46, 92)  # 31 days of October and 15 of November
    assert elapsed(*q4, date(2027, 2, 1)) == 1
    assert expected(Direction.INCREASE, F(1, 2)) == F(1, 2)
    assert expected(Direction.STAY_BELOW, F(1, 10)) == 1  # a line is held from the first day
    assert expected(None, F(1, 3)) == F(1, 3)  # milestones
    on = pace(F(1, 2), F(1, 2) - BEHIND_BY)  # exactly 15 points behind: no note needed
    assert note_reasons(4, on) == ()
    behind = pace(F(1, 2), F(34, 100))  # 16 points behind
    assert note_reasons(3, behind) == (NoteReason.LOW_CONFIDENCE, NoteReason.BEHIND_PACE)
    assert note_reasons(7, pace(F(1, 2), None)) == ()  # no value yet: nothing to be behind with
    assert [band(c).value for c in (0, 1, 3, 4, 6, 7, 9, 10)] == [
        "lost", "unlikely", "unlikely", "at_risk", "at_risk", "on_track", "on_track", "certain"
    ]  # fmt: skip
