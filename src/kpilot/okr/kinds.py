"""The choices of the OKR model, as the store, the YAML files and the API spell them."""

from __future__ import annotations

from enum import StrEnum


class KeyResultKind(StrEnum):
    KPI = "kpi"  # measured by a KPI over the cycle's period and the key result's scope
    NUMBER = "number"  # a number typed in check-ins
    MILESTONE = "milestone"  # done or not done
    MILESTONES = "milestones"  # a set of milestones: the share done


class Direction(StrEnum):
    INCREASE = "increase"  # from the baseline up to the target
    DECREASE = "decrease"  # from the baseline down to the target
    STAY_ABOVE = "stay_above"  # keep the value at or above the target
    STAY_BELOW = "stay_below"  # keep the value at or below the target
    STAY_WITHIN = "stay_within"  # keep the value between the target and the upper bound

    @property
    def stays(self) -> bool:
        """A "stay" key result holds a line all cycle long, rather than moving towards it."""
        return self in (Direction.STAY_ABOVE, Direction.STAY_BELOW, Direction.STAY_WITHIN)


class Level(StrEnum):
    COMPANY = "company"
    DEPARTMENT = "department"
    TEAM = "team"
    PERSON = "person"


LEVEL_ORDER = (Level.COMPANY, Level.DEPARTMENT, Level.TEAM, Level.PERSON)  # from the top of the cascade down


class CycleState(StrEnum):
    DRAFT = "draft"  # being written: no check-ins yet
    OPEN = "open"  # running: check-ins and measurements
    CLOSED = "closed"  # final values and scores kept; a later change is recorded as a correction


class Rollup(StrEnum):
    WEIGHTED_MEAN = "weighted_mean"  # the objective's progress is the weighted mean of its parts' grades
    MINIMUM = "minimum"  # the objective is as far as its weakest part


class Colour(StrEnum):
    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"


class OwnerKind(StrEnum):
    PERSON = "person"
    TEAM = "team"
