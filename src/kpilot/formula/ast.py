"""The formula language's syntax tree: immutable, typed nodes, each with the span of text it came from."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Span:
    """Half-open character range [start, end) inside the formula text (0-based)."""

    start: int
    end: int


@dataclass(frozen=True)
class Number:
    value: int | float
    span: Span


@dataclass(frozen=True)
class String:
    value: str
    span: Span


@dataclass(frozen=True)
class Boolean:
    value: bool
    span: Span


@dataclass(frozen=True)
class Null:
    span: Span


@dataclass(frozen=True)
class Name:
    """A reference: `clicks`, or qualified `ads.clicks`. Resolution decides what it names."""

    parts: tuple[str, ...]
    span: Span

    @property
    def dotted(self) -> str:
        return ".".join(self.parts)


@dataclass(frozen=True)
class Unary:
    op: str  # "-" or "not"
    operand: Node
    span: Span


@dataclass(frozen=True)
class Binary:
    op: str  # + - * / = != < <= > >= and or
    left: Node
    right: Node
    span: Span


@dataclass(frozen=True)
class InList:
    operand: Node
    options: tuple[Node, ...]
    negated: bool
    span: Span


@dataclass(frozen=True)
class IsNull:
    operand: Node
    negated: bool
    span: Span


@dataclass(frozen=True)
class Call:
    """A function call; keyword arguments keep their order of appearance."""

    name: str
    args: tuple[Node, ...]
    kwargs: tuple[tuple[str, Node], ...]
    span: Span
    name_span: Span


@dataclass(frozen=True)
class Case:
    """`case when c1 then v1 [when c2 then v2 ...] [else v] end`: the value of the first condition that holds;
    without `else`, empty when none does."""

    whens: tuple[tuple[Node, Node], ...]  # (condition, value), at least one
    otherwise: Node | None
    span: Span


Expr = Number | String | Boolean | Null | Name | Unary | Binary | InList | IsNull | Call | Case


@dataclass(frozen=True)
class MeasureRef:
    """A resolved reference to `source.measure`. Produced by name resolution, never by the parser."""

    source: str
    measure: str
    span: Span


# Children are typed `Node` so that a resolved tree (with MeasureRef leaves) is still a well-typed tree.
Node = Expr | MeasureRef
Resolved = Node
