"""Adding, replacing and removing one named definition (a KPI, a goal or a source) in the workspace's files.

The one mechanism every surface that edits these definitions uses (the REST API through `services.definitions`).
An entry is found by its name in the `kpis:`, `goals:` or `sources:` list of whichever definitions file holds it,
and replaced there in place, keeping the file's comments and order; a new entry goes to the kind's own file
(`definitions/kpis.yaml`, `goals.yaml`, `sources.yaml`). As for targets (`goals.writer`), nothing is written unless
the entry is valid on its own and the whole workspace, loaded with the new file in place of the old one, has no
problem it does not have now (a KPI that names an unknown measure, a goal left pointing at a removed KPI...).

An entry's version is a hash of what is written for it and where: a client sends back the version it read, so an
edit made from an old read is refused however the rest of the files changed in between.
"""

from __future__ import annotations

import difflib
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import LiteralScalarString

from kpilot.definitions.editing import definition_files, new_problems, read_document, write_atomically
from kpilot.definitions.loader import DEFINITIONS_DIR, ITEM_MODELS, load_definitions
from kpilot.definitions.model import Definitions
from kpilot.definitions.problems import problem_of
from kpilot.definitions.yaml_source import plain, read_yaml
from kpilot.errors import Issue, Location, Severity, UserError
from kpilot.goals.entry_text import Change, new_text
from kpilot.goals.matrix import structure_flags
from kpilot.goals.writer import problems_of, refused
from kpilot.i18n import Message

DIFF_CONTEXT = 2  # lines around each change in an edit's diff


class Kind(StrEnum):
    """The definitions that are edited one named entry at a time (the top-level list that holds them)."""

    KPIS = "kpis"
    GOALS = "goals"
    SOURCES = "sources"

    @property
    def own_file(self) -> str:
        """Where a new entry of this kind goes."""
        return f"{self.value}.yaml"


class UnknownEntry(UserError):
    """No entry of that kind and name in the definitions (a server answers 404)."""


@dataclass(frozen=True)
class Entry:
    """One definition as it is written: its file (relative to the workspace), place and content."""

    kind: Kind
    name: str
    file: str  # "definitions/kpis.yaml"
    data: dict[str, Any]

    @property
    def version(self) -> str:
        return entry_version(self.file, self.data)


@dataclass(frozen=True)
class EntryEdit:
    """What an edit did: the entry before (None: added) and after (None: removed), and the file's diff."""

    kind: Kind
    name: str
    file: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    diff: tuple[str, ...]  # unified diff of the file, without its header lines

    @property
    def changed(self) -> bool:
        return self.before != self.after

    @property
    def version(self) -> str | None:
        return None if self.after is None else entry_version(self.file, self.after)


