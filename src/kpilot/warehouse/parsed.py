"""What every reader returns: `ParsedFile`, plus the cell-text and column-name rules all readers share."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.compute as pc

from kpilot.errors import DataError, Location
from kpilot.i18n import Message
from kpilot.warehouse.conversion import NULL_STRING, STRING, cast_tolerant
from kpilot.warehouse.date_formats import NO_FORMATS, DateFormats
from kpilot.warehouse.dates import AmbiguousDates
from kpilot.warehouse.inference import ColumnReading, Inferred, NumberStyle
from kpilot.warehouse.notices import HeaderNamed, Notice
from kpilot.warehouse.phrases import and_list, semicolons
from kpilot.warehouse.places import RowPlaces

_GENERATED = "column_{position}"


@dataclass(frozen=True)
class ParsedFile:
    """A file read and typed, with what is needed to point at any of its values later."""

    places: RowPlaces
    table: pa.Table
    text: Mapping[str, pa.Array] = field(default_factory=dict)  # cell text per column, trimmed, empty -> null
    number_style: NumberStyle = field(default_factory=NumberStyle)
    formats: DateFormats = NO_FORMATS
    notices: tuple[Notice, ...] = ()
    # Columns whose every value is a date whose day/month order nobody gave: refused if they must be dates.
    ambiguous: Mapping[str, AmbiguousDates] = field(default_factory=dict)
    sheet: str | None = None  # the workbook sheet that was read
    epoch_1904: bool = False  # the workbook counts serial days from 1904

    @property
    def source(self) -> str:
        return self.places.source

    @property
    def positions(self) -> Sequence[int]:
        return self.places.positions

    @property
    def position_kind(self) -> str:
        return self.places.kind

    @property
    def header_line(self) -> int | None:
        return self.places.header_line

    @property
    def has_lines(self) -> bool:
        return self.places.has_lines

    def location(self, index: int | None = None) -> Location:
        """Where data row `index` is (or the header, for None)."""
        return self.places.location(index)

    def where(self, index: int) -> str:
        return self.places.where(index)

    def place(self, index: int) -> Message:
        """Data row `index` for a message: "line 3", "row 3"."""
        return self.places.place(index)

    def reading(self, name: str) -> ColumnReading:
        return ColumnReading(name, self.places, self.formats, self.epoch_1904)

    def text_of(self, name: str) -> pa.Array:
        """The column as text: the cells as written where the file has text, else the values rendered."""
        if name in self.text:
            return self.text[name]
        column = self.table.column(name).combine_chunks()
        return clean_text(cast_tolerant(column, STRING)[0])

    def check_dates(self) -> None:
        """Refuse the first column whose dates are ambiguous (when the file's columns are taken as inferred)."""
        for error in self.ambiguous.values():
            raise error


def name_columns(
    columns: Iterable[tuple[int, str]], source: str, line: int | None
) -> tuple[list[tuple[int, str]], list[Notice]]:
    """Every column gets a name, unique ignoring case: DuckDB and users both take 'Amount' for 'amount'.

    `columns` pairs each header name with its 0-based position in the file. An empty name (R writes one over the
    row numbers) becomes `column_N`, N the 1-based position, with a notice; a name that two columns share is an
    error, since kpilot cannot tell which one a definition or a later file means.
    """
    given = list(columns)
    taken = {name.casefold() for _, name in given if name}
    named: list[tuple[int, str]] = []
    notices: list[Notice] = []
    for index, name in given:
        if not name:
            name = _free_name(_GENERATED.format(position=index + 1), taken)
            taken.add(name.casefold())
            notices.append(HeaderNamed(position=index + 1, name=name))
        named.append((index, name))
    _check_unique(named, source, line)
    return named, notices


def _free_name(wanted: str, taken: set[str]) -> str:
    name, suffix = wanted, 1
    while name.casefold() in taken:
        suffix += 1
        name = f"{wanted}_{suffix}"
    return name


def _check_unique(named: Sequence[tuple[int, str]], source: str, line: int | None) -> None:
    positions: dict[str, list[tuple[int, str]]] = {}
    for index, name in named:
        positions.setdefault(name.casefold(), []).append((index, name))
    repeated = [group for group in positions.values() if len(group) > 1]
    if not repeated:
        return
    described = [
        Message("warehouse.duplicate_name", name=group[0][1], columns=and_list([index + 1 for index, _ in group]))
        for group in repeated
    ]
    raise DataError(
        Message("warehouse.duplicate_columns", names=semicolons(described)),
        location=Location(file=source, line=line),
        hint=Message("warehouse.duplicate_columns_hint"),
    )


def typed_columns(
    inferred: Mapping[str, Inferred],
) -> tuple[pa.Table, tuple[Notice, ...], dict[str, AmbiguousDates]]:
    """The typed table of a file's columns, their notices, and the columns whose date order is undecided."""
    table = pa.table({name: column.values for name, column in inferred.items()})
    notices = tuple(notice for column in inferred.values() for notice in column.notices)
    ambiguous = {name: column.ambiguous for name, column in inferred.items() if column.ambiguous is not None}
    return table, notices, ambiguous


def clean_text(text: pa.Array) -> pa.Array:
    """Trim surrounding whitespace; an empty cell is NULL."""
    trimmed = pc.utf8_trim_whitespace(text)
    return pc.if_else(pc.equal(trimmed, ""), NULL_STRING, trimmed)
