"""A `sql:` source is exactly one read-only query: anything else is refused before it reaches the warehouse.

Each attack is tried through `kpilot validate`, `kpilot sql` and `kpilot compute` on DuckDB and PostgreSQL; after
all three the table is still there with its three rows, nothing was written, and each command said where the
source is and what is refused (exit code 1).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from kpilot import Workspace
from kpilot.definitions.model import Source
from kpilot.errors import Location, WarehouseError
from kpilot.warehouse.folders import Folders
from kpilot.warehouse.sql_guard import checked_sql
from tests.security.warehouse_support import AD_PERFORMANCE, ad_rows, kpilot, sql_source
from tests.support import rows

Factory = Callable[..., Workspace]

ATTACKS = [
    pytest.param("select * from ad_performance; drop table ad_performance", "holds 2 statements", id="then-drop"),
    pytest.param("select * from ad_performance;\ndelete from ad_performance", "holds 2 statements", id="then-delete"),
    pytest.param("drop table ad_performance", "is a DROP statement", id="drop"),
    pytest.param("update ad_performance set clicks = 0", "is an UPDATE statement", id="update"),
    pytest.param("insert into ad_performance select * from ad_performance", "is an INSERT statement", id="insert"),
    pytest.param(
        "with gone as (delete from ad_performance returning *) select * from gone",
        "contains a DELETE statement",
        id="delete-in-with",
    ),
    pytest.param(
        "with more as (insert into ad_performance select * from ad_performance returning *) select * from more",
        "contains an INSERT statement",
        id="insert-in-with",
    ),
    pytest.param(
        "select * from ad_performance; copy ad_performance to 'stolen.csv'", "holds 2 statements", id="then-copy"
    ),
    pytest.param("copy ad_performance to 'stolen.csv'", "is a COPY statement", id="copy"),
    pytest.param(
        "select * from ad_performance; attach 'stolen.duckdb' as other",
        {"duckdb": "holds 2 statements", "postgres": "does not parse as postgres SQL"},  # not PostgreSQL's SQL
        id="then-attach",
    ),
    pytest.param(
        "attach 'stolen.duckdb' as other",
        {"duckdb": "is an ATTACH statement", "postgres": "does not parse as postgres SQL"},
        id="attach",
    ),
    pytest.param("select * from ad_performance; install httpfs", "holds 2 statements", id="then-install"),
    pytest.param("install httpfs", "is an INSTALL statement", id="install"),
    pytest.param("load httpfs", "is a LOAD statement", id="load"),
    pytest.param("pragma database_list", "is a PRAGMA statement", id="pragma"),
    pytest.param("set threads = 1", "is a SET statement", id="set"),
    pytest.param("call pragma_version()", "is a CALL statement", id="call"),
    pytest.param("checkpoint", "is a CHECKPOINT statement", id="checkpoint"),
    pytest.param("select * into stolen from ad_performance", "creates a table (SELECT INTO)", id="select-into"),
    pytest.param("select * from ad_performance for update", "locks rows", id="for-update"),
    pytest.param(
        "select day, clicks, set_config('default_transaction_read_only', 'off', false) as x from ad_performance",
        "calls set_config(), which changes the session's settings",
        id="set-config",
    ),
    pytest.param(
        "select * from query('drop table ad_performance')", "calls query(), which runs SQL given as text", id="query"
    ),
    pytest.param(
        "select day, clicks, query_to_xml('delete from ad_performance', true, true, '') as x from ad_performance",
        "calls query_to_xml(), which runs SQL given as text",
        id="query-to-xml",
    ),
    pytest.param("select day, clicks, nextval('counter') as x from ad_performance", "calls nextval()", id="nextval"),
]


@pytest.mark.parametrize(("sql", "refusal"), ATTACKS)
def test_anything_but_one_query_is_refused_and_nothing_runs(
    workspace_factory: Factory,
    backend: str,
    capsys: pytest.CaptureFixture[str],
    sql: str,
    refusal: str | dict[str, str],
) -> None:
    if isinstance(refusal, dict):
        refusal = refusal["postgres" if "://" in backend else "duckdb"]
    ws = workspace_factory(sql_source(sql), {"ad_performance": AD_PERFORMANCE})
    root = ws.root
    ws.close()
    for command in (["validate"], ["sql", "clicks"], ["compute", "clicks"]):
        code, text = kpilot(capsys, *command, "-w", str(root))
        assert code == 1, (command, text)
        # Where (the sql: value in the file), what and why.
        assert "definitions/main.yaml:4:10" in text, (command, text)
        assert f"source 'ads': its sql {refusal}" in text, (command, text)
    assert ad_rows(backend, root) == 3
    assert ad_rows(backend, root, "stolen") is None
    assert not (root / "stolen.csv").exists()
    assert not (root / "stolen.duckdb").exists()


def test_the_refusal_comes_before_any_connection(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # A warehouse that cannot be reached: the refusal of the sql is reported, not the connection.
    from tests.support import write_workspace

    root = tmp_path / "ws"
    write_workspace(root, sql_source("drop table ad_performance"), warehouse="postgresql://nobody@127.0.0.1:1/none")
    with Workspace(root) as ws, pytest.raises(WarehouseError, match="is a DROP statement") as caught:
        ws.compute(["clicks"])
    assert "127.0.0.1" not in str(caught.value)


@pytest.mark.parametrize("dialect", ["duckdb", "postgres"])
@pytest.mark.parametrize(
    ("sql", "problem"),
    [
        ("select from where", "does not parse as"),
        ("", "is empty"),
        ("-- only a comment", "is empty"),
        ("values (1, 2)", "is a VALUES statement, not a query"),
        ("select 1; \0", "contains a NUL character (\\0)"),  # YAML cannot hold one; Python callers can
        ("explain analyze delete from ad_performance", "is an EXPLAIN statement"),
    ],
)
def test_what_is_not_a_query_is_named(tmp_path: Path, dialect: str, sql: str, problem: str) -> None:
    source = Source(name="ads", sql=sql, locations={"sql": Location("definitions/main.yaml", 4, 10)})
    with pytest.raises(WarehouseError) as caught:
        checked_sql(source, dialect, Folders.of(tmp_path))
    assert caught.value.location == Location("definitions/main.yaml", 4, 10)
    assert str(caught.value.message).startswith(f"source 'ads': its sql {problem}")
    assert str(caught.value.hint)


@pytest.mark.parametrize("dialect", ["duckdb", "postgres"])
def test_what_runs_is_the_checked_query_as_sqlglot_writes_it(tmp_path: Path, dialect: str) -> None:
    # A trailing ';' and comments go; the query itself is the same.
    source = Source(name="ads", sql="select day, clicks -- the clicks\nfrom ad_performance where channel = 'a''b';")
    checked = checked_sql(source, dialect, Folders.of(tmp_path))
    assert checked == "SELECT day, clicks /* the clicks */ FROM ad_performance WHERE channel = 'a''b'"


# Fails when it runs (division by zero, error()), not when it is described: validate and sql must not run it.
FAILS_WHEN_RUN = {
    "duckdb": "select day, clicks, error('it ran') as boom from ad_performance",
    "postgres": "select day, clicks, 1 / (clicks - clicks) as boom from ad_performance",
}


def test_validate_and_sql_only_describe_the_query(
    workspace_factory: Factory, backend: str, capsys: pytest.CaptureFixture[str]
) -> None:
    kind = "postgres" if "://" in backend else "duckdb"
    ws = workspace_factory(sql_source(FAILS_WHEN_RUN[kind], measure="boom"), {"ad_performance": AD_PERFORMANCE})
    root = ws.root
    ws.close()
    code, text = kpilot(capsys, "validate", "-w", str(root))
    assert (code, text.strip()) == (0, "OK: 1 source(s), 1 KPI(s)")
    code, text = kpilot(capsys, "sql", "boom", "-w", str(root))
    assert code == 0
    assert "boom" in text
    code, text = kpilot(capsys, "compute", "boom", "-w", str(root))
    assert code == 1
    assert "the warehouse could not compute the request" in text


SAFE = """\
with monthly as (
  select day, channel, clicks from ad_performance where channel = 'search'
  union all
  select day, channel, clicks from ad_performance where channel <> 'search'
)
select m.day, m.clicks, c.weight
from monthly m join (select 'search' as channel, 2 as weight union all select 'social', 1) c
  on c.channel = m.channel
