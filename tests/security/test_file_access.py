"""Sources read files inside the workspace folder (and the folders listed under `allowed_paths:`), nowhere else.

The secret lives next to the workspace, in `outside/`; it is reached by `..`, by an absolute path, through a link,
and through every DuckDB function that reads or lists files. Each way is refused with exit code 1 and a message
naming the source; the secret's content never shows up in any output. Behind that check, DuckDB itself is limited
to the same folders and cannot be talked out of it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from kpilot import Workspace
from kpilot.errors import ValidationFailed, WarehouseError
from tests.security.warehouse_support import SECRET, kpilot, sql_source
from tests.support import rows, write_workspace

FILE_SOURCE = """\
sources:
  - name: clicks
    file: {pattern}
    time: day
    measures:
      - {{name: clicks, agg: sum, expr: clicks}}
kpis:
  - {{name: clicks, formula: clicks}}
"""


@pytest.fixture
def layout(tmp_path: Path) -> Path:
    """tmp/ws (the workspace, with data/clicks.csv), tmp/outside/secret.csv, tmp/shared/more.csv."""
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "secret.csv").write_text(f"day,clicks\n2025-01-01,{SECRET}\n")
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "more.csv").write_text("day,clicks\n2025-01-02,7\n")
    write_workspace(tmp_path / "ws", "")
    (tmp_path / "ws" / "data").mkdir()
    (tmp_path / "ws" / "data" / "clicks.csv").write_text("day,clicks\n2025-01-05,3\n2025-02-01,4\n")
    return tmp_path


def define(root: Path, definitions: str, *, allowed: str = "") -> Path:
    (root / "definitions" / "main.yaml").write_text(definitions)
    if allowed:
        with (root / "kpilot.yaml").open("a") as settings:
            settings.write(f"allowed_paths: {allowed}\n")
    return root


def refused_everywhere(capsys: pytest.CaptureFixture[str], root: Path, *expected: str) -> None:
    for command in (["validate"], ["sql", "clicks"], ["compute", "clicks"]):
        code, text = kpilot(capsys, *command, "-w", str(root))
        assert code == 1, (command, text)
        assert SECRET not in text
        for part in expected:
            assert part in text, (command, part, text)


# --- file: sources -----------------------------------------------------------------------------------------------


def test_a_file_inside_the_workspace_is_read(layout: Path) -> None:
    root = define(layout / "ws", FILE_SOURCE.format(pattern="data/*.csv"))
    with Workspace(root) as ws:
        assert rows(ws.compute(["clicks"], grain="month")) == [(date(2025, 1, 1), 3), (date(2025, 2, 1), 4)]


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("../outside/secret.csv", "file '../outside/secret.csv' is outside the workspace folder"),
        ("data/../../outside/*.csv", "file 'data/../../outside/*.csv' is outside the workspace folder"),
        ("{outside}/secret.csv", "/outside/secret.csv' is outside the workspace folder"),
        ("https://example.com/secret.csv", "is a remote location; sources read local files only"),
    ],
)
def test_a_file_outside_is_refused(
    layout: Path, capsys: pytest.CaptureFixture[str], pattern: str, expected: str
) -> None:
    root = define(layout / "ws", FILE_SOURCE.format(pattern=pattern.format(outside=layout / "outside")))
    refused_everywhere(capsys, root, "source 'clicks': ", expected, "definitions/main.yaml:2:5")


def test_a_link_that_points_out_is_refused(layout: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = layout / "ws"
    (root / "data" / "zz-link.csv").symlink_to(layout / "outside" / "secret.csv")
    define(root, FILE_SOURCE.format(pattern="data/*.csv"))
    # The glob matches an honest file and the link; the link spoils the source.
    refused_everywhere(
        capsys, root, "file 'data/*.csv' matches 'data/zz-link.csv', a link to a file outside the workspace folder"
    )


def test_a_linked_folder_that_points_out_is_refused(layout: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = layout / "ws"
    (root / "exports").symlink_to(layout / "outside", target_is_directory=True)
    define(root, FILE_SOURCE.format(pattern="exports/secret.csv"))
    refused_everywhere(capsys, root, "a link to a file outside the workspace folder")


def test_folders_listed_under_allowed_paths_are_readable(layout: Path) -> None:
    root = layout / "ws"
    (root / "data" / "linked.csv").symlink_to(layout / "shared" / "more.csv")  # a link into an allowed folder
    define(root, FILE_SOURCE.format(pattern="../shared/more.csv"), allowed="[../shared]")
    with Workspace(root) as ws:
        assert rows(ws.compute(["clicks"], grain="month")) == [(date(2025, 1, 1), 7)]
    define(root, FILE_SOURCE.format(pattern="data/linked.csv"))
    with Workspace(root) as ws:
        assert rows(ws.compute(["clicks"], grain="month")) == [(date(2025, 1, 1), 7)]
    # Allowing one folder allows that folder only.
    define(root, FILE_SOURCE.format(pattern="../outside/secret.csv"))
    with Workspace(root) as ws, pytest.raises(WarehouseError) as caught:
        ws.compute(["clicks"])
    assert "outside the workspace folder and the folders in 'allowed_paths:'" in str(caught.value)


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ("/", "would open every file to the definitions"),
        ("data/*", "is a pattern"),
        ("~/exports", "'~' is not expanded"),
        ("s3://bucket/data", "is a URL"),
        ("''", "must be a folder's path"),
    ],
)
def test_allowed_paths_must_name_folders(layout: Path, entry: str, problem: str) -> None:
    root = define(layout / "ws", "", allowed=f"[{entry}]")
    with pytest.raises(ValidationFailed) as caught:
        Workspace(root)
    assert problem in str(caught.value)
    assert "kpilot.yaml:" in str(caught.value)


# --- sql: sources that read files ---------------------------------------------------------------------------------

READERS = [
    pytest.param("select * from read_csv_auto('{outside}/secret.csv')", "read_csv_auto() path", id="read_csv_auto"),
    pytest.param("select * from read_csv('../outside/secret.csv', header = true)", "read_csv() path", id="read_csv"),
    pytest.param("select * from read_csv(['data/clicks.csv', '../outside/secret.csv'])", "read_csv() path", id="list"),
    pytest.param("select content as day, 1 as clicks from read_text('/etc/passwd')", "read_text() path", id="text"),
    pytest.param("select content as day, 1 as clicks from read_blob('{outside}/secret.csv')", "read_blob()", id="blob"),
    pytest.param(
        "select file as day, 1 as clicks from glob('{outside}/*')",
        {"duckdb": "its sql's glob() path", "postgres": "its sql does not parse as postgres SQL"},
        id="glob",
    ),
    pytest.param("select * from sniff_csv('{outside}/secret.csv')", "sniff_csv() path", id="sniff_csv"),
    pytest.param("select * from parquet_scan('{outside}/x.parquet')", "parquet_scan() path", id="parquet_scan"),
    pytest.param("select * from read_json_auto('{outside}/x.json')", "read_json_auto() path", id="read_json_auto"),
    pytest.param(
        "select * from '../outside/secret.csv'",
        # To PostgreSQL this is the name of a table, and there is none.
        {"duckdb": "file path '../outside/secret.csv' is outside", "postgres": 'relation "../outside/secret.csv"'},
        id="from",
    ),
    pytest.param("select * from read_csv('https://example.com/x.csv')", "is a remote location", id="remote"),
    pytest.param(
        "select * from read_csv('data/' || '../../outside/secret.csv')",
        "calls read_csv() with a path that is not written out",
        id="computed",
    ),
    pytest.param(
        "select * from read_csv(['data/clicks.csv', lower('../OUTSIDE/secret.csv')])",
        "with a path that is not written out",
        id="computed-in-list",
    ),
    pytest.param(
        "select pg_read_file('/etc/passwd') as day, 1 as clicks",
        "calls pg_read_file(), which reads or writes files or large objects on the database server",
        id="pg_read_file",
    ),
    pytest.param("select lo_import('/etc/passwd') as day, 1 as clicks", "calls lo_import()", id="lo_import"),
]


@pytest.mark.parametrize(("sql", "expected"), READERS)
def test_sql_cannot_read_files_outside(
    layout: Path, backend: str, capsys: pytest.CaptureFixture[str], sql: str, expected: str | dict[str, str]
) -> None:
    if isinstance(expected, dict):
        expected = expected["postgres" if "://" in backend else "duckdb"]
    root = layout / "ws"
    write_workspace(root, "", warehouse=backend)
    define(root, sql_source(sql.format(outside=layout / "outside")))
    refused_everywhere(capsys, root, "source 'ads': ", expected, "definitions/main.yaml:4:10")


def test_sql_reads_files_inside_relative_to_the_workspace(
    layout: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = define(layout / "ws", sql_source("select day, clicks from read_csv('data/clicks.csv')"))
    monkeypatch.chdir(layout / "outside")  # relative to the workspace folder, not to where kpilot runs
    code, text = kpilot(capsys, "compute", "clicks", "--grain", "all", "-w", str(root), "--format", "csv")
    assert (code, text) == (0, "clicks,partial\n7,false\n")  # all the data: complete
    code, text = kpilot(capsys, "sql", "clicks", "-w", str(root))
    assert f"'{root}/data/clicks.csv'" in text  # made absolute before DuckDB sees it


def test_file_like_table_names_are_files_to_duckdb(layout: Path) -> None:
    # FROM 'data/clicks.csv' is DuckDB's shorthand for reading the file: inside the workspace it works.
    root = define(layout / "ws", sql_source("select * from 'data/clicks.csv'"))
    with Workspace(root) as ws:
        assert rows(ws.compute(["clicks"], grain="month")) == [(date(2025, 1, 1), 3), (date(2025, 2, 1), 4)]


# --- DuckDB's own fence ------------------------------------------------------------------------------------------


def parquet(path: Path) -> Path:
    pq.write_table(pa.table({"day": [date(2025, 1, 9)], "clicks": [5]}), path)
    return path


def test_duckdb_itself_reads_only_inside_and_cannot_be_unlocked(layout: Path) -> None:
    root = layout / "ws"
    parquet(root / "data" / "inside.parquet")
    parquet(layout / "outside" / "outside.parquet")
    with Workspace(root) as ws:
        raw = ws.warehouse.con.con  # below kpilot's check: what DuckDB allows on its own
        assert raw.execute(f"select sum(clicks) from read_parquet('{root}/data/inside.parquet')").fetchone() == (5,)
        for statement in (
            f"select * from read_parquet('{layout}/outside/outside.parquet')",
            f"select * from read_csv('{root}/../outside/secret.csv')",
            "select * from read_text('/etc/passwd')",
        ):
            with pytest.raises(duckdb.PermissionException, match="disabled by configuration"):
                raw.execute(statement)
        for statement in (
            "set enable_external_access = true",
            "set allowed_directories = ['/']",
            "set autoload_known_extensions = true",
            "reset lock_configuration",
        ):
            with pytest.raises(duckdb.Error, match="locked"):
                raw.execute(statement)
        with pytest.raises(duckdb.Error, match="disabled"):
            raw.execute("load httpfs")
        settings = dict(
            raw.execute(
                "select name, value from duckdb_settings() where name in "
                "('enable_external_access', 'autoinstall_known_extensions', 'autoload_known_extensions', "
                "'lock_configuration', 'enable_progress_bar')"
            ).fetchall()
        )
        assert settings == {
            "enable_external_access": "false",
            "autoinstall_known_extensions": "false",
            "autoload_known_extensions": "false",
            "lock_configuration": "true",
            "enable_progress_bar": "false",  # DuckDB's own bar would print into kpilot's output
        }


def test_a_warehouse_file_outside_the_workspace_still_opens(layout: Path) -> None:
    # The database file itself is not subject to the folders; only what queries read is.
    target = layout / "shared" / "central.duckdb"
    with duckdb.connect(str(target)) as con:
        con.execute("create table ad_performance as select date '2025-01-03' as day, 11 as clicks")
    root = layout / "ws"
    write_workspace(root, sql_source("select * from ad_performance"), warehouse=str(target))
    with Workspace(root) as ws:
        assert rows(ws.compute(["clicks"], grain="month")) == [(date(2025, 1, 1), 11)]


def test_file_sources_read_parquet_under_the_fence(duckdb_factory: Callable[..., Workspace], tmp_path: Path) -> None:
    ws = duckdb_factory(FILE_SOURCE.format(pattern="data/*.parquet"), {})
    (ws.root / "data").mkdir()
    parquet(ws.root / "data" / "a.parquet")
    assert rows(ws.compute(["clicks"], grain="month")) == [(date(2025, 1, 1), 5)]
