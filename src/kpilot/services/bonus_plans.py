"""Bonus plans as the services read them: a plan by name, checked before anything is computed or written, and the
periods it pays.

A plan is checked twice over: against the definitions and the payout rules (`incentives.plan_checks`: unknown KPIs,
weights, curves, gates), and against the organisation in the store (teams and people it names must exist). A plan
with any problem is refused whole, with every problem listed (ValidationFailed), so nothing is half-computed.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import date

from kpilot.definitions.bonus_model import BonusPlan, PayPeriod
from kpilot.engine.period_names import parse_period, period_name
from kpilot.engine.periods import Calendar, Grain
from kpilot.errors import Issue, ValidationFailed
from kpilot.i18n import Message
from kpilot.incentives.errors import BonusNotFound, BonusRefused
from kpilot.incentives.plan_checks import plan_issues
from kpilot.store.organisation import Organisation
from kpilot.store.records import email_key
from kpilot.workspace import Workspace

GRAINS = {PayPeriod.MONTH: Grain.MONTH, PayPeriod.QUARTER: Grain.QUARTER, PayPeriod.YEAR: Grain.YEAR}


@dataclass(frozen=True)
class PlanPeriod:
    """One period a plan pays: its name (`2026-Q3`), its days [start, end), and its place in the plan's year."""

    name: str
    start: date
    end: date
    index: int  # 0-based, for the period weights
    grain: Grain


def plan_named(workspace: Workspace, name: str) -> BonusPlan:
    plan = workspace.definitions.bonus_plan(name)
    if plan is None:
        known = sorted(found.name for found in workspace.definitions.bonus_plans)
        close = tuple(difflib.get_close_matches(name, known, n=3))
        raise BonusNotFound(
            Message("incentives.run.unknown_plan", plan=name),
            hint=Message("incentives.run.known_plans", plans=tuple(known)) if known else None,
            field="plan",
            suggestions=close or tuple(known[:10]),
        )
    return plan


def checked_plan(workspace: Workspace, name: str, organisation: Organisation) -> BonusPlan:
    """The plan, or ValidationFailed with every problem it has (definitions, rules and organisation)."""
    plan = plan_named(workspace, name)
    issues = plan_issues(plan, workspace.definitions) + organisation_issues(plan, organisation)
    if issues:
        raise ValidationFailed(issues)
    return plan


def organisation_issues(plan: BonusPlan, organisation: Organisation) -> list[Issue]:
    """Teams and people the plan names that the organisation does not have."""
    issues = []
    teams = sorted(team.name for team in organisation.teams)
    for index, team in enumerate(plan.members.teams):
        if team not in teams:
            issues.append(
                Issue(
                    Message("incentives.plan.unknown_team", plan=plan.name, team=team),
                    plan.where(f"members.teams.{index}"),
                    field="members",
                    suggestions=tuple(difflib.get_close_matches(team, teams, n=3)),
                )
            )
    people = {person.email_key for person in organisation.people}
    for index, email in enumerate(plan.members.people):
        if email_key(email) not in people:
            issues.append(
                Issue(
                    Message("incentives.plan.unknown_person", plan=plan.name, email=email),
                    plan.where(f"members.people.{index}"),
                    field="members",
                )
            )
    return issues


def plan_periods(plan: BonusPlan, calendar: Calendar) -> tuple[PlanPeriod, ...]:
    """The periods of the plan's (fiscal) year, in order."""
    grain = GRAINS[plan.pays]
    year_start = date(plan.year, calendar.fiscal_year_start, 1)
    count = {Grain.MONTH: 12, Grain.QUARTER: 4, Grain.YEAR: 1}[grain]
    periods = []
    for index in range(count):
        start = calendar.shift(year_start, index, grain)
        end = calendar.shift(start, 1, grain)
        periods.append(PlanPeriod(period_name(start, grain, calendar), start, end, index, grain))
    return tuple(periods)


def plan_period(plan: BonusPlan, calendar: Calendar, text: str) -> PlanPeriod:
    """The plan's period named `text` (`2026-Q3`), refused when the plan does not pay that period."""
    periods = plan_periods(plan, calendar)
    start, grain = parse_period(text, calendar)
    for period in periods:
        if period.start == start and period.grain is grain:
            return period
    raise BonusRefused(
        Message("incentives.run.not_a_plan_period", plan=plan.name, period=text),
        hint=Message("incentives.run.plan_periods", periods=tuple(period.name for period in periods)),
        field="period",
        suggestions=tuple(period.name for period in periods),
    )
