"""Reading YAML while keeping where every key and value sits, so problems can be reported as file:line:col."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.composer import Composer, MaxDepthExceededError
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent, ScalarEvent

from kpilot.errors import Issue, Location
from kpilot.i18n import Message, Raw


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
    if line is None or col is None:  # ruamel knows no position for some nodes (an empty `!!` tag)
        return Location(path)
    return Location(path, line + 1, col + 1)


def key_location(path: str, node: Any, key: str) -> Location:
    """Location of a mapping key itself (for 'unknown key' problems)."""
    try:
        line, col = node.lc.key(key)
    except (AttributeError, KeyError, TypeError):
        return node_location(path, node)
    return Location(path, line + 1, col + 1)


# Limits on one YAML file (definitions or settings), so that a small or odd file cannot keep kpilot busy: see the
# "Limits" paragraph of docs/definitions.md. 4 MB holds some 60,000 short KPIs; the parser reads ~250 KB a second.
MAX_FILE_BYTES = 4 * 1024 * 1024
MAX_NESTING = 20  # mappings and lists inside each other; definitions need 6
MAX_DIGITS = 1_000  # of an integer; Python refuses to convert more than 4,300


class _Refused(MarkedYAMLError):
    """YAML that kpilot does not read, although it is valid: the problem, with its position and a fix."""

    def __init__(self, message: Message, mark: Any, hint: Message) -> None:
        super().__init__(problem=str(message), problem_mark=mark)  # ruamel's own text, for a traceback
        self.message = message
        self.hint = hint


class _Composer(Composer):
    """Refuses anchors and aliases: an alias repeats the node it names, so a few lines of aliases of aliases stand
    for billions of values ("billion laughs"), which every later step would walk. Definitions are written out."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.parser.peek_event()
        if isinstance(event, AliasEvent):
            raise _Refused(Message("definitions.yaml_alias", name=event.anchor), event.start_mark, _NO_ALIASES)
        if getattr(event, "anchor", None) is not None:
            raise _Refused(Message("definitions.yaml_anchor", name=event.anchor), event.start_mark, _NO_ALIASES)
        if isinstance(event, ScalarEvent) and not event.style and _long_integer(event.value):
            raise _Refused(
                Message("definitions.long_number", limit=MAX_DIGITS),
                event.start_mark,
                Message("definitions.shorter_number_hint"),
            )
        return super().compose_node(parent, index)


_NO_ALIASES = Message("definitions.no_aliases_hint")


_INTEGER = re.compile(r"[-+]?(0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|[0-9_]+)")


def _long_integer(text: str) -> bool:
    """An integer (decimal, hex, octal or binary, as YAML reads them) too long for Python to turn into text."""
    return len(text) > MAX_DIGITS and _INTEGER.fullmatch(text) is not None


class _Constructor(RoundTripConstructor):
    """Turns a value YAML recognises but Python cannot build (`2025-02-30` is a date of its pattern) into a
    problem at the value, not a crash."""

    def construct_non_recursive_object(self, node: Any, tag: str | None = None) -> Any:
        try:
            return super().construct_non_recursive_object(node, tag)
        except ValueError as error:
            value = getattr(node, "value", "")
            problem = Raw(str(error))  # Python's own words ("day is out of range for month"), passed on as they are
            if isinstance(value, str):
                message = Message("definitions.unbuildable_value", value=Raw(repr(value)), problem=problem)
            else:
                message = Message("definitions.unbuildable", problem=problem)
            raise _Refused(message, node.start_mark, _QUOTE_IT) from None


_QUOTE_IT = Message("definitions.quote_value_hint")


def _parser() -> YAML:
    yaml = YAML(typ="rt")
    yaml.Composer = _Composer
    yaml.Constructor = _Constructor
    yaml.max_depth = MAX_NESTING
    yaml.preserve_quotes = True  # a quoted value knows it is quoted: its text starts one column after the quote
    return yaml


def _read_text(path: Path, display: str) -> str | Issue:
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            return Issue(
                Message("definitions.file_too_large", limit=MAX_FILE_BYTES // (1024 * 1024)),
                Location(display),
                hint=Message("definitions.split_file_hint"),
            )
        return data.decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        return Issue(Message("definitions.unreadable_file", problem=Raw(str(error))), Location(display))


_INVALID_YAML = Message("definitions.invalid_yaml_plain")


def read_yaml(path: Path, display: str) -> YamlDocument | Issue:
    """Parse one YAML file; a syntax error, or YAML kpilot refuses, comes back as an Issue with its position."""
    text = _read_text(path, display)
    if isinstance(text, Issue):
        return text
    try:
        root = _parser().load(text)
    except _Refused as error:
        mark = error.problem_mark
        where = Location(display, mark.line + 1, mark.column + 1) if mark else Location(display)
        return Issue(error.message, where, hint=error.hint)
    except MaxDepthExceededError as error:
        mark = error.problem_mark
        where = Location(display, mark.line + 1, mark.column + 1) if mark else Location(display)
        return Issue(
            Message("definitions.nested_too_deeply", limit=MAX_NESTING),
            where,
            hint=Message("definitions.nesting_hint"),
        )
    except MarkedYAMLError as error:  # ruamel's own words for what is wrong, passed on as they are
        mark = error.problem_mark or error.context_mark
        where = Location(display, mark.line + 1, mark.column + 1) if mark else Location(display)
        problem = error.problem or error.context
        message = Message("definitions.invalid_yaml", problem=Raw(problem)) if problem else _INVALID_YAML
        return Issue(message, where, hint=Message("definitions.yaml_syntax_hint"))
    except YAMLError as error:
        return Issue(Message("definitions.invalid_yaml", problem=Raw(str(error))), Location(display))
    except ValueError as error:  # a value the constructor cannot build, where no position is known
        message = Message("definitions.unreadable_yaml_value", problem=Raw(str(error)))
        return Issue(message, Location(display), hint=_QUOTE_IT)
    except IndexError:  # ruamel's constructor fails on some plain scalars it takes for numbers (`-_`)
        return Issue(Message("definitions.unreadable_yaml_value_plain"), Location(display), hint=_QUOTE_IT)
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
