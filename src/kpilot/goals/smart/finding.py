"""What a SMART check finds: the letter, the severity, the KPI and target, the reason and the fix."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from kpilot.definitions.goals_model import Target
from kpilot.errors import Location


class Letter(StrEnum):
    S = "S"
    M = "M"
    A = "A"
    R = "R"
    T = "T"

    @property
    def word(self) -> str:
        return {"S": "Specific", "M": "Measurable", "A": "Achievable", "R": "Relevant", "T": "Time-bound"}[self.value]


class Level(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True)
class Finding:
    letter: Letter
    severity: Level
    kpi: str | None
    target: str | None  # the target's period and scope: "2025-Q3 team=EMEA"
    reason: str
    fix: str
    location: Location | None = None


def target_label(target: Target) -> str:
    when = target.period if target.period is not None else f"every {target.every}"
    return " ".join([when, *(f"{k}={v}" for k, v in sorted(target.scope.items()))])


def make_finding(
    letter: Letter,
    severity: Level,
    kpi: str | None,
    reason: str,
    fix: str,
    *,
    target: Target | None = None,
    location: Location | None = None,
) -> Finding:
    return Finding(letter, severity, kpi, target_label(target) if target else None, reason, fix, location)
