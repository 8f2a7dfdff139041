"""Why a KPI has the status it has: one message per shape of sentence, for `goals.status.evaluate`.

A reason nests what it speaks about as values, so that each language orders them its own way: the goal as a phrase
(`goals.goal.target_of_period`: "the May 2025 target of 130,000 EUR"), the value and levels as `Amount`s, a gap as
a `Share` of the goal (12%), `Points` for rates (0.6 points) or an `Amount` where a share would mislead (a loss
against a profit target), the period as a `Period`. docs/targets.md lists examples; English keeps the wording kpilot
has always had.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from kpilot.definitions.goals_model import TargetType
from kpilot.definitions.model import Kpi, Unit
from kpilot.goals.attainment import TOLERANCE, attainment, meets
from kpilot.goals.resolved import ResolvedTarget
from kpilot.i18n import Amount, Message, Period, Points, Share

THIS_PERIOD = Message("goals.status.this_period")

# The goal a reason names, by level (the target's level by its type): without a period, and with one.
_TARGET_PHRASES = {
    TargetType.INCREASE: (Message("goals.goal.target"), Message("goals.goal.target_of_period")),
    TargetType.DECREASE: (Message("goals.goal.limit"), Message("goals.goal.limit_of_period")),
    TargetType.ABOVE: (Message("goals.goal.minimum"), Message("goals.goal.minimum_of_period")),
    TargetType.BELOW: (Message("goals.goal.limit"), Message("goals.goal.limit_of_period")),
}
_LEVEL_PHRASES = {
    "stretch": (Message("goals.goal.stretch"), Message("goals.goal.stretch_of_period")),
    "commit": (Message("goals.goal.commit"), Message("goals.goal.commit_of_period")),
}
_RANGE_PHRASES = (Message("goals.goal.range"), Message("goals.goal.range_of_period"))
# The goal a pace is measured against, without its amount ("the pace needed for the May 2025 target").
_PACE_PHRASES = {
    True: (Message("goals.goal.pace_target"), Message("goals.goal.pace_target_of_period")),
    False: (Message("goals.goal.pace_limit"), Message("goals.goal.pace_limit_of_period")),
}
# A value that reaches a level: meeting it exactly, above it, or (lower is better) within it.
_AT_LEVEL = {
    "within": Message("goals.status.level_within"),
    "meeting": Message("goals.status.level_meeting"),
    "above": Message("goals.status.level_above"),
}
_PROJECTED_AT_LEVEL = {
    "within": Message("goals.status.projected_within"),
    "meeting": Message("goals.status.projected_meeting"),
    "above": Message("goals.status.projected_above"),
}
# A value that misses the target: (higher is better, commit met) -> the sentence; None: there is no commit.
_MISSED = {
    (True, True): Message("goals.status.short_above_commit"),
    (True, False): Message("goals.status.short_below_commit"),
    (False, True): Message("goals.status.over_within_commit"),
    (False, False): Message("goals.status.over_over_commit"),
    (True, None): Message("goals.status.short_by_threshold"),
    (False, None): Message("goals.status.over_by_threshold"),
}
# (higher is better, ahead of the pace, on it) -> the sentence.
_PACE = {
    (True, True, False): Message("goals.status.pace_ahead"),
    (True, False, False): Message("goals.status.pace_behind"),
    (True, True, True): Message("goals.status.pace_on_needed"),
    (False, True, False): Message("goals.status.pace_under"),
    (False, False, False): Message("goals.status.pace_over"),
    (False, True, True): Message("goals.status.pace_on_allowed"),
}
# A month's name inside a date ("by 12 May"; Polish "do 12 maja"): the genitive where a language has one.
MONTHS = (
    Message("goals.month.january"),
    Message("goals.month.february"),
    Message("goals.month.march"),
    Message("goals.month.april"),
    Message("goals.month.may"),
    Message("goals.month.june"),
    Message("goals.month.july"),
    Message("goals.month.august"),
    Message("goals.month.september"),
    Message("goals.month.october"),
    Message("goals.month.november"),
    Message("goals.month.december"),
)


def _filled(template: Message, **values: object) -> Message:
    """The template's code with these values (templates keep every code a literal the catalogue tests can see)."""
    return Message(template.code, **values)


def relation(value: float, level: float, higher_is_better: bool) -> str:
    """How a value that reaches a level stands to it: `within` (lower is better), `meeting` or `above`."""
    if not higher_is_better:
        return "within"
    return "meeting" if math.isclose(value, level, rel_tol=TOLERANCE, abs_tol=TOLERANCE) else "above"


