"""`kpilot compute --sort --top --pivot --format xlsx --output`: exact results worked out by hand from output_support,
the XLSX read back with openpyxl, and `--grain all` marked partial only when the range asks for days not over yet."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from kpilot import Workspace
from kpilot.cli.main import run
from tests.cli.output_support import DEFINITIONS, TABLES, ads_workspace
from tests.support import make_workspace
from tests.support import run_cli as kpilot


@pytest.fixture
def workspace(tmp_path: Path) -> str:
    return str(ads_workspace(tmp_path / "ads"))


# --------------------------------------------------------------------------------------------------------------
# --sort and --top


def test_sort_orders_each_period_and_top_keeps_its_first_rows(
    workspace: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # Clicks per channel: January search 139, social 195; February search 300, social 100.
    code, out, _ = kpilot(
        capsys, "compute", "clicks", "--by", "channel", "--sort", "clicks:desc", "-f", "csv", "-w", workspace
    )
    assert code == 0
    assert out == (
        "period,channel,clicks,partial\n"
        "2025-01-01,social,195,false\n"
        "2025-01-01,search,139,false\n"
        "2025-02-01,search,300,false\n"
        "2025-02-01,social,100,false\n"
    )
    code, out, _ = kpilot(
        capsys,
        "compute",
        "clicks",
        "--by",
        "channel",
        "--sort",
        "clicks:desc",
        "--top",
        "1",
        "-f",
        "csv",
        "-w",
        workspace,
    )
    assert out == "period,channel,clicks,partial\n2025-01-01,social,195,false\n2025-02-01,search,300,false\n"
    # Ascending is the default; over all the data (one "period"), --top ranks the whole result.
    code, out, _ = kpilot(
        capsys, "compute", "clicks", "--grain", "all", "--by", "channel", "--sort", "clicks", "--top", "1",
        "-f", "json", "-w", workspace,
    )  # fmt: skip
    # All of it: search 139 + 300 = 439, social 195 + 100 = 295.
    assert json.loads(out) == [{"channel": "social", "clicks": 295, "partial": False}]


def test_sort_puts_empty_values_last_both_ways(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tables = {"ads": {**TABLES["ads"], "channel": ["search", "social", "search", "mail"]}}
    tables["ads"]["clicks"] = [139, 195, 300, 0]  # mail: no clicks, so no cost per click (division by zero is empty)
    root = tmp_path / "ws"
    make_workspace(root, DEFINITIONS, tables).close()
    for order, expected in (("asc", ["social", "search", "mail"]), ("desc", ["search", "social", "mail"])):
        code, out, _ = kpilot(
            capsys, "compute", "cpc", "--grain", "all", "--by", "channel", "--sort", f"cpc:{order}", "-f", "json",
            "-w", str(root),
        )  # fmt: skip
        assert code == 0
        # search (100 + 150) / 439 = 0.5695, social 50 / 195 = 0.2564, mail 25 / 0: empty.
        assert [row["channel"] for row in json.loads(out)] == expected


@pytest.mark.parametrize(
    ("args", "message", "hint"),
    [
        (["--sort", "ctx"], "error: --sort: unknown KPI 'ctx'", "did you mean 'ctr'?"),
        (
            ["--sort", "revenue"],
            "--sort 'revenue': that KPI is not among the ones computed (ctr, clicks)",
            "add revenue",
        ),
        (["--sort", "ctr:down"], "--sort 'ctr:down': unknown order 'down'", "--sort ctr:desc or ctr:asc"),
        (["--top", "2"], "--top needs --sort", "--sort revenue:desc"),
        (["--sort", "ctr", "--top", "0"], "--top 0: the number of rows to keep must be at least 1", None),
        (["--pivot", "channel", "--sort", "ctr"], "--pivot cannot be combined with --sort or --top", "without --pivot"),
        (["--pivot", "country"], "has no dimension 'country'", None),
    ],
)
def test_option_mistakes_are_clear_errors(
    workspace: str, args: list[str], message: str, hint: str | None, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = kpilot(capsys, "compute", "ctr", "clicks", *args, "-w", workspace)
    assert (code, out) == (1, "")
    assert message in err
    if hint:
        assert "hint: " in err
        assert hint in err


# --------------------------------------------------------------------------------------------------------------
# --pivot


def test_pivot_makes_a_column_per_kpi_and_value(workspace: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = kpilot(capsys, "compute", "ctr", "clicks", "--pivot", "channel", "-f", "csv", "-w", workspace)
    assert code == 0
    # CTR = clicks / impressions per channel and month (see output_support).
    assert out == (
        "period,ctr:search,ctr:social,clicks:search,clicks:social,partial\n"
        "2025-01-01,0.000139,0.000195,139,195,false\n"
        "2025-02-01,0.00015,0.0001,300,100,false\n"
    )


def test_pivot_keeps_the_other_dimensions_as_rows(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    definitions = DEFINITIONS.replace("dimensions: [channel]", "dimensions: [channel, country]")
    tables = {"ads": {**TABLES["ads"], "country": ["IT", "IT", "PL", "IT"]}}
    root = tmp_path / "ws"
    make_workspace(root, definitions, tables).close()
    code, out, _ = kpilot(
        capsys, "compute", "clicks", "--grain", "all", "--by", "country", "--pivot", "channel", "-f", "json",
        "-w", str(root),
    )  # fmt: skip
    assert code == 0
    # IT: search 139 (January), social 195 + 100; PL: search 300, no social row at all (empty, not 0).
    assert json.loads(out) == [
        {"country": "IT", "clicks:search": 139, "clicks:social": 295, "partial": False},
        {"country": "PL", "clicks:search": 300, "clicks:social": None, "partial": False},
    ]


def test_a_pivoted_table_is_headed_by_kpi_and_value(
    workspace: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    code, out, _ = kpilot(capsys, "compute", "ctr", "--pivot", "channel", "-w", workspace)
    assert code == 0
    assert "Click-through rate: search" in out
    assert "Click-through rate: social" in out
    assert "│ 2025-01-01 │                   0.0139 % │                   0.0195 % │" in out


# --------------------------------------------------------------------------------------------------------------
# --format xlsx and --output


def test_xlsx_has_typed_cells(workspace: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "out" / "ads.xlsx"
    code, out, err = kpilot(
        capsys, "compute", "ctr", "cpc", "revenue", "clicks", "response", "--by", "channel", "-f", "xlsx",
        "-o", str(target), "-w", workspace,
    )  # fmt: skip
    assert (code, out) == (0, "")
    assert f"Wrote 4 row(s) to {target}" in err
    sheet = openpyxl.load_workbook(target).active
    header = [cell.value for cell in sheet[1]]
    assert header == ["period", "channel", "ctr", "cpc", "revenue", "clicks", "response", "partial"]
    period, channel, ctr, cpc, revenue, clicks, response, partial = sheet[2]  # January, search
    assert (period.value, period.is_date, period.number_format) == (datetime(2025, 1, 1), True, "yyyy-mm-dd")
    assert (channel.value, channel.data_type) == ("search", "s")
    # 139 / 1,000,000 as a number, shown as a percentage; 100 / 139 EUR per click; 772,044.4 EUR; 139 clicks; 6 h.
    assert (ctr.value, ctr.data_type, ctr.number_format) == (pytest.approx(0.000139), "n", "0.00##%")
    assert (cpc.value, cpc.number_format) == (pytest.approx(100 / 139), '#,##0.00 "EUR"')
    assert (revenue.value, revenue.number_format) == (pytest.approx(772_044.4), '#,##0.00 "EUR"')
    assert (clicks.value, clicks.data_type, clicks.number_format) == (139, "n", "General")
    assert (response.value, response.number_format) == (pytest.approx(6.0), '#,##0.0 "h"')
    assert (partial.value, partial.data_type) == (False, "b")
    assert [cell.value for cell in sheet[5]][:2] == [datetime(2025, 2, 1), "social"]
    assert sheet.max_row == 5


def test_xlsx_text_cells_cannot_run_as_formulas(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tables = {"ads": {**TABLES["ads"], "channel": ['=HYPERLINK("http://x")', "@SUM(1+1)", "bad\x01name", "-3"]}}
    root = tmp_path / "ws"
    make_workspace(root, DEFINITIONS, tables).close()
    target = tmp_path / "injected.xlsx"
    code, _, _ = kpilot(
        capsys, "compute", "clicks", "--grain", "all", "--by", "channel", "-f", "xlsx", "-o", str(target),
        "-w", str(root),
    )  # fmt: skip
    assert code == 0
    sheet = openpyxl.load_workbook(target).active
    cells = {row[0].value: (row[0].data_type, row[1].value) for row in sheet.iter_rows(min_row=2)}
    # Text that a spreadsheet would run gets a leading quote and is stored as text; a control character, which XML
    # cannot hold, becomes U+FFFD. The numbers stay numbers.
    assert cells == {
        "'-3": ("s", 100),
        '\'=HYPERLINK("http://x")': ("s", 139),
        "'@SUM(1+1)": ("s", 195),
        "bad\ufffdname": ("s", 300),
    }


def test_xlsx_refuses_a_terminal_and_goes_to_a_pipe(
    workspace: str, capsysbinary: pytest.CaptureFixture[bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(SystemExit) as exited:
        run(["compute", "clicks", "-f", "xlsx", "-w", workspace])
    assert exited.value.code in (0, None)
    piped = capsysbinary.readouterr().out
    sheet = openpyxl.load_workbook(io.BytesIO(piped)).active
    assert [[cell.value for cell in row] for row in sheet.iter_rows()] == [
        ["period", "clicks", "partial"],
        [datetime(2025, 1, 1), 334, False],
        [datetime(2025, 2, 1), 400, False],
    ]
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    with pytest.raises(SystemExit) as exited:
        run(["compute", "clicks", "-f", "xlsx", "-w", workspace])
    assert exited.value.code == 1
    captured = capsysbinary.readouterr()
    assert captured.out == b""
    assert b"error: --format xlsx writes a binary file, which a terminal cannot show" in captured.err
    assert b"add --output FILE.xlsx" in captured.err


@pytest.mark.parametrize("fmt", ["csv", "json", "table"])
def test_output_writes_every_format_to_a_file(
    workspace: str, tmp_path: Path, fmt: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    code, shown, _ = kpilot(capsys, "compute", "ctr", "clicks", "-f", fmt, "-w", workspace)
    assert code == 0
    exports = tmp_path / "exports"
    exports.mkdir()
    target = exports / f"ads.{fmt}"
    target.write_text("an older export\n")
    code, out, err = kpilot(capsys, "compute", "ctr", "clicks", "-f", fmt, "--output", str(target), "-w", workspace)
    assert (code, out) == (0, "")
    assert f"Wrote 2 row(s) to {target}" in err
    written = target.read_text(encoding="utf-8")
    assert written == shown  # the file holds what the screen showed (the table without colours)
    assert "\x1b[" not in written
    assert [path.name for path in exports.iterdir()] == [f"ads.{fmt}"]  # no temporary file left
    if fmt == "csv":
        assert (
            written
            == "period,ctr,clicks,partial\n2025-01-01,0.000167,334,false\n2025-02-01,0.00013333333333333334,400,false\n"
        )
    if fmt == "table":
        assert "0.0167 %" in written
        assert "0.0133 %" in written


def test_output_to_a_folder_is_a_clear_error(
    workspace: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = kpilot(capsys, "compute", "ctr", "-f", "csv", "--output", str(tmp_path), "-w", workspace)
    assert (code, out) == (1, "")
    assert "cannot write this file" in err
    assert str(tmp_path) in err


# --------------------------------------------------------------------------------------------------------------
# --grain all: partial only when the range reaches days not over yet


@pytest.mark.parametrize(
    ("start", "end", "today", "partial"),
    [
        (None, None, date(2025, 2, 20), False),  # all the data, even on the day of its last row
        (None, None, date(2030, 1, 1), False),
        ("2025-02-01", None, date(2025, 2, 15), False),  # --from alone: from there to the end of the data
        (None, "2025-02-15", date(2025, 3, 1), False),  # a range that is over
        ("2025-01-15", "2025-02-15", date(2025, 3, 1), False),  # a range that cuts into months is still whole
        (None, "2025-02-20", date(2025, 2, 20), True),  # --to today: today is not over
        (None, "2025-12-31", date(2025, 2, 20), True),  # --to in the future
    ],
)
def test_grain_all_is_partial_only_when_the_range_is_not_over(
    workspace_factory: Callable[..., Workspace], start: str | None, end: str | None, today: date, partial: bool
) -> None:
    ws = workspace_factory(DEFINITIONS, TABLES)
    result = ws.compute(["clicks"], grain="all", start=start, end=end, today=today)
    assert result.column("partial").to_pylist() == [partial]


def test_grain_all_of_all_the_data_is_not_marked_partial(workspace: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = kpilot(capsys, "compute", "clicks", "--grain", "all", "-f", "json", "-w", workspace)
    assert code == 0
    assert json.loads(out) == [{"clicks": 734, "partial": False}]  # 139 + 195 + 300 + 100


def test_a_pivoted_xlsx_keeps_each_kpis_number_format(
    workspace: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "pivot.xlsx"
    code, _, _ = kpilot(
        capsys, "compute", "ctr", "cpc", "--pivot", "channel", "-f", "xlsx", "-o", str(target), "-w", workspace
    )
    assert code == 0
    sheet = openpyxl.load_workbook(target).active
    assert [cell.value for cell in sheet[1]] == [
        "period",
        "ctr:search",
        "ctr:social",
        "cpc:search",
        "cpc:social",
        "partial",
    ]
    # January: CTR 0.0139 % and 0.0195 %, CPC 100 / 139 and 50 / 195 EUR.
    january = [(cell.value, cell.number_format) for cell in sheet[2]][1:5]
    assert january == [
        (pytest.approx(0.000139), "0.00##%"),
        (pytest.approx(0.000195), "0.00##%"),
        (pytest.approx(100 / 139), '#,##0.00 "EUR"'),
        (pytest.approx(50 / 195), '#,##0.00 "EUR"'),
    ]
