"""Lists inside the warehouse's messages, joined as each language joins them (`a, b and c`, `x; y`, one per line).

A plain tuple value is rendered with the language's list separator; these helpers cover the other joins a message
needs, as nested messages, so that no domain code writes an "and" or a "; " of its own.
"""

from __future__ import annotations

from collections.abc import Sequence

from kpilot.i18n.message import Message, Value


def and_list(items: Sequence[Value]) -> Value:
    """`1`, `1 and 5`, `2, 3 and 6`."""
    if len(items) == 1:
        return items[0]
    return Message("warehouse.and_list", items=tuple(items[:-1]), last=items[-1])


def semicolons(items: Sequence[Value]) -> Value:
    """`x; y; z`: items that hold commas of their own."""
    if len(items) == 1:
        return items[0]
    return Message("warehouse.semicolon_then", first=items[0], then=semicolons(items[1:]))


def lines(head: Message, items: Sequence[Message]) -> Message:
    """`head`, then each item on a line of its own, indented."""
    if not items:
        return head
    return Message("warehouse.line_then", first=head, then=lines(items[0], items[1:]))


def quoted(names: Sequence[str]) -> tuple[str, ...]:
    """Names in single quotes, as messages show names: ('a', 'b')."""
    return tuple(f"'{name}'" for name in names)
