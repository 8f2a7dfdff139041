"""What every definitions model shares: immutability, no unknown keys, only real numbers, and the identifier rule."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from typing import Annotated, Any, Self

from pydantic import BaseModel, ConfigDict, Field

from kpilot.i18n import Message

NAME_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]*$"
Identifier = Annotated[str, Field(pattern=NAME_PATTERN, max_length=128)]


class Frozen(BaseModel):
    # allow_inf_nan=False: YAML reads `.nan`, `.inf` and `1e999` as floats, and no target, weight or threshold can
    # be one (a NaN compares false with everything, so it would pass every check and judge every value off track).
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True, allow_inf_nan=False)

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """A copy without the values cached from the fields (indexes by name), which `update` could make stale."""
        copied = super().model_copy(update=update, deep=deep)
        for name in _cached_names(type(self)):
            copied.__dict__.pop(name, None)
        return copied


def _cached_names(model: type) -> list[str]:
    return [name for klass in model.__mro__ for name, attr in vars(klass).items() if isinstance(attr, cached_property)]


class Invalid(ValueError):
    """A definitions model's own check failed: raised inside a pydantic validator, it reaches the loader as the
    `error` of a `value_error`, which reports `message` (a code with values) rather than pydantic's text.

    `str()` is the English text, for code that still reads pydantic's own message."""

    def __init__(self, message: Message) -> None:
        super().__init__(str(message))
        self.message = message
