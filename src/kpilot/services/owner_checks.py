"""`kpilot check` with the store: a KPI's `owner:` that is nobody of the organisation. An owner is a person, named by
e-mail address (compared without regard to case, as the store compares addresses); a name, a role or a typo
answers for nothing, which is a warning under S (Specific: someone answers for the KPI). Without a store there is
no organisation to compare with, and nothing is said about owners (docs/goals.md)."""

from __future__ import annotations

from kpilot.definitions.model import Definitions
from kpilot.errors import Severity
from kpilot.goals.smart.finding import Finding, Letter, make_finding
from kpilot.i18n import Message
from kpilot.store.organisation import Organisation
from kpilot.store.records import email_key


def owned(definitions: Definitions) -> bool:
    """Whether any KPI names an owner (else there is nothing to look up)."""
    return any(kpi.owner for kpi in definitions.kpis)


def owner_findings(definitions: Definitions, organisation: Organisation) -> list[Finding]:
    people = {person.email_key for person in organisation.people}
    found = []
    for kpi in definitions.kpis:
        if kpi.owner and email_key(kpi.owner) not in people:
            reason = Message("owners.unknown_person", kpi=kpi.name, owner=kpi.owner)
            fix = Message("owners.unknown_person_fix")
            found.append(make_finding(Letter.S, Severity.WARNING, kpi.name, reason, fix, location=kpi.origin))
    return found
