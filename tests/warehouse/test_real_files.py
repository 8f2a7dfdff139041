"""What real exports do to ingest: encodings, headers from R and pandas, Yes/No columns, workbook formulas."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import zipfile
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from kpilot.errors import DataError
from kpilot.warehouse.date_formats import date_formats
from kpilot.warehouse.ingest import ingest_file
from kpilot.warehouse.notices import DateFormatUsed, EncodingConverted, HeaderNamed
from kpilot.warehouse.readers import read_file, read_table_file
from tests.warehouse.ingest_support import fetch, write

SHARED = Path("/work/shared/data")
TELCO = SHARED / "telco_churn_ibm" / "Telco-Customer-Churn.csv"
GA = SHARED / "web_ga_dartistics" / "gadata_example_2.csv"
TEXT = "city,amount\nBerlin,1\nKöln,2\n"
EXPECTED = [{"city": "Berlin", "amount": 1}, {"city": "Köln", "amount": 2}]


def error_of(path: Path, **options: Any) -> DataError:
    with pytest.raises(DataError) as caught:
        read_table_file(path, **options)
    return caught.value


# ---------------------------------------------------------------------------------------------------------------
# Encodings


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), "UTF-16"),
        (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "UTF-16"),
        (TEXT.encode("utf-16-le"), "UTF-16 LE (no BOM)"),
        (TEXT.encode("utf-16-be"), "UTF-16 BE (no BOM)"),
        (codecs.BOM_UTF32_LE + TEXT.encode("utf-32-le"), "UTF-32"),
    ],
    ids=["utf16-le-bom", "utf16-be-bom", "utf16-le", "utf16-be", "utf32-bom"],
)
def test_utf16_and_utf32_are_converted_with_a_notice(tmp_path: Path, data: bytes, encoding: str) -> None:
    path = tmp_path / "wide.csv"
    path.write_bytes(data)
    parsed = read_file(path)
    assert parsed.table.to_pylist() == EXPECTED
    assert parsed.notices == (EncodingConverted(encoding=encoding),)


def test_utf8_with_and_without_bom_needs_no_notice(tmp_path: Path) -> None:
    for name, data in (("plain.csv", TEXT.encode()), ("bom.csv", codecs.BOM_UTF8 + TEXT.encode())):
        path = tmp_path / name
        path.write_bytes(data)
        parsed = read_file(path)
        assert parsed.table.to_pylist() == EXPECTED
        assert parsed.notices == ()


def test_windows_1252_shows_a_converted_value(tmp_path: Path) -> None:
    # "€" is 0x80 in Windows-1252, a byte Latin-1 leaves to a control character.
    path = write(tmp_path, "w.csv", "city;price\nBerlin;1\nKöln;€ 2\n", encoding="cp1252")
    parsed = read_file(path)
    assert parsed.table.column("price").to_pylist() == ["1", "€ 2"]
    assert parsed.notices == (EncodingConverted(encoding="Windows-1252", example="Köln", where="line 3"),)


def test_bytes_windows_1252_leaves_undefined_are_read_as_latin_1(tmp_path: Path) -> None:
    path = tmp_path / "l.csv"
    path.write_bytes(b"name\nA\x81B\n")
    parsed = read_file(path)
    assert parsed.table.column("name").to_pylist() == ["A\x81B"]
    assert parsed.notices == (EncodingConverted(encoding="Latin-1", example="A\x81B", where="line 2"),)


def test_utf8_mixed_with_another_encoding_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    path.write_bytes("city\nKöln\n".encode() + "Zürich\n".encode("latin-1"))
    error = error_of(path)
    assert "mixes UTF-8 text with bytes of another encoding" in str(error.message)
    assert str(error.location) == f"{path}:3"


def test_zero_bytes_that_are_not_utf16_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "binary.csv"
    path.write_bytes(b"a,b\n1,2\n\x00\x00\x00\x01\x02\x00\x00\x00")
    error = error_of(path)
    assert "zero bytes" in str(error.message)
    assert error.hint is not None
    assert "--encoding" in str(error.hint)


def test_the_encoding_can_be_given(tmp_path: Path) -> None:
    path = write(tmp_path, "pl.csv", "miasto\nŁódź\n", encoding="cp1250")
    assert read_table_file(path, encoding="cp1250").column("miasto").to_pylist() == ["Łódź"]
    with_bom = tmp_path / "bom16.csv"
    with_bom.write_bytes(codecs.BOM_UTF16_LE + "a\nx\n".encode("utf-16-le"))
    assert read_table_file(with_bom, encoding="utf-16-le").column_names == ["a"]


def test_a_wrong_or_unknown_encoding_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "u.csv", "a\nKöln\n")
    assert str(error_of(path, encoding="klingon").message) == "unknown encoding 'klingon'"
    latin = write(tmp_path, "l.csv", "a\nKöln\n", encoding="latin-1")
    error = error_of(latin, encoding="utf-8")
    assert str(error.message) == "the file is not valid utf-8 text"
    assert str(error.location) == f"{latin}:2"


def test_encoding_applies_to_text_files_only(tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["a"])
    book.save(tmp_path / "b.xlsx")
    error = error_of(tmp_path / "b.xlsx", encoding="cp1252")
    assert (error.code, error.field) == ("warehouse.encoding_text_only", "encoding")
    assert str(error.message) == "encoding applies to text files (.csv, .tsv, .txt), not to '.xlsx'"


# ---------------------------------------------------------------------------------------------------------------
# Headers


def test_an_empty_first_header_cell_from_r_gets_a_name(tmp_path: Path) -> None:
    path = write(tmp_path, "r.csv", '"","date","sessions"\n"1",2016-01-01,19\n"2",2016-01-02,112\n')
    parsed = read_file(path)
    assert parsed.table.to_pylist() == [
        {"column_1": 1, "date": dt.date(2016, 1, 1), "sessions": 19},
        {"column_1": 2, "date": dt.date(2016, 1, 2), "sessions": 112},
    ]
    assert parsed.notices == (HeaderNamed(position=1, name="column_1"),)


def test_a_generated_name_avoids_the_names_taken(tmp_path: Path) -> None:
    # column_1 is taken (ignoring case, as names are compared), and so is column_1_2.
    parsed = read_file(write(tmp_path, "clash.csv", ",Column_1,column_1_2\n1,2,3\n"))
    assert parsed.table.column_names == ["column_1_3", "Column_1", "column_1_2"]
    assert parsed.notices == (HeaderNamed(position=1, name="column_1_3"),)


def test_duplicate_names_are_all_listed(tmp_path: Path) -> None:
    error = error_of(write(tmp_path, "dup.csv", "id,amount,Amount,day,id,amount\n1,2,3,4,5,6\n"))
    assert str(error.message) == "duplicate column name 'id' (columns 1 and 5); 'amount' (columns 2, 3 and 6)"
    assert error.hint is not None
    assert "does not guess which column is which" in str(error.hint)


def test_excel_empty_header_cell_gets_a_name(tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    for row in [[None, "x"], [1, "a"], [2, "b"]]:
        book.active.append(row)
    book.save(tmp_path / "r.xlsx")
    parsed = read_file(tmp_path / "r.xlsx")
    assert parsed.table.column_names == ["column_1", "x"]
    assert parsed.notices == (HeaderNamed(position=1, name="column_1"),)


@pytest.mark.skipif(not GA.exists(), reason="the shared datasets (/work/shared/data) are not here")
def test_the_google_analytics_export_from_r_loads(tmp_path: Path) -> None:
    parsed = read_file(GA)
    assert parsed.table.column_names[:2] == ["column_1", "date"]
    assert parsed.table.schema.field("date").type == pa.date32()
    with GA.open(newline="", encoding="utf-8") as handle:
        reference = list(csv.reader(handle))
    assert parsed.table.num_rows == len(reference) - 1
    assert sum(parsed.table.column("sessions").to_pylist()) == sum(int(row[4]) for row in reference[1:])


# ---------------------------------------------------------------------------------------------------------------
# Yes / No


def test_yes_no_is_text_and_fits_a_boolean_table_column(duck: Any, tmp_path: Path) -> None:
    ingest_file(duck, write(tmp_path, "a.csv", "id,churn,active\n1,Yes,true\n2,No,FALSE\n"), "customers")
    assert fetch(duck, "SELECT id, churn, active FROM customers ORDER BY id") == [(1, "Yes", True), (2, "No", False)]
    duck.con.execute("CREATE TABLE flags (flag BOOLEAN)")
    ingest_file(duck, write(tmp_path, "f.csv", "flag\nyes\nNo\n1\n0\n"), "flags")
    assert fetch(duck, "SELECT flag FROM flags") == [(True,), (False,), (True,), (False,)]


@pytest.mark.skipif(not TELCO.exists(), reason="the shared datasets (/work/shared/data) are not here")
def test_telco_churn_keeps_yes_no_as_text(duck: Any) -> None:
    ingest_file(duck, TELCO, "telco")
    with TELCO.open(newline="", encoding="utf-8") as handle:
        reference = list(csv.DictReader(handle))
    churned = sum(1 for row in reference if row["Churn"] == "Yes")
    assert fetch(duck, "SELECT count(*) FROM telco WHERE \"Churn\" = 'Yes'") == [(churned,)]
    types = dict(
        fetch(duck, "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'telco'")
    )
    assert types["Churn"] == types["Partner"] == "VARCHAR"


# ---------------------------------------------------------------------------------------------------------------
# Workbooks


def workbook(path: Path, rows: list[list[Any]], title: str = "Data", **number_formats: str) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    for cell, number_format in number_formats.items():
        sheet[cell].number_format = number_format
    book.save(path)
    return path


def test_formulas_without_saved_values_are_refused(tmp_path: Path) -> None:
    # openpyxl writes formulas but never computes them, like many export scripts.
    path = workbook(tmp_path / "f.xlsx", [["a", "double", "label"], [1, "=A2*2", "x"], [2, "=A3*2", '=UPPER("y")']])
    error = error_of(path)
    assert str(error.message) == (
        "sheet 'Data': 3 formula cell(s) have no saved value, so they would load as empty: B2, B3, C3"
    )
    assert error.hint is not None
    assert "open it in Excel or LibreOffice and save it again" in str(error.hint)
    assert "export the sheet to CSV" in str(error.hint)


def test_formulas_with_saved_values_load_their_values(tmp_path: Path) -> None:
    path = workbook(tmp_path / "saved.xlsx", [["a", "double"], [1, "=A2*2"], [2, "=A3*2"]])
    # What Excel does when it saves: the computed value next to each formula.
    with zipfile.ZipFile(path) as original:
        parts = {name: original.read(name) for name in original.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    sheet = sheet.replace("<f>A2*2</f><v />", "<f>A2*2</f><v>2</v>").replace("<f>A3*2</f><v />", "<f>A3*2</f><v>4</v>")
    parts["xl/worksheets/sheet1.xml"] = sheet.encode()
    with zipfile.ZipFile(path, "w") as rewritten:
        for name, data in parts.items():
            rewritten.writestr(name, data)
    assert read_table_file(path).to_pylist() == [{"a": 1, "double": 2}, {"a": 2, "double": 4}]


def test_date_formatted_serials_are_dates(tmp_path: Path) -> None:
    # 45747 is 2025-03-31 in Excel's 1900 date system; .5 is noon.
    path = workbook(
        tmp_path / "d.xlsx",
        [["day", "at"], [45747, 45747.5], [45748, 45748.25]],
        A2="dd-mmm-yy",
        A3="[$-409]d/m/yyyy;@",
        B2="yyyy-mm-dd hh:mm",
        B3="yyyy-mm-dd hh:mm",
    )
    assert read_table_file(path).to_pylist() == [
        {"day": dt.date(2025, 3, 31), "at": dt.datetime(2025, 3, 31, 12, 0)},
        {"day": dt.date(2025, 4, 1), "at": dt.datetime(2025, 4, 1, 6, 0)},
    ]


def test_plain_serial_numbers_become_dates_when_told(tmp_path: Path) -> None:
    path = workbook(tmp_path / "s.xlsx", [["paid"], [45747], [45748]])
    assert read_table_file(path).column("paid").to_pylist() == [45747, 45748]
    parsed = read_file(path, date_formats=date_formats(["paid=excel"]))
    assert parsed.table.column("paid").to_pylist() == [dt.date(2025, 3, 31), dt.date(2025, 4, 1)]
    assert parsed.notices == (DateFormatUsed(column="paid", format="excel"),)


def test_serials_of_a_1904_workbook(tmp_path: Path) -> None:
    import openpyxl
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    book = openpyxl.Workbook()
    book.epoch = CALENDAR_MAC_1904
    for row in [["paid"], [0], [1.5]]:
        book.active.append(row)
    book.save(tmp_path / "mac.xlsx")
    table = read_table_file(tmp_path / "mac.xlsx", date_formats=date_formats(["paid=excel"]))
    # Day 0 of the 1904 system is 1 January 1904.
    assert table.column("paid").to_pylist() == [dt.datetime(1904, 1, 1), dt.datetime(1904, 1, 2, 12, 0)]


def test_a_column_format_keeps_the_cells_excel_holds_as_dates(tmp_path: Path) -> None:
    path = workbook(tmp_path / "mixed.xlsx", [["day"], [dt.datetime(2025, 3, 31)], ["01/04/2025"]])
    table = read_table_file(path, date_formats=date_formats(["day=%d/%m/%Y"]))
    assert table.column("day").to_pylist() == [dt.date(2025, 3, 31), dt.date(2025, 4, 1)]


def test_text_in_a_serial_column_is_refused(tmp_path: Path) -> None:
    path = workbook(tmp_path / "bad.xlsx", [["paid"], [45747], ["soon"]])
    error = error_of(path, date_formats=date_formats(["paid=excel"]))
    assert str(error.message) == "column 'paid': 1 value(s) do not read with the date format 'excel': 'soon' (row 3)"
