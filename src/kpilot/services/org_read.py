"""Reading an organisation from a YAML file, a CSV file or a warehouse table, into raw records with their places.

YAML has a `teams:` and a `people:` list. CSV and tables have one row per entry: with a `record` column each row is a
`team` or a `person`; without one, every row is a person (the shape of an HR export). Scope dimensions are columns
named `scope.DIMENSION`. docs/store.md describes the formats.
"""

from __future__ import annotations

import csv
import difflib
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Literal

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from kpilot.definitions.yaml_source import key_location, node_location, plain, read_yaml
from kpilot.errors import Issue, Location
from kpilot.i18n import Message, Raw
from kpilot.services.org_cells import revived
from kpilot.services.org_entries import PERSON_FIELDS, TEAM_FIELDS
from kpilot.services.org_fields import RawRecord

LISTS: dict[str, Literal["team", "person"]] = {"teams": "team", "people": "person"}
FIELDS = {"team": TEAM_FIELDS, "person": PERSON_FIELDS}
SCOPE_PREFIX = "scope."
RECORD = "record"
COLUMNS = (RECORD, *dict.fromkeys(f for f in (*PERSON_FIELDS, *TEAM_FIELDS) if f != "scope"))


def read_yaml_records(path: Path, shown: str) -> tuple[list[RawRecord], list[Issue]]:
    document = read_yaml(path, shown)
    if isinstance(document, Issue):
        return [], [document]
    top = document.root
    if top is None:
        return [], []
    if not isinstance(top, CommentedMap):
        return [], [Issue(Message("services.file_not_a_mapping"), Location(shown))]
    issues: list[Issue] = []
    records: list[RawRecord] = []
    for key in top:
        if str(key) not in LISTS:
            unknown = Message("services.unknown_top_key", key=str(key))
            issues.append(_unknown(unknown, str(key), LISTS, key_location(shown, top, str(key))))
    for key, kind in LISTS.items():
        entries = top.get(key)
        if entries is None:
            continue
        if not isinstance(entries, CommentedSeq):
            issues.append(Issue(Message("services.not_a_list", key=key), node_location(shown, top, key), field=key))
            continue
        records += _yaml_list(shown, entries, kind, issues)
    return records, issues


def _yaml_list(
    shown: str, entries: CommentedSeq, kind: Literal["team", "person"], issues: list[Issue]
) -> list[RawRecord]:
    known = FIELDS[kind]
    present = frozenset(str(key) for entry in entries if isinstance(entry, CommentedMap) for key in entry) & set(known)
    records = []
    for index, entry in enumerate(entries):
        where = node_location(shown, entries, index)
        if not isinstance(entry, CommentedMap):
            shape = (
                Message("services.team_not_a_mapping") if kind == "team" else Message("services.person_not_a_mapping")
            )
            issues.append(Issue(shape, where))
            continue
        for key in entry:
            if str(key) not in known:
                code = "services.unknown_team_key" if kind == "team" else "services.unknown_person_key"
                issues.append(
                    _unknown(Message(code, key=str(key)), str(key), known, key_location(shown, entry, str(key)))
                )
        values = {str(key): plain(value) for key, value in entry.items() if str(key) in known}
        places = {str(key): node_location(shown, entry, str(key)) for key in entry}
        records.append(RawRecord(kind, values, present, where, places))
    return records


def read_csv_records(path: Path, shown: str) -> tuple[list[RawRecord], list[Issue]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            if header is None:
                return [], []
            rows: list[tuple[Location, list[str]]] = []
            line = reader.line_num
            for row in reader:
                rows.append((Location(shown, line + 1), row))
                line = reader.line_num
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        return [], [Issue(Message("services.file_unreadable", problem=Raw(str(error))), Location(shown))]
    cells = ([None if cell.strip() == "" else revived(cell) for cell in row] for _, row in rows)
    return records_from_rows([c.strip() for c in header], zip([w for w, _ in rows], cells, strict=True), shown)


def read_table_records(
    columns: Sequence[str], rows: Iterable[Sequence[Any]], table: str
) -> tuple[list[RawRecord], list[Issue]]:
    """Rows of a warehouse table, numbered in the order given (the caller sorts them)."""
    shown = f"table {table}"
    placed = ((Location(shown, number), row) for number, row in enumerate(rows, start=1))
    return records_from_rows(list(columns), placed, shown)


def records_from_rows(
    header: list[str], rows: Iterable[tuple[Location, Sequence[Any]]], shown: str
) -> tuple[list[RawRecord], list[Issue]]:
    """Records from rows under a header (an empty cell is None); the header's problems stop everything."""
    issues = _header_issues(header, Location(shown, 1 if not shown.startswith("table ") else None))
    if issues:
        return [], issues
    scope_columns = {c.removeprefix(SCOPE_PREFIX): i for i, c in enumerate(header) if c.startswith(SCOPE_PREFIX)}
    records = []
    for where, row in rows:
        if len(row) != len(header):
            issues.append(Issue(Message("services.row_width", cells=len(row), width=len(header)), where))
            continue
        if all(cell is None for cell in row):
            continue
        cells = dict(zip(header, row, strict=True))
        kind = _kind(cells, RECORD in header, where, issues)
        if kind is None:
            continue
        known = FIELDS[kind]
        misplaced = [c for c in header if c in COLUMNS and c not in known and c != RECORD and cells[c] is not None]
        for column in misplaced:
            code = "services.column_not_for_team" if kind == "team" else "services.column_not_for_person"
            issues.append(Issue(Message(code, column=column), where, field=column))
        present = frozenset(c for c in header if c in known) | ({"scope"} if scope_columns else set())
        values: dict[str, object] = {c: cells[c] for c in header if c in known}
        if scope_columns:
            values["scope"] = {dimension: row[index] for dimension, index in scope_columns.items()}
        records.append(RawRecord(kind, values, present, where))
    return records, issues


def _kind(
    cells: dict[str, Any], has_record: bool, where: Location, issues: list[Issue]
) -> Literal["team", "person"] | None:
    if not has_record:
        return "person"
    value = str(cells[RECORD] or "").strip()
    if value in ("team", "person"):
        return "team" if value == "team" else "person"
    issues.append(Issue(Message("services.record_invalid", value=repr(value)), where, field=RECORD))
    return None


def _header_issues(header: list[str], where: Location) -> list[Issue]:
    issues = []
    for column in header:
        if column.startswith(SCOPE_PREFIX):
            if not column.removeprefix(SCOPE_PREFIX):
                issues.append(
                    Issue(Message("services.scope_column_empty"), where, hint=Message("services.scope_column_hint"))
                )
        elif column not in COLUMNS:
            issues.append(_unknown(Message("services.unknown_column", key=column), column, COLUMNS, where, column=True))
    for column in dict.fromkeys(c for c in header if header.count(c) > 1):
        issues.append(Issue(Message("services.column_repeated", column=column), where))
    if "name" not in header:
        issues.append(
            Issue(Message("services.no_name_column"), where, hint=Message("services.no_name_column_hint"), field="name")
        )
    return issues


def _unknown(message: Message, key: str, known: Iterable[str], where: Location, *, column: bool = False) -> Issue:
    """`message` names the unknown key or column; the hint is the closest known one, or every known one (a column
    may also be scope.DIMENSION)."""
    choices = tuple(known)
    close = difflib.get_close_matches(key, choices, n=1)
    if close:
        hint = Message("services.did_you_mean", name=close[0])
    elif column:
        hint = Message("services.known_columns_hint", known=choices)
    else:
        hint = Message("services.known_hint", known=choices)
    return Issue(message, where, hint=hint, suggestions=tuple(close) or choices)
