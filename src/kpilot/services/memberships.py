"""Who was in which team, when: every membership with its dates, for the administrators' people page
(`/admin/people`). The REST API's people and teams (services.directory) show the memberships of one day; an
administrator managing the organisation needs their history too. Administrators only (`Action.MANAGE_PEOPLE`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from kpilot.auth.actor import Actor
from kpilot.services.permissions import Action, ensure
from kpilot.store.organisation import read_organisation
from kpilot.store.session import Store


@dataclass(frozen=True)
class MembershipLine:
    email: str
    name: str
    team: str
    valid_from: date
    valid_to: date | None  # exclusive; None while it lasts


def membership_history(store: Store, actor: Actor) -> tuple[MembershipLine, ...]:
    """Every membership, by person (e-mail address) and then oldest first."""
    ensure(actor, Action.MANAGE_PEOPLE)
    with store.reading() as session:
        organisation = read_organisation(session)
    teams = {team.id: team.name for team in organisation.teams}
    lines = [
        MembershipLine(person.email, person.name, teams[held.team_id], held.valid_from, held.valid_to)
        for person in sorted(organisation.people, key=lambda p: p.email_key)
        for held in sorted(organisation.held(person.id), key=lambda m: (m.valid_from, m.id))
    ]
    return tuple(lines)
