"""What a SMART check finds: the letter, the severity, the KPI and target, the reason and the fix (both messages)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from kpilot.definitions.goals_model import Target
from kpilot.engine.periods import Grain, grain_word
from kpilot.errors import Location, Severity
from kpilot.i18n import Message, Raw

# The criterion each letter stands for, in the reader's language.
_WORDS = {
    "S": Message("goals.smart.letter.specific"),
    "M": Message("goals.smart.letter.measurable"),
    "A": Message("goals.smart.letter.achievable"),
    "R": Message("goals.smart.letter.relevant"),
    "T": Message("goals.smart.letter.time_bound"),
}


class Letter(StrEnum):
    S = "S"
    M = "M"
    A = "A"
    R = "R"
    T = "T"

    @property
    def word(self) -> Message:
        """Specific, Measurable, Achievable, Relevant, Time-bound."""
        return _WORDS[self.value]


@dataclass(frozen=True)
class Finding:
    letter: Letter
    severity: Severity
    kpi: str | None
    target: Message | None  # the target's period and scope: "2025-Q3 team=EMEA", "every month"
    reason: Message
    fix: Message
    location: Location | None = None


def target_label(target: Target) -> Message:
    """The target as its file names it: its period as written, or every period of a grain; then its scope."""
    if target.period is not None:
        when = Message("goals.smart.target_period", period=Raw(target.period))
    else:
        when = Message("goals.smart.every", grain=grain_word(Grain(target.every or "month")))
    scope = " ".join(f"{k}={v}" for k, v in sorted(target.scope.items()))
    return Message("goals.smart.target_scoped", when=when, scope=Raw(scope)) if scope else when


def make_finding(
    letter: Letter,
    severity: Severity,
    kpi: str | None,
    reason: Message,
    fix: Message,
    *,
    target: Target | None = None,
    location: Location | None = None,
) -> Finding:
    return Finding(letter, severity, kpi, target_label(target) if target else None, reason, fix, location)
