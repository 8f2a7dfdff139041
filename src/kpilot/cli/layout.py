"""Tables that fit the terminal: a number is never cut, labels wrap, and less important columns are left out (and
named in a note under the table) when even that is not enough.

Rich, left alone, shrinks every column of a table that is too wide and cuts what no longer fits with `…`, numbers
included (`772,044…`). Here the widths are worked out before Rich sees the table:

1. every column at its natural width (its longest cell and its header on one line) if the table fits;
2. else each column at its minimum: a fixed column (numbers, dates, statuses) as wide as its longest cell, its
   header wrapped at spaces; a label column (KPI and goal names, dimension values) as wide as its longest word,
   held between `LABEL_MIN` and `LABEL_WORD_CAP` characters, its text wrapped (and a longer word folded, never cut);
   the room left over goes back to the label columns first, then to the headers;
3. if the minimums are still too wide, droppable columns are left out, the empty ones first, then by their `drop`
   rank (lowest first), until the table fits.

A table that does not fit even with every droppable column left out is printed wider than the terminal (the
terminal wraps its lines) rather than cut.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

from rich.console import Console, JustifyMethod, RenderableType
from rich.padding import Padding
from rich.segment import Segments
from rich.table import Table
from rich.text import Text

from kpilot.i18n import DEFAULT, Language, text
from kpilot.results.formatting import EMPTY

LABEL_MIN = 10  # a label column is never narrower than this (unless all its text is shorter)
LABEL_WORD_CAP = 16  # words up to this long are not folded inside a label column
PADDING = 2  # Rich's default cell padding: one space on each side
NARROWEST = 20  # a COLUMNS below this is taken as a mistake


class Kind(Enum):
    LABEL = "label"  # wraps at spaces; a word longer than the column is folded onto the next line
    FIXED = "fixed"  # numbers, dates, statuses: never wrapped, never cut


@dataclass(frozen=True)
class Spec:
    """One column: its header, how it may be narrowed, and whether it may be left out (`drop`: lower goes first)."""

    header: str
    kind: Kind = Kind.FIXED
    justify: JustifyMethod = "right"
    drop: int | None = None


@dataclass(frozen=True)
class Indented:
    """A label (Rich markup) indented by `spaces`, on every line it wraps to: a sub-goal under its goal."""

    text: str
    spaces: int


Cell = str | Text | Indented


@dataclass(frozen=True)
class _Cell:
    text: Text
    indent: int = 0

    @property
    def width(self) -> int:
        return self.indent + self.text.cell_len

    def words(self) -> list[int]:
        return [self.indent + Text(word).cell_len for word in self.text.plain.split()]

    def renderable(self) -> RenderableType:
        return Padding(self.text, (0, 0, 0, self.indent)) if self.indent else self.text


@dataclass(frozen=True)
class Fitted:
    table: Table
    width: int  # the width to print the table with: the terminal's, or more when nothing else could be left out
    dropped: tuple[str, ...]  # headers of the columns left out
    notes: tuple[str, ...] = ()  # plain lines under the table, wrapped to the terminal (not to the table)

    def print(self, console: Console) -> None:
        if self.width <= console.width:
            console.print(self.table, width=self.width)
        else:
            # Rich would squeeze the table to the console's width (and cut it): render it at its own width, uncropped.
            segments = list(console.render(self.table, console.options.update_width(self.width)))
            console.print(Segments(segments), crop=False)
        for note in self.notes:
            console.print(note, width=self.width, soft_wrap=False, markup=False, highlight=False)


@dataclass(frozen=True)
class _Measure:
    natural: int
    minimum: int
    empty: bool


def terminal_width(console: Console) -> int:
    """The width to fit tables to: `COLUMNS` when set (also when the output is piped, so that
    `COLUMNS=80 kpilot ... | less` shows what an 80-column terminal would), else the console's width."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) >= NARROWEST:
        return int(columns)
    return console.width


def fit_table(
    specs: Sequence[Spec],
    rows: Sequence[Sequence[Cell]],
    width: int,
    *,
    title: str | None = None,
    notes: Sequence[str] = (),
    language: Language = DEFAULT,
) -> Fitted:
    """A Rich table of `rows` (cells as Rich markup, Text or Indented) that fits `width` columns, notes under it."""
    cells = [[_cell(cell) for cell in row] for row in rows]
    measures = [_measure(spec, [row[index] for row in cells]) for index, spec in enumerate(specs)]
    shown = list(range(len(specs)))
    droppable = sorted(
        (index for index, spec in enumerate(specs) if spec.drop is not None),
        key=lambda index: (not measures[index].empty, specs[index].drop, -index),
    )
    dropped: list[int] = []
    while _needed([measures[i].minimum for i in shown]) > width and droppable:
        index = droppable.pop(0)
        shown.remove(index)
        dropped.append(index)
    widths = _allot([measures[i] for i in shown], [specs[i].kind for i in shown], width)
    names = tuple(specs[i].header for i in sorted(dropped))
    under = list(notes)
    if names:
        under.append(text("cli.columns_left_out", language, width=width, columns=names))
    table = Table(title=Text(title) if title else None, title_justify="left", header_style="bold")
    for index, column_width in zip(shown, widths, strict=True):
        spec = specs[index]
        table.add_column(Text(spec.header), justify=spec.justify, width=column_width, overflow="fold")
    for row in cells:
        table.add_row(*(row[index].renderable() for index in shown))
    return Fitted(table, max(width, _needed(widths)), names, tuple(under))


def _cell(cell: Cell) -> _Cell:
    if isinstance(cell, Indented):
        return _Cell(Text.from_markup(cell.text), cell.spaces)
    return _Cell(cell if isinstance(cell, Text) else Text.from_markup(cell))


def _measure(spec: Spec, cells: list[_Cell]) -> _Measure:
    longest = max((cell.width for cell in cells), default=0)
    header_words = spec.header.split() or [""]
    header = Text(spec.header).cell_len
    natural = max(longest, header)
    empty = all(cell.text.plain in ("", EMPTY) for cell in cells)
    if spec.kind is Kind.FIXED:
        return _Measure(natural, max(longest, *(Text(word).cell_len for word in header_words)), empty)
    words = [word for cell in cells for word in cell.words()]
    words += [Text(word).cell_len for word in header_words]
    wanted = max(LABEL_MIN, min(max(words, default=0), LABEL_WORD_CAP))
    return _Measure(natural, min(natural, wanted), empty)


def _needed(widths: Sequence[int]) -> int:
    """The printed width of a table whose columns have these widths: each plus its padding, one rule between
    columns and one on each edge."""
    return sum(width + PADDING for width in widths) + len(widths) + 1


def _allot(measures: list[_Measure], kinds: list[Kind], width: int) -> list[int]:
    """Each column's width: its natural width if everything fits, else its minimum plus a share of the room left,
    labels served first (left to right), then the headers of fixed columns."""
    naturals = [m.natural for m in measures]
    if _needed(naturals) <= width:
        return naturals
    widths = [m.minimum for m in measures]
    room = width - _needed(widths)
    for kind in (Kind.LABEL, Kind.FIXED):
        for index, measure in enumerate(measures):
            if kinds[index] is kind and room > 0:
                extra = min(room, measure.natural - widths[index])
                widths[index] += extra
                room -= extra
    return widths
