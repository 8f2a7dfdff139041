"""The two readers of delimited text (warehouse.delimited) give the same cells and lines: Arrow's reader, for files
whose every record is provably one line with plain quoting, and Python's csv module for every file. Expected
grids come from Python's csv module, the reader kpilot has always used; the fast one either agrees or declines."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kpilot.errors import DataError
from kpilot.warehouse.delimited import _arrow_grid, _read_grid


def python_grid(text: str, delimiter: str = ",") -> tuple[list[str], list[list[str]], list[int]]:
    grid = _read_grid(io.StringIO(text, newline=""), delimiter, "t.csv")
    return (
        grid.header,
        [[value for chunk in column for value in chunk.to_pylist()] for column in grid.columns],
        list(grid.lines),
    )


def arrow_grid(text: str, delimiter: str = ",") -> tuple[list[str], list[list[str]], list[int]] | None:
    grid = _arrow_grid(text, delimiter)
    if grid is None:
        return None
    return (
        grid.header,
        [[value for chunk in column for value in chunk.to_pylist()] for column in grid.columns],
        list(grid.lines),
    )


@pytest.mark.parametrize(
    "text",
    [
        "day,team,amount\n2025-01-01,north,10\n2025-01-02,south,20\n",
        "day,team,amount\r\n2025-01-01,north,10\r\n2025-01-02,south,20",  # CRLF, no final line end
        '"day","team"\n"2025-01-01","a, b"\n"2025-01-02","say ""hi"""\n',  # quoted delimiters, doubled quotes
        "name\nzoë\n北京\n",  # one column, not ASCII
        "a,b\n,1\n x , y \n",  # empty and spaced cells are cells
        'a,b\n"",x\n',
    ],
)
def test_plain_files_are_read_alike(text: str) -> None:
    found = arrow_grid(text)
    assert found is not None
    assert found == python_grid(text)


@pytest.mark.parametrize(
    "text",
    [
        'a,b\n"two\nlines",x\n',  # a quoted line break: records are not lines
        "a,b\n1,2\n\n3,4\n",  # a blank line
        "a,b\n1,2\n , \n3,4\n",  # a line of blanks
        'a,b\n"x"y,2\n',  # text after a closing quote
        'a,b\nx "y",2\n',  # a quote after text
        "a,b\n1,2,3\n",  # too wide
        "a,b\r1,2\r",  # lone carriage returns
        "\na,b\n1,2\n",  # the header not on the first line
        'a,b\n"open,2\n',  # a quote left open
        "a,b\n",  # a header alone
    ],
)
def test_other_files_are_left_to_python(text: str) -> None:
    assert arrow_grid(text) is None


CELLS = st.text(alphabet=st.sampled_from(list('ab ,;"\n\r\t1.-é')), max_size=6)


@settings(max_examples=300, deadline=None)
@given(
    rows=st.integers(1, 4).flatmap(
        lambda width: st.lists(st.lists(CELLS, min_size=width, max_size=width), min_size=2, max_size=6)
    ),
    delimiter=st.sampled_from([",", ";", "\t", "|"]),
    ending=st.sampled_from(["\n", "\r\n"]),
    quoting=st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONNUMERIC]),
    final=st.booleans(),
)
def test_any_file_csv_writes_is_read_alike_or_left_to_python(
    rows: list[list[str]], delimiter: str, ending: str, quoting: int, final: bool
) -> None:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator=ending, quoting=quoting).writerows(rows)
    text = out.getvalue() if final else out.getvalue().removesuffix(ending)
    found = arrow_grid(text, delimiter)
    if found is not None:
        try:
            expected = python_grid(text, delimiter)
        except DataError as error:
            pytest.fail(f"Arrow read what csv refuses ({error}): {text!r}")
        assert found == expected, repr(text)
