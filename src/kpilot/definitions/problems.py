"""Pydantic's validation errors as kpilot's messages: a code and the values of the error, never pydantic's English.

Each error `type` that definitions can meet (pydantic_core's ErrorType) maps to a code of
`i18n/messages/definitions.yaml`, filled from the error's `loc`, `input` and `ctx`. A `value_error` raised by a
model's own check carries its message (`Invalid`); a type not mapped here falls back to `definitions.invalid_value`
with pydantic's text passed on as `Raw`, so that nothing is lost while the table grows.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kpilot.definitions.base import NAME_PATTERN, Invalid
from kpilot.i18n import Message, Raw

# Types whose message names the field and the value written: "'unit': 'percentage' is not text".
VALUE_CODES: Mapping[str, str] = {
    "finite_number": "definitions.not_finite",
    "string_type": "definitions.not_text",
    "float_type": "definitions.not_a_number",
    "float_parsing": "definitions.not_a_number",
    "int_type": "definitions.not_whole_number",
    "int_parsing": "definitions.not_whole_number",
    "int_parsing_size": "definitions.not_whole_number",
    "int_from_float": "definitions.not_whole_number",
    "bool_type": "definitions.not_true_false",
    "bool_parsing": "definitions.not_true_false",
    "dict_type": "definitions.not_a_mapping",
    "model_type": "definitions.not_a_mapping",
    "list_type": "definitions.not_a_list",
    "tuple_type": "definitions.not_a_list",
    "set_type": "definitions.not_a_list",
    "frozen_set_type": "definitions.not_a_list",
}
# Bounds (`Field(gt=0, le=1)`): the type, the key of its bound in `ctx`, and the code.
LIMIT_CODES: Mapping[str, tuple[str, str]] = {
    "greater_than": ("gt", "definitions.greater_than"),
    "greater_than_equal": ("ge", "definitions.at_least"),
    "less_than": ("lt", "definitions.less_than"),
    "less_than_equal": ("le", "definitions.at_most"),
}
# Lengths (`Field(min_length=1, max_length=128)`): the type, the key of the length in `ctx`, and the code.
LENGTH_CODES: Mapping[str, tuple[str, str]] = {
    "string_too_short": ("min_length", "definitions.too_few_characters"),
    "string_too_long": ("max_length", "definitions.too_many_characters"),
    "too_short": ("min_length", "definitions.too_few_items"),
    "too_long": ("max_length", "definitions.too_many_items"),
}
# Types with a rule of their own below.
OWN_RULES = frozenset({"missing", "extra_forbidden", "enum", "literal_error", "value_error", "string_pattern_mismatch"})
MAPPED = frozenset({*VALUE_CODES, *LIMIT_CODES, *LENGTH_CODES, *OWN_RULES})
SHOWN_CHARACTERS = 60  # of a value written back in a message; longer ones are cut
_QUOTED = re.compile(r"'((?:[^'\\]|\\.)*)'")  # one choice of pydantic's ctx `expected`: 'sum', 'count' or 'last'


@dataclass(frozen=True)
class Problem:
    """One pydantic error as kpilot tells it: what, how to fix it (if we can tell), and the key it is about."""

    message: Message
    hint: Message | None
    field: str  # the key's path in the model, `measures.0.agg`; "" for the item itself
    key: str | int | None  # the last part of that path: the key missing, unknown or wrong


def problem_of(error: Mapping[str, Any]) -> Problem:
    """The message for one entry of pydantic's `ValidationError.errors()`."""
    loc = tuple(error.get("loc", ()))
    field = ".".join(str(part) for part in loc)
    key = loc[-1] if loc and isinstance(loc[-1], str | int) else None
    kind = str(error.get("type", ""))
    ctx: Mapping[str, Any] = error.get("ctx") or {}
    value = Raw(spelled(error.get("input")))
    shown = field or "item"
    hint = None
    if kind == "missing":
        message = Message("definitions.missing_key", key=str(key))
        hint = Message("definitions.add_key_hint", key=str(key))
    elif kind == "extra_forbidden":
        message = Message("definitions.unknown_key", key=str(key))
    elif kind in VALUE_CODES:
        message = Message(VALUE_CODES[kind], field=shown, value=value)
        if kind == "finite_number":
            hint = Message("definitions.finite_hint")
    elif kind in LIMIT_CODES:
        bound, code = LIMIT_CODES[kind]
        message = Message(code, field=shown, value=value, limit=ctx.get(bound))
    elif kind in ("enum", "literal_error"):
        message = Message("definitions.invalid_choice", field=shown, value=value, expected=_choices(ctx))
    elif kind == "string_pattern_mismatch":
        if ctx.get("pattern") == NAME_PATTERN:
            message = Message("definitions.not_a_name", field=shown, value=value)
        else:
            message = Message("definitions.pattern_mismatch", field=shown, value=value, pattern=str(ctx.get("pattern")))
    elif kind in LENGTH_CODES:
        length, code = LENGTH_CODES[kind]
        message = Message(code, field=shown, count=int(ctx.get(length, 0)))
    elif kind == "value_error" and isinstance(ctx.get("error"), Invalid):
        own: Message = ctx["error"].message
        message = Message("definitions.field_problem", field=field, problem=own) if field else own
    else:  # a ValueError of some other code (its own text), or a type not mapped yet (pydantic's text)
        text = str(ctx["error"]) if kind == "value_error" and "error" in ctx else str(error.get("msg", ""))
        message = Message("definitions.invalid_value", field=shown, problem=Raw(text))
    return Problem(message, hint, field, key)


def spelled(value: Any) -> str:
    """A value as the YAML file wrote it, near enough: .nan and .inf rather than Python's nan and inf; long ones cut."""
    if isinstance(value, float) and value != value:
        return ".nan"
    if isinstance(value, float) and value in (float("inf"), float("-inf")):
        return ".inf" if value > 0 else "-.inf"
    text = repr(value)
    return text if len(text) <= SHOWN_CHARACTERS else text[: SHOWN_CHARACTERS - 1] + "…"


def _choices(ctx: Mapping[str, Any]) -> Message | Raw:
    """The values allowed, from pydantic's `expected` ("'sum', 'count' or 'last'"), joined the reader's way."""
    expected = str(ctx.get("expected", ""))
    found = [Raw(f"'{choice}'") for choice in _QUOTED.findall(expected)]
    if not found:
        return Raw(expected)
    if len(found) == 1:
        return found[0]
    return Message("definitions.one_of", choices=tuple(found[:-1]), last=found[-1])
