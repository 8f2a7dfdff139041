"""How a KPI stands against its target: a status, the attainment, the pace in a running period, and a reason.

Attainment is the fraction of the target reached, always "higher is better" whatever the KPI's direction:

- higher is better (increase, above): value / target; for a target of zero or below, 1 + (value - target) / scale,
  which is the same formula (value / target = 1 + (value - target) / target) with a scale that stays positive;
- lower is better (decrease, below): target / value when both are positive; otherwise 1 + (target - value) / scale;
- range: 1 inside [min, max]; outside, 1 - distance to the nearest bound / width of the range, not below 0.

The scale is |target|, or, for a target of exactly zero, the distance to the commit (else to the stretch, else 1).
So a negative value never flips meaning: a profit of -50 against a target of 100 attains -50 %, and a cost of -10
against a limit of 100 attains 210 %.

The rules that turn attainment and levels into a status are in docs/targets.md.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from kpilot.definitions.goals_model import TargetType
from kpilot.definitions.model import Kpi, Unit
from kpilot.goals.resolved import ResolvedTarget

JUDGED_BY_END = frozenset({TargetType.INCREASE, TargetType.DECREASE})  # "reach X by the end of the period"
TOLERANCE = 1e-9  # relative: a value on the pace (40 against 100 * 0.4) meets it despite rounding
# A running period is not judged before this share of it has passed: on the first days of a month a few orders more
# or less swing the pace and the projection from far behind to far ahead. A fifth is 6 days of a month, 18 of a
# quarter, 73 of a year, a day and a half of a week.
TOO_EARLY_SHARE = 0.2


class Status(StrEnum):
    ACHIEVED = "achieved"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    NO_TARGET = "no_target"
    NO_DATA = "no_data"
    TOO_EARLY = "too_early"  # the period is running, and less than TOO_EARLY_SHARE of it has passed
    IMMATURE = "immature"  # the period's cohorts are younger than the KPI's mature_after: not final yet


@dataclass(frozen=True)
class Evaluation:
    status: Status
    attainment: float | None  # value against the whole target (see the module's docstring)
    expected_to_date: float | None  # additive increase/decrease targets: target x elapsed
    pace: float | None  # value / expected_to_date
    projection: float | None  # the projected end-of-period value, when one was given
    level_reached: str | None  # "stretch", "target", "commit" or None, by what the status was judged on
    reason: str


# --------------------------------------------------------------------------------------------------------------
# Numbers in words


def format_amount(value: float, unit: Unit, currency: str | None = None) -> str:
    """A value for a sentence: 1,200,000 EUR, 2.1%, 45,800, 0.35."""
    if unit is Unit.PERCENT:
        points = value * 100
        if 0 < abs(points) < 1:  # small rates keep three significant digits: CTRs of 0.0139% and 0.0195% differ
            return f"{_trim(points, 2 - math.floor(math.log10(abs(points))))}%"
        return f"{_trim(points, 1 if abs(value) >= 0.1 else 2)}%"
    text = _number(value)
    return f"{text} {currency}" if unit is Unit.CURRENCY and currency else text


def format_share(fraction: float) -> str:
    """A fraction as a percentage for a sentence: 0.119 -> 12%, 0.042 -> 4.2%."""
    return f"{_trim(fraction * 100, 0 if abs(fraction) >= 0.1 else 1)}%"


def _number(value: float) -> str:
    if value == 0:
        return "0"
    if abs(value) >= 1000 or float(value).is_integer():
        return f"{value:,.0f}"
    if abs(value) >= 1:
        return _trim(value, 2)
    return f"{value:.3g}"


def _trim(value: float, decimals: int) -> str:
    text = f"{value:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


# --------------------------------------------------------------------------------------------------------------
# Attainment


def attainment(value: float, target: ResolvedTarget, *, share: float = 1.0) -> float | None:
    """The fraction of the target reached by `value`, with the target's levels multiplied by `share`."""
    if target.type is TargetType.RANGE:
        if target.min is None or target.max is None:
            return None
        return _range_attainment(value, target.min * share, target.max * share)
    if target.target is None:
        return None
    goal = target.target * share
    scale = abs(goal) if goal != 0 else _zero_scale(target, share)
    if target.type.higher_is_better:
        return 1 + (value - goal) / scale
    if goal > 0 and value > 0:
        return goal / value
    return 1 + (goal - value) / scale


