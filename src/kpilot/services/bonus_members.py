"""Who is in a bonus plan for a period, and for how much of it, from the organisation's effective-dated memberships
and the compensation records (part time) in the store.

- A plan's members are the people in its teams at any day of the period, and the people it lists by e-mail.
- Their stints in the plan are their memberships of the plan's teams (for a person listed by name: all their
  memberships, or the whole period when they have none), cut where their working time (`fte` of the compensation
  records) changes: a stint holds one team and one fte; unpaid leaves (the store's `bonus_leaves`) are taken out.
- Their tenure starts with their first membership (the ramp counts from it), and they have left when every
  membership has ended (the day after the last one, for the employed-on-payment-date rule).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from kpilot.definitions.bonus_model import BonusPlan
from kpilot.incentives.proration import Eligibility, Leave, Ramp, Stint
from kpilot.store.bonus import Compensation
from kpilot.store.bonus import Leave as StoredLeave
from kpilot.store.organisation import Organisation
from kpilot.store.records import Person, email_key


@dataclass(frozen=True)
class Member:
    person: Person
    eligibility: Eligibility
    base_pay: Decimal | None  # yearly, in force on the period's last day (for a share-of-base-pay plan)
    base_currency: str | None


def plan_members(
    plan: BonusPlan,
    organisation: Organisation,
    compensation: Mapping[int, tuple[Compensation, ...]],
    start: date,
    end: date,
    leaves: Mapping[int, tuple[StoredLeave, ...]] | None = None,
) -> tuple[Member, ...]:
    """The plan's members in [start, end), by name."""
    team_ids = {team.id: team.name for team in organisation.teams if team.name in plan.members.teams}
    listed = {email_key(email) for email in plan.members.people}
    members = []
    for person in sorted(organisation.people, key=lambda found: (found.name, found.id)):
        held = organisation.held(person.id)
        in_teams = [m for m in held if m.team_id in team_ids and _overlaps(m.valid_from, m.valid_to, start, end)]
        if not in_teams and person.email_key not in listed:
            continue
        chosen = in_teams if in_teams else held
        spans = [(m.valid_from, m.valid_to, team_ids.get(m.team_id)) for m in chosen] or [(start, None, None)]
        records = compensation.get(person.id, ())
        stints = tuple(stint for span in _merged(spans) for stint in _cut_by_fte(span, records))
        hired_on = min((m.valid_from for m in held), default=None)
        ended = [m.valid_to for m in held if m.valid_to is not None]
        left_on = max(ended) if held and len(ended) == len(held) else None
        eligibility = Eligibility(
            stints=stints,
            leaves=tuple(Leave(leave.starts_on, leave.ends_on) for leave in (leaves or {}).get(person.id, ())),
            hired_on=hired_on if plan.ramp else None,
            left_on=left_on,
            ramp=Ramp(tuple(plan.ramp)) if plan.ramp else None,
            employed_on_payment_date=plan.employed_on_payment_date,
        )
        pay = next((record for record in records if record.covers(end - timedelta(days=1))), None)
        members.append(Member(person, eligibility, pay.base_pay if pay else None, pay.currency if pay else None))
    return tuple(members)


def _overlaps(first: date, until: date | None, start: date, end: date) -> bool:
    return first < end and (until is None or until > start)


def _merged(spans: list[tuple[date, date | None, str | None]]) -> list[tuple[date, date | None, str | None]]:
    """Memberships of one person as stints that do not overlap: a person in two of the plan's teams at once is in
    the plan once (the team they joined first counts until that membership ends)."""
    result: list[tuple[date, date | None, str | None]] = []
    for first, until, team in sorted(spans, key=lambda span: (span[0], span[2] or "")):
        if result:
            last_until = result[-1][1]
            if last_until is None:
                continue  # an open stint covers everything after it
            if first < last_until:
                if until is not None and until <= last_until:
                    continue
                first = last_until
        result.append((first, until, team))
    return result


def _cut_by_fte(span: tuple[date, date | None, str | None], records: tuple[Compensation, ...]) -> list[Stint]:
    """The span in pieces of one working time each (full time where no record says otherwise)."""
    first, until, team = span
    cuts = sorted(
        {first}
        | {r.valid_from for r in records if r.valid_from > first and (until is None or r.valid_from < until)}
        | {r.valid_to for r in records if r.valid_to and r.valid_to > first and (until is None or r.valid_to < until)}
    )
    stints = []
    for index, begin in enumerate(cuts):
        stop = cuts[index + 1] if index + 1 < len(cuts) else until
        record = next((r for r in records if r.covers(begin)), None)
        stints.append(Stint(begin, stop, team, record.fte if record else Decimal(1)))
    return stints
