"""What an import changes: the file's entries compared with the store, as a plan that `org_apply` carries out.

Memberships follow the file's `teams`: a person whose teams on the day they take effect (`since`, else the import's
date) differ from the file's leaves the teams the file no longer names on that day (their membership ends then,
exclusive) and joins the new ones from that day. An import adds to history, it does not rewrite it: a change dated
before changes already recorded for the same person is refused. A full import (`--full`) also ends, on the import's
date, the memberships of every person it leaves out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from kpilot.errors import Issue, ValidationFailed
from kpilot.i18n import Message
from kpilot.services.org_checks import duplicate_issues, managers_after, people_issues, team_issues, tree_after
from kpilot.services.org_entries import Keep, OrgFile, PersonEntry, TeamEntry
from kpilot.store.organisation import Organisation
from kpilot.store.people import PersonFields
from kpilot.store.records import Membership, Person, Scope, Team, TeamKind, email_key

T = TypeVar("T")


@dataclass(frozen=True)
class Options:
    on: date  # the import's date: when teams without `since` take effect, and when a full import ends memberships
    full: bool
    language: str  # the workspace's, for people without one
    timezone: str


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: str
    new: str

    def __str__(self) -> str:
        return f"{self.field} {self.old} → {self.new}"


@dataclass(frozen=True)
class TeamPlan:
    name: str
    existing: Team | None
    kind: TeamKind
    parent: str | None
    scope: Scope
    changes: tuple[FieldChange, ...]


@dataclass(frozen=True)
class PersonPlan:
    existing: Person | None
    fields: PersonFields
    manager: str | None  # the manager's e-mail key
    changes: tuple[FieldChange, ...]


@dataclass(frozen=True)
class MembershipEnd:
    membership: Membership
    email: str
    team: str
    day: date


@dataclass(frozen=True)
class MembershipStart:
    email: str
    team: str
    day: date


@dataclass(frozen=True)
class Plan:
    teams: tuple[TeamPlan, ...]
    people: tuple[PersonPlan, ...]
    ends: tuple[MembershipEnd, ...]
    starts: tuple[MembershipStart, ...]
    left_out: tuple[str, ...]  # the e-mails of people a full import left out whose memberships end


def plan_import(file: OrgFile, organisation: Organisation, options: Options, found: Sequence[Issue] = ()) -> Plan:
    """The plan, or ValidationFailed listing every problem, those `found` reading the file first (then nothing may
    be written)."""
    issues = [*found, *duplicate_issues(file)]
    if options.full and not file.people:
        issues.append(Issue(Message("services.full_import_without_people", file=file.shown)))
    tree = tree_after(file, organisation.teams)
    issues += team_issues(file, tree)
    issues += people_issues(file, organisation.people, tree.parent.keys(), full=options.full)
    if issues:
        raise ValidationFailed(_in_file_order(issues))
    index = _Index(organisation, file)
    managers = managers_after(file, organisation.people)
    teams = tuple(_team_plan(entry, index, tree.parent[entry.name]) for entry in file.teams)
    people = []
    ends: list[MembershipEnd] = []
    starts: list[MembershipStart] = []
    for entry in file.people:
        plan = _person_plan(entry, index, managers[email_key(entry.email)], options)
        change = _membership_changes(entry, index, options.on, ends, starts, issues)
        people.append(
            plan if change is None else PersonPlan(plan.existing, plan.fields, plan.manager, (*plan.changes, change))
        )
    left_out = _left_out(file, index, options.on, ends) if options.full else ()
    if issues:
        raise ValidationFailed(_in_file_order(issues))
    return Plan(teams, tuple(people), tuple(ends), tuple(starts), left_out)


class _Index:
    """The organisation looked up by name, e-mail key and id (an import compares thousands of entries with it)."""

    def __init__(self, organisation: Organisation, file: OrgFile) -> None:
        self.organisation = organisation
        self.team = {team.name: team for team in organisation.teams}
        self.team_name = {team.id: team.name for team in organisation.teams}
        self.person = {person.email_key: person for person in organisation.people}
        # An e-mail as people see it: as the file writes it, else as the store does.
        self.email = {person.email_key: person.email for person in organisation.people}
        self.email |= {email_key(entry.email): entry.email for entry in file.people}
        self.email_of_id = {person.id: person.email_key for person in organisation.people}


def _team_plan(entry: TeamEntry, index: _Index, parent: str | None) -> TeamPlan:
    existing = index.team.get(entry.name)
    kind = _kept(entry.kind, existing.kind if existing else TeamKind.TEAM)
    scope = _kept(entry.scope, existing.scope if existing else Scope())
    changes: list[FieldChange] = []
    if existing is not None:
        before = index.team_name.get(existing.parent_id) if existing.parent_id else None
        _compare(changes, "kind", existing.kind.value, kind.value)
        _compare(changes, "parent", before or "none", parent or "none")
        _compare(changes, "scope", str(existing.scope), str(scope))
    return TeamPlan(entry.name, existing, kind, parent, scope, tuple(changes))


def _person_plan(entry: PersonEntry, index: _Index, manager: str | None, options: Options) -> PersonPlan:
    existing = index.person.get(email_key(entry.email))
    language = _kept(entry.language, existing.language if existing else None) or options.language
    timezone = _kept(entry.timezone, existing.timezone if existing else None) or options.timezone
    scope = _kept(entry.scope, existing.scope if existing else Scope())
    fields = PersonFields(name=entry.name, email=entry.email, language=language, timezone=timezone, scope=scope)
    changes: list[FieldChange] = []
    if existing is not None:
        before = index.email_of_id.get(existing.manager_id) if existing.manager_id else None
        _compare(changes, "name", existing.name, fields.name)
        _compare(changes, "email", existing.email, fields.email)
        _compare(changes, "language", existing.language, language)
        _compare(changes, "timezone", existing.timezone, timezone)
        if before != manager:
            old = index.email.get(before, before) if before else "none"
            changes.append(FieldChange("manager", old, index.email.get(manager, manager) if manager else "none"))
        _compare(changes, "scope", str(existing.scope), str(scope))
    return PersonPlan(existing, fields, manager, tuple(changes))


def _membership_changes(
    entry: PersonEntry,
    index: _Index,
    on: date,
    ends: list[MembershipEnd],
    starts: list[MembershipStart],
    issues: list[Issue],
) -> FieldChange | None:
    """Plan the person's memberships to follow the file's teams; the change to report, if any."""
    if isinstance(entry.teams, Keep):
        return None
    day = entry.since or on
    person = index.person.get(email_key(entry.email))
    held = index.organisation.held(person.id) if person is not None else ()
    current = {index.team_name[m.team_id]: m for m in held if m.covers(day)}
    leaving = [m for name, m in sorted(current.items()) if name not in entry.teams]
    joining = [name for name in entry.teams if name not in current]
    if not leaving and not joining:
        return None
    later = sorted(m.valid_from for m in held if m.valid_from > day)
    if later:
        issues.append(
            Issue(
                Message("services.history_rewritten", email=entry.email, later=later[0], day=day),
                entry.where("since") if entry.since else entry.where("teams"),
                hint=Message("services.history_rewritten_hint", last=later[-1]),
                field="since",
            )
        )
        return None
    ends += [MembershipEnd(m, entry.email, index.team_name[m.team_id], day) for m in leaving]
    starts += [MembershipStart(entry.email, name, day) for name in joining]
    before = ", ".join(sorted(current)) or "none"
    after = ", ".join(sorted(entry.teams)) or "none"
    return FieldChange("teams", before, f"{after} (from {day})") if person is not None else None


def _left_out(file: OrgFile, index: _Index, on: date, ends: list[MembershipEnd]) -> tuple[str, ...]:
    """A full import: the memberships of people it leaves out end on its date (later ones are removed)."""
    listed = {email_key(entry.email) for entry in file.people}
    left: list[str] = []
    for person in index.organisation.people:
        if person.email_key in listed:
            continue
        going = [m for m in index.organisation.held(person.id) if m.valid_to is None or m.valid_to > on]
        ends += [MembershipEnd(m, person.email, index.team_name[m.team_id], on) for m in going]
        if going:
            left.append(person.email)
    return tuple(left)


def _in_file_order(issues: list[Issue]) -> list[Issue]:
    return sorted(issues, key=lambda i: (i.location.file or "", i.location.line or 0, i.location.col or 0))


def _kept(value: T | Keep, stored: T) -> T:
    return stored if isinstance(value, Keep) else value


def _compare(changes: list[FieldChange], name: str, old: str, new: str) -> None:
    if old != new:
        changes.append(FieldChange(name, old, new))