def _zero_scale(target: ResolvedTarget, share: float) -> float:
    for level in (target.commit, target.stretch):
        scale = abs(level * share) if level is not None else 0.0
        if scale > 0:  # also skips NaN, and a product that underflows to 0
            return scale
    return 1.0


def _range_attainment(value: float, low: float, high: float) -> float:
    if low <= value <= high:
        return 1.0
    distance = low - value if value < low else value - high
    width = high - low
    if width <= 0:
        width = abs(low) if low != 0 else 1.0
    return max(0.0, 1 - distance / width)


def _meets(value: float, level: float, higher_is_better: bool) -> bool:
    slack = TOLERANCE * max(1.0, abs(level))
    return value >= level - slack if higher_is_better else value <= level + slack


# --------------------------------------------------------------------------------------------------------------
# The ladder: achieved (stretch or target met), at risk (commit met, or attainment above the KPI's threshold), off track


@dataclass(frozen=True)
class _Verdict:
    status: Status
    level: str | None


def _ladder(kpi: Kpi, target: ResolvedTarget, value: float, share: float = 1.0) -> _Verdict:
    if target.type is TargetType.RANGE:
        inside = attainment(value, target, share=share) == 1.0
        return _Verdict(Status.ACHIEVED, "target") if inside else _by_threshold(kpi, target, value, share)
    assert target.target is not None  # checked by evaluate()
    better = bool(target.type.higher_is_better)
    if target.stretch is not None and _meets(value, target.stretch * share, better):
        return _Verdict(Status.ACHIEVED, "stretch")
    if _meets(value, target.target * share, better):
        return _Verdict(Status.ACHIEVED, "target")
    if target.commit is not None:
        met = _meets(value, target.commit * share, better)
        return _Verdict(Status.AT_RISK, "commit") if met else _Verdict(Status.OFF_TRACK, None)
    return _by_threshold(kpi, target, value, share)


def _by_threshold(kpi: Kpi, target: ResolvedTarget, value: float, share: float) -> _Verdict:
    reached = attainment(value, target, share=share)
    close = reached is not None and reached >= kpi.at_risk - TOLERANCE
    return _Verdict(Status.AT_RISK if close else Status.OFF_TRACK, None)


def _relation(value: float, level: float, higher_is_better: bool) -> str:
    if not higher_is_better:
        return "within"
    return "meeting" if math.isclose(value, level, rel_tol=TOLERANCE, abs_tol=TOLERANCE) else "above"


def _running(verdict: _Verdict) -> _Verdict:
    """In a running period, meeting the target so far is being on track, not having achieved it."""
    return _Verdict(Status.ON_TRACK, verdict.level) if verdict.status is Status.ACHIEVED else verdict


# --------------------------------------------------------------------------------------------------------------
# Evaluation


