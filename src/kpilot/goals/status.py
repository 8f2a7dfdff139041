"""How a KPI stands against its target: a status, the attainment, the pace in a running period, and a reason.

Attainment (`goals.attainment`) is the fraction of the target reached, always "higher is better" whatever the KPI's
direction; the reason (`goals.reasons`) is a message, rendered in the reader's language. The rules that turn
attainment and levels into a status are in docs/targets.md.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from kpilot.definitions.goals_model import TargetType
from kpilot.definitions.model import Kpi
from kpilot.goals.attainment import TOLERANCE, attainment, meets
from kpilot.goals.reasons import Reasons
from kpilot.goals.resolved import ResolvedTarget
from kpilot.i18n import Message, Period

JUDGED_BY_END = frozenset({TargetType.INCREASE, TargetType.DECREASE})  # "reach X by the end of the period"
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
    attainment: float | None  # value against the whole target (see goals.attainment)
    expected_to_date: float | None  # additive increase/decrease targets: target x elapsed
    pace: float | None  # value / expected_to_date
    projection: float | None  # the projected end-of-period value, when one was given
    level_reached: str | None  # "stretch", "target", "commit" or None, by what the status was judged on
    reason: Message  # why, in words of the reader's language when rendered (goals.reasons)


# A status as every surface shows it ("on track"), in the reader's language.
STATUS_WORDS = {
    Status.ACHIEVED: Message("goals.status_word.achieved"),
    Status.ON_TRACK: Message("goals.status_word.on_track"),
    Status.AT_RISK: Message("goals.status_word.at_risk"),
    Status.OFF_TRACK: Message("goals.status_word.off_track"),
    Status.NO_TARGET: Message("goals.status_word.no_target"),
    Status.NO_DATA: Message("goals.status_word.no_data"),
    Status.TOO_EARLY: Message("goals.status_word.too_early"),
    Status.IMMATURE: Message("goals.status_word.immature"),
}


def status_word(status: Status) -> Message:
    """The status as a word for people: `on_track` is "on track" (`goals.status_word.on_track`)."""
    return STATUS_WORDS[status]


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
    if target.stretch is not None and meets(value, target.stretch * share, better):
        return _Verdict(Status.ACHIEVED, "stretch")
    if meets(value, target.target * share, better):
        return _Verdict(Status.ACHIEVED, "target")
    if target.commit is not None:
        met = meets(value, target.commit * share, better)
        return _Verdict(Status.AT_RISK, "commit") if met else _Verdict(Status.OFF_TRACK, None)
    return _by_threshold(kpi, target, value, share)


def _by_threshold(kpi: Kpi, target: ResolvedTarget, value: float, share: float) -> _Verdict:
    reached = attainment(value, target, share=share)
    close = reached is not None and reached >= kpi.at_risk - TOLERANCE
    return _Verdict(Status.AT_RISK if close else Status.OFF_TRACK, None)


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
    period: Period | None = None,
    as_of: date | None = None,
    immature: bool = False,
) -> Evaluation:
    """Judge `value` (the KPI over the period so far) against `target`.

    `elapsed` is the fraction of the period gone by (1 for a complete period); `projection` the expected value at
    the end of the period; `period` the period judged, named by the reason (None: "this period"); `as_of` the last
    day counted, only for the wording ("expected 52,000 by 12 May");
    `immature` says that the period's cohorts have not had the KPI's `mature_after` yet, so the value is not final
    and is not judged against the target.
    """
    words = Reasons(kpi, currency, period)
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


def _empty(status: Status, reason: Message) -> Evaluation:
    return Evaluation(status, None, None, None, None, None, reason)


@dataclass(frozen=True)
class _Judge:
    kpi: Kpi
    target: ResolvedTarget
    value: float
    words: Reasons
    elapsed: float
    projection: float | None
    as_of: date | None

    @property
    def complete(self) -> bool:
        return self.elapsed >= 1.0

    @property
    def too_early(self) -> bool:
        return not self.complete and self.elapsed < TOO_EARLY_SHARE

    def result(self, verdict: _Verdict, reason: Message, expected: float | None = None) -> Evaluation:
        pace = self.value / expected if expected else None
        reached = attainment(self.value, self.target)
        return Evaluation(verdict.status, reached, expected, pace, self.projection, verdict.level, reason)

    def levels(self, verdict: _Verdict, *, so_far: bool) -> Message:
        """The reason of a value judged against the levels themselves."""
        reached = verdict.status in (Status.ACHIEVED, Status.ON_TRACK)
        return self.words.against_levels(self.target, self.value, verdict.level, reached, so_far)

    def by_value(self) -> Evaluation:
        """Complete periods, and running periods of non-additive KPIs or above/below/range targets."""
        if self.too_early:
            return self.early(None)
        if not self.complete and self.projection is not None and self.target.type in JUDGED_BY_END:
            return self.by_projection(None)
        verdict = _ladder(self.kpi, self.target, self.value)
        if not self.complete:
            verdict = _running(verdict)
        return self.result(verdict, self.levels(verdict, so_far=not self.complete))

    def additive(self) -> Evaluation:
        """Increase/decrease targets of KPIs that add up: the value so far against the pace (or the projection)."""
        expected = (self.target.target or 0.0) * self.elapsed
        if self.complete:
            verdict = _ladder(self.kpi, self.target, self.value)
            return self.result(verdict, self.levels(verdict, so_far=False), expected)
        already = self.already_decided()
        if already is not None:
            reached = already.status is Status.ACHIEVED
            reason = self.words.already(self.target, self.value, already.level, reached, self.elapsed)
            return self.result(already, reason, expected)
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
        on_track = verdict.status is Status.ON_TRACK
        reason = self.words.projected(self.target, self.value, self.projection, verdict.level, on_track)
        return self.result(verdict, reason, expected)
