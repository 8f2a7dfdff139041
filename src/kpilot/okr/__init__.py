"""OKRs: objectives with up to five key results, scored from their measures, rolled up along alignment links
(docs/okrs.md). Pure domain code: values in, scores out; the store keeps the OKRs and services.okrs measures them."""

from kpilot.okr.kinds import Colour, CycleState, Direction, KeyResultKind, Level, Rollup
from kpilot.okr.scoring import Grading, Measure, grade, progress

__all__ = [
    "Colour",
    "CycleState",
    "Direction",
    "Grading",
    "KeyResultKind",
    "Level",
    "Measure",
    "Rollup",
    "grade",
    "progress",
]
