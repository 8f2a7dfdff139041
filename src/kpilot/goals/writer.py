"""Write targets into `definitions/targets.yaml`: create the file or merge into it, keeping comments and order.

A target is identified by its KPI, its period (or `every`) and its scope. Writing one that is already in the file
replaces that entry in place (the report says which, and what it was); writing the same target again changes
nothing. Before anything is written, the workspace's definitions are loaded with the new file in place of the old
one: if they would have a problem they do not have now, or a written target names no KPI, nothing is written.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import SingleQuotedScalarString

from kpilot.definitions.editing import (
    definition_files,
    dump,
    editing_lock,
    new_problems,
    read_document,
    write_atomically,
)
from kpilot.definitions.goals_model import Target
from kpilot.definitions.loader import DEFINITIONS_DIR, load_definitions
from kpilot.definitions.model import Definitions
from kpilot.definitions.problems import problem_of
from kpilot.definitions.yaml_source import plain, read_yaml
from kpilot.engine.target_checks import target_issues
from kpilot.errors import Issue, Severity, UserError, ValidationFailed
from kpilot.i18n import Message
from kpilot.semantic.validate import static_issues

TARGETS_FILE = "targets.yaml"
FIELD_ORDER = ("kpi", "period", "every", "scope", "type", "commit", "target", "stretch", "min", "max", "spread")
TEXT_FIELDS = ("owner", "note")
_HEADER = (
    "Targets: what each KPI should reach, per period and scope (see docs/goals.md).\n"
    "`kpilot targets suggest ... --write` merges into this file: one entry per KPI, period and scope.\n"
)

TargetLike = Mapping[str, Any] | Target


@dataclass(frozen=True)
class Replacement:
    key: str  # "revenue 2025-Q3 team=EMEA"
    before: dict[str, Any]
    after: dict[str, Any]


@dataclass(frozen=True)
class WriteReport:
    path: Path
    added: tuple[str, ...]
    replaced: tuple[Replacement, ...]
    unchanged: tuple[str, ...]

    @property
    def changed(self) -> bool:
        return bool(self.added or self.replaced)


def write_targets(workspace_dir: str | Path, targets: Sequence[TargetLike]) -> Path:
    """Merge `targets` into the workspace's definitions/targets.yaml; the file's path."""
    return merge_targets(workspace_dir, targets).path


def merge_targets(workspace_dir: str | Path, targets: Sequence[TargetLike]) -> WriteReport:
    """Merge `targets` into definitions/targets.yaml and say what was added, replaced and already there."""
    root = Path(workspace_dir)
    entries = [_entry(item, index) for index, item in enumerate(targets, start=1)]
    with editing_lock(root):
        return _merged(root, entries)


def _merged(root: Path, entries: list[dict[str, Any]]) -> WriteReport:
    folder = root / DEFINITIONS_DIR
    path = folder / TARGETS_FILE
    document = read_document(path, _HEADER, Message("goals.writer.cannot_merge"))
    items = _targets_list(document, path)
    elsewhere = _keys_elsewhere(folder)
    added: list[str] = []
    replaced: list[Replacement] = []
    unchanged: list[str] = []
    for entry in entries:
        key = target_key(entry)
        text = describe(key)
        index = next((i for i, item in enumerate(items) if _is_item_key(item, key)), None)
        if index is None:
            if key in elsewhere:
                raise UserError(
                    Message("goals.writer.defined_elsewhere", target=text, file=elsewhere[key]),
                    hint=Message("goals.writer.defined_elsewhere_hint"),
                )
            items.append(_node(entry))
            added.append(text)
        elif plain(items[index]) == plain(_node(entry)):
            unchanged.append(text)
        else:
            replaced.append(Replacement(text, plain(items[index]), plain(_node(entry))))
            items[index] = _node(entry)
    report = WriteReport(path, tuple(added), tuple(replaced), tuple(unchanged))
    if report.changed:
        text = dump(document)
        _check(root, text)
        write_atomically(path, text)
    return report


def remove_targets(workspace_dir: str | Path, keys: Sequence[TargetKey]) -> RemoveReport:
    """Remove the targets identified by `keys` (see `target_key`) from definitions/targets.yaml. A key no target
    has, or one defined in another file, is refused and nothing is removed."""
    root = Path(workspace_dir)
    path = root / DEFINITIONS_DIR / TARGETS_FILE
    with editing_lock(root):
        document = read_document(path, _HEADER, Message("goals.writer.cannot_merge"))
        items = _targets_list(document, path)
        elsewhere = _keys_elsewhere(root / DEFINITIONS_DIR)
        removed: list[Replacement] = []
        for key in dict.fromkeys(keys):
            index = next((i for i, item in enumerate(items) if _is_item_key(item, key)), None)
            if index is None:
                where = elsewhere.get(key)
                code = "goals.writer.defined_elsewhere_remove" if where else "goals.writer.no_such_target"
                raise UnknownTarget(Message(code, target=describe(key), file=where or ""), field="target")
            removed.append(Replacement(describe(key), plain(items[index]), {}))
            del items[index]
        if removed:
            text = dump(document)
            _check(root, text)
            write_atomically(path, text)
    return RemoveReport(path, tuple(removed))


class UnknownTarget(UserError):
    """No target of that KPI, period and scope in definitions/targets.yaml (a server answers 404)."""


@dataclass(frozen=True)
class RemoveReport:
    path: Path
    removed: tuple[Replacement, ...]  # each with the target as it was (`before`)


# ---------------------------------------------------------------------------------------------------- entries


TargetKey = tuple[str, str, str, tuple[tuple[str, str], ...]]  # KPI, period, every, scope pairs


def target_key(entry: Mapping[str, Any]) -> TargetKey:
    """What identifies a target: KPI, period, every and scope (as text, whatever the YAML types)."""
    scope = entry.get("scope") or {}
    pairs = tuple(sorted((str(k), str(v)) for k, v in scope.items())) if isinstance(scope, Mapping) else ()
    period, every = entry.get("period"), entry.get("every")
    when = "" if period is None else str(period).strip().upper()
    return (str(entry.get("kpi")), when, "" if every is None else str(every), pairs)


def describe(key: tuple[str, str, str, tuple[tuple[str, str], ...]]) -> str:
    kpi, period, every, scope = key
    when = period or f"every {every}"
    return " ".join([kpi, when, *(f"{k}={v}" for k, v in scope)])


def _entry(item: TargetLike, index: int) -> dict[str, Any]:
    """A target as plain data in file order, checked against the model."""
    if isinstance(item, Target):
        data: dict[str, Any] = item.model_dump(mode="json", exclude={"origin"}, exclude_none=True)
    else:
        data = {str(k): v for k, v in item.items() if v is not None}
    if data.get("scope") == {}:
        del data["scope"]
    for key in ("period", "every", "type", "spread", "kpi"):
        if key in data:
            data[key] = str(getattr(data[key], "value", data[key]))
    try:
        Target.model_validate(data)
    except ValidationError as error:
        problem = problem_of(error.errors()[0])
        where = problem.field or "target"
        invalid = Message("goals.writer.invalid_target", index=index, field=where, problem=problem.message)
        raise UserError(invalid, field=where, hint=problem.hint) from None
    return {key: data[key] for key in (*FIELD_ORDER, *TEXT_FIELDS) if key in data}


def _node(entry: Mapping[str, Any]) -> CommentedMap:
    node = CommentedMap()
    for key, value in entry.items():
        if key == "scope":
            scope = CommentedMap((str(k), str(v)) for k, v in value.items())
            scope.fa.set_flow_style()
            node[key] = scope
        elif key in ("period", "kpi", "every", "type", "spread"):
            node[key] = SingleQuotedScalarString(value) if key == "period" else value
        elif key in TEXT_FIELDS:
            node[key] = str(value)
        else:
            node[key] = _number(value)
    node.fa.set_flow_style()
    return node


def _number(value: Any) -> int | float:
    number = float(value)
    return int(number) if number.is_integer() and abs(number) < 1e15 else number


def _is_item_key(item: Any, key: tuple[str, str, str, tuple[tuple[str, str], ...]]) -> bool:
    return isinstance(item, Mapping) and target_key(item) == key


# ---------------------------------------------------------------------------------------------------- the file


def _targets_list(document: CommentedMap, path: Path) -> CommentedSeq:
    value = document.get("targets")
    if value is None:
        value = document["targets"] = CommentedSeq()
    if not isinstance(value, CommentedSeq):
        raise UserError(Message("goals.writer.not_a_list", path=str(path)), hint=Message("goals.writer.fix_file_hint"))
    return value


def _keys_elsewhere(folder: Path) -> dict[tuple[str, str, str, tuple[tuple[str, str], ...]], str]:
    """Targets defined in the other definitions files -> the file."""
    found: dict[tuple[str, str, str, tuple[tuple[str, str], ...]], str] = {}
    for path in definition_files(folder):
        if path.name == TARGETS_FILE:
            continue
        parsed = read_yaml(path, f"{DEFINITIONS_DIR}/{path.name}")
        root = getattr(parsed, "root", None)
        if isinstance(root, Mapping) and isinstance(root.get("targets"), list):
            for item in root["targets"]:
                if isinstance(item, Mapping):
                    found.setdefault(target_key(item), f"{DEFINITIONS_DIR}/{path.name}")
    return found


def _check(root: Path, text: str) -> None:
    """Load the definitions with `text` as targets.yaml; refuse if they would have problems they do not have now."""
    new = new_problems(root, TARGETS_FILE, text, definition_problems)
    if new:
        raise refused(new)


def definition_problems(root: Path) -> list[Issue]:
    """Error-severity problems of the definitions in `root` (targets of unknown KPIs, conflicting targets...)."""
    definitions, issues = load_definitions(root)
    return problems_of(definitions, issues)


def problems_of(definitions: Definitions, issues: Sequence[Issue]) -> list[Issue]:
    """Error-severity problems of `definitions` (loaded with `issues`), each told once."""
    found = [*issues, *static_issues(definitions), *target_issues(definitions)]
    unique = {str(i): i for i in found if i.severity is Severity.ERROR}
    return list(unique.values())


def refused(issues: list[Issue], message: Message | None = None) -> ValidationFailed:
    """The error of an edit refused because the definitions would not load with it: each new problem listed."""
    error = ValidationFailed(issues)
    error.message = message or Message("goals.writer.would_not_load")
    return error
