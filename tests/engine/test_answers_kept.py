"""Answers kept in memory (Workspace._answers, warehouse.data_version): a repeated request is served without asking
the warehouse, and no kept answer is ever served once what decided it changed: a load into its table (by this
process or another), a write kpilot did not make, a file source's file, the definitions, the scope, the reader.

Expected values are sums worked out by hand from the rows each test writes, or read back from the table with plain
SQL (the random sequences)."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kpilot import Workspace
from kpilot.auth.actor import Actor
from kpilot.semantic.resolve import SemanticModel
from kpilot.services.ingest import ingest_local_file
from tests.security.recording import record
from tests.support import make_workspace, rows

TODAY = date(2025, 6, 15)
ORDERS = {
    "day": [date(2025, 1, 5), date(2025, 2, 3), date(2025, 3, 9), date(2025, 3, 30)],
    "team": ["north", "south", "north", "south"],
    "amount": [10, 40, 80, 160],
}
ADS = {"day": [date(2025, 2, 1), date(2025, 3, 1)], "cost": [4.0, 10.0]}
DEFINITIONS = """
sources:
  - name: orders
    table: orders
    time: day
    dimensions: [team]
    measures:
      - {name: revenue, agg: sum, expr: amount}
  - name: ads
    table: ads
    time: day
    measures:
      - {name: cost, agg: sum, expr: cost}
  - name: visits
    file: visits/*.csv
    time: day
    measures:
      - {name: visits, agg: sum, expr: n}
kpis:
  - {name: revenue, formula: revenue}
  - {name: cost, formula: cost}
  - {name: visits, formula: visits}
"""
# The same without the file source (a PostgreSQL warehouse reads no files)
WITHOUT_FILES = (
    DEFINITIONS.split("  - name: visits")[0]
    + "kpis:\n  - {name: revenue, formula: revenue}\n  - {name: cost, formula: cost}\n"
)
MONTHS = [date(2025, 1, 1), date(2025, 2, 1), date(2025, 3, 1)]


@pytest.fixture
def ws(tmp_path: Path) -> Any:
    (tmp_path / "ws" / "visits").mkdir(parents=True)
    (tmp_path / "ws" / "visits" / "a.csv").write_text("day,n\n2025-03-02,5\n")
    workspace = make_workspace(tmp_path / "ws", DEFINITIONS, {"orders": ORDERS, "ads": ADS})
    yield workspace
    workspace.close()


def computations(log: list[str]) -> list[str]:
    """The statements that computed KPIs (not the reads of tables' columns or of the data's versions)."""
    return [statement for statement in log if statement.lstrip().upper().startswith("WITH")]


def monthly(ws: Workspace, kpi: str, **asked: Any) -> list[tuple[Any, ...]]:
    return rows(ws.compute([kpi], grain="month", start="2025-01-01", end="2025-03-31", today=TODAY, **asked))


def load(ws: Workspace, folder: Path, table: str, csv: str) -> None:
    """Append rows to a table as `kpilot ingest` does."""
    path = folder / f"{table}-{len(list(folder.glob('*.csv')))}.csv"
    path.write_text(csv)
    # again: a random sequence may load the same rows twice, which is then what the table holds
    ingest_local_file(ws, Actor.operator(), path, table, now=datetime.now(UTC), again=True)


def test_a_repeated_request_is_answered_from_memory(ws: Workspace) -> None:
    first = ws.compute(["revenue"], grain="month", today=TODAY)
    log = record(ws)
    again = ws.compute(["revenue"], grain="month", today=TODAY)
    assert computations(log) == []
    assert again.equals(first)
    assert rows(again) == [(MONTHS[0], 10), (MONTHS[1], 40), (MONTHS[2], 240)]


def test_a_load_changes_the_answers_over_its_table_and_no_other(ws: Workspace, tmp_path: Path) -> None:
    assert monthly(ws, "revenue") == [(MONTHS[0], 10), (MONTHS[1], 40), (MONTHS[2], 240)]
    assert monthly(ws, "cost") == [(MONTHS[0], 0), (MONTHS[1], 4.0), (MONTHS[2], 10.0)]
    load(ws, tmp_path, "orders", "day,team,amount\n2025-03-15,north,1000\n")
    log = record(ws)
    assert monthly(ws, "revenue") == [(MONTHS[0], 10), (MONTHS[1], 40), (MONTHS[2], 1240)]
    assert monthly(ws, "cost") == [(MONTHS[0], 0), (MONTHS[1], 4.0), (MONTHS[2], 10.0)]
    (computed,) = computations(log)  # the revenue: the cost's table was not touched, its answer is kept
    assert '"orders"' in computed
    assert '"ads"' not in computed
    load(ws, tmp_path, "ads", "day,cost\n2025-01-20,2.5\n")
    log = record(ws)
    assert monthly(ws, "cost") == [(MONTHS[0], 2.5), (MONTHS[1], 4.0), (MONTHS[2], 10.0)]
    assert monthly(ws, "revenue") == [(MONTHS[0], 10), (MONTHS[1], 40), (MONTHS[2], 1240)]
    (computed,) = computations(log)
    assert '"ads"' in computed
    assert '"orders"' not in computed


def test_a_write_kpilot_did_not_make_changes_every_answer(ws: Workspace, tmp_path: Path) -> None:
    assert monthly(ws, "revenue")[2] == (MONTHS[2], 240)
    assert monthly(ws, "cost")[2] == (MONTHS[2], 10.0)
    with ws.warehouse.writable() as con:  # as another tool writes the file: no ingest log entry
        con.raw_sql("INSERT INTO ads VALUES (DATE '2025-03-20', 1.5)")
    log = record(ws)
    assert monthly(ws, "cost")[2] == (MONTHS[2], 11.5)
    assert monthly(ws, "revenue")[2] == (MONTHS[2], 240)
    assert len(computations(log)) == 2  # kpilot cannot tell what the write touched: both are computed again
    # A load after it is explained by the log again: only what it touched is computed.
    load(ws, tmp_path, "orders", "day,team,amount\n2025-03-15,north,5\n")
    log = record(ws)
    assert monthly(ws, "cost")[2] == (MONTHS[2], 11.5)
    assert monthly(ws, "revenue")[2] == (MONTHS[2], 245)
    assert len(computations(log)) == 1


def test_a_load_by_another_process_is_seen(ws: Workspace, tmp_path: Path) -> None:
    assert monthly(ws, "revenue")[2] == (MONTHS[2], 240)
    ws.warehouse.close()  # as a server lets the file go between requests
    path = tmp_path / "more.csv"
    path.write_text("day,team,amount\n2025-03-15,south,7\n")
    command = [
        str(Path(sys.executable).with_name("kpilot")),
        "ingest",
        str(path),
        "--table",
        "orders",
        "-w",
        str(ws.root),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert monthly(ws, "revenue")[2] == (MONTHS[2], 247)


def test_a_file_source_is_versioned_by_its_files(ws: Workspace) -> None:
    assert monthly(ws, "visits")[2] == (MONTHS[2], 5)
    (ws.root / "visits" / "a.csv").write_text("day,n\n2025-03-02,5\n2025-03-03,12\n")
    assert monthly(ws, "visits")[2] == (MONTHS[2], 17)


def test_a_scope_or_a_reader_is_a_different_answer(ws: Workspace) -> None:
    assert monthly(ws, "revenue")[2] == (MONTHS[2], 240)
    assert monthly(ws, "revenue", scope={"team": "north"})[2] == (MONTHS[2], 80)
    assert monthly(ws, "revenue", scope={"team": "south"})[2] == (MONTHS[2], 160)
    assert monthly(ws, "revenue", access=[{"team": "south"}])[2] == (MONTHS[2], 160)
    assert monthly(ws, "revenue")[2] == (MONTHS[2], 240)


def test_edited_definitions_are_a_different_answer(ws: Workspace) -> None:
    assert monthly(ws, "revenue")[2] == (MONTHS[2], 240)
    before = ws.definitions
    edited = before.model_copy(
        update={"kpis": tuple(k.model_copy(update={"formula": f"{k.formula} * 2"}) for k in before.kpis)}
    )
    ws.definitions, ws.model = edited, SemanticModel(edited)  # as a workspace loaded from edited files has them
    assert monthly(ws, "revenue")[2] == (MONTHS[2], 480)
    ws.definitions, ws.model = before, SemanticModel(before)
    assert monthly(ws, "revenue")[2] == (MONTHS[2], 240)


def test_postgresql_answers_are_not_kept(workspace_factory: Any, backend: str) -> None:
    ws = workspace_factory(WITHOUT_FILES, {"orders": ORDERS, "ads": ADS})
    ws.compute(["revenue"], today=TODAY)
    log = record(ws)
    ws.compute(["revenue"], today=TODAY)
    assert len(computations(log)) == (1 if "://" in backend else 0)


OPERATIONS = st.lists(
    st.one_of(
        st.tuples(st.just("compute"), st.sampled_from(["revenue", "cost"]), st.sampled_from([None, "north", "south"])),
        st.tuples(st.just("load"), st.sampled_from(["orders", "ads"]), st.integers(1, 500)),
        st.tuples(st.just("write"), st.sampled_from(["orders", "ads"]), st.integers(1, 500)),
    ),
    min_size=1,
    max_size=6,
)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations=OPERATIONS)
def test_no_sequence_of_loads_and_writes_serves_a_stale_answer(
    tmp_path_factory: pytest.TempPathFactory, operations: list[tuple[str, str, Any]]
) -> None:
    root = tmp_path_factory.mktemp("sequence")
    ws = make_workspace(root / "ws", WITHOUT_FILES, {"orders": ORDERS, "ads": ADS})
    try:
        for operation, name, value in [("compute", "revenue", None), *operations, ("compute", "cost", None)]:
            if operation == "load":
                csv = (
                    f"day,team,amount\n2025-03-15,north,{value}\n"
                    if name == "orders"
                    else f"day,cost\n2025-03-15,{value}\n"
                )
                load(ws, root, name, csv)
            elif operation == "write":
                values = (
                    f"(DATE '2025-03-16', 'south', {value})" if name == "orders" else f"(DATE '2025-03-16', {value})"
                )
                with ws.warehouse.writable() as con:
                    con.raw_sql(f"INSERT INTO {name} VALUES {values}")
            else:
                scope = {"team": value} if value is not None and name == "revenue" else None
                assert monthly(ws, name, scope=scope)[2] == (MONTHS[2], _march(ws, name, value))
    finally:
        ws.close()


def _march(ws: Workspace, kpi: str, team: str | None) -> Any:
    """March's value read back from the table with plain SQL."""
    table, column = ("orders", "amount") if kpi == "revenue" else ("ads", "cost")
    where = f" AND team = '{team}'" if team is not None and kpi == "revenue" else ""
    sql = f"SELECT coalesce(sum({column}), 0) FROM {table} WHERE day >= DATE '2025-03-01' AND day < DATE '2025-04-01'"
    (value,) = ws.warehouse.con.con.execute(sql + where).fetchone()
    return value
