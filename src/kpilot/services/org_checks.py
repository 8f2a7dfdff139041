"""What makes an organisation file refused as a whole: a name or e-mail twice, a reference to nobody, a loop.

References are checked against the organisation as it would be after the import (the store's teams and people,
with the file's entries over them), so a file may name a team that is already in the store. A full import holds
every person, so there a manager must be in the file.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

from kpilot.errors import Issue, Location
from kpilot.i18n import Message
from kpilot.services.org_entries import KIND_WORDS, Keep, OrgFile, PersonEntry
from kpilot.store.records import Person, Team, TeamKind, email_key

# Addresses share their domain, so two people's look alike (carlo@x.example, bruno@x.example: 0.8): only a near
# miss (a typo) is suggested.
EMAIL_CUTOFF = 0.85


@dataclass(frozen=True)
class Tree:
    """The teams after the import: each team's parent (None: at the top) and kind, by name."""

    parent: Mapping[str, str | None]
    kind: Mapping[str, TeamKind]


def duplicate_issues(file: OrgFile) -> list[Issue]:
    issues = _twice([(team.name, team.location, team.name) for team in file.teams], "services.second_team_name")
    issues += _twice([(email_key(p.email), p.location, p.email) for p in file.people], "services.second_person_email")
    return issues


def tree_after(file: OrgFile, stored: Sequence[Team]) -> Tree:
    names = {team.id: team.name for team in stored}
    parent = {team.name: names.get(team.parent_id) if team.parent_id else None for team in stored}
    kind = {team.name: team.kind for team in stored}
    for entry in file.teams:
        if not isinstance(entry.parent, Keep):
            parent[entry.name] = entry.parent
        else:
            parent.setdefault(entry.name, None)
        if not isinstance(entry.kind, Keep):
            kind[entry.name] = entry.kind
        else:
            kind.setdefault(entry.name, TeamKind.TEAM)
    return Tree(parent, kind)


def team_issues(file: OrgFile, tree: Tree) -> list[Issue]:
    issues = []
    in_file = {entry.name: entry for entry in file.teams}
    for entry in file.teams:
        if isinstance(entry.parent, str) and entry.parent not in tree.parent:
            unknown = Message("services.unknown_parent_team", team=entry.parent)
            issues.append(_unknown(unknown, _closest(entry.parent, tree.parent), entry.where("parent"), field="parent"))
    for child, parent in tree.parent.items():
        if parent is None or parent not in tree.kind or (child not in in_file and parent not in in_file):
            continue
        if tree.kind[parent].rank > tree.kind[child].rank:
            entry = in_file.get(child) or in_file[parent]
            issues.append(
                Issue(
                    Message(
                        "services.kind_under_kind",
                        kind=KIND_WORDS[tree.kind[child]],
                        team=child,
                        parent_kind=KIND_WORDS[tree.kind[parent]],
                        parent=parent,
                    ),
                    entry.where("parent") if entry.name == child else entry.where("kind"),
                    hint=Message("services.kind_under_kind_hint"),
                    field="parent" if entry.name == child else "kind",
                )
            )
    for cycle in loops(tree.parent, [entry.name for entry in file.teams]):
        entry = next(in_file[name] for name in cycle if name in in_file)
        shown = " → ".join([*cycle, cycle[0]])
        issues.append(
            Issue(
                Message("services.teams_loop", loop=shown),
                entry.where("parent"),
                hint=Message("services.teams_loop_hint"),
                field="parent",
            )
        )
    return issues


def people_issues(file: OrgFile, stored: Sequence[Person], teams: Collection[str], *, full: bool) -> list[Issue]:
    issues = []
    in_file = {email_key(entry.email): entry for entry in file.people}
    in_store = {person.email_key for person in stored}
    for entry in file.people:
        issues += _reference_issues(entry, set(in_file), in_store, teams, full=full)
    managers = managers_after(file, stored)
    for cycle in loops(managers, list(in_file)):
        entry = next(in_file[key] for key in cycle if key in in_file)
        shown = " → ".join(in_file[key].email if key in in_file else key for key in [*cycle, cycle[0]])
        issues.append(
            Issue(
                Message("services.managers_loop", loop=shown),
                entry.where("manager"),
                hint=Message("services.managers_loop_hint"),
                field="manager",
            )
        )
    return issues


