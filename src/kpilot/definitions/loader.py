"""Load `kpilot.yaml` and `definitions/*.yaml` into typed models, collecting every problem with its position."""

from __future__ import annotations

import difflib
import typing
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from kpilot.definitions.alert_model import AlertRule
from kpilot.definitions.bonus_model import BonusPlan
from kpilot.definitions.goals_model import Goal, Target
from kpilot.definitions.model import Definitions, Kpi, Settings, Source
from kpilot.definitions.problems import problem_of
from kpilot.definitions.yaml_source import (
    YamlDocument,
    key_location,
    node_location,
    plain,
    read_yaml,
    value_offset_column,
)
from kpilot.errors import Issue, Location, ValidationFailed
from kpilot.i18n import Message

SETTINGS_FILE = "kpilot.yaml"
DEFINITIONS_DIR = "definitions"
TOP_LEVEL_KEYS = ("sources", "kpis", "targets", "goals", "bonus_plans", "alert_rules")
FORMULA_FIELDS = {"formula", "expr", "filter", "sql", "time", "period", "kpi"}
ITEM_MODELS: dict[str, type[Any]] = {
    "sources": Source,
    "kpis": Kpi,
    "targets": Target,
    "goals": Goal,
    "bonus_plans": BonusPlan,
    "alert_rules": AlertRule,
}
# Items whose checks point into nested keys and list items (`sections.0.components.1.weight`) keep every position.
DEEP_POSITIONS: tuple[type[Any], ...] = (BonusPlan, AlertRule)


def load_settings(root: Path) -> Settings:
    """Read the workspace settings; raise ValidationFailed listing every problem."""
    path = root / SETTINGS_FILE
    if not path.is_file():
        raise ValidationFailed(
            [
                Issue(
                    Message("definitions.not_a_workspace", root=str(root), file=SETTINGS_FILE),
                    Location(str(path)),
                    hint=Message("definitions.create_workspace_hint"),
                    field="workspace",
                )
            ]
        )
    document = read_yaml(path, _display(path, root))
    if isinstance(document, Issue):
        raise ValidationFailed([document])
    data = document.root if document.root is not None else CommentedMap()
    if not isinstance(data, CommentedMap):
        raise ValidationFailed([Issue(Message("definitions.settings_not_mapping"), document.location(data))])
    issues: list[Issue] = []
    settings = _validate(Settings, data, document, issues)
    if not isinstance(settings, Settings):
        raise ValidationFailed(issues)
    return settings


def load_definitions(root: Path) -> tuple[Definitions, list[Issue]]:
    """Read and merge every definitions file. Items with problems are left out and reported."""
    folder = root / DEFINITIONS_DIR
    paths = sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")]) if folder.is_dir() else []
    issues: list[Issue] = []
    found: dict[str, list[Any]] = {key: [] for key in TOP_LEVEL_KEYS}
    for path in paths:
        document = read_yaml(path, _display(path, root))
        if isinstance(document, Issue):
            issues.append(document)
            continue
        for key, model in ITEM_MODELS.items():
            found[key].extend(_items(document, key, model, issues))
    definitions = Definitions(
        sources=tuple(found["sources"]),
        kpis=tuple(found["kpis"]),
        targets=tuple(found["targets"]),
        goals=tuple(found["goals"]),
        bonus_plans=tuple(found["bonus_plans"]),
        alert_rules=tuple(found["alert_rules"]),
    )
    return definitions, issues


