"""Reading YAML while keeping where every key and value sits, so problems can be reported as file:line:col."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from kpilot.errors import Issue, Location


@dataclass(frozen=True)
class YamlDocument:
    """A parsed YAML file: the round-trip tree (which knows positions) and the file it came from."""

    path: str
    root: Any

    def location(self, node: Any, key: str | int | None = None) -> Location:
        """Location of `node[key]`'s value (or of `node` itself), 1-based."""
        return node_location(self.path, node, key)


def node_location(path: str, node: Any, key: str | int | None = None) -> Location:
    try:
        if key is None:
            line, col = node.lc.line, node.lc.col
        elif isinstance(node, CommentedMap):
            line, col = node.lc.value(key) if key in node else (node.lc.line, node.lc.col)
        elif isinstance(node, CommentedSeq) and isinstance(key, int):
            line, col = node.lc.item(key)
        else:
            line, col = node.lc.line, node.lc.col
    except (AttributeError, KeyError, TypeError):
        return Location(path)
    return Location(path, line + 1, col + 1)


def key_location(path: str, node: Any, key: str) -> Location:
    """Location of a mapping key itself (for 'unknown key' problems)."""
    try:
        line, col = node.lc.key(key)
    except (AttributeError, KeyError, TypeError):
        return node_location(path, node)
    return Location(path, line + 1, col + 1)


def read_yaml(path: Path, display: str) -> YamlDocument | Issue:
    """Parse one YAML file; a syntax error comes back as an Issue with its position."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        return Issue(f"cannot read file: {error}", Location(display))
    try:
        root = YAML(typ="rt").load(text)
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = Location(display, mark.line + 1, mark.column + 1) if mark else Location(display)
        problem = error.problem or error.context or "invalid YAML"
        return Issue(f"invalid YAML: {problem}", where, hint="check indentation, colons and quotes")
    except YAMLError as error:
        return Issue(f"invalid YAML: {error}", Location(display))
    return YamlDocument(display, root)


def plain(node: Any) -> Any:
    """The round-trip tree as plain dicts, lists and scalars (what pydantic validates)."""
    if isinstance(node, CommentedMap | dict):
        return {str(key): plain(value) for key, value in node.items()}
    if isinstance(node, CommentedSeq | list):
        return [plain(item) for item in node]
    if node is None or isinstance(node, bool | int | float | str):
        return node if not isinstance(node, str) else str(node)
    return str(node)


def value_offset_column(node: Any, key: str) -> int:
    """How many characters precede a string value's text at its position (1 for a quoted scalar)."""
    value = node.get(key) if isinstance(node, CommentedMap) else None
    style = getattr(value, "style", None)
    return 1 if style in ("'", '"') else 0
