"""Where a key result should be by today, and when a check-in must say why (docs/okrs.md#pace).

Expected progress is the share of the cycle gone by: linear in days, or, for a KPI with a seasonal shape, the share
of the period's total that past periods had reached by the same day (passed in as `share_done`). A "stay" key
result is expected to hold its line the whole cycle: 1 from the first day.

A check-in asks for a note when the confidence is under 4 out of 10, or when progress is more than 15 points behind
the expected progress.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from fractions import Fraction

from kpilot.okr.kinds import Direction

LOW_CONFIDENCE = 4  # a confidence under this asks for a note
BEHIND_BY = Fraction(15, 100)  # progress this far behind the expected one asks for a note
CONFIDENCE_RANGE = range(11)  # 0 to 10


def elapsed(start: date, end: date, today: date) -> Fraction:
    """The share of the cycle [start, end) gone by at the end of `today`: 0 before it starts, 1 once it is over."""
    days = (end - start).days
    gone = (today - start).days + 1
    return max(Fraction(0), min(Fraction(1), Fraction(gone, days)))


def expected(direction: Direction | None, share_done: Fraction) -> Fraction:
    """Expected progress by today: the share done, or 1 for a key result that stays on a line."""
    if direction is not None and direction.stays:
        return Fraction(1)
    return share_done


@dataclass(frozen=True)
class Pace:
    expected: Fraction
    progress: Fraction | None
    behind: Fraction | None  # expected - progress; positive when behind

    @property
    def too_far_behind(self) -> bool:
        return self.behind is not None and self.behind > BEHIND_BY


def pace(expected_progress: Fraction, progress: Fraction | None) -> Pace:
    behind = None if progress is None else expected_progress - progress
    return Pace(expected_progress, progress, behind)


class NoteReason(StrEnum):
    LOW_CONFIDENCE = "low_confidence"
    BEHIND_PACE = "behind_pace"


def note_reasons(confidence: int, at: Pace) -> tuple[NoteReason, ...]:
    """Why a check-in with this confidence, at this pace, must carry a note (empty: a note is optional)."""
    reasons: list[NoteReason] = []
    if confidence < LOW_CONFIDENCE:
        reasons.append(NoteReason.LOW_CONFIDENCE)
    if at.too_far_behind:
        reasons.append(NoteReason.BEHIND_PACE)
    return tuple(reasons)


class Confidence(StrEnum):
    """The rubric's bands of a 0..10 confidence (their words are in the i18n catalogue, okr.rubric.*)."""

    LOST = "lost"  # 0: will not happen
    UNLIKELY = "unlikely"  # 1-3: needs a change of plan or help
    AT_RISK = "at_risk"  # 4-6: possible, with real risk
    ON_TRACK = "on_track"  # 7-9: expected, with the usual risks
    CERTAIN = "certain"  # 10: done or as good as done


def band(confidence: int) -> Confidence:
    if confidence == 0:
        return Confidence.LOST
    if confidence <= 3:
        return Confidence.UNLIKELY
    if confidence <= 6:
        return Confidence.AT_RISK
    if confidence <= 9:
        return Confidence.ON_TRACK
    return Confidence.CERTAIN
