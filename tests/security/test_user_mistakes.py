"""Mistakes a user can make get a clear user error (where, why, how to fix; exit code 1), never an internal error.

Each test makes the mistake the way a user would (a KPI without data, a measure that sums text, a date at the end
of the calendar, a Python call with the wrong types) and checks the message and that nothing crashed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import ibis
import pytest

from kpilot import QueryError, UserError, ValidationFailed, Workspace
from kpilot.engine import preflight
from kpilot.engine.plan import Request
from kpilot.errors import Location
from kpilot.i18n import Message
from tests.support import make_workspace, rows
from tests.support import run_cli as kpilot

Factory = Callable[..., Workspace]

# Lines and columns below are counted by hand in this text (line 1 is `sources:`).
DEFINITIONS = """\
sources:
  - name: ads
    table: ads
    time: day
    dimensions: [channel]
    measures:
      - {name: clicks, agg: sum, expr: clicks}
      - {name: label_total, agg: sum, expr: label}
kpis:
  - {name: ctr, formula: clicks}
  - {name: one, formula: "1"}
  - {name: div0, formula: "1/0"}
  - {name: six, formula: "2 * 3"}
  - {name: twice_one, formula: one * 2}
  - {name: label_sum, formula: label_total}
  - {name: back, formula: "previous(clicks, 1000000)"}
