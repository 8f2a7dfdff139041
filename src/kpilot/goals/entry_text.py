"""The new text of a definitions file after one entry of one of its lists is replaced, added or removed, changing
only that entry's lines: every other line (other entries, comments, blank lines, quoting) stays as it was written.

ruamel's round trip keeps comments but may respell what it did not change (a flow list of one-key mappings loses
its braces), so the text is spliced instead, and the splice is checked: the spliced text must read back as exactly
the edited document. When it does not (an unusual layout, a list in flow style), the whole document is written by
ruamel instead, which is still the right content.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from kpilot.definitions.editing import dump
from kpilot.definitions.yaml_source import plain

FLOW_WIDTH = 120  # an entry written on one line (as its old one was) only when it stays this short


@dataclass
class Change:
    """One entry of `items` (a list of `document`) replaced (`index`, `node`), removed (`index`, no node) or added
    at the end (no index, `node`). Applied to the document by `new_text`."""

    document: CommentedMap
    items: CommentedSeq
    index: int | None
    node: CommentedMap | None


def new_text(old: str, change: Change) -> str:
    """The file's text with `change` applied (and the change applied to `change.document`)."""
    spliced = _splice(old, change) if old.strip() and _block_list(change.items) else None
    _apply(change)
    if spliced is not None and _reads_as(spliced, plain(change.document)):
        return spliced
    return dump(change.document)


def _splice(old: str, change: Change) -> str | None:
    items, index = change.items, change.index
    lines = old.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    place = index if index is not None else len(items) - 1
    start, column = items.lc.item(place)
    dash = column - 2  # the content starts after "- "
    if dash < 0 or start >= len(lines):
        return None
    end = _end_of(change, place, start, lines)
    was_flow = bool(getattr(items[place], "fa", None) and items[place].fa.flow_style())
    new = _rendered(change.node, dash, flow=was_flow and index is not None) if change.node is not None else []
    if index is None:
        lines[end:end] = new
    else:
        lines[start:end] = new
    return "".join(lines)


def _end_of(change: Change, place: int, start: int, lines: list[str]) -> int:
    """The line after the entry at `place`: the next entry's, else the next top-level key's (or the end), less the
    blank and comment lines just before it, which belong to what follows."""
    items, document = change.items, change.document
    if place + 1 < len(items):
        end = int(items.lc.item(place + 1)[0])
    else:
        later = [int(document.lc.key(key)[0]) for key in document if document.lc.key(key)[0] > start]
        end = min(later, default=len(lines))
    while end - 1 > start and (not lines[end - 1].strip() or lines[end - 1].lstrip().startswith("#")):
        end -= 1
    return end


def _rendered(node: CommentedMap, column: int, *, flow: bool) -> list[str]:
    """The entry as the lines of a list item whose dash is at `column`."""
    if flow and not _has_block_text(node):
        one_line = CommentedMap(node)
        one_line.fa.set_flow_style()
        lines = _dumped(one_line)
        if len(lines) == 1 and column + len(lines[0].rstrip()) - 2 <= FLOW_WIDTH:
            return [" " * column + lines[0][2:]]
    return [" " * column + line[2:] if line.strip() else line for line in _dumped(node)]


def _dumped(node: CommentedMap) -> list[str]:
    yaml = YAML()
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    stream = io.StringIO()
    yaml.dump(CommentedSeq([node]), stream)
    return stream.getvalue().splitlines(keepends=True)


def _apply(change: Change) -> None:
    if change.index is None:
        assert change.node is not None
        change.items.append(change.node)
    elif change.node is None:
        del change.items[change.index]
    else:
        change.items[change.index] = change.node


def _block_list(items: CommentedSeq) -> bool:
    return len(items) > 0 and not items.fa.flow_style()


def _has_block_text(node: Any) -> bool:
    if isinstance(node, dict):
        return any(_has_block_text(value) for value in node.values())
    if isinstance(node, list):
        return any(_has_block_text(value) for value in node)
    return isinstance(node, str) and "\n" in node


def _reads_as(text: str, expected: Any) -> bool:
    try:
        return bool(plain(YAML().load(text)) == expected)
    except YAMLError:
        return False
