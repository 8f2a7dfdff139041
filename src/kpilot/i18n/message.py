"""Messages as data: a stable code and the values it speaks about, turned into words only by `kpilot.i18n.render`.

Domain code never builds a sentence. It returns `Message("query.unknown_kpi", kpi="ctr")`; the surface that shows it
(the CLI, the API, a page, an e-mail) renders it in the reader's language from the message catalogues in
`kpilot/i18n/messages/`. Values keep their type so that the renderer can write them the reader's way: an `Amount`
becomes `1.234,56 €` in Italian, a `Period` becomes `maggio 2025`, a nested `Message` (a status word, a phrase)
is rendered in the same language.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeAlias


def english(message: Message) -> str:
    """`str(message)` before the rendering module is loaded (it replaces this at import): the code and values."""
    return repr(message)


@dataclass(frozen=True)
class Amount:
    """A value in a KPI's unit, written as a sentence writes it: `1,200,000 EUR`, `2.1%`, `43.8 days`, `0.35`.

    `unit` is a KPI unit's name (number, percent, currency, duration, ratio); a percent is a fraction (0.021).
    """

    value: float | Decimal
    unit: str = "number"
    currency: str | None = None
    time_unit: str | None = None


@dataclass(frozen=True)
class Share:
    """A fraction written as a percentage for a sentence: 0.119 -> 12%, 0.042 -> 4.2%."""

    fraction: float


@dataclass(frozen=True)
class Points:
    """A distance between two rates in percentage points, one decimal unless `places` says more: 0.006 -> 0.6
    points (0.00126 with places=2: 0.13 points)."""

    fraction: float
    places: int = 1


@dataclass(frozen=True)
class Elapsed:
    """How long ago something happened, for a sentence, in the reader's language: 300 -> 5 minutes ago (5 minuti
    fa, 5 minut temu, 5分钟前); rounded to the largest unit that fits (Babel's format_timedelta)."""

    seconds: float


@dataclass(frozen=True)
class Period:
    """A period for a sentence: `name` is the canonical name (2025-05, 2025-Q2, 2025, 2025-05-12) shown as is for
    quarters and years; months, days and weeks are written in the reader's language (May 2025, maggio 2025)."""

    start: date
    grain: str
    name: str


@dataclass(frozen=True)
class Number:
    """A number with the precision a sentence asks for, as a Python format spec: `.4f` (a growth factor, 1.4641),
    `+.2f` (a signed rate), `,.6g`, `.1%` (a fraction as a percentage). Where a plain `float`'s digits (the sentence
    rule) are too few or too many. The digits are the same in every language; the symbols are the reader's."""

    value: float | int | Decimal
    spec: str


@dataclass(frozen=True)
class Raw:
    """Text that is not a sentence and is never translated: a name, a formula, a file path, an SQL fragment.

    Plain `str` values are shown as they are too; `Raw` marks a value that could look like words (a third-party
    library's own message) so that a reader of the code sees it is passed through on purpose."""

    text: str


Value: TypeAlias = (
    "str | int | float | Decimal | date | datetime | bool | Amount | Share | Points | Period | Number | Raw | Message"
    " | Elapsed"
    " | tuple[Value, ...] | None"
)


@dataclass(frozen=True, init=False)
class Message:
    """A code (dotted, stable: clients may rely on it) and the values the text refers to by name."""

    code: str
    values: Mapping[str, Any]

    def __init__(self, code: str, /, **values: Any) -> None:
        object.__setattr__(self, "code", code)
        object.__setattr__(self, "values", _Frozen(_freeze(value) for value in values.items()))

    def __hash__(self) -> int:
        return hash((self.code, tuple(sorted(self.values.items(), key=lambda item: item[0]))))

    def __repr__(self) -> str:
        inner = ", ".join(f"{key}={value!r}" for key, value in self.values.items())
        return f"Message({self.code!r}{', ' if inner else ''}{inner})"

    def __str__(self) -> str:
        """The English text, for logs, debugging and tests; surfaces render in the reader's language. The words
        live in the rendering module, which builds on this one and so installs itself here (see `english`)."""
        return english(self)

    def to_data(self) -> dict[str, Any]:
        """The code and the values as JSON-ready data (nested messages as {code, values})."""
        return {"code": self.code, "values": {key: _data(value) for key, value in self.values.items()}}


class _Frozen(dict[str, Any]):
    """A read-only mapping, so that a Message stays a value."""

    def _refuse(self, *args: Any, **kwargs: Any) -> None:
        raise TypeError("a Message's values cannot be changed")

    __setitem__ = __delitem__ = clear = pop = popitem = setdefault = update = _refuse  # type: ignore[assignment]

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(tuple(sorted(self.items(), key=lambda item: item[0])))


def _freeze(item: tuple[str, Any]) -> tuple[str, Any]:
    key, value = item
    if isinstance(value, list | tuple):
        return key, tuple(value)
    if isinstance(value, set | frozenset):
        return key, tuple(sorted(value, key=str))
    return key, value


def _data(value: Any) -> Any:
    if isinstance(value, Message):
        return value.to_data()
    if isinstance(value, tuple):
        return [_data(item) for item in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Amount | Share | Points | Period | Number | Raw):
        return {key: _data(item) for key, item in vars(value).items()}
    if isinstance(value, Mapping):
        return {str(key): _data(item) for key, item in value.items()}
    return value
