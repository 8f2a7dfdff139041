"""What every reader returns: `ParsedFile`, plus the cell-text and column-name rules all readers share."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.compute as pc

from kpilot.errors import DataError, Location
from kpilot.warehouse.inference import NumberStyle, cast_tolerant

_STRING = pa.string()
_NULL_STRING = pa.scalar(None, _STRING)


@dataclass(frozen=True)
class ParsedFile:
    """A file read and typed, with what is needed to point at any of its values later."""

    source: str
    table: pa.Table
    positions: Sequence[int]  # per data row: the 1-based line (text), sheet row (Excel) or row number (Parquet)
    position_kind: str  # "line" or "row"
    header_line: int | None  # None for Parquet, which has no header line
    text: Mapping[str, pa.Array] = field(default_factory=dict)  # cell text per column, trimmed, empty -> null
    number_style: NumberStyle = field(default_factory=NumberStyle)
    has_lines: bool = True  # whether positions are lines or rows a user can jump to

    def location(self, index: int | None = None) -> Location:
        """Where data row `index` is (or the header, for None)."""
        line = self.header_line if index is None else self.positions[index]
        return Location(file=self.source, line=line if self.has_lines else None)

    def where(self, index: int) -> str:
        return f"{self.position_kind} {self.positions[index]}"

    def text_of(self, name: str) -> pa.Array:
        """The column as text: the cells as written where the file has text, else the values rendered."""
        if name in self.text:
            return self.text[name]
        column = self.table.column(name).combine_chunks()
        return clean_text(cast_tolerant(column, _STRING)[0])


def check_names(columns: Iterable[tuple[int, str]], source: str, line: int | None) -> None:
    """Every column needs a name, unique ignoring case: DuckDB and users both take 'Amount' for 'amount'.

    `columns` pairs each name with its 0-based position in the file, for the message.
    """
    seen: dict[str, int] = {}
    for index, name in columns:
        if not name:
            raise DataError(
                f"column {index + 1} has values but no name",
                location=Location(file=source, line=line),
                hint="give every column that has values a name in the header",
            )
        key = name.casefold()
        if key in seen:
            raise DataError(
                f"duplicate column name '{name}' (columns {seen[key] + 1} and {index + 1})",
                location=Location(file=source, line=line),
                hint="column names must be unique, ignoring upper/lower case",
            )
        seen[key] = index


def clean_text(text: pa.Array) -> pa.Array:
    """Trim surrounding whitespace; an empty cell is NULL."""
    trimmed = pc.utf8_trim_whitespace(text)
    return pc.if_else(pc.equal(trimmed, ""), _NULL_STRING, trimmed)