def entry_version(file: str, data: Mapping[str, Any]) -> str:
    text = json.dumps({"file": file, "entry": data}, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def entries(root: Path, kind: Kind) -> list[Entry]:
    """Every named entry of `kind`, in file order (the first of a duplicated name only: the one that counts)."""
    found: dict[str, Entry] = {}
    for path in definition_files(root / DEFINITIONS_DIR):
        items = _items_of(path, kind)
        for item in items if isinstance(items, list) else []:
            if isinstance(item, Mapping) and isinstance(item.get("name"), str):
                relative = f"{DEFINITIONS_DIR}/{path.name}"
                found.setdefault(item["name"], Entry(kind, item["name"], relative, plain(item)))
    return list(found.values())


def find_entry(root: Path, kind: Kind, name: str) -> Entry | None:
    return next((entry for entry in entries(root, kind) if entry.name == name), None)


def require_entry(root: Path, kind: Kind, name: str) -> Entry:
    found = find_entry(root, kind, name)
    if found is None:
        raise UnknownEntry(Message("definitions.edit.unknown_entry", kind=kind.value, name=name), field="name")
    return found


def put_entry(root: Path, kind: Kind, name: str, data: Mapping[str, Any]) -> EntryEdit:
    """Write `data` as the entry `name` of `kind`: in place where it is, else at the end of the kind's own file."""
    clean = _validated(kind, name, data)
    current = find_entry(root, kind, name)
    relative = current.file if current is not None else f"{DEFINITIONS_DIR}/{kind.own_file}"
    path = root / relative
    document = read_document(path, _header(kind), Message("definitions.edit.cannot_edit", kind=kind.value))
    items = _list_in(document, kind, path)
    index = _index_of(items, name)
    before = current.data if current is not None else None
    return _written(root, kind, name, relative, Change(document, items, index, _node(clean)), before)


def remove_entry(root: Path, kind: Kind, name: str) -> EntryEdit:
    """Remove the entry `name` of `kind` from its file (refused when something else still uses it)."""
    current = require_entry(root, kind, name)
    path = root / current.file
    document = read_document(path, _header(kind), Message("definitions.edit.cannot_edit", kind=kind.value))
    items = _list_in(document, kind, path)
    index = _index_of(items, name)
    assert index is not None  # found just above, under the caller's lock
    return _written(root, kind, name, current.file, Change(document, items, index, None), current.data)


def _written(
    root: Path, kind: Kind, name: str, relative: str, change: Change, before: dict[str, Any] | None
) -> EntryEdit:
    path = root / relative
    old = path.read_text(encoding="utf-8") if path.is_file() else ""
    text = new_text(old, change)
    after = plain(change.node) if change.node is not None else None
    diff = tuple(
        line.rstrip("\n") for line in difflib.unified_diff(old.splitlines(True), text.splitlines(True), n=DIFF_CONTEXT)
    )[2:]  # the two header lines name no file worth telling
    edit = EntryEdit(kind, name, relative, before, after, diff)
    if edit.changed:
        new = new_problems(root, path.name, text, _problems)
        if new:
            raise refused(new, Message("definitions.edit.would_not_load", kind=kind.value, name=name))
        write_atomically(path, text)
    return edit


def _problems(root: Path) -> list[Issue]:
    """What `goals.writer` refuses a target edit for, and also a goal structure that is wrong (a link to an unknown
    KPI, an unknown parent, a cycle, a goal defined twice): what an edit of KPIs or goals may break."""
    definitions, issues = load_definitions(root)
    goal_problems = [
        Issue(flag.message, _goal_origin(definitions, flag.goal))
        for flag in structure_flags(definitions)[0]
        if flag.severity is Severity.ERROR
    ]
    return problems_of(definitions, [*issues, *goal_problems])


def _goal_origin(definitions: Definitions, name: str | None) -> Location | None:
    goal = definitions.goal(name) if name is not None else None
    return goal.origin if goal is not None else None


def _validated(kind: Kind, name: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """The entry as plain data with its name first, checked against the kind's model on its own."""
    named = data.get("name", name)
    if named != name:
        raise UserError(Message("definitions.edit.other_name", named=str(named), name=name), field="name")
    clean = {"name": name, **{str(key): value for key, value in data.items() if key != "name"}}
    try:
        ITEM_MODELS[kind.value].model_validate(clean)
    except ValidationError as error:
        problem = problem_of(error.errors()[0])
        where = problem.field or kind.value
        raise UserError(
            Message("definitions.edit.invalid_entry", kind=kind.value, field=where, problem=problem.message),
            field=where,
            hint=problem.hint,
        ) from None
    return clean


def _node(value: Any, depth: int = 0) -> Any:
    """Plain data as YAML nodes written the way the catalogue writes definitions: the entry as a block, the items of
    its lists (measures, dimensions, goal links) one flow mapping per line, long texts as literal blocks."""
    if isinstance(value, Mapping):
        node = CommentedMap((str(key), _node(item, depth + 1)) for key, item in value.items())
        if depth >= 2:
            node.fa.set_flow_style()
        return node
    if isinstance(value, list | tuple):
        seq = CommentedSeq(_node(item, depth + 1) for item in value)
        if all(not isinstance(item, Mapping | list | tuple) for item in value):
            seq.fa.set_flow_style()
        return seq
    if isinstance(value, str) and "\n" in value:
        return LiteralScalarString(value)
    return value


def _items_of(path: Path, kind: Kind) -> Any:
    parsed = read_yaml(path, f"{DEFINITIONS_DIR}/{path.name}")
    root = getattr(parsed, "root", None)
    return root.get(kind.value) if isinstance(root, Mapping) else None


def _list_in(document: CommentedMap, kind: Kind, path: Path) -> CommentedSeq:
    value = document.get(kind.value)
    if value is None:
        value = document[kind.value] = CommentedSeq()
    if not isinstance(value, CommentedSeq):
        raise UserError(
            Message("definitions.edit.not_a_list", path=str(path), key=kind.value),
            hint=Message("goals.writer.fix_file_hint"),
        )
    return value


def _index_of(items: CommentedSeq, name: str) -> int | None:
    return next((i for i, item in enumerate(items) if isinstance(item, Mapping) and item.get("name") == name), None)


def _header(kind: Kind) -> str:
    return f"{_TITLES[kind]} of this workspace (see docs/definitions.md), written by kpilot's edits.\n"


_TITLES = {Kind.KPIS: "KPIs", Kind.GOALS: "Goals", Kind.SOURCES: "Sources"}
