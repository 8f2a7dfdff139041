"""The audit entry of an organisation import that changed something: what it added, changed, started and ended,
written in the import's own transaction (an import that changes nothing, a dry run or a refused file leaves none)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.orm import Session

from kpilot.auth.actor import Actor
from kpilot.services.audit import Action, record
from kpilot.services.org_plan import Plan


def audit_import(session: Session, plan: Plan, shown: str, day: date, *, actor: Actor | None = None) -> None:
    """Record the import of `shown` (a file or table) as of `day`, by `actor` (the local operator by default: the
    command line is the one surface that imports)."""
    details = import_details(plan, day)
    if len(details) > 1:  # more than the day: something changed
        record(
            session,
            actor or Actor.operator(),
            Action.ORG_IMPORTED,
            now=datetime.now(UTC),
            target=shown,
            details=details,
        )


def import_details(plan: Plan, day: date) -> dict[str, Any]:
    details: dict[str, Any] = {"on": day.isoformat()}
    added_teams = [team.name for team in plan.teams if team.existing is None]
    added_people = [person.fields.email for person in plan.people if person.existing is None]
    changed = {team.name: [str(change) for change in team.changes] for team in plan.teams if team.changes}
    changed |= {person.fields.email: [str(c) for c in person.changes] for person in plan.people if person.changes}
    joined = [{"email": s.email, "team": s.team, "from": s.day.isoformat()} for s in plan.starts]
    left = [{"email": e.email, "team": e.team, "from": e.day.isoformat()} for e in plan.ends]
    for key, value in (
        ("added_teams", added_teams),
        ("added_people", added_people),
        ("changed", changed),
        ("joined", joined),
        ("left", left),
    ):
        if value:
            details[key] = value
    return details