"""
TABLES = {
    "ads": {
        "day": [date(2025, 1, 5), date(2025, 2, 7), date(2025, 2, 9)],
        "channel": ["search", "search", "social"],
        "clicks": [10, 20, 5],
        "label": ["a", "b", "c"],
    }
}
MAIN = "definitions/main.yaml"
NO_MEASURE_HINT = "compute it from data: use measures of a source in its formula, e.g. clicks / impressions"


@pytest.fixture
def folder(tmp_path: Path, backend: str) -> Path:
    """The workspace as a folder, for the command line."""
    make_workspace(tmp_path / "cli", DEFINITIONS, TABLES, warehouse=backend).close()
    return tmp_path / "cli"


# ---------------------------------------------------------------------------------------------------- no measure


MEASURELESS = {  # KPI -> the column its formula's first character is at (after the opening quote when quoted)
    "one": (11, 27),
    "div0": (12, 28),
    "six": (13, 27),
    "twice_one": (14, 32),  # no measure once `one` is inlined
}


def test_validate_refuses_a_kpi_without_measure_at_its_formula(workspace_factory: Factory) -> None:
    ws = workspace_factory(DEFINITIONS, TABLES)
    found = [issue for issue in ws.validate(with_data=False) if issue.code == "engine.kpi_without_measure"]
    assert [(issue.location, str(issue.message), str(issue.hint)) for issue in found] == [
        (
            Location(MAIN, line, col),
            f"KPI '{name}' uses no measure: a KPI must use at least one measure",
            NO_MEASURE_HINT,
        )
        for name, (line, col) in MEASURELESS.items()
    ]


@pytest.mark.parametrize("name", sorted(MEASURELESS))
def test_compute_says_the_same_for_a_kpi_without_measure(workspace_factory: Factory, name: str) -> None:
    ws = workspace_factory(DEFINITIONS, TABLES)
    with pytest.raises(QueryError) as raised:
        ws.compute([name])
    line, col = MEASURELESS[name]
    assert (raised.value.code, raised.value.message.values["kpi"]) == ("engine.kpi_without_measure", name)
    assert str(raised.value.message) == f"KPI '{name}' uses no measure: a KPI must use at least one measure"
    assert raised.value.location == Location(MAIN, line, col)
    assert str(raised.value.hint) == NO_MEASURE_HINT
    with pytest.raises(QueryError, match="uses no measure"):
        ws.sql([name])
    # The other KPIs of the workspace still compute: 10 clicks in January, 25 in February.
    assert rows(ws.compute(["ctr"])) == [(date(2025, 1, 1), 10), (date(2025, 2, 1), 25)]


def test_cli_reports_a_kpi_without_measure(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = kpilot(capsys, "compute", "div0", "-w", str(folder))
    assert code == 1
    assert out == ""
    assert err.startswith(f"error: {MAIN}:12:28: KPI 'div0' uses no measure: a KPI must use at least one measure")
    assert f"hint: {NO_MEASURE_HINT}" in err


# ---------------------------------------------------------------------------------------------------- data checks


TEXT_SUM = (Location(MAIN, 8, 45), "measure 'ads.label_total' expr must be number, but 'label' is text")


def test_compute_runs_the_data_checks_of_validate(workspace_factory: Factory) -> None:
    ws = workspace_factory(DEFINITIONS, TABLES)
    assert [(i.location, str(i.message)) for i in ws.validate() if "label" in str(i.message)] == [TEXT_SUM]
    [wrong] = [i for i in ws.validate() if i.code == "semantic.wrong_kind"]
    assert (wrong.message.values["text"], wrong.message.values["found"]) == ("label", Message("formula.type.text"))
    with pytest.raises(ValidationFailed) as raised:
        ws.compute(["label_sum"])
    assert raised.value.code == "engine.sources_have_problems"
    assert raised.value.message.values["count"] == 1
    assert str(raised.value.message).startswith("source 'ads' has problems with its data, so nothing was computed")
    assert [(i.location, str(i.message)) for i in raised.value.issues] == [TEXT_SUM]
    # A KPI reading only sound measures of the same source is not held back by the broken one.
    assert rows(ws.compute(["ctr"], grain="all")) == [(35,)]


def test_data_checks_run_once_per_source_and_measure(
    workspace_factory: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = workspace_factory(DEFINITIONS, TABLES)
    calls: list[tuple[str, ...]] = []
    real = preflight.warehouse_issues

    def counting(definitions: Any, warehouse: Any) -> Any:
        calls.append(tuple(m.name for s in definitions.sources for m in s.measures))
        return real(definitions, warehouse)

    monkeypatch.setattr(preflight, "warehouse_issues", counting)
    ws.compute(["ctr"])
    assert calls == [(), ("clicks",)]  # the source's own columns, then the one measure ctr reads
    ws.compute(["ctr"], grain="week")
    ws.sql(["ctr"])
    assert calls == [(), ("clicks",)]
    for _ in range(2):
        with pytest.raises(ValidationFailed):
            ws.compute(["label_sum"])
    assert calls == [(), ("clicks",), ("label_total",)]


def test_cli_reports_a_measure_that_sums_text(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = kpilot(capsys, "compute", "label_sum", "-w", str(folder))
    assert code == 1
    assert out == ""
    assert "source 'ads' has problems with its data, so nothing was computed" in err
    assert f"{MAIN}:8:45: error: {TEXT_SUM[1]}" in err


# ---------------------------------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"end": "9999-12-31"}, "end 9999-12-31 is outside the dates kpilot computes, 1900-01-01 to 2999-12-31"),
        ({"start": "0001-01-01"}, "start 0001-01-01 is outside the dates kpilot computes, 1900-01-01 to 2999-12-31"),
        ({"end": date(3000, 1, 1), "grain": "all"}, "end 3000-01-01 is outside the dates kpilot computes"),
        ({"start": date(1899, 12, 31), "grain": "week"}, "start 1899-12-31 is outside the dates kpilot computes"),
    ],
)
def test_dates_outside_the_range_are_refused(workspace_factory: Factory, options: dict[str, Any], message: str) -> None:
    ws = workspace_factory(DEFINITIONS, TABLES)
    with pytest.raises(QueryError, match=message) as raised:
        ws.compute(["ctr"], **options)
    assert (raised.value.code, raised.value.field) == ("engine.date_outside_range", message.split()[0])
    assert "inside that range" in str(raised.value.hint)


def test_the_ends_of_the_range_compute(workspace_factory: Factory) -> None:
    ws = workspace_factory(DEFINITIONS, TABLES)
    table = ws.compute(["ctr"], grain="year", start="1900-01-01", end="2999-12-31")
    assert table.num_rows == 1100  # 1900 .. 2999
    found = rows(table)
    assert found[0] == (date(1900, 1, 1), 0)
    assert found[125] == (date(2025, 1, 1), 35)
    assert found[-1] == (date(2999, 1, 1), 0)


def test_a_look_back_past_the_calendar_is_refused(workspace_factory: Factory) -> None:
    ws = workspace_factory(DEFINITIONS, TABLES)
    with pytest.raises(QueryError) as raised:
        ws.compute(["back"], start="2025-01-01")
    assert (raised.value.code, raised.value.field) == ("engine.looks_back_too_far", "start")
    assert str(raised.value.message) == (
        "KPI 'back' looks back too far from start 2025-01-01: 1000000 months before 2025-01-01 is outside the "
        "calendar (years 1 to 9999)"
    )
    assert raised.value.location == Location(MAIN, 16, 28)
    # Without --from the engine reads from the data's first period: a million months back is simply empty.
    assert rows(ws.compute(["back"])) == [(date(2025, 1, 1), None), (date(2025, 2, 1), None)]


def test_data_dated_at_the_end_of_the_calendar(workspace_factory: Factory) -> None:
    """9999-12-31 is a common "no end" date in warehouses: the last year of the calendar computes."""
    tables = {"ads": {**TABLES["ads"], "day": [date(2025, 1, 5), date(9999, 12, 31), date(9999, 12, 31)]}}
    ws = workspace_factory(DEFINITIONS, tables)
    table = ws.compute(["ctr"], grain="year")
    assert table.num_rows == 9999 - 2025 + 1
    assert rows(table.slice(0, 1)) == [(date(2025, 1, 1), 10)]
    assert table.slice(table.num_rows - 1).to_pylist() == [{"period": date(9999, 1, 1), "ctr": 25, "partial": True}]
    assert rows(ws.compute(["ctr"], grain="year", end="2025-12-31")) == [(date(2025, 1, 1), 10)]


def test_cli_dates_at_the_ends_of_the_calendar(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = kpilot(capsys, "compute", "ctr", "--to", "9999-12-31", "-w", str(folder))
    assert code == 1
    assert err == (
        "error: end 9999-12-31 is outside the dates kpilot computes, 1900-01-01 to 2999-12-31\n"
        "  hint: leave end out to end with the data, or give a date inside that range\n"
    )
    for args in (["scorecard", "--period", "9999-12"], ["targets", "suggest", "ctr", "--period", "9999-Q4"]):
        code, _, err = kpilot(capsys, *args, "-w", str(folder))
        assert code == 1
        assert f"error: period '{args[-1]}' is outside the dates kpilot computes, 1900-01-01 to 2999-12-31" in err


# ---------------------------------------------------------------------------------------------------- Python API


def test_one_name_is_taken_as_a_list_of_one(workspace_factory: Factory) -> None:
    ws = workspace_factory(DEFINITIONS, TABLES)
    assert rows(ws.compute("ctr")) == rows(ws.compute(["ctr"])) == [(date(2025, 1, 1), 10), (date(2025, 2, 1), 25)]
    by_channel = [(date(2025, 1, 1), "search", 10), (date(2025, 2, 1), "search", 20), (date(2025, 2, 1), "social", 5)]
    assert [r for r in rows(ws.compute("ctr", by="channel")) if r[2]] == by_channel
    assert ws.sql("ctr") == ws.sql(["ctr"])
    assert ws.request("ctr", by="channel") == Request(kpis=("ctr",), by=("channel",))
    assert rows(ws.compute(("ctr",), grain="all", by=None)) == [(35,)]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"kpis": 3}, "kpis must be a name or a list of names, not an int"),
        ({"kpis": None}, "kpis must be a name or a list of names, not None"),
        ({"kpis": b"ctr"}, "kpis must be a name or a list of names, not a bytes"),
        ({"kpis": ["ctr", 3]}, "kpis must list names as text, but one of them is an int: 3"),
        ({"by": 1}, "by must be a name or a list of names, not an int"),
        ({"by": [None]}, "by must list names as text, but one of them is None"),
        ({"grain": 5}, "grain must be text, not an int"),
        ({"grain": "hour"}, "unknown grain 'hour'"),
        ({"start": 20250101}, "start must be a date or text such as '2025-03-31', not an int"),
        ({"end": datetime(2025, 1, 1, 12)}, r"end must be a date, not a datetime \(datetime.datetime\(2025, 1, 1"),
        ({"start": "2025-02-30"}, "start '2025-02-30' is not a date"),
        ({"where": 5}, "where must be text, not an int"),
    ],
)
def test_wrong_argument_types_are_named(workspace_factory: Factory, arguments: dict[str, Any], message: str) -> None:
    ws = workspace_factory(DEFINITIONS, TABLES)
    call = {"kpis": ["ctr"], **arguments}
    kpis = call.pop("kpis")
    for method in (ws.compute, ws.sql, ws.request):
        with pytest.raises(QueryError, match=message) as raised:
            method(kpis, **call)
        assert raised.value.code.startswith("engine.")
        assert raised.value.field == next(iter(arguments))
        assert raised.value.hint


def test_other_entry_points_check_their_arguments(workspace_factory: Factory, tmp_path: Path) -> None:
    ws = workspace_factory(DEFINITIONS, TABLES)
    with pytest.raises(QueryError, match="today 'soon' is not a date"):
        ws.compute("ctr", today="soon")
    with pytest.raises(QueryError, match="request must be a Request, not a str"):
        ws.compile("ctr")  # type: ignore[arg-type]
    with pytest.raises(QueryError, match="kpis must list names as text"):
        ws.compile(Request(kpis=(1,)))  # type: ignore[arg-type]
    with pytest.raises(QueryError, match="table must be a table's name as text, not 3"):
        ws.table_columns(3)  # type: ignore[arg-type]
    with pytest.raises(QueryError, match="with_data must be True or False, not 'yes'") as raised:
        ws.validate(with_data="yes")  # type: ignore[arg-type]
    assert (raised.value.code, raised.value.field) == ("workspace.with_data_not_bool", "with_data")
    with pytest.raises(UserError, match="path must be a folder's path") as failed:
        Workspace(5)  # type: ignore[arg-type]
    assert (failed.value.code, failed.value.field) == ("workspace.path_not_a_folder", "path")
    with pytest.raises(UserError, match="path must be a folder's path"):
        Workspace.init(None)  # type: ignore[arg-type]


def test_data_past_year_9999_is_a_clear_error(workspace_factory: Factory) -> None:
    """The warehouses hold dates Python cannot (year 20000): such a result cannot be shown, and the error says so."""
    ws = workspace_factory(DEFINITIONS, {"ads": {**TABLES["ads"], "day": ["2025-01-05", "20000-01-01", "2025-02-09"]}})
    ws.close()
    _run(ws, "create table ads_dated as select cast(day as date) as day, channel, clicks, label from ads")
    _run(ws, "drop table ads")
    _run(ws, "alter table ads_dated rename to ads")
    with Workspace(ws.root) as reopened:
        # DuckDB hands the date over and kpilot cannot show it; psycopg refuses to read it. Both say which year.
        with pytest.raises(UserError, match=r"outside the calendar \(years 1 to 9999\)|after year 10K"):
            reopened.compute(["ctr"], grain="year")
        # Ending the range before it leaves the 20 clicks of year 20000 out: 10 + 5.
        assert rows(reopened.compute(["ctr"], grain="year", end="2025-12-31")) == [(date(2025, 1, 1), 15)]


def _run(ws: Workspace, statement: str) -> None:
    """A statement on the workspace's warehouse through a connection of its own (kpilot's computes read only)."""
    if ws.warehouse.is_url:
        con = ibis.connect(ws.settings.warehouse.replace("postgresql://", "postgres://", 1))
        con.raw_sql(statement)
        con.disconnect()
        return
    local = duckdb.connect(str(ws.root / ws.settings.warehouse))
    local.execute(statement)
    local.close()