def managers_after(file: OrgFile, stored: Sequence[Person]) -> dict[str, str | None]:
    """Each person's manager (by e-mail key) after the import."""
    keys = {person.id: person.email_key for person in stored}
    managers = {person.email_key: keys.get(person.manager_id) if person.manager_id else None for person in stored}
    for entry in file.people:
        key = email_key(entry.email)
        if not isinstance(entry.manager, Keep):
            managers[key] = email_key(entry.manager) if entry.manager else None
        else:
            managers.setdefault(key, None)
    return managers


def loops(parent: Mapping[str, str | None], starts: Iterable[str]) -> list[tuple[str, ...]]:
    """Each loop reached by walking up from `starts`, once, as the names along it."""
    found: dict[frozenset[str], tuple[str, ...]] = {}
    for start in starts:
        path: list[str] = []
        seen: dict[str, int] = {}
        node: str | None = start
        while node is not None and node not in seen:
            seen[node] = len(path)
            path.append(node)
            node = parent.get(node)
        if node is not None:
            cycle = tuple(path[seen[node] :])
            found.setdefault(frozenset(cycle), cycle)
    return list(found.values())


def _reference_issues(
    entry: PersonEntry, in_file: set[str], in_store: set[str], teams: Collection[str], *, full: bool
) -> list[Issue]:
    issues = []
    manager = entry.manager
    if isinstance(manager, str) and email_key(manager) not in in_file:
        if email_key(manager) not in in_store:
            close = close_address(email_key(manager), in_file | in_store)
            unknown = Message("services.unknown_manager", manager=manager)
            issues.append(_unknown(unknown, close, entry.where("manager"), field="manager"))
        elif full:
            issues.append(
                Issue(
                    Message("services.manager_left_out", manager=manager),
                    entry.where("manager"),
                    hint=Message("services.manager_left_out_hint"),
                    field="manager",
                )
            )
    if not isinstance(entry.teams, Keep):
        for team in entry.teams:
            if team not in teams:
                unknown = Message("services.unknown_team", team=team)
                issues.append(_unknown(unknown, _closest(team, teams), entry.where("teams"), field="teams"))
    return issues


def close_address(address: str, known: Iterable[str]) -> str | None:
    """A known address that `address` is likely a typo of. Addresses share their domain, so whole addresses of two
    people look alike (carla@acme.example, dora@acme.example); the parts before and after the @ are compared apart."""
    local, _, domain = address.rpartition("@")
    by_local: dict[str, str] = {}
    by_domain: dict[str, str] = {}
    for other in known:
        other_local, _, other_domain = other.rpartition("@")
        if other_domain == domain:
            by_local[other_local] = other
        elif other_local == local:
            by_domain[other_domain] = other
    for part, candidates in ((local, by_local), (domain, by_domain)):
        close = difflib.get_close_matches(part, list(candidates), n=1, cutoff=0.75)
        if close:
            return candidates[close[0]]
    return None


def _unknown(message: Message, close: str | None, where: Location, *, field: str) -> Issue:
    """`message` names what is unknown; the hint is the name it is likely a typo of, or how to make it known."""
    if close is None:
        return Issue(message, where, hint=Message("services.add_or_import_hint"), field=field)
    return Issue(message, where, hint=Message("services.did_you_mean", name=close), field=field, suggestions=(close,))


def _closest(name: str, known: Iterable[str]) -> str | None:
    close = difflib.get_close_matches(name, list(known), n=1)
    return close[0] if close else None


def _twice(keys: Sequence[tuple[str, Location, str]], code: str) -> list[Issue]:
    """Entries whose key (name, e-mail compared case-insensitively) an earlier entry has; `shown` as written.
    `code` says which kind of entry and key: services.second_team_name or services.second_person_email."""
    first: dict[str, Location] = {}
    issues = []
    for key, where, shown in keys:
        if key in first:
            issues.append(Issue(Message(code, key=shown, first=str(first[key])), where))
        else:
            first[key] = where
    return issues