def _display(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def _items(document: YamlDocument, key: str, model: type[Any], issues: list[Issue]) -> list[Any]:
    top = document.root
    if top is None:
        return []
    if not isinstance(top, CommentedMap):
        if key == TOP_LEVEL_KEYS[0]:
            issues.append(Issue(Message("definitions.file_not_mapping"), document.location(top)))
        return []
    if key == TOP_LEVEL_KEYS[0]:
        for unknown in (k for k in top if k not in TOP_LEVEL_KEYS):
            issues.append(_unknown_key(document.path, top, str(unknown), TOP_LEVEL_KEYS))
    entries = top.get(key)
    if entries is None:
        return []
    if not isinstance(entries, CommentedSeq):
        issues.append(
            Issue(Message("definitions.not_a_list_of_items", key=key), document.location(top, key), field=key)
        )
        return []
    results = []
    for index, entry in enumerate(entries):
        if not isinstance(entry, CommentedMap):
            issues.append(
                Issue(Message("definitions.item_not_mapping", key=key), document.location(entries, index), field=key)
            )
            continue
        item = _validate(model, entry, document, issues)
        if item is not None:
            results.append(item)
    return results


def _validate(model: type[Any], node: CommentedMap, document: YamlDocument, issues: list[Issue]) -> Any:
    data = plain(node)
    if model in DEEP_POSITIONS:
        data["origin"] = node_location(document.path, node)
        data["locations"] = _deep_locations(document.path, node)
    elif model is not Settings:
        _attach_positions(data, node, document.path)
    try:
        return model.model_validate(data)
    except ValidationError as error:
        for problem in error.errors():
            issues.append(_issue_from_pydantic(problem, node, document.path, model))
        return None


def _attach_positions(data: dict[str, Any], node: CommentedMap, path: str) -> None:
    """Give each item its origin and the exact position of its formula-like fields."""
    data["origin"] = node_location(path, node)
    data["locations"] = {
        field: _text_location(path, node, field) for field in FORMULA_FIELDS if isinstance(node.get(field), str)
    }
    for nested in ("currency", "grants"):
        child = node.get(nested)
        if isinstance(child, CommentedMap) and isinstance(data.get(nested), dict):
            data[nested]["origin"] = node_location(path, child)
            data[nested]["locations"] = _key_locations(path, child)
    for child_key in ("measures", "dimensions"):
        children = node.get(child_key)
        if isinstance(children, CommentedSeq) and isinstance(data.get(child_key), list):
            for index, (child_data, child) in enumerate(zip(data[child_key], children, strict=True)):
                if isinstance(child_data, dict) and isinstance(child, CommentedMap):
                    _attach_positions(child_data, child, path)
                elif isinstance(child_data, str):
                    data[child_key][index] = {
                        "name": child_data,
                        "origin": node_location(path, children, index),
                    }


def _key_locations(path: str, node: CommentedMap) -> dict[str, Location]:
    """Where each key of a nested mapping is, and each item of a list under it as `key.index` (`people.1`)."""
    found = {}
    for key, value in node.items():
        found[str(key)] = node_location(path, node, key)
        if isinstance(value, CommentedSeq):
            found.update({f"{key}.{index}": node_location(path, value, index) for index in range(len(value))})
    return found


def _deep_locations(path: str, node: CommentedMap | CommentedSeq, prefix: str = "") -> dict[str, Location]:
    """Where every key and list item under `node` is, by dotted path (`sections.0.components.1.weight`)."""
    found: dict[str, Location] = {}
    keys = node.keys() if isinstance(node, CommentedMap) else range(len(node))
    for key in keys:
        dotted = f"{prefix}{key}"
        child = node[key]
        nested = isinstance(child, CommentedMap | CommentedSeq)
        # A block list or mapping starts on the line after its key: point at the key, which names what is wrong.
        keyed = nested and isinstance(node, CommentedMap)
        found[dotted] = key_location(path, node, str(key)) if keyed else node_location(path, node, key)
        if nested:
            found.update(_deep_locations(path, child, f"{dotted}."))
    return found


def _text_location(path: str, node: CommentedMap, field: str) -> Location:
    where = node_location(path, node, field)
    if where.col is None:
        return where
    return Location(where.file, where.line, where.col + value_offset_column(node, field))


def _issue_from_pydantic(error: Any, node: CommentedMap, path: str, model: type[BaseModel]) -> Issue:
    """The Issue for one pydantic error, at the key or value of the YAML tree it is about."""
    problem = problem_of(error)
    loc = tuple(error.get("loc", ()))
    target, key = _walk(node, loc)
    kind = error.get("type", "")
    if kind == "extra_forbidden" and isinstance(key, str):
        return _unknown_key(path, target, key, _fields_at(model, loc[:-1]))
    # A missing key is reported at the mapping that lacks it; any other problem at the value itself.
    where = (
        node_location(path, target) if kind == "missing" and isinstance(key, str) else node_location(path, target, key)
    )
    return Issue(problem.message, where, hint=problem.hint, field=problem.field or None)


def _walk(node: Any, loc: tuple[Any, ...]) -> tuple[Any, str | int | None]:
    """Follow a pydantic error path through the YAML tree; return the deepest container and the last key."""
    current = node
    for index, part in enumerate(loc):
        last = index == len(loc) - 1
        if (isinstance(current, CommentedMap) and part in current) or (
            isinstance(current, CommentedSeq) and isinstance(part, int) and part < len(current)
        ):
            if last or not isinstance(current[part], CommentedMap | CommentedSeq):
                return current, part
            current = current[part]
        else:
            return current, part if isinstance(part, str | int) else None
    return current, None


def _fields_at(model: type[BaseModel], loc: tuple[Any, ...]) -> Iterable[str]:
    """The keys allowed where an unknown one was found: the fields of the model the error path leads to."""
    current: type[BaseModel] = model
    for part in loc:
        if isinstance(part, str) and part in current.model_fields:
            nested = _model_in(current.model_fields[part].annotation)
            if nested is not None:
                current = nested
    return [name for name in current.model_fields if name not in ("origin", "locations")]


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The definitions model inside a field's type (`tuple[Measure, ...]`, `Grants | None`), if there is one."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for argument in typing.get_args(annotation):
        found = _model_in(argument)
        if found is not None:
            return found
    return None


def _unknown_key(path: str, node: Any, key: str, allowed: Iterable[str]) -> Issue:
    allowed = tuple(allowed)
    close = difflib.get_close_matches(key, allowed, n=1)
    hint = (
        Message("definitions.did_you_mean", name=close[0])
        if close
        else Message("definitions.allowed_keys_hint", keys=allowed)
    )
    return Issue(
        Message("definitions.unknown_key", key=key),
        key_location(path, node, key),
        hint=hint,
        field=key,
        suggestions=(close[0],) if close else allowed,
    )
