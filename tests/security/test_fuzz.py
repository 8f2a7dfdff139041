"""The fuzzing suite: generated formulas, filters, scopes, definitions and `sql:` sources, valid and invalid.

For every generated input it asserts that
- nothing but a UserError comes out (no internal error, no third-party exception),
- nothing but exactly one read-only query reaches the warehouse (every statement is recorded at the driver),
- valid input computes, with the same answer on DuckDB and PostgreSQL, and filters select exactly the rows an
  independent Python reference selects.
The budget is small so that `make test` stays quick; KPILOT_FUZZ_EXAMPLES raises it (docs/security.md).
"""

from __future__ import annotations

import itertools
import math
import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kpilot import Workspace
from kpilot.engine.scope import parse_scope
from kpilot.errors import InternalError, KpilotError, UserError
from tests.conftest import PG_OK
from tests.security import strategies as gen
from tests.security.filters import Filter, filters, scope_as_filter
from tests.security.recording import not_one_query, record
from tests.support import make_workspace, postgres_database, write_workspace

# Hypothesis warns that the nested grammar strategies have a long repr; that is their nature, not a problem.
pytestmark = pytest.mark.filterwarnings("ignore:Generating overly large repr")
EXAMPLES = int(os.environ.get("KPILOT_FUZZ_EXAMPLES", "30"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
)
START, END = date(2025, 1, 1), date(2025, 4, 30)
MONTHS = [date(2025, m, 1) for m in (1, 2, 3, 4)]


class Warehouses:
    """The data loaded once per backend; each example opens a fresh workspace folder on it."""

    def __init__(self, root: Path, targets: dict[str, str]) -> None:
        self.root = root
        self.targets = targets
        self._count = itertools.count()

    def open(self, backend: str, definitions: str) -> Workspace:
        folder = self.root / f"case{next(self._count)}"
        write_workspace(folder, definitions, warehouse=self.targets[backend])
        return Workspace(folder)


@pytest.fixture(scope="module")
def warehouses(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Warehouses]:
    root = tmp_path_factory.mktemp("fuzz")
    targets = {"duckdb": str(root / "fuzz.duckdb")}
    with _postgres() as url:
        if url is not None:
            targets["postgres"] = url
        for backend, target in targets.items():
            make_workspace(root / f"load_{backend}", gen.definitions({}), gen.DATA, warehouse=target).close()
        yield Warehouses(root, targets)


class _NoPostgres:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *details: Any) -> None:
        return None


def _postgres() -> Any:
    return postgres_database() if PG_OK else _NoPostgres()


def _attempt(workspace: Workspace, action: Any) -> tuple[Any, KpilotError | None, list[str]]:
    """Run `action(workspace)` while recording statements; user errors are an outcome, anything else fails."""
    log = record(workspace)
    try:
        return action(workspace), None, log
    except UserError as error:
        return None, error, log
    except InternalError as error:  # the failure this suite exists to find
        pytest.fail(f"internal error: {error}")
    finally:
        workspace.close()


def _assert_only_queries(log: list[str], backend: str) -> None:
    bad = not_one_query(log, backend)
    assert not bad, f"non-query statements reached the warehouse: {bad}"


def _rows(table: Any) -> list[tuple[Any, ...]]:
    """Result rows in a backend-independent order (collations differ), floats rounded for comparison."""
    rows = [tuple(_comparable(v) for v in row.values()) for row in table.to_pylist()]
    return sorted(rows, key=repr)


def _comparable(value: Any) -> Any:
    if isinstance(value, float):
        return None if math.isnan(value) else round(value, 6) + 0.0
    return value


# --- valid KPI formulas: compute on both backends, same answer --------------------------------------------------------


