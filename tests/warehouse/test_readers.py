"""Reading CSV, Excel and Parquet files: parsing rules, type inference and error messages."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kpilot.errors import DataError
from kpilot.warehouse.notices import EncodingConverted, HeaderNamed
from kpilot.warehouse.readers import read_file, read_table_file


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def rows(table: pa.Table) -> list[dict[str, Any]]:
    return list(table.to_pylist())


def types(table: pa.Table) -> dict[str, pa.DataType]:
    return {field.name: field.type for field in table.schema}


def read_error(path: Path) -> DataError:
    with pytest.raises(DataError) as caught:
        read_table_file(path)
    return caught.value


# ---------------------------------------------------------------------------------------------------------------
# Text layout


def test_bom_is_not_part_of_the_first_column_name(tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbfregion,amount\nnorth,5\n")
    table = read_table_file(path)
    assert table.column_names == ["region", "amount"]
    assert rows(table) == [{"region": "north", "amount": 5}]


def test_blank_lines_are_skipped_and_lines_still_counted(tmp_path: Path) -> None:
    path = write(tmp_path, "blank.csv", "\nregion,amount\n\nnorth,5\n   \n,,\nsouth,7\n\n")
    parsed = read_file(path)
    assert rows(parsed.table) == [{"region": "north", "amount": 5}, {"region": "south", "amount": 7}]
    assert parsed.header_line == 2
    assert list(parsed.positions) == [4, 7]


def test_header_names_are_trimmed(tmp_path: Path) -> None:
    path = write(tmp_path, "spaces.csv", " region , amount\t\nnorth,5\n")
    assert read_table_file(path).column_names == ["region", "amount"]


def test_empty_fields_are_null_and_values_are_trimmed(tmp_path: Path) -> None:
    path = write(tmp_path, "nulls.csv", "region,amount\n north ,5\n,8\nsouth,  \n")
    table = read_table_file(path)
    assert types(table) == {"region": pa.string(), "amount": pa.int64()}
    assert rows(table) == [
        {"region": "north", "amount": 5},
        {"region": None, "amount": 8},
        {"region": "south", "amount": None},
    ]


def test_all_empty_column_is_text(tmp_path: Path) -> None:
    path = write(tmp_path, "empty_col.csv", "a,b\n1,\n2,\n")
    table = read_table_file(path)
    assert types(table) == {"a": pa.int64(), "b": pa.string()}
    assert table.column("b").to_pylist() == [None, None]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a;b\n1;2\n", {"a": 1, "b": 2}),
        ("a\tb\n1\t2\n", {"a": 1, "b": 2}),
        ("a|b\n1|2\n", {"a": 1, "b": 2}),
        ('a,b\n"x;y",2\n', {"a": "x;y", "b": 2}),
    ],
    ids=["semicolon", "tab", "pipe", "comma-with-quoted-semicolon"],
)
def test_delimiter_is_sniffed(tmp_path: Path, text: str, expected: dict[str, Any]) -> None:
    assert rows(read_table_file(write(tmp_path, "d.csv", text))) == [expected]


def test_tsv_is_always_tab_delimited(tmp_path: Path) -> None:
    path = write(tmp_path, "data.tsv", "a;x\tb\n1;2\t3\n")
    assert rows(read_table_file(path)) == [{"a;x": "1;2", "b": 3}]


def test_quoted_field_with_line_break_keeps_line_numbers(tmp_path: Path) -> None:
    path = write(tmp_path, "multi.csv", 'note,amount\n"two\nlines",1\nplain,2\n')
    parsed = read_file(path)
    assert parsed.table.column("note").to_pylist() == ["two\nlines", "plain"]
    assert list(parsed.positions) == [2, 4]


def test_trailing_delimiters_are_tolerated(tmp_path: Path) -> None:
    path = write(tmp_path, "trailing.csv", "a,b,\n1,2,\n3,4,,\n")
    table = read_table_file(path)
    assert table.column_names == ["a", "b"]
    assert rows(table) == [{"a": 1, "b": 2}, {"a": 3, "b": 4}]


# ---------------------------------------------------------------------------------------------------------------
# Numbers


def test_decimal_comma_and_dot_thousands_in_semicolon_file(tmp_path: Path) -> None:
    path = write(tmp_path, "eu.csv", "amount;small;count\n1.234,56;12,5;1.234\n-7,25;0,5;12\n")
    table = read_table_file(path)
    assert types(table) == {"amount": pa.float64(), "small": pa.float64(), "count": pa.int64()}
    assert rows(table) == [
        {"amount": 1234.56, "small": 12.5, "count": 1234},
        {"amount": -7.25, "small": 0.5, "count": 12},
    ]


def test_comma_thousands_and_decimal_point_in_comma_file(tmp_path: Path) -> None:
    path = write(tmp_path, "us.csv", 'amount,count,plain\n"1,234.56","1,234,567",+3.5\n12.5,8,1e3\n')
    table = read_table_file(path)
    assert types(table) == {"amount": pa.float64(), "count": pa.int64(), "plain": pa.float64()}
    assert rows(table) == [
        {"amount": 1234.56, "count": 1234567, "plain": 3.5},
        {"amount": 12.5, "count": 8, "plain": 1000.0},
    ]


def test_decimal_comma_is_not_read_in_comma_delimited_file(tmp_path: Path) -> None:
    path = write(tmp_path, "quoted.csv", 'key,value\na,"12,5"\nb,"3,75"\n')
    table = read_table_file(path)
    assert types(table) == {"key": pa.string(), "value": pa.string()}
    assert table.column("value").to_pylist() == ["12,5", "3,75"]


def test_decimal_comma_in_tab_file(tmp_path: Path) -> None:
    path = write(tmp_path, "tab.txt", "name\tvalue\na\t12,5\nb\t1.234,5\n")
    assert read_table_file(path).column("value").to_pylist() == [12.5, 1234.5]


def test_ambiguous_grouping_follows_the_delimiter(tmp_path: Path) -> None:
    # "1.234" reads as one thousand two hundred thirty-four in a ;-file, as one point two three four elsewhere.
    semicolon = write(tmp_path, "a.csv", "k;v\nx;1.234\ny;2.500\n")
    tab = write(tmp_path, "b.tsv", "k\tv\nx\t1.234\ny\t2.500\n")
    assert read_table_file(semicolon).column("v").to_pylist() == [1234, 2500]
    assert read_table_file(tab).column("v").to_pylist() == [1.234, 2.5]


def test_thousands_group_never_starts_with_zero(tmp_path: Path) -> None:
    path = write(tmp_path, "zero.csv", "k;v\nx;0.123\ny;1.5\n")
    assert read_table_file(path).column("v").to_pylist() == [0.123, 1.5]


def test_single_column_file_reads_decimal_comma(tmp_path: Path) -> None:
    path = write(tmp_path, "one.csv", "amount\n12,5\n7\n")
    assert rows(read_table_file(path)) == [{"amount": 12.5}, {"amount": 7.0}]


def test_integers_stay_integers_and_mixed_become_floats(tmp_path: Path) -> None:
    path = write(tmp_path, "ints.csv", "i,f\n1,1\n-20,2.5\n")
    table = read_table_file(path)
    assert types(table) == {"i": pa.int64(), "f": pa.float64()}
    assert rows(table) == [{"i": 1, "f": 1.0}, {"i": -20, "f": 2.5}]


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["007", "12"], ["007", "12"]),
        (["12%", "5%"], ["12%", "5%"]),
        (["1", "abc"], ["1", "abc"]),
        (["99999999999999999999"], ["99999999999999999999"]),
    ],
    ids=["leading-zero-codes", "percent", "mixed", "beyond-int64"],
)
def test_columns_that_stay_text(tmp_path: Path, values: list[str], expected: list[str]) -> None:
    path = write(tmp_path, "t.csv", "v\n" + "\n".join(values) + "\n")
    table = read_table_file(path)
    assert types(table) == {"v": pa.string()}
    assert table.column("v").to_pylist() == expected


def test_type_is_inferred_from_all_rows_not_the_first(tmp_path: Path) -> None:
    body = "\n".join(["1"] * 5000 + ["oops"])
    table = read_table_file(write(tmp_path, "late.csv", "v\n" + body + "\n"))
    assert types(table) == {"v": pa.string()}


def test_booleans_are_true_and_false_only(tmp_path: Path) -> None:
    # Yes/No stay text, as DuckDB and pandas read them, so that a filter `b = 'Yes'` means what it says.
    path = write(tmp_path, "b.csv", "a,b\ntrue,Yes\nFALSE,no\n,NO\n")
    table = read_table_file(path)
    assert types(table) == {"a": pa.bool_(), "b": pa.string()}
    assert rows(table) == [{"a": True, "b": "Yes"}, {"a": False, "b": "no"}, {"a": None, "b": "NO"}]


def test_zero_and_one_are_numbers_not_booleans(tmp_path: Path) -> None:
    table = read_table_file(write(tmp_path, "b.csv", "a\n1\n0\n"))
    assert types(table) == {"a": pa.int64()}


# ---------------------------------------------------------------------------------------------------------------
# Dates and timestamps


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["2025-03-31", "2025-04-01"], [dt.date(2025, 3, 31), dt.date(2025, 4, 1)]),
        (["31/03/2025", "01/04/2025"], [dt.date(2025, 3, 31), dt.date(2025, 4, 1)]),
        (["31.03.2025", "1.4.2025"], [dt.date(2025, 3, 31), dt.date(2025, 4, 1)]),
        (["03/31/2025", "04/01/2025"], [dt.date(2025, 3, 31), dt.date(2025, 4, 1)]),
        (["01/01/2025", "02/02/2025"], [dt.date(2025, 1, 1), dt.date(2025, 2, 2)]),
        (["2025/03/31", "2025-04-01"], [dt.date(2025, 3, 31), dt.date(2025, 4, 1)]),
        (["31/03/25", "01/04/25"], [dt.date(2025, 3, 31), dt.date(2025, 4, 1)]),
    ],
    ids=["iso", "day-first-slash", "day-first-dot", "month-first", "same-either-way", "iso-slash", "two-digit-year"],
)
def test_date_formats(tmp_path: Path, values: list[str], expected: list[dt.date]) -> None:
    path = write(tmp_path, "dates.csv", "day\n" + "\n".join(values) + "\n")
    table = read_table_file(path)
    assert types(table) == {"day": pa.date32()}
    assert table.column("day").to_pylist() == expected


@pytest.mark.parametrize(
    "values",
    [["13/01/2025", "01/13/2025"], ["2025-02-30"], ["31/03/2025 25:00"]],
    ids=["contradictory-order", "no-such-day", "no-such-hour"],
)
def test_not_quite_dates_stay_text(tmp_path: Path, values: list[str]) -> None:
    path = write(tmp_path, "d.csv", "day\n" + "\n".join(values) + "\n")
    assert types(read_table_file(path)) == {"day": pa.string()}


def test_timestamps(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "ts.csv",
        "at\n2025-03-31 23:30:00\n2025-03-31T23:30\n2025-03-31 23:30:00.25\n31/03/2025 08:15\n",
    )
    table = read_table_file(path)
    assert types(table) == {"at": pa.timestamp("us")}
    assert table.column("at").to_pylist() == [
        dt.datetime(2025, 3, 31, 23, 30),
        dt.datetime(2025, 3, 31, 23, 30),
        dt.datetime(2025, 3, 31, 23, 30, 0, 250000),
        dt.datetime(2025, 3, 31, 8, 15),
    ]


def test_timestamps_with_offsets_become_utc(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "tz.csv",
        "at\n2025-03-31T23:30:00Z\n2025-03-31T23:30:00+02:00\n2025-03-31 01:00:00-0500\n2025-12-31T23:30:00-01\n",
    )
    assert read_table_file(path).column("at").to_pylist() == [
        dt.datetime(2025, 3, 31, 23, 30),
        dt.datetime(2025, 3, 31, 21, 30),
        dt.datetime(2025, 3, 31, 6, 0),
        dt.datetime(2026, 1, 1, 0, 30),
    ]


def test_dates_mixed_with_timestamps_are_timestamps(tmp_path: Path) -> None:
    path = write(tmp_path, "mix.csv", "at\n2025-03-31\n2025-04-01 12:00\n")
    assert read_table_file(path).column("at").to_pylist() == [
        dt.datetime(2025, 3, 31, 0, 0),
        dt.datetime(2025, 4, 1, 12, 0),
    ]


# ---------------------------------------------------------------------------------------------------------------
# Errors


def test_ragged_row_with_too_many_fields(tmp_path: Path) -> None:
    path = write(tmp_path, "ragged.csv", "a,b\n1,2\n\n3,4,5\n")
    error = read_error(path)
    assert str(error.location) == f"{path}:4"
    assert "3 fields but the header has 2" in str(error.message)


def test_ragged_row_with_too_few_fields(tmp_path: Path) -> None:
    path = write(tmp_path, "short.csv", "a,b,c\n1,2,3\n4,5\n")
    error = read_error(path)
    assert error.location is not None
    assert error.location.line == 3
    assert "2 fields but the header has 3" in str(error.message)


@pytest.mark.parametrize("header", ["a,b,a", "Amount,amount"])
def test_duplicate_header(tmp_path: Path, header: str) -> None:
    error = read_error(write(tmp_path, "dup.csv", header + "\n" + ",".join(["1"] * header.count(",")) + ",1\n"))
    assert "duplicate column name" in str(error.message)
    assert error.location is not None
    assert error.location.line == 1


def test_empty_header_name_with_values_gets_a_name(tmp_path: Path) -> None:
    parsed = read_file(write(tmp_path, "noname.csv", "a,,c\n1,2,3\n"))
    assert rows(parsed.table) == [{"a": 1, "column_2": 2, "c": 3}]
    assert parsed.notices == (HeaderNamed(position=2, name="column_2"),)


@pytest.mark.parametrize("text", ["", "\n\n  \n", "\ufeff"])
def test_empty_file(tmp_path: Path, text: str) -> None:
    assert "empty" in str(read_error(write(tmp_path, "empty.csv", text)).message)


def test_header_only_file_has_no_rows(tmp_path: Path) -> None:
    table = read_table_file(write(tmp_path, "header.csv", "a,b\n"))
    assert table.column_names == ["a", "b"]
    assert table.num_rows == 0


def test_unknown_extension_lists_supported(tmp_path: Path) -> None:
    error = read_error(write(tmp_path, "data.json", "{}"))
    assert "unsupported file type '.json'" in str(error.message)
    assert error.hint is not None
    assert ".csv" in str(error.hint)
    assert ".parquet" in str(error.hint)
    assert ".xlsx" in str(error.hint)


def test_missing_file(tmp_path: Path) -> None:
    error = read_error(tmp_path / "nope.csv")
    assert str(error.message) == "file not found"


def test_directory_is_not_a_file(tmp_path: Path) -> None:
    folder = tmp_path / "folder.csv"
    folder.mkdir()
    assert str(read_error(folder).message) == "not a file"


def test_not_utf8_is_read_as_windows_1252_with_a_notice(tmp_path: Path) -> None:
    path = write(tmp_path, "latin.csv", "city,amount\nBerlin,1\nKöln,2\n", encoding="latin-1")
    parsed = read_file(path)
    assert parsed.table.column("city").to_pylist() == ["Berlin", "Köln"]
    assert parsed.notices == (EncodingConverted(encoding="Windows-1252", example="Köln", where="line 3"),)


def test_unclosed_quote(tmp_path: Path) -> None:
    path = write(tmp_path, "quote.csv", 'a,b\n1,2\n"open,3\n4,5\n')
    error = read_error(path)
    assert "malformed record" in str(error.message)
    assert error.location is not None
    assert error.location.line == 3


# ---------------------------------------------------------------------------------------------------------------
# Excel and Parquet


def write_workbook(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, sheet_rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in sheet_rows:
            sheet.append(row)
    book.save(path)
    return path


def test_excel_round_trip(tmp_path: Path) -> None:
    path = write_workbook(
        tmp_path / "book.xlsx",
        {
            "Data": [
                [" region ", "amount", "units", "day", "at", "ok", "text_amount"],
                ["north", 1.5, 3, dt.date(2025, 3, 31), dt.datetime(2025, 3, 31, 23, 30), True, "1.234,5"],
                [],
                ["south", 2, 4, dt.date(2025, 4, 1), dt.datetime(2025, 4, 1, 8, 0), False, "12,5"],
                ["  ", None, None, None, None, None, None],
            ],
            "Other": [["x"], [1]],
        },
    )
    parsed = read_file(path)
    assert types(parsed.table) == {
        "region": pa.string(),
        "amount": pa.float64(),
        "units": pa.int64(),
        "day": pa.date32(),
        "at": pa.timestamp("us"),
        "ok": pa.bool_(),
        "text_amount": pa.float64(),
    }
    assert rows(parsed.table) == [
        {
            "region": "north",
            "amount": 1.5,
            "units": 3,
            "day": dt.date(2025, 3, 31),
            "at": dt.datetime(2025, 3, 31, 23, 30),
            "ok": True,
            "text_amount": 1234.5,
        },
        {
            "region": "south",
            "amount": 2.0,
            "units": 4,
            "day": dt.date(2025, 4, 1),
            "at": dt.datetime(2025, 4, 1, 8, 0),
            "ok": False,
            "text_amount": 12.5,
        },
    ]
    assert list(parsed.positions) == [2, 4]


def test_excel_sheet_by_name(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "book.xlsx", {"First": [["a"], [1]], "Second": [["b"], ["x"]]})
    assert rows(read_table_file(tmp_path / "book.xlsx#Second")) == [{"b": "x"}]
    error = read_error(tmp_path / "book.xlsx#Third")
    assert "no sheet named 'Third'" in str(error.message)
    assert str(error.hint) == "sheets: 'First', 'Second'"
    assert path.exists()


def test_excel_mixed_cells_are_text(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "mixed.xlsx", {"S": [["v"], [1], ["n/a"], [2.5]]})
    assert read_table_file(path).column("v").to_pylist() == ["1", "n/a", "2.5"]


def test_excel_value_outside_header(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "wide.xlsx", {"S": [["a", "b"], [1, 2], [3, 4, 5]]})
    error = read_error(path)
    assert error.location is not None
    assert error.location.line == 3
    assert "column 3" in str(error.message)


def test_broken_workbook(tmp_path: Path) -> None:
    assert "not a readable .xlsx workbook" in str(read_error(write(tmp_path, "bad.xlsx", "not a zip")).message)


def test_parquet_round_trip(tmp_path: Path) -> None:
    source = pa.table(
        {
            "region": pa.array(["north", "south"]).dictionary_encode(),
            "amount": pa.array([1.5, None]),
            "units": pa.array([3, 4], pa.int32()),
            "at": pa.array([dt.datetime(2025, 3, 31, 21, 30), None], pa.timestamp("ms", tz="UTC")),
            "nothing": pa.nulls(2),
        }
    )
    path = tmp_path / "data.parquet"
    pq.write_table(source, path)
    table = read_table_file(path)
    assert types(table) == {
        "region": pa.string(),
        "amount": pa.float64(),
        "units": pa.int32(),
        "at": pa.timestamp("ms"),
        "nothing": pa.string(),
    }
    assert rows(table) == [
        {"region": "north", "amount": 1.5, "units": 3, "at": dt.datetime(2025, 3, 31, 21, 30), "nothing": None},
        {"region": "south", "amount": None, "units": 4, "at": None, "nothing": None},
    ]


def test_broken_parquet(tmp_path: Path) -> None:
    assert "not a readable Parquet file" in str(read_error(write(tmp_path, "bad.parquet", "nope")).message)


@settings(max_examples=40, deadline=None)
@given(numbers=st.lists(st.integers(min_value=-(10**12), max_value=10**12), min_size=1, max_size=20))
def test_grouped_numbers_read_back(tmp_path_factory: pytest.TempPathFactory, numbers: list[int]) -> None:
    # Cents written with thousands groups in both conventions: the ;-file uses 1.234,56 and the tab file 1,234.56.
    def grouped(cents: int, thousands: str, decimal: str) -> str:
        whole = f"{abs(cents) // 100:,}".replace(",", thousands)
        return f"{'-' if cents < 0 else ''}{whole}{decimal}{abs(cents) % 100:02d}"

    folder = tmp_path_factory.mktemp("grouped")
    european = write(folder, "eu.csv", "k;v\n" + "".join(f"x;{grouped(n, '.', ',')}\n" for n in numbers))
    english = write(folder, "en.tsv", "k\tv\n" + "".join(f"x\t{grouped(n, ',', '.')}\n" for n in numbers))
    expected = [n / 100 for n in numbers]
    assert read_table_file(european).column("v").to_pylist() == pytest.approx(expected)
    assert read_table_file(english).column("v").to_pylist() == pytest.approx(expected)
