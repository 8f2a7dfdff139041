"""Dates as people write them: spellings, the day/month order, two-digit years, yyyymmdd numbers, formats."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pytest

from kpilot.errors import DataError
from kpilot.warehouse.date_formats import date_formats
from kpilot.warehouse.dates import AmbiguousDates
from kpilot.warehouse.inference import names_a_date
from kpilot.warehouse.notices import (
    CompactDates,
    DateFormatUsed,
    DateOrderInferred,
    DatesKept,
    TimesConvertedToUtc,
    TwoDigitYears,
)
from kpilot.warehouse.readers import read_file, read_table_file
from tests.warehouse.ingest_support import write

D = dt.date
T = dt.datetime


def column_file(tmp_path: Path, values: list[str], name: str = "day") -> Path:
    return write(tmp_path, "dates.csv", name + "\n" + "\n".join(values) + "\n")


# ---------------------------------------------------------------------------------------------------------------
# Spellings


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["31-Mar-2025", "1-Apr-2025"], [D(2025, 3, 31), D(2025, 4, 1)]),
        (["31 March 2025", "1 april 2025"], [D(2025, 3, 31), D(2025, 4, 1)]),
        (["Mar 31, 2025", "Sept 2 2025", "December 25, 2024"], [D(2025, 3, 31), D(2025, 9, 2), D(2024, 12, 25)]),
        (["31.03.2025", "13.04.2025"], [D(2025, 3, 31), D(2025, 4, 13)]),
        (["31/03/2025", "13/04/2025"], [D(2025, 3, 31), D(2025, 4, 13)]),
        (["03/31/2025", "04/13/2025"], [D(2025, 3, 31), D(2025, 4, 13)]),
        (["31-Mar-25", "01-Jan-70"], [D(2025, 3, 31), D(1970, 1, 1)]),
    ],
    ids=["day-mon-year", "day-month-year", "month-day-comma-year", "dots", "slashes", "month-first", "mon-two-digits"],
)
def test_date_spellings(tmp_path: Path, values: list[str], expected: list[dt.date]) -> None:
    table = read_table_file(column_file(tmp_path, values))
    assert table.schema.field("day").type == pa.date32()
    assert table.column("day").to_pylist() == expected


def test_iso_with_offsets_is_converted_to_utc_with_a_notice(tmp_path: Path) -> None:
    parsed = read_file(column_file(tmp_path, ["2025-03-31T10:00:00+02:00", "2025-03-31 23:30:00-05:00"], "at"))
    # 10:00 at +02:00 is 08:00 UTC; 23:30 at -05:00 is 04:30 UTC the next day.
    assert parsed.table.column("at").to_pylist() == [T(2025, 3, 31, 8, 0), T(2025, 4, 1, 4, 30)]
    assert parsed.notices == (
        TimesConvertedToUtc(
            column="at", example="2025-03-31T10:00:00+02:00", read_as="2025-03-31 08:00:00", without_offset=0
        ),
    )


def test_offsets_and_plain_times_mixed_are_counted(tmp_path: Path) -> None:
    parsed = read_file(column_file(tmp_path, ["2025-03-31 10:00", "2025-03-31T10:00Z", "2025-03-31 10:00 UTC"], "at"))
    assert parsed.table.column("at").to_pylist() == [T(2025, 3, 31, 10, 0)] * 3
    (notice,) = parsed.notices
    assert isinstance(notice, TimesConvertedToUtc)
    assert notice.without_offset == 1


def test_am_pm_times(tmp_path: Path) -> None:
    values = ["3/22/2021 10:15 PM", "3/23/2021 12:00 AM", "3/24/2021 12:30 pm", "3/25/2021 1:05 a.m."]
    table = read_table_file(column_file(tmp_path, values, "at"))
    assert table.column("at").to_pylist() == [
        T(2021, 3, 22, 22, 15),
        T(2021, 3, 23, 0, 0),
        T(2021, 3, 24, 12, 30),
        T(2021, 3, 25, 1, 5),
    ]


def test_an_hour_over_12_with_pm_is_not_a_time(tmp_path: Path) -> None:
    parsed = read_file(column_file(tmp_path, ["3/22/2021 10:15 PM", "3/23/2021 13:00 PM"], "at"))
    assert parsed.table.column("at").type == pa.string()
    (notice,) = parsed.notices
    assert isinstance(notice, DatesKept)
    assert (notice.reason, notice.examples, notice.count) == ("not_all_dates", (("3/23/2021 13:00 PM", "line 3"),), 1)


def test_two_digit_years_follow_strptime(tmp_path: Path) -> None:
    parsed = read_file(column_file(tmp_path, ["31/03/25", "01/01/68", "01/01/69"]))
    # 00-68 are 2000-2068, 69-99 are 1969-1999; 31/03 shows that the day comes first.
    assert parsed.table.column("day").to_pylist() == [D(2025, 3, 31), D(2068, 1, 1), D(1969, 1, 1)]
    assert TwoDigitYears(column="day", example="31/03/25", read_as="2025-03-31") in parsed.notices


def test_an_unknown_month_name_is_not_a_date(tmp_path: Path) -> None:
    table = read_table_file(column_file(tmp_path, ["31-Mar-2025", "1-Foo-2025"]))
    assert table.column("day").type == pa.string()


# ---------------------------------------------------------------------------------------------------------------
# Day or month first


def test_every_value_ambiguous_is_refused(tmp_path: Path) -> None:
    path = column_file(tmp_path, ["01/02/2025", "03/04/2025", "05/06/2025", "07/08/2025"])
    with pytest.raises(AmbiguousDates) as caught:
        read_table_file(path)
    error = caught.value
    assert str(error.message) == (
        "column 'day': the dates could be day/month or month/day, and no value shows which: "
        "'01/02/2025' (line 2), '03/04/2025' (line 3), '05/06/2025' (line 4)"
    )
    assert str(error.location) == f"{path}:2"
    assert error.hint is not None
    assert "01/02/2025 is 1 February" in str(error.hint)
    assert "--date-format '%d/%m/%Y'" in str(error.hint)
    assert "(2 January): --date-format '%m/%d/%Y'" in str(error.hint)
    assert "date_format:" in str(error.hint)


def test_the_refusal_names_the_command_to_run(tmp_path: Path) -> None:
    error = AmbiguousDates("day", [("01.02.25", "line 2")], read_file(column_file(tmp_path, ["x"])).places, 0)
    hint = str(error.for_command("data/my file.csv", "sales").hint)
    assert hint is not None
    assert "kpilot ingest 'data/my file.csv' -t sales --date-format '%d.%m.%y'" in hint
    assert "--date-format '%m.%d.%y'" in hint
    assert "the source of table 'sales'" in hint


def test_ambiguous_column_is_kept_for_the_caller_to_refuse(tmp_path: Path) -> None:
    parsed = read_file(column_file(tmp_path, ["01/02/2025", "03/04/2025"]))
    assert parsed.table.column("day").to_pylist() == ["01/02/2025", "03/04/2025"]
    assert list(parsed.ambiguous) == ["day"]


def test_a_day_over_12_decides_with_a_notice(tmp_path: Path) -> None:
    parsed = read_file(column_file(tmp_path, ["01/02/2025", "03/04/2025", "25/12/2025"]))
    assert parsed.table.column("day").to_pylist() == [D(2025, 2, 1), D(2025, 4, 3), D(2025, 12, 25)]
    assert parsed.notices == (
        DateOrderInferred(column="day", order="dmy", example="25/12/2025", where="line 4", ambiguous=2),
    )


def test_a_second_field_over_12_means_month_first(tmp_path: Path) -> None:
    parsed = read_file(column_file(tmp_path, ["01/02/2025", "12/25/2025"]))
    assert parsed.table.column("day").to_pylist() == [D(2025, 1, 2), D(2025, 12, 25)]
    assert parsed.notices == (
        DateOrderInferred(column="day", order="mdy", example="12/25/2025", where="line 3", ambiguous=1),
    )


def test_values_that_read_the_same_both_ways_need_no_order(tmp_path: Path) -> None:
    parsed = read_file(column_file(tmp_path, ["01/01/2025", "07/07/2025", "2025-03-04"]))
    assert parsed.table.column("day").to_pylist() == [D(2025, 1, 1), D(2025, 7, 7), D(2025, 3, 4)]
    assert parsed.notices == ()


def test_both_orders_in_one_column_stay_text_with_a_notice(tmp_path: Path) -> None:
    parsed = read_file(column_file(tmp_path, ["13/01/2025", "01/13/2025"]))
    assert parsed.table.column("day").type == pa.string()
    assert parsed.notices == (
        DatesKept(
            column="day",
            kept_as="text",
            reason="mixed_order",
            examples=(("13/01/2025", "line 2"), ("01/13/2025", "line 3")),
            count=2,
        ),
    )


def test_mostly_dates_with_a_bad_one_stays_text_with_a_notice(tmp_path: Path) -> None:
    parsed = read_file(column_file(tmp_path, ["2025-02-27", "2025-02-30", "2025-03-01", "soon"]))
    assert parsed.table.column("day").type == pa.string()
    assert parsed.notices == (
        DatesKept(
            column="day",
            kept_as="text",
            reason="not_all_dates",
            examples=(("2025-02-30", "line 3"), ("soon", "line 5")),
            count=2,
        ),
    )


def test_a_text_column_with_one_date_says_nothing(tmp_path: Path) -> None:
    parsed = read_file(column_file(tmp_path, ["north", "south", "east", "2025-01-01"], "region"))
    assert parsed.table.column("region").type == pa.string()
    assert parsed.notices == ()


# ---------------------------------------------------------------------------------------------------------------
# Eight-digit numbers


@pytest.mark.parametrize("name", ["date", "created", "created_at", "shipped_on", "OrderDate", "order_dt", "Day"])
def test_names_that_say_dates(name: str) -> None:
    assert names_a_date(name)


@pytest.mark.parametrize("name", ["order_id", "amount", "data", "at", "status_on_off_flag", "updates_count"])
def test_names_that_do_not(name: str) -> None:
    assert not names_a_date(name)


def test_yyyymmdd_in_a_date_column_becomes_dates(tmp_path: Path) -> None:
    parsed = read_file(write(tmp_path, "c.csv", "created_at,amount\n20250331,1\n20240229,2\n"))
    assert parsed.table.column("created_at").to_pylist() == [D(2025, 3, 31), D(2024, 2, 29)]
    assert parsed.notices == (CompactDates(column="created_at", example="20250331"),)


def test_yyyymmdd_in_an_id_column_stays_a_number_with_a_notice(tmp_path: Path) -> None:
    parsed = read_file(write(tmp_path, "c.csv", "order_id\n20250331\n20250401\n"))
    assert parsed.table.column("order_id").to_pylist() == [20250331, 20250401]
    assert parsed.notices == (
        DatesKept(
            column="order_id",
            kept_as="integer",
            reason="compact_name",
            examples=(("20250331", "line 2"), ("20250401", "line 3")),
            count=2,
        ),
    )


@pytest.mark.parametrize("values", [["10000001", "10000002"], ["20250231"], ["18991231"], ["20250331", "123"]], ids=str)
def test_numbers_that_are_not_all_dates_stay_numbers_silently(tmp_path: Path, values: list[str]) -> None:
    # Month 00, 31 February, a year before 1900, and a value that is not eight digits.
    parsed = read_file(column_file(tmp_path, values, "date"))
    assert pa.types.is_integer(parsed.table.column("date").type)
    assert parsed.notices == ()


def test_numbers_in_a_date_column_may_be_excel_days(tmp_path: Path) -> None:
    parsed = read_file(column_file(tmp_path, ["45747", "45748"], "invoice_date"))
    assert parsed.table.column("invoice_date").to_pylist() == [45747, 45748]
    (notice,) = parsed.notices
    assert isinstance(notice, DatesKept)
    assert (notice.kept_as, notice.reason) == ("integer", "excel_serials")


# ---------------------------------------------------------------------------------------------------------------
# Formats the user gives


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("dmy", [D(2025, 2, 1), D(2025, 4, 3)]),
        ("mdy", [D(2025, 1, 2), D(2025, 3, 4)]),
        ("%d/%m/%Y", [D(2025, 2, 1), D(2025, 4, 3)]),
        ("%m/%d/%Y", [D(2025, 1, 2), D(2025, 3, 4)]),
        ("day=%m/%d/%Y", [D(2025, 1, 2), D(2025, 3, 4)]),
    ],
)
def test_a_format_settles_the_order(tmp_path: Path, spec: str, expected: list[dt.date]) -> None:
    parsed = read_file(column_file(tmp_path, ["01/02/2025", "03/04/2025"]), date_formats=date_formats([spec]))
    assert parsed.table.column("day").to_pylist() == expected
    assert not parsed.ambiguous


def test_dmy_reads_times_too(tmp_path: Path) -> None:
    table = read_table_file(
        column_file(tmp_path, ["01.02.2025 10:30", "03.04.2025"], "at"), date_formats=date_formats(["dmy"])
    )
    assert table.column("at").to_pylist() == [T(2025, 2, 1, 10, 30), T(2025, 4, 3, 0, 0)]


def test_a_default_pattern_applies_to_the_columns_that_read_with_it(tmp_path: Path) -> None:
    path = write(tmp_path, "p.csv", "due;ref;note\n20250331;A1;x\n20250401;B2;y\n")
    parsed = read_file(path, date_formats=date_formats(["%Y%m%d"]))
    assert parsed.table.column("due").to_pylist() == [D(2025, 3, 31), D(2025, 4, 1)]
    assert parsed.table.column("ref").to_pylist() == ["A1", "B2"]
    assert parsed.notices == (DateFormatUsed(column="due", format="%Y%m%d"),)


def test_a_pattern_with_an_offset_gives_utc_timestamps(tmp_path: Path) -> None:
    table = read_table_file(
        column_file(tmp_path, ["31/03/2025 10:00 +0200"], "at"), date_formats=date_formats(["%d/%m/%Y %H:%M %z"])
    )
    assert table.column("at").to_pylist() == [T(2025, 3, 31, 8, 0)]


def test_a_pattern_refuses_impossible_dates(tmp_path: Path) -> None:
    # Arrow's own strptime would read 30/02 as 2 March; Python's refuses it.
    path = column_file(tmp_path, ["28/02/2025", "30/02/2025"])
    with pytest.raises(DataError) as caught:
        read_table_file(path, date_formats=date_formats(["day=%d/%m/%Y"]))
    assert str(caught.value.message) == (
        "column 'day': 1 value(s) do not read with the date format '%d/%m/%Y': '30/02/2025' (line 3)"
    )
    assert str(caught.value.location) == f"{path}:3"


def test_a_column_format_for_a_column_of_numbers(tmp_path: Path) -> None:
    parsed = read_file(column_file(tmp_path, ["20250331"], "order_id"), date_formats=date_formats(["order_id=%Y%m%d"]))
    assert parsed.table.column("order_id").to_pylist() == [D(2025, 3, 31)]


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["45747", "45748"], [D(2025, 3, 31), D(2025, 4, 1)]),
        (["45747.5", "45748.25"], [T(2025, 3, 31, 12, 0), T(2025, 4, 1, 6, 0)]),
        # Excel counts a 29 February 1900 that never was: 59 is 28 February, 61 is 1 March.
        (["1", "59", "61"], [D(1900, 1, 1), D(1900, 2, 28), D(1900, 3, 1)]),
    ],
    ids=["days", "days-and-times", "around-1900-02-29"],
)
def test_excel_serial_numbers_in_a_text_file(tmp_path: Path, values: list[str], expected: list[object]) -> None:
    parsed = read_file(column_file(tmp_path, values), date_formats=date_formats(["day=excel"]))
    assert parsed.table.column("day").to_pylist() == expected
    assert parsed.notices == (DateFormatUsed(column="day", format="excel"),)


def test_excel_serial_60_does_not_exist(tmp_path: Path) -> None:
    with pytest.raises(DataError) as caught:
        read_table_file(column_file(tmp_path, ["59", "60"]), date_formats=date_formats(["day=excel"]))
    assert "'60' (line 3)" in str(caught.value.message)


@pytest.mark.parametrize(
    ("specs", "message"),
    [
        # The formats are named by their field (date_format), as in a source, not by kpilot ingest's option.
        (["%d/%m"], "date_format '%d/%m': a date needs a year, a month and a day; this has no year"),
        (
            ["%H:%M"],
            "date_format '%H:%M': a date needs a year, a month and a day; this has no year and no month and no day",
        ),
        (["%d/%m/%Q"], "date_format '%d/%m/%Q': %Q is not a directive kpilot reads"),
        (["%d/%m/%Y%"], "date_format '%d/%m/%Y%': a lone % is not a directive kpilot reads"),
        (["excel"], "date_format 'excel': excel applies to named columns only"),
        (["dd/mm/yyyy"], "date_format 'dd/mm/yyyy': not a date format"),
        (["dmy", "mdy"], "date_format 'mdy': a second format for every column"),
        (["d=dmy", "d=mdy"], "date_format 'd=mdy': a second format for column 'd'"),
    ],
)
def test_bad_formats_are_refused(specs: list[str], message: str) -> None:
    with pytest.raises(DataError) as caught:
        date_formats(specs)
    assert caught.value.code.startswith("warehouse.date_format_")
    assert caught.value.field == "date_format"
    assert str(caught.value.message).startswith(message)
    assert caught.value.hint is not None


def test_an_equals_sign_after_a_percent_is_part_of_the_pattern() -> None:
    formats = date_formats(["%Y=%m=%d"])
    assert formats.default is not None
    assert formats.default.pattern == "%Y=%m=%d"
    assert not formats.columns