@FUZZ
@given(
    formulas=st.lists(gen.valid_kpi_formulas, min_size=1, max_size=3),
    grain=st.sampled_from(["month", "quarter"]),
    by=st.sampled_from([(), ("channel",), ("channel", "status")]),
)
def test_valid_kpis_compute_alike_on_every_backend(
    warehouses: Warehouses, formulas: list[str], grain: str, by: tuple[str, ...]
) -> None:
    kpis = {f"k{i}": formula for i, formula in enumerate(formulas)}
    results = {}
    for backend in warehouses.targets:
        workspace = warehouses.open(backend, gen.definitions(kpis))
        table, error, log = _attempt(
            workspace, lambda ws: ws.compute(list(kpis), grain=grain, by=list(by), start=START, end=END)
        )
        assert error is None, f"{backend}: valid formulas {kpis} were refused: {error}"
        _assert_only_queries(log, backend)
        results[backend] = _rows(table)
    assert len({repr(rows) for rows in results.values()}) == 1, results


# --- filters and scopes: exactly the rows a Python reference keeps ----------------------------------------------------


def _expected(keep: Filter) -> list[tuple[Any, ...]]:
    """(period, orders, revenue) per month of the range, from the raw rows and the reference predicate."""
    data = gen.DATA["events"]
    rows = [dict(zip(data, values, strict=True)) for values in zip(*data.values(), strict=True)]
    result = []
    for month in MONTHS:
        kept = [r for r in rows if r["day"].replace(day=1) == month and keep.keeps(r)]
        revenue = sum(r["amount"] for r in kept if r["amount"] is not None)
        result.append((month, len(kept), round(float(revenue), 6)))
    return result


def _filtered(
    warehouses: Warehouses, backend: str, where: str | None, scope: dict[str, str] | None = None
) -> tuple[Any, KpilotError | None, list[str]]:
    workspace = warehouses.open(backend, gen.definitions({"orders": "orders", "revenue": "revenue"}))
    kpis = ["orders", "revenue"]
    return _attempt(workspace, lambda ws: ws.compute(kpis, start=START, end=END, where=where, scope=scope))


def _check_filter(warehouses: Warehouses, keep: Filter, scope: dict[str, str] | None = None) -> None:
    """The rows `keep` selects, as its text (`where`) or, when given, as the typed `scope` it stands for."""
    expected = _expected(keep)
    for backend in warehouses.targets:
        table, error, log = _filtered(warehouses, backend, None if scope else keep.text, scope)
        assert error is None, f"{backend}: valid filter {keep.text!r} was refused: {error}"
        _assert_only_queries(log, backend)
        got = [(r["period"], r["orders"], round(float(r["revenue"]), 6)) for r in table.to_pylist()]
        assert got == expected, f"{backend}: {keep.text!r}"


@FUZZ
@given(keep=filters)
def test_filters_select_exactly_the_reference_rows(warehouses: Warehouses, keep: Filter) -> None:
    _check_filter(warehouses, keep)


@FUZZ
@given(scope=gen.scopes)
def test_scopes_select_exactly_the_reference_rows(warehouses: Warehouses, scope: dict[str, str]) -> None:
    if not scope:
        return
    _check_filter(warehouses, scope_as_filter(scope), scope)


@FUZZ
@given(text=st.text(max_size=40))
def test_scope_text_is_read_or_refused_clearly(text: str) -> None:
    try:
        scope = parse_scope(text)
    except UserError:
        return
    assert all(key and value for key, value in scope.items())


# --- invalid input: a clear user error, never an internal one, never a write ------------------------------------------


@FUZZ
@given(formula=gen.garbage_formulas)
def test_garbage_kpi_formulas_give_user_errors(warehouses: Warehouses, formula: str) -> None:
    for backend in warehouses.targets:
        workspace = warehouses.open(backend, gen.definitions({"k": formula}))
        _, _, log = _attempt(workspace, lambda ws: (ws.validate(), ws.compute(["k"], start=START, end=END)))
        _assert_only_queries(log, backend)


@FUZZ
@given(where=gen.garbage_formulas)
def test_garbage_filters_give_user_errors(warehouses: Warehouses, where: str) -> None:
    for backend in warehouses.targets:
        _, _, log = _filtered(warehouses, backend, where)
        _assert_only_queries(log, backend)


