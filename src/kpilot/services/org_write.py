"""Writing the organisation as YAML or CSV, in the formats `kpilot org import` reads: importing an export changes
nothing.

Each person's `teams` are those of the export's day, and `since` is the day of their last team change up to then
(their teams have been the same since): importing the file again finds the same teams on that day. Teams come
parents first, people by e-mail address.
"""

from __future__ import annotations

import csv
import io
from datetime import date

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from kpilot.services.org_cells import inert
from kpilot.services.org_read import RECORD, SCOPE_PREFIX
from kpilot.store.organisation import Organisation
from kpilot.store.records import Person, Team

CSV_COLUMNS = (RECORD, "name", "email", "kind", "parent", "language", "timezone", "manager", "teams", "since")


def org_yaml(organisation: Organisation, day: date, header: str) -> str:
    teams = CommentedSeq()
    names = {team.id: team.name for team in organisation.teams}
    for team in tree_order(organisation.teams):
        entry = CommentedMap(name=team.name, kind=team.kind.value)
        if team.parent_id is not None:
            entry["parent"] = names[team.parent_id]
        if team.scope:
            entry["scope"] = _flow_map(team.scope.as_dict())
        teams.append(entry)
    people = CommentedSeq()
    for person in organisation.people:
        people.append(_person_yaml(person, organisation, day))
    document = CommentedMap(teams=teams, people=people)
    yaml = YAML()
    yaml.default_flow_style = False
    yaml.indent(mapping=2, sequence=4, offset=2)
    text = io.StringIO()
    text.write(f"# {header}\n")
    yaml.dump(document, text)
    return text.getvalue()


def org_csv(organisation: Organisation, day: date) -> str:
    scopes = [team.scope for team in organisation.teams] + [person.scope for person in organisation.people]
    dimensions = sorted({dimension for scope in scopes for dimension, _ in scope})
    header = [*CSV_COLUMNS, *(SCOPE_PREFIX + d for d in dimensions)]
    names = {team.id: team.name for team in organisation.teams}
    rows: list[dict[str, str]] = []
    for team in tree_order(organisation.teams):
        parent = names[team.parent_id] if team.parent_id is not None else ""
        row = {RECORD: "team", "name": team.name, "kind": team.kind.value, "parent": parent}
        rows.append(row | {SCOPE_PREFIX + d: v for d, v in team.scope})
    for person in organisation.people:
        values = _person_values(person, organisation, day)
        teams = ";".join(values["teams"]) if isinstance(values["teams"], list) else ""
        since = values.get("since")
        row = {RECORD: "person", **{k: str(v) for k, v in values.items() if k not in ("teams", "since", "scope")}}
        row |= {"teams": teams, "since": since.isoformat() if isinstance(since, date) else ""}
        rows.append(row | {SCOPE_PREFIX + d: v for d, v in person.scope})
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([inert(row.get(column, "")) for column in header])
    return text.getvalue()


def tree_order(teams: tuple[Team, ...]) -> list[Team]:
    """Every team after its parent: the tree depth first, siblings by name."""
    children: dict[int | None, list[Team]] = {}
    for team in sorted(teams, key=lambda team: team.name):
        children.setdefault(team.parent_id, []).append(team)
    ordered: list[Team] = []
    stack = list(reversed(children.get(None, [])))
    while stack:
        team = stack.pop()
        ordered.append(team)
        stack += reversed(children.get(team.id, []))
    return ordered


def _person_yaml(person: Person, organisation: Organisation, day: date) -> CommentedMap:
    values = _person_values(person, organisation, day)
    entry = CommentedMap()
    for key, value in values.items():
        if key == "teams" and isinstance(value, list):
            seq = CommentedSeq(value)
            seq.fa.set_flow_style()
            entry[key] = seq
        elif key == "scope" and isinstance(value, dict):
            entry[key] = _flow_map(value)
        else:
            entry[key] = value
    return entry


def _person_values(person: Person, organisation: Organisation, day: date) -> dict[str, object]:
    emails = {p.id: p.email for p in organisation.people}
    values: dict[str, object] = {
        "name": person.name,
        "email": person.email,
        "language": person.language,
        "timezone": person.timezone,
    }
    if person.manager_id is not None:
        values["manager"] = emails[person.manager_id]
    values["teams"] = [team.name for team in organisation.teams_on(person.id, day)]
    since = _last_change(organisation, person.id, day)
    if since is not None:
        values["since"] = since
    if person.scope:
        values["scope"] = person.scope.as_dict()
    return values


def _last_change(organisation: Organisation, person_id: int, day: date) -> date | None:
    """The last day up to `day` on which the person joined or left a team."""
    held = organisation.held(person_id)
    days = [m.valid_from for m in held if m.valid_from <= day]
    days += [m.valid_to for m in held if m.valid_to is not None and m.valid_to <= day]
    return max(days, default=None)


def _flow_map(values: dict[str, str]) -> CommentedMap:
    mapping = CommentedMap(values)
    mapping.fa.set_flow_style()
    return mapping