"""


def test_a_query_with_ctes_unions_and_joins_still_computes(workspace_factory: Factory) -> None:
    ws = workspace_factory(sql_source(SAFE), {"ad_performance": AD_PERFORMANCE})
    # January 50 + 30, February 20: every row comes through the union once.
    assert rows(ws.compute(["clicks"], grain="month")) == [(date(2025, 1, 1), 80), (date(2025, 2, 1), 20)]
    assert ws.validate() == []


def test_the_computing_connection_is_read_only(workspace_factory: Factory, backend: str) -> None:
    ws = workspace_factory(sql_source("select * from ad_performance"), {"ad_performance": AD_PERFORMANCE})
    con = ws.warehouse.con
    with pytest.raises(Exception, match=r"(?i)read-only|read only"):
        con.raw_sql("CREATE TABLE intruder (a INTEGER)")
    if "://" in backend:
        assert con.raw_sql("SHOW default_transaction_read_only").fetchone() == ("on",)
    ws.close()
    assert ad_rows(backend, ws.root, "intruder") is None


def test_writes_go_through_a_writable_connection_of_their_own(workspace_factory: Factory, backend: str) -> None:
    ws = workspace_factory(sql_source("select * from more"), {"ad_performance": AD_PERFORMANCE})
    assert ws.table_columns("more") is None
    with ws.warehouse.writable() as con:
        con.create_table("more", con.table("ad_performance").filter(lambda t: t.clicks > 25))
    # The read-only connection opens again and sees the new table: January 50 + 30, nothing in February.
    assert rows(ws.compute(["clicks"], grain="month")) == [(date(2025, 1, 1), 80)]


def test_kpilot_ingest_writes_on_both_backends(
    workspace_factory: Factory, backend: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = workspace_factory(sql_source("select * from loaded"), {})
    root = ws.root
    ws.close()
    data = tmp_path / "loaded.csv"
    data.write_text("day,clicks\n2025-03-01,7\n2025-03-02,5\n")
    code, text = kpilot(capsys, "ingest", str(data), "--table", "loaded", "-w", str(root))
    assert (code, text.strip()) == (0, "2 rows created table 'loaded' (2 columns)")
    with Workspace(root) as again:
        assert rows(again.compute(["clicks"], grain="month")) == [(date(2025, 3, 1), 12)]