@FUZZ
@given(text=gen.garbage_definitions)
def test_garbage_definitions_give_user_errors(warehouses: Warehouses, text: str) -> None:
    for backend in warehouses.targets:
        try:
            workspace = warehouses.open(backend, text)
        except UserError:
            continue
        _, _, log = _attempt(workspace, lambda ws: (ws.validate(), [ws.compute([k.name]) for k in ws.definitions.kpis]))
        _assert_only_queries(log, backend)
        _assert_events_intact(warehouses, backend)


# --- hostile `sql:` sources: refused before they reach the warehouse --------------------------------------------------

_SAFE_QUERIES = (
    "select * from events",
    "select day, channel, amount from events where status = 'paid'",
    "with paid as (select * from events where status = 'paid') select * from paid",
    "select * from events union all select * from events",
)
_HOSTILE_TAILS = (
    "; drop table events",
    "; delete from events",
    "; copy events to 'stolen.csv'",
    "; attach 'other.duckdb' as other",
    "; install httpfs",
    "; load httpfs",
    "; pragma enable_profiling",
    "; set enable_external_access = true",
    "; create table copied as select * from events",
    "; update events set amount = 0",
)
_HOSTILE_QUERIES = (
    "drop table events",
    "select * from read_csv_auto('/etc/passwd')",
    "select * from read_text('/etc/hostname')",
    "select * from glob('/etc/*')",
    "select * from read_blob('/etc/passwd')",
    "select * from pg_read_file('/etc/passwd')",
    "with gone as (delete from events returning *) select * from gone",
    "copy (select 1) to '/tmp/kpilot_fuzz_out.csv'",
    "install httpfs",
    "attach '/tmp/kpilot_fuzz.duckdb' as x",
)
hostile_sql = st.one_of(
    st.tuples(st.sampled_from(_SAFE_QUERIES), st.sampled_from(_HOSTILE_TAILS)).map("".join),
    st.sampled_from(_HOSTILE_QUERIES),
    st.tuples(st.sampled_from(_HOSTILE_QUERIES), st.sampled_from(["", ";", " -- x", "\n;"])).map("".join),
)


def _sql_source(sql: str) -> str:
    return (
        "sources:\n  - name: hostile\n    time: day\n    sql: "
        + gen.quote_yaml(sql)
        + "\n    measures:\n      - {name: n, agg: count}\nkpis:\n  - {name: n, formula: n}\n"
    )


@FUZZ
@given(sql=hostile_sql)
def test_hostile_sql_sources_never_run(warehouses: Warehouses, sql: str) -> None:
    for backend in warehouses.targets:
        workspace = warehouses.open(backend, _sql_source(sql))
        _, error, log = _attempt(workspace, lambda ws: (ws.validate(), ws.sql(["n"]), ws.compute(["n"])))
        _assert_only_queries(log, backend)
        _assert_events_intact(warehouses, backend)
        assert "root:" not in str(error or "")  # nothing of /etc/passwd in a message


@FUZZ
@given(sql=st.sampled_from(_SAFE_QUERIES))
def test_safe_sql_sources_still_compute(warehouses: Warehouses, sql: str) -> None:
    for backend in warehouses.targets:
        workspace = warehouses.open(backend, _sql_source(sql))
        table, error, log = _attempt(workspace, lambda ws: ws.compute(["n"], grain="all"))
        assert error is None, f"{backend}: {sql!r} was refused: {error}"
        _assert_only_queries(log, backend)
        assert table.column("n").to_pylist()[0] in (24, 48, 6)


def _assert_events_intact(warehouses: Warehouses, backend: str) -> None:
    workspace = warehouses.open(backend, gen.definitions({"orders": "orders", "revenue": "revenue"}))
    try:
        table = workspace.compute(["orders", "revenue"], grain="all")
    finally:
        workspace.close()
    total = sum(a for a in gen.DATA["events"]["amount"] if a is not None)
    assert table.to_pylist()[0]["orders"] == 24
    assert round(table.to_pylist()[0]["revenue"], 6) == round(total, 6)
