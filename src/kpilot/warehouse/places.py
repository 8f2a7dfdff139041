"""Where each data row of a file is, so that any message can point at a value: line, sheet row or row number."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from kpilot.errors import Location
from kpilot.i18n import Message


@dataclass(frozen=True)
class RowPlaces:
    source: str
    positions: Sequence[int]  # per data row: the 1-based line (text), sheet row (Excel) or row number (Parquet)
    kind: str = "line"  # "line" or "row", as messages name a position
    header_line: int | None = None  # None for Parquet, which has no header line
    has_lines: bool = True  # whether positions are lines or rows a user can jump to

    def location(self, index: int | None = None) -> Location:
        """Where data row `index` is (or the header, for None)."""
        line = self.header_line if index is None else self.positions[index]
        return Location(file=self.source, line=line if self.has_lines else None)

    def where(self, index: int) -> str:
        """Data row `index` as notices record it ("line 3"): data for the surface that words the notice."""
        return f"{self.kind} {self.positions[index]}"

    def place(self, index: int) -> Message:
        """Data row `index` for a message: "line 3" or "row 3". The number is given as digits (never "line 1,234"):
        it is what an editor's go-to-line takes."""
        number = str(self.positions[index])
        return (
            Message("warehouse.at_line", line=number)
            if self.kind == "line"
            else Message("warehouse.at_row", row=number)
        )
