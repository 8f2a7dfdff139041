"""Text values a row-level formula compares a column with: `stage = 'won'`, `kind in ('nps', 'csat')`.

They are where data and definitions must agree on spelling, so the catalogue maps them (`--map deals.stage.won=Won`)
and the data checks look them up in the warehouse (a value that never occurs makes a measure silently 0).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeGuard

from kpilot.formula.ast import Binary, Expr, InList, Name, Node, String
from kpilot.formula.check import walk

_EQUALITY = frozenset({"=", "!="})


@dataclass(frozen=True)
class Compared:
    """One text literal compared with a bare column (or dimension) name."""

    column: str
    literal: String


def compared_values(tree: Expr | Node) -> list[Compared]:
    """Every `name = 'text'`, `'text' != name` and `name [not] in ('a', 'b')` in a tree, in reading order."""
    found: list[Compared] = []
    for node in walk(tree):
        if isinstance(node, Binary) and node.op in _EQUALITY:
            for column, literal in ((node.left, node.right), (node.right, node.left)):
                if _bare(column) and isinstance(literal, String):
                    found.append(Compared(column.parts[0], literal))
        elif isinstance(node, InList) and _bare(node.operand):
            name = node.operand.parts[0]
            found += [Compared(name, option) for option in node.options if isinstance(option, String)]
    return sorted(found, key=lambda c: c.literal.span.start)


def _bare(node: Node) -> TypeGuard[Name]:
    return isinstance(node, Name) and len(node.parts) == 1
