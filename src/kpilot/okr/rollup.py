"""An objective's progress from its parts (docs/okrs.md#rolling-up).

The parts are the objective's key results and the objectives aligned to it, each with a weight (a key result's own
weight, an alignment link's contribution weight; equal when none is set). The rule is the cycle's:

    weighted mean:  sum of weight_i * grade_i / sum of weight_i
    minimum:        the lowest grade_i (weights do not matter)

Grades, not raw progress, are rolled up: a key result far past its target cannot hide another one that failed.
Weights are what they say: three key results weighted 100000, 20000 and 1000 count as 100/121, 20/121 and 1/121,
never a third each. A part without a value yet (a typed key result before its first check-in, a KPI with no data)
counts as 0 and is named in `missing`, so that the objective is never shown further than it is known to be.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from kpilot.okr.kinds import Rollup

ZERO = Fraction(0)


@dataclass(frozen=True)
class Part:
    key: str  # what the part is, for a reader: "kr:12", "objective:5"
    weight: Fraction
    grade: Fraction | None  # None: no value yet


@dataclass(frozen=True)
class Rolled:
    progress: Fraction | None  # None: nothing to roll up (no parts, or every weight 0)
    rule: Rollup
    shares: tuple[tuple[str, Fraction], ...]  # each part's share of the progress's weight (the weighting shown)
    missing: tuple[str, ...]  # parts without a value, counted as 0


def roll_up(parts: Sequence[Part], rule: Rollup) -> Rolled:
    missing = tuple(part.key for part in parts if part.grade is None)
    total = sum((part.weight for part in parts), ZERO)
    shares = tuple((part.key, part.weight / total) for part in parts) if total else ()
    if not parts:
        return Rolled(None, rule, (), ())
    grades = [ZERO if part.grade is None else part.grade for part in parts]
    if rule is Rollup.MINIMUM:
        return Rolled(min(grades), rule, shares, missing)
    if total == 0:
        return Rolled(None, rule, (), missing)
    weighted = sum((part.weight * grade for part, grade in zip(parts, grades, strict=True)), ZERO)
    return Rolled(weighted / total, rule, shares, missing)
