"""When the warehouse cannot be opened, the message names the real cause and never shows a password.

A password in a PostgreSQL URL is masked (user:***@) in every message, the driver's included. A DuckDB file locked
by another program, or one kpilot may not read, is reported as such, with what to do, and not as a mistake in a
source's SQL or in `warehouse:`. Reads need no write access: a workspace folder nobody may write to still
validates and computes.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import duckdb
import ibis
import pytest

from kpilot import Workspace
from kpilot.errors import InternalError, WarehouseError
from kpilot.i18n import Language, Raw
from kpilot.warehouse.connection import Warehouse
from kpilot.warehouse.failures import masked, open_failure
from tests.security.warehouse_support import AD_PERFORMANCE, kpilot, sql_source
from tests.support import make_workspace, rows, write_workspace

PASSWORD = "s3cr3t-Pa55"
DEFINITIONS = sql_source("select day, clicks from ad_performance")
VENV_KPILOT = Path(sys.executable).parent / "kpilot"


# --- passwords ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        pytest.param(f"postgresql://kpilot_user:{PASSWORD}@127.0.0.1:1/analytics", id="refused"),
        pytest.param(f"postgresql://postgres:{PASSWORD}@127.0.0.1:5432/kpilot_no_such_database", id="no-database"),
        pytest.param(f"postgresql://kpilot_user:{PASSWORD}@127.0.0.1:notaport/analytics", id="bad-port"),
        pytest.param(f"postgresql://kpilot_user:{PASSWORD}@127.0.0.1:5432/analytics?sslmode=bogus", id="bad-option"),
        pytest.param(f"mysql://kpilot_user:{PASSWORD}@127.0.0.1/analytics", id="not-postgres"),
    ],
)
def test_a_password_in_the_url_never_shows(tmp_path: Path, capsys: pytest.CaptureFixture[str], url: str) -> None:
    root = tmp_path / "ws"
    write_workspace(root, DEFINITIONS, warehouse=f'"{url}"')
    for command in (["validate"], ["compute", "clicks"], ["sql", "clicks"]):
        code, text = kpilot(capsys, *command, "-w", str(root))
        assert code == 1, (command, text)
        assert PASSWORD not in text
        assert "kpilot_user:***@" in text or "postgres:***@" in text, text


def test_a_percent_encoded_password_is_masked_in_both_spellings(tmp_path: Path) -> None:
    # libpq decodes %40 to @: a message may carry either spelling.
    warehouse = Warehouse("postgresql://kpilot_user:pa%40ss-word@127.0.0.1:1/analytics", tmp_path)
    with pytest.raises(WarehouseError) as caught:
        warehouse.connect()
    text = str(caught.value)
    assert "pa%40ss-word" not in text
    assert "pa@ss-word" not in text
    assert "kpilot_user:***@127.0.0.1:1/analytics" in text
    assert repr(warehouse) == "Warehouse('postgresql://kpilot_user:***@127.0.0.1:1/analytics')"


def test_masking_covers_urls_and_connection_strings() -> None:
    text = "connect postgresql://ann:pw1234@db/x failed; dsn: host=db user=ann password='pw 1234' dbname=x"
    assert masked(text, ["pw1234"]) == (
        "connect postgresql://ann:***@db/x failed; dsn: host=db user=ann password=*** dbname=x"
    )
    assert masked("user=ann password=pw1234 host=db") == "user=ann password=*** host=db"
    assert masked("the password pw1234 was wrong", ["pw1234"]) == "the password *** was wrong"


def test_a_connection_failure_keeps_the_drivers_error_as_its_cause(tmp_path: Path) -> None:
    import psycopg

    with pytest.raises(WarehouseError) as caught:
        Warehouse(f"postgresql://kpilot_user:{PASSWORD}@127.0.0.1:1/analytics", tmp_path).connect()
    assert isinstance(caught.value.__cause__, psycopg.OperationalError)
    assert caught.value.hint is not None
    assert "server is running" in str(caught.value.hint)


# --- DuckDB: locks, permissions, files that are not databases ----------------------------------------------------


@pytest.fixture
def duckdb_workspace(tmp_path: Path) -> Path:
    make_workspace(tmp_path / "ws", DEFINITIONS, {"ad_performance": AD_PERFORMANCE}).close()
    return tmp_path / "ws"


@pytest.fixture
def holder(duckdb_workspace: Path) -> Iterator[subprocess.Popen[str]]:
    """Another program (a notebook, say) holding the workspace's DuckDB file open for writing."""
    script = "import duckdb, sys, time; con = duckdb.connect(sys.argv[1]); print('ready', flush=True); time.sleep(120)"
    process = subprocess.Popen(
        [sys.executable, "-c", script, str(duckdb_workspace / "warehouse.duckdb")], stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "ready"
        yield process
    finally:
        process.kill()
        process.wait()


def test_a_file_locked_by_another_program_is_reported_as_such(
    duckdb_workspace: Path, holder: subprocess.Popen[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "more.csv"
    data.write_text("day,clicks\n2025-03-01,1\n")
    commands = (
        ["validate"],
        ["compute", "clicks"],
        ["sql", "clicks"],
        ["ingest", str(data), "--table", "more", "--wait", "0"],
    )
    for command in commands:
        code, text = kpilot(capsys, *command, "-w", str(duckdb_workspace))
        assert code == 1, (command, text)
        assert f"the warehouse file '{duckdb_workspace / 'warehouse.duckdb'}' is in use by another process" in text
        assert f"(PID {holder.pid})" in text
        assert "close the program holding it" in text
        assert "read_only=True" in text
        assert "rejected its sql" not in text
        assert "warehouse:" not in text


def test_permission_errors_name_the_file_and_the_cause(tmp_path: Path) -> None:
    # As root, chmod does not stop kpilot: the message is checked on DuckDB's own error.
    path = tmp_path / "warehouse.duckdb"
    error = duckdb.IOException(f'IO Error: Cannot open file "{path}": Permission denied')
    failure = open_failure(str(path), path, Raw(str(error)), error)
    assert failure.code == "warehouse.file_permission_denied"
    assert str(failure.message) == f"cannot open the warehouse file '{path}': permission denied"
    assert failure.hint is not None
    assert "read permission on the file" in str(failure.hint)
    assert "warehouse:" not in str(failure.hint)


# What each language says about a lock: the file, the program and its PID, and what to do (close it, or open it
# read-only); the program's path and the Python call stay as they are.
LOCK_WORDS = {
    Language.EN: ("is in use by another process", "close the program holding it"),
    Language.IT: ("è in uso da parte di un altro processo", "chiudi il programma che lo tiene aperto"),
    Language.PL: ("jest używany przez inny proces", "zamknij program, który go trzyma"),
    Language.ZH: ("正被另一个进程使用", "请关闭占用它的程序"),
}


@pytest.mark.parametrize("language", list(Language))
def test_a_lock_is_told_and_what_to_do_in_every_language(tmp_path: Path, language: Language) -> None:
    path = tmp_path / "warehouse.duckdb"
    error = duckdb.IOException(
        f'IO Error: Could not set lock on file "{path}": Conflicting lock is held in /usr/bin/python3.11 (PID 12345)'
        " by user ann. See also https://duckdb.org/docs/stable/connect/concurrency"
    )
    failure = open_failure(str(path), path, Raw(str(error)), error)
    assert failure.code == "warehouse.file_in_use"
    what, to_do = LOCK_WORDS[language]
    text = failure.describe(language)
    assert f"'{path}'" in text
    assert "/usr/bin/python3.11" in text
    assert "(PID 12345)" in text or "（PID 12345）" in text  # the PID as ps shows it, never 12,345
    assert what in text
    assert to_do in text
    assert "duckdb.connect(path, read_only=True)" in text


def test_a_file_that_is_not_a_database(duckdb_workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (duckdb_workspace / "warehouse.duckdb").write_bytes(b"this is a spreadsheet, not a database" * 200)
    code, text = kpilot(capsys, "validate", "-w", str(duckdb_workspace))
    assert code == 1
    assert f"'{duckdb_workspace / 'warehouse.duckdb'}' is not a DuckDB database file" in text


def test_a_read_creates_no_database_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "ws"
    write_workspace(root, DEFINITIONS)
    code, text = kpilot(capsys, "validate", "-w", str(root))
    assert code == 1
    assert "source 'ads': the warehouse rejected its sql" in text  # an empty warehouse: no such table
    assert not (root / "warehouse.duckdb").exists()


def test_reads_open_the_file_read_only(duckdb_workspace: Path) -> None:
    with Workspace(duckdb_workspace) as ws:
        raw = ws.warehouse.con.con
        assert raw.execute("select current_setting('access_mode')").fetchone() == ("read_only",)
        assert rows(ws.compute(["clicks"], grain="month")) == [(date(2025, 1, 1), 80), (date(2025, 2, 1), 20)]


def test_one_program_cannot_hold_the_file_in_both_modes(duckdb_workspace: Path) -> None:
    with Workspace(duckdb_workspace) as reader, Workspace(duckdb_workspace) as writer:
        reader.warehouse.connect()
        with (
            pytest.raises(WarehouseError, match="already open in this program in the other mode"),
            writer.warehouse.writable(),
        ):
            pass


def test_two_workspaces_on_one_folder_read_at_once(duckdb_workspace: Path) -> None:
    with Workspace(duckdb_workspace) as first, Workspace(duckdb_workspace) as second:
        expected = [(date(2025, 1, 1), 80), (date(2025, 2, 1), 20)]
        assert rows(first.compute(["clicks"], grain="month")) == expected
        assert rows(second.compute(["clicks"], grain="month")) == expected


def test_one_file_cannot_serve_two_workspaces_with_other_folders_at_once(tmp_path: Path) -> None:
    # DuckDB shares one database per file in a program, and its file fence with it: a second workspace on the same
    # file, with another workspace folder, would read with the first one's folders.
    shared = tmp_path / "shared.duckdb"
    first = make_workspace(tmp_path / "first", DEFINITIONS, {"ad_performance": AD_PERFORMANCE}, warehouse=str(shared))
    write_workspace(tmp_path / "second", DEFINITIONS, warehouse=str(shared))
    with first, Workspace(tmp_path / "second") as second:
        first.warehouse.connect()
        with pytest.raises(WarehouseError, match="already open in this program with other allowed folders"):
            second.warehouse.connect()
    with Workspace(tmp_path / "second") as second:  # once the first is closed, the second opens
        assert rows(second.compute(["clicks"], grain="month")) == [(date(2025, 1, 1), 80), (date(2025, 2, 1), 20)]


# --- not a database error: a bug -----------------------------------------------------------------------------------


def test_anything_but_a_driver_error_is_an_internal_error(
    duckdb_workspace: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("kpilot passed the wrong argument")

    monkeypatch.setattr(ibis.duckdb, "connect", broken)
    with Workspace(duckdb_workspace) as ws, pytest.raises(InternalError) as caught:
        ws.compute(["clicks"])
    assert isinstance(caught.value.__cause__, RuntimeError)
    code, text = kpilot(capsys, "compute", "clicks", "-w", str(duckdb_workspace))
    assert code == 2
    assert "internal error (a bug in kpilot, not in your input)" in text


# --- a workspace folder nobody may write to ------------------------------------------------------------------------


@pytest.fixture
def read_only_workspace() -> Iterator[Path]:
    """A workspace in a folder (and a DuckDB file) without write permission, readable by everyone."""
    base = Path(tempfile.mkdtemp(prefix="kpilot-read-only-"))
    try:
        base.chmod(0o755)
        root = base / "ws"
        make_workspace(root, DEFINITIONS, {"ad_performance": AD_PERFORMANCE}).close()
        for path in [root, *root.rglob("*")]:
            path.chmod(0o555 if path.is_dir() else 0o444)
        yield root
    finally:
        for path in [base, *base.rglob("*")]:
            path.chmod(0o755)
        shutil.rmtree(base)


def as_nobody(*args: str) -> subprocess.CompletedProcess[str]:
    """Run kpilot as the unprivileged user `nobody` (root ignores file permissions, so the test needs one)."""
    command = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", str(VENV_KPILOT), *args]
    return subprocess.run(
        command, capture_output=True, text=True, timeout=120, check=False, env=os.environ | {"HOME": "/"}
    )


needs_nobody: Callable[[Callable[..., None]], Callable[..., None]] = pytest.mark.skipif(
    not (hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("setpriv")),
    reason="needs root and setpriv to run kpilot as an unprivileged user",
)


@needs_nobody
def test_a_read_only_workspace_still_validates_and_computes(read_only_workspace: Path) -> None:
    root = str(read_only_workspace)
    validated = as_nobody("validate", "-w", root)
    assert (validated.returncode, validated.stdout.strip()) == (0, "OK: 1 source(s), 1 KPI(s)"), validated.stderr
    computed = as_nobody("compute", "clicks", "-w", root, "--format", "csv")
    assert computed.returncode == 0, computed.stderr
    assert computed.stdout == "period,clicks,partial\n2025-01-01,80,false\n2025-02-01,20,false\n"
    shown = as_nobody("sql", "clicks", "-w", root)
    assert shown.returncode == 0, shown.stderr
    assert not (read_only_workspace / "warehouse.duckdb.wal").exists()


@needs_nobody
def test_writing_to_a_read_only_workspace_names_the_file(read_only_workspace: Path) -> None:
    data = Path(tempfile.mkdtemp(prefix="kpilot-data-")) / "more.csv"
    try:
        data.parent.chmod(0o755)
        data.write_text("day,clicks\n2025-03-01,1\n")
        data.chmod(0o644)
        ingested = as_nobody("ingest", str(data), "--table", "more", "-w", str(read_only_workspace))
    finally:
        shutil.rmtree(data.parent)
    assert ingested.returncode == 1
    path = read_only_workspace / "warehouse.duckdb"
    assert f"cannot open the warehouse file '{path}': permission denied" in ingested.stderr
    assert "write permission" in ingested.stderr
    assert "warehouse:" not in ingested.stderr


@needs_nobody
def test_an_unreadable_database_file_names_the_file(read_only_workspace: Path) -> None:
    path = read_only_workspace / "warehouse.duckdb"
    read_only_workspace.chmod(0o755)
    path.chmod(0o000)
    validated = as_nobody("validate", "-w", str(read_only_workspace))
    assert validated.returncode == 1
    assert f"cannot open the warehouse file '{path}': permission denied" in validated.stderr
    assert "read permission on the file" in validated.stderr
    assert "rejected its sql" not in validated.stderr