@dataclass(frozen=True)
class Reasons:
    """The reasons for one KPI and period: `period` None is "this period" (and goals are named without one)."""

    kpi: Kpi
    currency: str
    period: Period | None

    @property
    def name(self) -> str:
        title = self.kpi.label or self.kpi.name.replace("_", " ")
        return title[:1].upper() + title[1:]

    @property
    def when(self) -> Period | Message:
        return self.period if self.period is not None else THIS_PERIOD

    def amount(self, value: float) -> Amount:
        return Amount(value, unit=self.kpi.unit.value, currency=self.currency)

    def _pick(self, phrases: tuple[Message, Message], **values: object) -> Message:
        without, with_period = phrases
        if self.period is None:
            return _filled(without, **values)
        return _filled(with_period, period=self.period, **values)

    def goal(self, target: ResolvedTarget, level: str = "target") -> Message:
        """'the May 2025 target of 130,000 EUR', 'the 3% limit', 'the stretch goal of 150,000 EUR'."""
        if target.type is TargetType.RANGE:
            low, high = self.amount(target.min or 0.0), self.amount(target.max or 0.0)
            return self._pick(_RANGE_PHRASES, low=low, high=high)
        phrases = _TARGET_PHRASES[target.type] if level == "target" else _LEVEL_PHRASES[level]
        return self._pick(phrases, amount=self.amount(getattr(target, level) or 0.0))

    def gap(self, value: float, goal: float) -> Points | Share | Amount:
        """How far apart: '12%' of the goal, '0.6 points' for percent KPIs, or the amount itself."""
        if self.kpi.unit is Unit.PERCENT:
            return Points(abs(value - goal))
        if goal > 0 and value >= 0:
            return Share(abs(value - goal) / goal)
        return self.amount(abs(value - goal))

    def subject(self, value: float, so_far: bool) -> Message:
        code = "goals.status.subject_so_far" if so_far else "goals.status.subject"
        return Message(code, kpi=self.name, value=self.amount(value))

    # ---------------------------------------------------------------------------------------------- no judgement

    def no_target(self) -> Message:
        return Message("goals.status.no_target", period=self.when)

    def no_data(self) -> Message:
        return Message("goals.status.no_data", kpi=self.name, period=self.when)

    def incomplete(self, target: ResolvedTarget) -> Message:
        code = "goals.status.range_incomplete" if target.type is TargetType.RANGE else "goals.status.target_incomplete"
        return Message(code, type=target.type.value, kpi=self.name, period=self.when)

    def immature(self, target: ResolvedTarget, value: float) -> Message:
        days = self.kpi.mature_after
        values = {"kpi": self.name, "value": self.amount(value), "period": self.when, "goal": self.goal(target)}
        if days:
            return Message("goals.status.immature_days", count=days, **values)
        return Message("goals.status.immature", **values)

    def too_early(self, target: ResolvedTarget, value: float, elapsed: float) -> Message:
        return Message(
            "goals.status.too_early",
            share=Share(elapsed),
            period=self.when,
            kpi=self.name,
            value=self.amount(value),
            goal=self.goal(target),
        )

    # ---------------------------------------------------------------------------------------------- judged

    def against_levels(
        self, target: ResolvedTarget, value: float, level: str | None, reached: bool, so_far: bool
    ) -> Message:
        """The value against the levels: `reached` when it meets the target or stretch (`level` says which), else
        `level` is "commit" when the commit is met."""
        subject = self.subject(value, so_far)
        if target.type is TargetType.RANGE:
            return self._range(target, value, subject)
        better = bool(target.type.higher_is_better)
        if reached:
            chosen = level or "target"
            near = relation(value, getattr(target, chosen) or 0.0, better)
            return _filled(_AT_LEVEL[near], subject=subject, goal=self.goal(target, chosen))
        values = {"subject": subject, "gap": self.gap(value, target.target or 0.0), "goal": self.goal(target)}
        if target.commit is not None:
            sentence = _MISSED[(better, level == "commit")]
            return _filled(sentence, commit=self.amount(target.commit), **values)
        reached_share = Share(attainment(value, target) or 0.0)
        return _filled(_MISSED[(better, None)], attainment=reached_share, threshold=Share(self.kpi.at_risk), **values)

    def _range(self, target: ResolvedTarget, value: float, subject: Message) -> Message:
        low, high = target.min or 0.0, target.max or 0.0
        if low <= value <= high:
            return _filled(_AT_LEVEL["within"], subject=subject, goal=self.goal(target))
        below = value < low
        distance = abs(value - (low if below else high))
        gap = Points(distance) if self.kpi.unit is Unit.PERCENT else self.amount(distance)
        return Message(
            "goals.status.below_range" if below else "goals.status.above_range",
            subject=subject,
            gap=gap,
            goal=self.goal(target),
            attainment=Share(attainment(value, target) or 0.0),
        )

    def pace(
        self, target: ResolvedTarget, value: float, expected: float, elapsed: float, as_of: date | None
    ) -> Message:
        better = bool(target.type.higher_is_better)
        if as_of is not None:
            by = Message("goals.status.by_day", day=as_of.day, month=MONTHS[as_of.month - 1])
        else:
            by = Message("goals.status.at_share", share=Share(elapsed))
        on = math.isclose(value, expected, rel_tol=0.005)
        ahead = on or meets(value, expected, better)
        return _filled(
            _PACE[(better, ahead, on)],
            kpi=self.name,
            gap=self.gap(value, expected),
            goal=self._pick(_PACE_PHRASES[better]),
            expected=self.amount(expected),
            by=by,
            actual=self.amount(value),
        )

    def projected(
        self, target: ResolvedTarget, value: float, projection: float, level: str | None, on_track: bool
    ) -> Message:
        better = bool(target.type.higher_is_better)
        values = {"kpi": self.name, "projection": self.amount(projection), "value": self.amount(value)}
        if on_track:
            chosen = level or "target"
            near = relation(projection, getattr(target, chosen) or 0.0, better)
            return _filled(_PROJECTED_AT_LEVEL[near], goal=self.goal(target, chosen), **values)
        gap = self.gap(projection, target.target or 0.0)
        if level == "commit" and target.commit is not None:
            code = "goals.status.projected_short_commit" if better else "goals.status.projected_over_commit"
            return Message(code, goal=self.goal(target), gap=gap, commit=self.amount(target.commit), **values)
        code = "goals.status.projected_short" if better else "goals.status.projected_over"
        return Message(code, goal=self.goal(target), gap=gap, **values)

    def already(
        self, target: ResolvedTarget, value: float, level: str | None, reached: bool, elapsed: float
    ) -> Message:
        if reached:
            goal = self.goal(target, level or "target")
            return Message("goals.status.already_reached", kpi=self.name, goal=goal, value=self.amount(value))
        return Message(
            "goals.status.already_over",
            kpi=self.name,
            goal=self.goal(target),
            value=self.amount(value),
            left=Share(1 - elapsed),
        )
