"""Carrying out an import's plan through the repositories, inside the caller's one transaction.

Order matters only for references: every team exists before parents are set, and every person before managers
are, so a file may list a team before its parent and a person before their manager.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from kpilot.services.org_plan import Plan
from kpilot.store.memberships import Memberships, NewMembership
from kpilot.store.people import People
from kpilot.store.records import email_key
from kpilot.store.teams import Teams


def apply_plan(session: Session, plan: Plan) -> None:
    teams, people, memberships = Teams(session), People(session), Memberships(session)
    team_ids = {team.name: team.id for team in teams.all()}
    for team in plan.teams:
        if team.existing is None:
            team_ids[team.name] = teams.add(team.name, team.kind, scope=team.scope).id
        elif team.changes:
            teams.update(team.existing.id, kind=team.kind, scope=team.scope)
    for team in plan.teams:
        parent_id = team_ids[team.parent] if team.parent else None
        if (team.existing.parent_id if team.existing else None) != parent_id:
            teams.set_parent(team_ids[team.name], parent_id)
    person_ids = {person.email_key: person.id for person in people.all()}
    new = [person.fields for person in plan.people if person.existing is None]
    person_ids |= {added.email_key: added.id for added in people.add_many(new)} if new else {}
    for person in plan.people:
        if person.existing is not None and person.changes:
            people.update(person.existing.id, person.fields)
    for person in plan.people:
        manager_id = person_ids[person.manager] if person.manager else None
        if (person.existing.manager_id if person.existing else None) != manager_id:
            people.set_manager(person_ids[email_key(person.fields.email)], manager_id)
    for end in plan.ends:
        memberships.end(end.membership.id, end.day)
    starts = [NewMembership(person_ids[email_key(s.email)], team_ids[s.team], s.day) for s in plan.starts]
    if starts:
        memberships.start_many(starts)
    session.flush()
