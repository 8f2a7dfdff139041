"""`kpilot check` with the store: the grants of restricted KPIs that name a person or team the organisation does not
know, and (services.owner_checks) KPI owners who are nobody of it. Such a grant shows the KPI to nobody (fail
closed), which is safe but almost always a typo or a person not yet imported, so it is a warning under S (Specific:
who the KPI is for). Without a store there is nothing to compare with, and the check is the SMART check alone.
"""

from __future__ import annotations

from datetime import date

from kpilot.definitions.model import Definitions, Kpi
from kpilot.errors import Location, Severity
from kpilot.goals.smart.finding import Finding, Letter, make_finding
from kpilot.i18n import Message
from kpilot.results.check import CheckResult, check_result
from kpilot.services.owner_checks import owned, owner_findings
from kpilot.store.errors import StoreMissing
from kpilot.store.organisation import Organisation, read_organisation
from kpilot.store.records import email_key
from kpilot.store.session import open_store
from kpilot.workspace import Workspace

LETTERS, LEVELS = list(Letter), list(Severity)


def check_with_store(workspace: Workspace, *, today: date | None = None) -> CheckResult:
    """The SMART check of the workspace, with the grants checked against its store when there is one."""
    result = check_result(workspace, today=today)
    extra = store_findings(workspace)
    if not extra:
        return result
    # In the check's own order: by letter, errors first (a stable sort keeps each group's order).
    findings = sorted([*result.findings, *extra], key=lambda f: (LETTERS.index(f.letter), LEVELS.index(f.severity)))
    return CheckResult(tuple(findings))


def store_findings(workspace: Workspace) -> list[Finding]:
    """Grants naming people or teams the store does not know, and KPI owners who are nobody of it
    (services.owner_checks); none when no KPI has such grants or an owner, or there is no store."""
    granting = [kpi for kpi in workspace.definitions.kpis if kpi.grants and (kpi.grants.people or kpi.grants.teams)]
    if not granting and not owned(workspace.definitions):
        return []
    try:
        with open_store(workspace) as store, store.reading() as session:
            organisation = read_organisation(session)
    except StoreMissing:
        return []
    return [*grant_findings(workspace.definitions, organisation), *owner_findings(workspace.definitions, organisation)]


def grant_findings(definitions: Definitions, organisation: Organisation) -> list[Finding]:
    people = {person.email_key for person in organisation.people}
    teams = {team.name for team in organisation.teams}
    found = []
    for kpi in definitions.kpis:
        if kpi.grants is None:
            continue
        for index, address in enumerate(kpi.grants.people):
            if email_key(address) not in people:
                reason = Message("permissions.unknown_grant_person", kpi=kpi.name, address=address)
                found.append(_finding(kpi, reason, _place(kpi, f"people.{index}")))
        for index, team in enumerate(kpi.grants.teams):
            if team not in teams:
                reason = Message("permissions.unknown_grant_team", kpi=kpi.name, team=team)
                found.append(_finding(kpi, reason, _place(kpi, f"teams.{index}")))
    return found


def _finding(kpi: Kpi, reason: Message, where: Location) -> Finding:
    fix = Message("permissions.unknown_grant_fix")
    return make_finding(Letter.S, Severity.WARNING, kpi.name, reason, fix, location=where)


def _place(kpi: Kpi, key: str) -> Location:
    grants = kpi.grants
    if grants is None:
        return kpi.origin
    return grants.locations.get(key, grants.origin if grants.origin != Location() else kpi.origin)
