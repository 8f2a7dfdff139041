"""Alert rules as typed values (`alert_rules:` in the definitions files; docs/alerts.md): what to watch, when it
alerts, in which scopes, and whom it tells.

Only the shape is checked here (each kind's own keys, and no key of another kind); names are checked against the
model by `kpilot.alerts.rule_checks`, which reports each problem at its place in the file.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field, model_validator

from kpilot.definitions.base import Frozen, Identifier, Invalid
from kpilot.errors import Location
from kpilot.i18n import Message

Count = Annotated[int, Field(ge=0, le=1000)]


class RuleKind(StrEnum):
    STATUS = "status"  # the KPI's status is at risk or off track (pace-based for a running period)
    PROJECTED_MISS = "projected_miss"  # the running period's projection falls short of commit or target
    CHANGE = "change"  # an unfavourable change against the previous period or the same period a year before
    ANOMALY = "anomaly"  # outside the disclosed forecast band
    STALE = "stale"  # a source without new rows for a while
    THRESHOLD = "threshold"  # beyond a static limit or the KPI's target


# The keys each kind takes besides the common ones (a key of another kind is refused: it would be silently ignored).
KIND_KEYS: dict[RuleKind, frozenset[str]] = {
    RuleKind.STATUS: frozenset({"at_least"}),
    RuleKind.PROJECTED_MISS: frozenset({"level"}),
    RuleKind.CHANGE: frozenset({"against", "min_change", "min_absolute", "volume"}),
    RuleKind.ANOMALY: frozenset(),
    RuleKind.STALE: frozenset({"source", "hours"}),
    RuleKind.THRESHOLD: frozenset({"below", "above"}),
}
KIND_SPECIFIC = frozenset().union(*KIND_KEYS.values())


class Volume(Frozen):
    """A minimum volume for a change to count: another KPI (visits, spend) at least this much in the period."""

    kpi: Identifier
    at_least: Annotated[float, Field(ge=0)]


class Recipients(Frozen):
    teams: tuple[str, ...] = ()
    people: tuple[str, ...] = ()


class AlertRule(Frozen):
    name: Identifier
    label: str | None = None
    when: RuleKind
    kpi: Identifier | None = None  # every kind but `stale`
    grain: Literal["day", "week", "month", "quarter", "year"] = "month"
    scope: dict[str, str] = Field(default_factory=dict)  # a fixed slice of the data
    by: tuple[Identifier, ...] = ()  # evaluated once per member of these dimensions
    pending_for: Count = 0
    keep_firing_for: Count = 0
    notify: Recipients = Recipients()
    # status
    at_least: Literal["at_risk", "off_track"] | None = None
    # projected_miss
    level: Literal["commit", "target"] | None = None
    # change
    against: Literal["previous", "last_year"] | None = None
    min_change: Annotated[float, Field(gt=0)] | None = None  # percent, or percentage points for a rate
    min_absolute: Annotated[float, Field(ge=0)] | None = None
    volume: Volume | None = None
    # stale
    source: Identifier | None = None
    hours: Annotated[float, Field(gt=0)] | None = None
    # threshold: a number, or `target` for the KPI's own target
    below: float | Literal["target"] | None = None
    above: float | Literal["target"] | None = None
    origin: Location = Location()
    locations: dict[str, Location] = Field(default_factory=dict, exclude=True)

    @model_validator(mode="after")
    def _kind_keys(self) -> AlertRule:
        allowed = KIND_KEYS[self.when]
        given = {key for key in KIND_SPECIFIC if getattr(self, key) is not None}
        foreign = sorted(given - allowed)
        if foreign:
            words = Message("definitions.alert.foreign_keys", kind=self.when.value, keys=tuple(foreign))
            raise Invalid(words)
        if self.when is RuleKind.STALE:
            if self.source is None or self.hours is None:
                raise Invalid(Message("definitions.alert.stale_needs"))
        elif self.kpi is None:
            raise Invalid(Message("definitions.alert.needs_kpi", kind=self.when.value))
        if self.when is RuleKind.CHANGE and self.min_change is None:
            raise Invalid(Message("definitions.alert.change_needs_min"))
        if self.when is RuleKind.THRESHOLD and (self.below is None) == (self.above is None):
            raise Invalid(Message("definitions.alert.threshold_one_side"))
        return self

    @property
    def title(self) -> str:
        return self.label or self.name
