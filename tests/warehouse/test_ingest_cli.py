"""`kpilot ingest` as a person runs it: notices on stderr, the sources' key and date_format, the new options."""

from __future__ import annotations

import csv
import io
import textwrap
from pathlib import Path

import duckdb
import pytest

from tests.support import run_cli
from tests.warehouse.ingest_support import write

KEYED = """\
sources:
  - name: orders
    table: orders
    time: day
    key: id
    date_format: dmy
    measures:
      - {name: revenue, agg: sum, expr: amount}
kpis:
  - {name: revenue, formula: revenue}
"""


@pytest.fixture
def workspace(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    root = tmp_path / "ws"
    assert run_cli(capsys, "init", str(root))[0] == 0
    return root


def define(root: Path, text: str) -> None:
    (root / "definitions" / "main.yaml").write_text(textwrap.dedent(text))


def test_the_sources_key_makes_a_second_load_an_upsert(
    workspace: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    define(workspace, KEYED)
    first = write(tmp_path, "orders.csv", "id,day,amount\nA1,01/02/2025,10\nA2,03/02/2025,20\n")
    code, out, err = run_cli(capsys, "ingest", str(first), "-t", "orders", "-w", str(workspace))
    assert (code, out.strip(), err) == (0, "2 rows created table 'orders' (3 columns)", "")
    update = write(tmp_path, "update.csv", "id,day,amount\nA2,03/02/2025,25\nA3,04/02/2025,30\n")
    code, out, err = run_cli(capsys, "ingest", str(update), "-t", "orders", "-w", str(workspace))
    assert code == 0, err
    assert out.strip() == "2 rows loaded into table 'orders' (3 columns): they replaced 1 row(s) with the same key (id)"
    code, out, _ = run_cli(capsys, "compute", "revenue", "--grain", "all", "--format", "csv", "-w", str(workspace))
    (row,) = csv.DictReader(io.StringIO(out))
    assert float(row["revenue"]) == 65  # 10 + 25 + 30: A2's first amount is gone


def test_notices_go_to_stderr_in_words(workspace: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "r.csv", '"","day","amount"\n"1",01/02/2025,1\n"2",25/02/2025,2\n')
    code, out, err = run_cli(capsys, "ingest", str(path), "-t", "sales", "-w", str(workspace))
    assert code == 0
    assert out.strip() == "2 rows created table 'sales' (3 columns)"
    assert err.splitlines() == [
        "notice: column 1 has no name in the header: it is named 'column_1'",
        "notice: column 'day': dates read as day/month/year, as '25/02/2025' (line 3) shows; 1 value(s) would "
        "read differently the other way round",
    ]


def test_ambiguous_dates_name_the_command_to_run(
    workspace: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "s.csv", "day,amount\n01/02/2025,1\n03/04/2025,2\n")
    code, _, err = run_cli(capsys, "ingest", str(path), "-t", "sales", "-w", str(workspace))
    assert code == 1
    assert "the dates could be day/month or month/day" in err
    assert f"kpilot ingest {path} -t sales --date-format '%d/%m/%Y'" in err
    code, _, err = run_cli(
        capsys, "ingest", str(path), "-t", "sales", "--date-format", "%m/%d/%Y", "-w", str(workspace)
    )
    assert code == 0, err
    assert err == "notice: column 'day': dates read with the format '%m/%d/%Y'\n"


def test_a_second_load_is_refused_unless_asked_again(
    workspace: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "s.csv", "day,amount\n2025-03-31,1\n")
    assert run_cli(capsys, "ingest", str(path), "-t", "sales", "-w", str(workspace))[0] == 0
    code, _, err = run_cli(capsys, "ingest", str(path), "-t", "sales", "-w", str(workspace))
    assert code == 1
    assert "already loaded into table 'sales' on " in err
    code, out, err = run_cli(capsys, "ingest", str(path), "-t", "sales", "--again", "-w", str(workspace))
    assert code == 0
    assert out.strip() == "1 rows appended to table 'sales' (2 columns)"
    assert "notice: this file's content was loaded into table 'sales' before, on " in err
    assert "notice: 1 of the file's 1 rows are identical to rows already in table 'sales'" in err


def test_the_encoding_option(workspace: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "pl.csv", "miasto,n\nŁódź,1\n", encoding="cp1250")
    code, _, err = run_cli(capsys, "ingest", str(path), "-t", "cities", "--encoding", "cp1250", "-w", str(workspace))
    assert (code, err) == (0, "")
    with duckdb.connect(str(workspace / "warehouse.duckdb"), read_only=True) as con:
        assert con.execute("SELECT miasto, n FROM cities").fetchall() == [("Łódź", 1)]


def test_a_converted_encoding_is_told(workspace: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "de.csv", "stadt,n\nKöln,1\n", encoding="cp1252")
    code, _, err = run_cli(capsys, "ingest", str(path), "-t", "cities", "-w", str(workspace))
    assert code == 0
    assert err.strip() == (
        "notice: the file is not UTF-8: read it as Windows-1252, so that line 2 reads 'Köln'; if that is wrong, "
        "give the file's encoding with --encoding"
    )


def test_a_bad_date_format_option_is_a_clear_error(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(capsys, "ingest", "x.csv", "-t", "t", "--date-format", "excel", "-w", str(workspace))
    assert code == 1
    assert "error: date_format 'excel': excel applies to named columns only" in err


def test_broken_definitions_are_mentioned(workspace: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    define(workspace, KEYED.replace("key: id", "key: [id, id]"))  # this source cannot be read
    path = write(tmp_path, "orders.csv", "id,day,amount\nA1,2025-02-01,10\n")
    code, _, err = run_cli(capsys, "ingest", str(path), "-t", "orders", "-w", str(workspace))
    assert code == 0
    assert "no source over table 'orders' could be read: a key: or date_format: declared there was not used" in err