def evaluate(
    kpi: Kpi,
    target: ResolvedTarget | None,
    value: float | None,
    *,
    additive: bool,
    elapsed: float,
    projection: float | None = None,
    currency: str = "EUR",
    period_label: str = "",
    as_of: date | None = None,
    immature: bool = False,
) -> Evaluation:
    """Judge `value` (the KPI over the period so far) against `target`.

    `elapsed` is the fraction of the period gone by (1 for a complete period); `projection` the expected value at
    the end of the period; `as_of` the last day counted, only for the wording ("expected 52,000 by 12 May");
    `immature` says that the period's cohorts have not had the KPI's `mature_after` yet, so the value is not final
    and is not judged against the target.
    """
    words = _Words(kpi, currency, period_label)
    if target is None:
        return _empty(Status.NO_TARGET, words.no_target())
    if not _finite(value):
        return _empty(Status.NO_DATA, words.no_data())
    assert value is not None
    if (target.type is TargetType.RANGE and (target.min is None or target.max is None)) or (
        target.type is not TargetType.RANGE and target.target is None
    ):
        return _empty(Status.NO_TARGET, words.incomplete(target))
    if immature:
        return Evaluation(Status.IMMATURE, None, None, None, None, None, words.immature(target, value))
    done = 1.0 if math.isnan(elapsed) else min(max(elapsed, 0.0), 1.0)
    judge = _Judge(kpi, target, value, words, done, projection if _finite(projection) else None, as_of)
    if additive and target.type in JUDGED_BY_END:
        return judge.additive()
    return judge.by_value()


def _finite(value: float | None) -> bool:
    return value is not None and math.isfinite(value)


def _empty(status: Status, reason: str) -> Evaluation:
    return Evaluation(status, None, None, None, None, None, reason)


@dataclass(frozen=True)
class _Judge:
    kpi: Kpi
    target: ResolvedTarget
    value: float
    words: _Words
    elapsed: float
    projection: float | None
    as_of: date | None

    @property
    def complete(self) -> bool:
        return self.elapsed >= 1.0

    @property
    def too_early(self) -> bool:
        return not self.complete and self.elapsed < TOO_EARLY_SHARE

    def result(self, verdict: _Verdict, reason: str, expected: float | None = None) -> Evaluation:
        pace = self.value / expected if expected else None
        reached = attainment(self.value, self.target)
        return Evaluation(verdict.status, reached, expected, pace, self.projection, verdict.level, reason)

    def by_value(self) -> Evaluation:
        """Complete periods, and running periods of non-additive KPIs or above/below/range targets."""
        if self.too_early:
            return self.early(None)
        if not self.complete and self.projection is not None and self.target.type in JUDGED_BY_END:
            return self.by_projection(None)
        verdict = _ladder(self.kpi, self.target, self.value)
        if not self.complete:
            verdict = _running(verdict)
        return self.result(verdict, self.words.against_levels(self.target, self.value, verdict, not self.complete))

    def additive(self) -> Evaluation:
        """Increase/decrease targets of KPIs that add up: the value so far against the pace (or the projection)."""
        expected = (self.target.target or 0.0) * self.elapsed
        if self.complete:
            verdict = _ladder(self.kpi, self.target, self.value)
            return self.result(verdict, self.words.against_levels(self.target, self.value, verdict, False), expected)
        already = self.already_decided()
        if already is not None:
            return self.result(already, self.words.already(self.target, self.value, already, self.elapsed), expected)
        if self.too_early:
            return self.early(expected)
        if self.projection is not None:
            return self.by_projection(expected)
        verdict = _running(_ladder(self.kpi, self.target, self.value, self.elapsed))
        reason = self.words.pace(self.target, self.value, expected, self.elapsed, self.as_of)
        return self.result(verdict, reason, expected)

    def already_decided(self) -> _Verdict | None:
        """A sum that only grows: over the whole target is achieved; past a limit cannot come back under it.

        Only for a positive target (a limit of zero or more): with a negative one the sum is not a growing total.
        """
        goal = self.target.target or 0.0
        increase = self.target.type is TargetType.INCREASE
        if goal < 0 or (increase and goal == 0) or math.isnan(goal):
            return None
        verdict = _ladder(self.kpi, self.target, self.value)
        if increase:
            return verdict if verdict.status is Status.ACHIEVED else None
        if verdict.status is Status.ACHIEVED:
            return None
        if self.projection is not None:  # the projection, if worse, decides
            later = _ladder(self.kpi, self.target, self.projection)
            return later if later.status is Status.OFF_TRACK else verdict
        return verdict

    def early(self, expected: float | None) -> Evaluation:
        """Too little of the period has passed for its pace or projection to mean anything (a sum already over its
        whole target or limit is decided before this is asked)."""
        verdict = _Verdict(Status.TOO_EARLY, None)
        return self.result(verdict, self.words.too_early(self.target, self.value, self.elapsed), expected)

    def by_projection(self, expected: float | None) -> Evaluation:
        assert self.projection is not None
        verdict = _running(_ladder(self.kpi, self.target, self.projection))
        reason = self.words.projected(self.target, self.value, self.projection, verdict)
        return self.result(verdict, reason, expected)


