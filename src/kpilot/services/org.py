"""Importing and exporting the organisation: where a file (or a warehouse table), the store and the workspace meet.

An import is all or nothing: the whole file is read and checked first, then compared with the store and written in
one transaction; any problem (with its file:line) stops it before anything is written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Literal

from kpilot.errors import DataError, Issue, Location, ValidationFailed
from kpilot.i18n import DEFAULT, Language, Message, render
from kpilot.services.org_apply import apply_plan
from kpilot.services.org_audit import audit_import
from kpilot.services.org_entries import KIND_WORDS, OrgFile, PersonEntry, TeamEntry
from kpilot.services.org_fields import RawRecord, person_entry, team_entry
from kpilot.services.org_plan import FieldChange, Options, Plan, plan_import
from kpilot.services.org_read import read_csv_records, read_table_records, read_yaml_records
from kpilot.services.org_write import org_csv, org_yaml
from kpilot.store.organisation import lock_organisation, read_organisation
from kpilot.store.session import open_store
from kpilot.workspace import Workspace

YAML_SUFFIXES = (".yaml", ".yml")


class ExportFormat(StrEnum):
    YAML = "yaml"
    CSV = "csv"


@dataclass(frozen=True)
class Added:
    key: str  # a team's name or a person's e-mail
    detail: Message  # "department under Acme", "in EMEA"


@dataclass(frozen=True)
class Changed:
    kind: Literal["team", "person"]
    key: str  # a team's name or a person's e-mail
    changes: tuple[FieldChange, ...]


@dataclass(frozen=True)
class Ended:
    email: str
    teams: tuple[str, ...]
    day: date


@dataclass(frozen=True)
class ImportReport:
    """What an import added, changed and ended; `written` is False for a dry run."""

    shown: str  # the file or table
    store: str
    on: date
    written: bool
    added_teams: tuple[Added, ...]
    added_people: tuple[Added, ...]
    changed: tuple[Changed, ...]
    ended: tuple[Ended, ...]

    @property
    def unchanged(self) -> bool:
        return not (self.added_teams or self.added_people or self.changed or self.ended)


def import_file(
    workspace: Workspace, path: Path, *, full: bool = False, on: date | None = None, dry_run: bool = False
) -> ImportReport:
    """Import teams and people from a YAML or CSV file (docs/store.md describes both)."""
    shown = str(path)
    if not path.is_file():
        raise DataError(Message("services.no_such_file", file=shown), hint=Message("services.no_such_file_hint"))
    suffix = path.suffix.lower()
    if suffix in YAML_SUFFIXES:
        records, issues = read_yaml_records(path, shown)
    elif suffix == ".csv":
        records, issues = read_csv_records(path, shown)
    else:
        raise DataError(Message("services.unknown_format", file=shown), hint=Message("services.unknown_format_hint"))
    return _import(workspace, records, issues, shown, full=full, on=on, dry_run=dry_run)


def import_table(
    workspace: Workspace, table: str, *, full: bool = False, on: date | None = None, dry_run: bool = False
) -> ImportReport:
    """Import people (and teams, with a `record` column) from a warehouse table with the CSV format's columns."""
    found = workspace.warehouse.find_table(table)
    if found is None:
        raise DataError(
            Message("services.no_such_table", table=table), hint=Message("services.no_such_table_hint"), field="table"
        )
    columns = list(found.columns)
    order = [column for column in ("record", "email", "name") if column in columns]
    data = workspace.warehouse.to_arrow(found.order_by(order) if order else found)
    rows = [tuple(row[column] for column in columns) for row in data.to_pylist()]
    records, issues = read_table_records(columns, rows, table)
    return _import(workspace, records, issues, f"table {table}", full=full, on=on, dry_run=dry_run)


def export_org(
    workspace: Workspace,
    *,
    format: ExportFormat = ExportFormat.YAML,
    on: date | None = None,
    language: Language = DEFAULT,
) -> str:
    """The organisation as a file `import_file` reads back unchanged: people with their teams on `on` (today).
    `language` is that of the YAML file's heading comment (the data is the same in every language)."""
    day = on or workspace.calendar.today()
    with open_store(workspace) as store, store.reading() as session:
        organisation = read_organisation(session)
    if format is ExportFormat.CSV:
        return org_csv(organisation, day)
    return org_yaml(organisation, day, render(Message("services.export_heading", day=day), language))


def _import(
    workspace: Workspace,
    records: Sequence[RawRecord],
    issues: list[Issue],
    shown: str,
    *,
    full: bool,
    on: date | None,
    dry_run: bool,
) -> ImportReport:
    file = _entries(records, issues, shown, _dimensions(workspace))
    day = on or workspace.calendar.today()
    options = Options(on=day, full=full, language=workspace.settings.language, timezone=workspace.settings.timezone)
    with open_store(workspace) as store:
        if dry_run:
            with store.reading() as session:
                plan = plan_import(file, read_organisation(session), options, issues)
        else:
            with store.writing() as session:
                lock_organisation(session)
                plan = plan_import(file, read_organisation(session), options, issues)
                apply_plan(session, plan)
                audit_import(session, plan, shown, day)
        return _report(plan, shown, store.location.shown, day, written=not dry_run)


def _entries(records: Sequence[RawRecord], issues: list[Issue], shown: str, dimensions: set[str]) -> OrgFile:
    teams: list[TeamEntry] = []
    people: list[PersonEntry] = []
    for record in records:
        if record.kind == "team":
            team = team_entry(record, dimensions, issues)
            teams += [team] if team is not None else []
        else:
            person = person_entry(record, dimensions, issues)
            people += [person] if person is not None else []
    if not teams and not people and not issues:
        raise ValidationFailed([Issue(Message("services.file_holds_nothing", file=shown), Location(shown))])
    return OrgFile(shown, tuple(teams), tuple(people))


def _dimensions(workspace: Workspace) -> set[str]:
    """The dimensions a scope may name: those of every source in the definitions."""
    return {dimension.name for source in workspace.definitions.sources for dimension in source.dimensions}


def _report(plan: Plan, shown: str, store: str, day: date, *, written: bool) -> ImportReport:
    joined: dict[str, list[str]] = {}
    for start in plan.starts:
        joined.setdefault(start.email, []).append(start.team)
    added_teams = tuple(
        Added(
            team.name,
            Message("services.added_team_under", kind=KIND_WORDS[team.kind], parent=team.parent)
            if team.parent
            else Message("services.added_team", kind=KIND_WORDS[team.kind]),
        )
        for team in plan.teams
        if team.existing is None
    )
    added_people = tuple(
        Added(
            person.fields.email, Message("services.added_person_in", teams=tuple(sorted(joined[person.fields.email])))
        )
        if joined.get(person.fields.email)
        else Added(person.fields.email, Message("services.added_person_in_no_team"))
        for person in plan.people
        if person.existing is None
    )
    changed = [Changed("team", team.name, team.changes) for team in plan.teams if team.changes]
    changed += [Changed("person", person.fields.email, person.changes) for person in plan.people if person.changes]
    left: dict[str, list[str]] = {}
    for end in plan.ends:
        if end.email in plan.left_out:
            left.setdefault(end.email, []).append(end.team)
    ended = tuple(Ended(email, tuple(sorted(left[email])), day) for email in plan.left_out)
    return ImportReport(shown, store, day, written, added_teams, added_people, tuple(changed), ended)
