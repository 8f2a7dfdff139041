"""`memory_limit`, `threads` and `temp_directory` in kpilot.yaml: applied to DuckDB when it starts (on the fenced
read-only connection and on the writable one), refused with their place in the file when they are wrong, and a query
that needs more memory than the limit spills to the folder instead of failing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kpilot import ValidationFailed, Workspace
from kpilot.definitions.loader import load_settings


def workspace(root: Path, extra: str) -> Workspace:
    Workspace.init(root).close()
    with (root / "kpilot.yaml").open("a", encoding="utf-8") as handle:
        handle.write(extra)
    return Workspace(root)


def settings_of(raw: Any) -> tuple[Any, ...]:
    row = raw.execute(
        "SELECT current_setting('memory_limit'), current_setting('threads'), current_setting('temp_directory')"
    ).fetchone()
    return tuple(row)


def test_the_settings_reach_duckdb_on_both_connections(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    with workspace(root, "memory_limit: 512MiB\nthreads: 1\ntemp_directory: scratch/spill\n") as ws:
        # 512 MiB is what DuckDB shows for 512 * 1024^2 bytes; the folder is relative to the workspace.
        expected = ("512.0 MiB", 1, str((root / "scratch" / "spill").absolute()))
        assert settings_of(ws.warehouse.con.con) == expected
        with ws.warehouse.writable() as con:
            assert settings_of(con.con) == expected
        # The spill folder is one DuckDB may use, and the configuration is still locked against change.
        raw = ws.warehouse.con.con
        (allowed,) = raw.execute("SELECT current_setting('allowed_directories')").fetchone()
        assert str((root / "scratch" / "spill").absolute()) + "/" in allowed
        with pytest.raises(Exception, match="locked"):
            raw.execute("SET memory_limit = '64GB'")


def test_by_default_duckdb_spills_inside_the_workspace(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    with workspace(root, "") as ws:
        _, _, spill = settings_of(ws.warehouse.con.con)
    assert spill == str((root / ".kpilot" / "spill").absolute())


def test_an_absolute_spill_folder(tmp_path: Path) -> None:
    elsewhere = tmp_path / "big-disk" / "kpilot-spill"
    with workspace(tmp_path / "ws", f"temp_directory: {elsewhere}\n") as ws:
        assert settings_of(ws.warehouse.con.con)[2] == str(elsewhere)
    assert (tmp_path / "big-disk").is_dir()  # its parent is made; DuckDB makes the folder itself when it spills


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("memory_limit: lots", "memory_limit 'lots' is not an amount of memory"),
        ("memory_limit: 80%", "memory_limit '80%' is not an amount of memory"),
        ("memory_limit: 2", "'memory_limit': 2 is not text"),  # a number alone: no unit
        ("memory_limit: 10MB", "memory_limit '10MB' is too small for DuckDB to run a query; give at least 16MB"),
        ("threads: 0", "'threads': 0 must be at least 1"),
        ("temp_directory: ~/spill", "temp_directory '~/spill' must be a local folder's path"),
        ("temp_directory: s3://bucket/spill", "temp_directory 's3://bucket/spill' must be a local folder's path"),
        ("temp_directory: /", "allowed path '/' would open every file to the definitions"),
    ],
)
def test_bad_values_are_refused_at_their_line(tmp_path: Path, line: str, expected: str) -> None:
    root = tmp_path / "ws"
    root.mkdir()
    (root / "kpilot.yaml").write_text(f"name: shop\n{line}\n", encoding="utf-8")
    with pytest.raises(ValidationFailed) as raised:
        load_settings(root)
    text = str(raised.value)
    assert expected in text
    assert "kpilot.yaml:2:" in text


def test_the_settings_are_refused_for_a_server_warehouse(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    root.mkdir()
    (root / "kpilot.yaml").write_text(
        "warehouse: postgresql://127.0.0.1/analytics\nthreads: 4\nmemory_limit: 2GB\n", encoding="utf-8"
    )
    with pytest.raises(ValidationFailed) as raised:
        load_settings(root)
    text = str(raised.value)
    assert "kpilot.yaml:2:" in text
    assert "kpilot.yaml:3:" in text
    assert "'threads' sets the embedded DuckDB warehouse" in text
    assert "'memory_limit' sets the embedded DuckDB warehouse" in text


def test_a_query_bigger_than_the_limit_spills_instead_of_failing(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    rows, groups = 2_000_000, 1_000_000
    with workspace(root, "memory_limit: 16MB\nthreads: 1\n") as ws:
        with ws.warehouse.writable() as con:
            con.con.execute(f"CREATE TABLE numbers AS SELECT i, i % {groups} AS g FROM range({rows}) AS r(i)")
        spill = root / ".kpilot" / "spill"
        assert not spill.exists()
        # A million groups, each keeping the list of its values: far more than 16 MB of hash table, on the fenced
        # read-only connection.
        counted = ws.warehouse.con.con.execute(
            "SELECT count(*), sum(n), sum(total) FROM "
            "(SELECT g, count(*) AS n, sum(i) AS total, list(i) AS members FROM numbers GROUP BY g)"
        ).fetchone()
        # By hand: every row in one of the groups, and 0 + 1 + ... + (rows - 1) = rows * (rows - 1) / 2.
        assert counted == (groups, rows, rows * (rows - 1) // 2)
        assert spill.is_dir()  # DuckDB made it: it wrote what did not fit there
    assert not spill.exists()  # and removed it when the connection closed