# --------------------------------------------------------------------------------------------------------------
# Reasons


NOUNS = {
    TargetType.INCREASE: "target",
    TargetType.DECREASE: "limit",
    TargetType.ABOVE: "minimum",
    TargetType.BELOW: "limit",
    TargetType.RANGE: "range",
}


@dataclass(frozen=True)
class _Words:
    kpi: Kpi
    currency: str
    label: str

    @property
    def name(self) -> str:
        title = self.kpi.label or self.kpi.name.replace("_", " ")
        return title[:1].upper() + title[1:]

    def amount(self, value: float) -> str:
        return format_amount(value, self.kpi.unit, self.currency)

    def goal(self, target: ResolvedTarget, level: str = "target") -> str:
        """'the May 2025 target of 130,000 EUR', 'the 3% limit', 'the stretch goal of 150,000 EUR'."""
        if target.type is TargetType.RANGE:
            bounds = f"{self.amount(target.min or 0.0)} to {self.amount(target.max or 0.0)}"
            return f"the {self.label} range of {bounds}" if self.label else f"the range of {bounds}"
        amount = self.amount(getattr(target, level) or 0.0)
        noun = NOUNS[target.type] if level == "target" else f"{level} goal" if level == "stretch" else level
        if self.label:
            return f"the {self.label} {noun} of {amount}"
        return f"the {amount} {noun}" if level == "target" else f"the {noun} of {amount}"

    def gap(self, value: float, goal: float) -> str:
        """How far apart: '12%' of the goal, '0.6 points' for percent KPIs, or the amount itself."""
        if self.kpi.unit is Unit.PERCENT:
            return f"{_trim(abs(value - goal) * 100, 1)} points"
        if goal > 0 and value >= 0:
            return format_share(abs(value - goal) / goal)
        return self.amount(abs(value - goal))

    def period(self) -> str:
        return self.label or "this period"

    def no_target(self) -> str:
        return f"No target is set for {self.period()}."

    def no_data(self) -> str:
        return f"{self.name} has no value for {self.period()}."

    def incomplete(self, target: ResolvedTarget) -> str:
        needed = "'min' and 'max'" if target.type is TargetType.RANGE else "'target' value"
        return f"The {target.type.value} target for {self.name} in {self.period()} has no {needed}."

    def against_levels(self, target: ResolvedTarget, value: float, verdict: _Verdict, so_far: bool) -> str:
        subject = f"{self.name} is {self.amount(value)}" + (" so far" if so_far else "")
        if target.type is TargetType.RANGE:
            return self._range(target, value, subject)
        better = bool(target.type.higher_is_better)
        goal = target.target or 0.0
        if verdict.status in (Status.ACHIEVED, Status.ON_TRACK):
            level = verdict.level or "target"
            relation = _relation(value, getattr(target, level) or 0.0, better)
            return f"{subject}, {relation} {self.goal(target, level)}."
        short = "short of" if better else "over"
        text = f"{subject}, {self.gap(value, goal)} {short} {self.goal(target)}"
        if target.commit is not None:
            met = verdict.level == "commit"
            joint = ("but above" if better else "but within") if met else ("and below" if better else "and over")
            return f"{text} {joint} the commit of {self.amount(target.commit)}."
        reached = format_share(attainment(value, target) or 0.0)
        return f"{text} (attainment {reached}; below {format_share(self.kpi.at_risk)} is off track)."

    def _range(self, target: ResolvedTarget, value: float, subject: str) -> str:
        low, high = target.min or 0.0, target.max or 0.0
        if low <= value <= high:
            return f"{subject}, within {self.goal(target)}."
        side, bound = ("below", low) if value < low else ("above", high)
        distance = abs(value - bound)
        shown = f"{_trim(distance * 100, 1)} points" if self.kpi.unit is Unit.PERCENT else self.amount(distance)
        share = format_share(attainment(value, target) or 0.0)
        return f"{subject}, {shown} {side} {self.goal(target)} (attainment {share})."

    def pace(self, target: ResolvedTarget, value: float, expected: float, elapsed: float, as_of: date | None) -> str:
        better = bool(target.type.higher_is_better)
        by = f"by {as_of.day} {as_of:%B}" if as_of else f"at {format_share(elapsed)} of the period"
        goal = f"the {self.label} {NOUNS[target.type]}" if self.label else f"the {NOUNS[target.type]}"
        ahead = _meets(value, expected, better)
        if math.isclose(value, expected, rel_tol=0.005):
            how = "on"
        elif better:
            how = f"{self.gap(value, expected)} {'ahead of' if ahead else 'behind'}"
        else:
            how = f"{self.gap(value, expected)} {'under' if ahead else 'over'}"
        if better:
            return (
                f"{self.name} is {how} the pace needed for {goal} "
                f"(expected {self.amount(expected)} {by}, actual {self.amount(value)})."
            )
        return (
            f"{self.name} is {how} the pace allowed by {goal} "
            f"(at most {self.amount(expected)} expected {by}, actual {self.amount(value)})."
        )

    def projected(self, target: ResolvedTarget, value: float, projection: float, verdict: _Verdict) -> str:
        better = bool(target.type.higher_is_better)
        so_far = f"{self.amount(value)} so far"
        if verdict.status is Status.ON_TRACK:
            verb = "reach" if better else "end at"
            level = verdict.level or "target"
            relation = _relation(projection, getattr(target, level) or 0.0, better)
            goal = self.goal(target, level)
            return f"{self.name} is projected to {verb} {self.amount(projection)}, {relation} {goal} ({so_far})."
        miss, verb, side = ("miss", "reaching", "short") if better else ("exceed", "ending at", "over")
        gap = f"{self.gap(projection, target.target or 0.0)} {side}"
        text = (
            f"{self.name} is projected to {miss} {self.goal(target)}, {verb} {self.amount(projection)}, {gap} ({so_far}"
        )
        if verdict.level == "commit" and target.commit is not None:
            return f"{text}; the commit of {self.amount(target.commit)} is within reach)."
        return f"{text})."

    def already(self, target: ResolvedTarget, value: float, verdict: _Verdict, elapsed: float) -> str:
        so_far = f"{self.amount(value)} so far"
        if verdict.status is Status.ACHIEVED:
            return f"{self.name} has already reached {self.goal(target, verdict.level or 'target')} ({so_far})."
        left = format_share(1 - elapsed)
        return f"{self.name} is already over {self.goal(target)} ({so_far}, with {left} of the period to go)."

    def immature(self, target: ResolvedTarget, value: float) -> str:
        days = self.kpi.mature_after
        window = f"the {days} days its cohorts need" if days else "the time its cohorts need"
        return (
            f"{self.name} is {self.amount(value)} for {self.period()}, but the period is younger than {window} "
            f"to mature: not judged against {self.goal(target)} until then."
        )

    def too_early(self, target: ResolvedTarget, value: float, elapsed: float) -> str:
        return (
            f"Only {format_share(elapsed)} of {self.period()} has passed, too early to judge: "
            f"{self.name} is {self.amount(value)} so far, against {self.goal(target)}."
        )
