"""A quick command line: `kpilot --help` and `kpilot validate --no-data` load none of the heavy libraries, and
importing commands on demand changes nothing a person sees.

The speed itself is measured by `make bench` (bench/cli.py), never here: these tests check what is imported, in a
fresh interpreter each, so that no other test's imports can hide a regression.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest
import typer.main

from kpilot.cli import main
from kpilot.cli.commands import COMMANDS
from kpilot.cli.lazy import Summary
from kpilot.cli.validate import definition_issues
from kpilot.errors import InternalError
from kpilot.workspace import Workspace
from tests.support import run_cli, write_workspace

ROOT = Path(__file__).resolve().parents[2]
# What computing, the store, forecasting and the server need, and a look at definitions does not: each takes from a
# tenth of a second (sqlalchemy) to seconds (statsmodels, with scipy and pandas under it) to import.
HEAVY = ("duckdb", "ibis", "pandas", "statsmodels", "pyarrow", "fastapi", "sqlalchemy", "pyspark", "polars")

# Runs the command line given as arguments in this fresh interpreter, then writes what got imported to a file.
PROBE = """
import json, sys
report, args = sys.argv[1], sys.argv[2:]
if args[:1] == ["--everything"]:
    from kpilot.cli.main import app  # every command module imported, as before commands loaded on demand
    args = args[1:]
from kpilot.cli.main import run
code = 0
try:
    run(args)
except SystemExit as stop:
    code = stop.code
with open(report, "w") as file:
    json.dump({"code": code, "modules": sorted(sys.modules)}, file)
"""

QUICKSTART = (ROOT / "examples" / "quickstart" / "definitions" / "marketing.yaml").read_text()

# One problem of each kind the checks without data find, each placed by hand from the text below: a formula naming
# no measure and a KPI defined twice (the names and formulas), a KPI that uses no measure (the engine's preflight),
# an unknown key (the loader) and a target of a KPI that does not exist (the targets).
BROKEN = """\
sources:
  - name: ads
    table: ad_performance
    time: day
    measures:
      - {name: clicks, agg: sum, expr: clicks}
      - {name: impressions, agg: sum, expr: impressions}
kpis:
  - {name: ctr, formula: clicks / impressions}
  - {name: cpc, formula: spend / clicks}
  - {name: ctr, formula: clicks}
  - {name: one, formula: '1'}
  - {name: odd, formula: clicks, colour: blue}
targets:
  - {kpi: nosuch, period: '2025-06', target: 100}
"""
BROKEN_FOUND = [
    ("semantic.formula_problem", 10, 26),  # `spend`, where cpc's formula starts
    ("semantic.defined_twice", 11, 5),  # the second ctr's item
    ("engine.kpi_without_measure", 12, 27),  # the text of '1', one column after its quote
    ("definitions.unknown_key", 13, 34),  # the key `colour`
    ("engine.target_for_unknown_kpi", 15, 11),  # `nosuch`
]


def probe(tmp_path: Path, *args: str) -> tuple[int, list[str], str]:
    """Run `kpilot ARGS` in a fresh interpreter: its exit code, the modules it imported, and its output."""
    report = tmp_path / f"imports-{len(list(tmp_path.glob('imports-*')))}.json"
    environment = {**os.environ, "COLUMNS": "120"}
    environment.pop("KPILOT_WORKSPACE", None)
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(report), *args],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=environment,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    found = json.loads(report.read_text())
    return found["code"] or 0, found["modules"], done.stdout + done.stderr


def heavy_in(modules: list[str]) -> list[str]:
    return sorted({name.split(".")[0] for name in modules} & set(HEAVY))


@pytest.fixture
def definitions_only(tmp_path: Path) -> Path:
    """The README's quickstart definitions, in a workspace with no warehouse file: nothing to read data from."""
    root = tmp_path / "ws"
    write_workspace(root, QUICKSTART)
    return root


# --------------------------------------------------------------------------------------------------------------
# what is imported


def test_help_imports_no_heavy_library_and_no_command(tmp_path: Path) -> None:
    code, modules, output = probe(tmp_path, "--help")
    assert code == 0
    assert "validate" in output
    assert heavy_in(modules) == []
    commands = sorted({entry.module for entry in COMMANDS} & set(modules))
    assert commands == [], "listing the commands imported their modules"


def test_validate_without_data_imports_no_heavy_library(tmp_path: Path, definitions_only: Path) -> None:
    code, modules, output = probe(tmp_path, "validate", "--no-data", "-w", str(definitions_only))
    assert (code, output) == (0, "OK: 1 source(s), 5 KPI(s)\n")
    assert heavy_in(modules) == []
    assert "kpilot.workspace" not in modules  # the workspace object opens the warehouse: not needed to read files
    assert not (definitions_only / "warehouse.duckdb").exists()
    assert sorted({entry.module for entry in COMMANDS} & set(modules)) == ["kpilot.cli.validate"]  # its own only


def test_validate_with_data_still_reads_the_warehouse(tmp_path: Path, definitions_only: Path) -> None:
    code, modules, output = probe(tmp_path, "validate", "-w", str(definitions_only))
    assert code == 1  # the warehouse has no table ad_performance
    assert "ad_performance" in output
    assert "ibis" in heavy_in(modules)


# --------------------------------------------------------------------------------------------------------------
# nothing a person sees changes


def test_help_is_the_same_with_every_command_imported(tmp_path: Path) -> None:
    lazy = probe(tmp_path, "--help")
    eager = probe(tmp_path, "--everything", "--help")
    assert lazy[2] == eager[2]
    assert lazy[0] == eager[0] == 0
    assert heavy_in(eager[1]) != []  # the second one did import every command


def test_the_list_holds_every_command_in_order_with_its_own_summary() -> None:
    group = typer.main.get_command(main.app)  # every command module imported
    assert list(group.commands) == [entry.name for entry in COMMANDS]
    for entry in COMMANDS:
        command = group.commands[entry.name]
        assert not isinstance(command, Summary), entry.name
        assert entry.summary == (command.help or "").split("\n\n")[0], entry.name


def test_a_mistyped_command_is_still_told_the_right_one(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(capsys, "valdate")
    assert (code, out) == (2, "")
    assert "No such command 'valdate'. Did you mean 'validate'?" in err


def test_a_summary_cannot_run() -> None:
    summary = Summary(COMMANDS[0])
    with pytest.raises(InternalError):
        summary.invoke(summary.make_context(summary.name or "", []))


# --------------------------------------------------------------------------------------------------------------
# `validate --no-data` reports what the workspace reports


def test_the_checks_without_data_are_the_workspaces(tmp_path: Path) -> None:
    root = tmp_path / "broken"
    write_workspace(root, BROKEN)
    definitions, issues = definition_issues(root)
    found = [(issue.message.code, issue.location.line, issue.location.col) for issue in issues]
    assert found == BROKEN_FOUND
    with Workspace(root) as ws:
        assert issues == ws.validate(with_data=False)
        assert definitions == ws.definitions


def test_validate_without_data_lists_the_problems(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    root = tmp_path / "broken"
    write_workspace(root, BROKEN)
    code, out, err = run_cli(capsys, "validate", "--no-data", "-w", str(root))
    assert (code, out) == (1, "")
    lines = err.splitlines()
    assert [line.split(": ")[0] for line in lines[:-1]] == [
        f"definitions/main.yaml:{r}:{c}" for _, r, c in BROKEN_FOUND
    ]
    assert lines[-1] == "5 problem(s) found"


def test_validate_without_data_needs_no_reachable_warehouse(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    root = tmp_path / "remote"
    write_workspace(root, QUICKSTART, warehouse="postgresql://nobody@127.0.0.1:1/nothing")  # port 1: nobody answers
    assert run_cli(capsys, "validate", "--no-data", "-w", str(root)) == (0, "OK: 1 source(s), 5 KPI(s)\n", "")


def test_validate_without_data_refuses_a_folder_that_is_not_a_workspace(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    with_data = run_cli(capsys, "validate", "-w", str(tmp_path))
    without = run_cli(capsys, "validate", "--no-data", "-w", str(tmp_path))
    assert without == with_data
    assert without[0] == 1
    assert "kpilot.yaml" in without[2]


def test_validate_without_data_on_the_demo_is_the_workspaces(tmp_path: Path) -> None:
    from kpilot.catalogue.add import add_to_workspace
    from kpilot.catalogue.catalogue import load_catalogue

    copy = tmp_path / "demo"  # the demo's definitions: the whole catalogue and its goals, without its data
    Workspace.init(copy, name="demo", timezone="Europe/Rome", currency="EUR").close()
    add_to_workspace(copy, list(load_catalogue().names), {}, check=False)  # no data: its tables are not there
    goals = resources.files("kpilot.demo").joinpath("data", "goals.yaml").read_text(encoding="utf-8")
    (copy / "definitions" / "goals.yaml").write_text(goals, encoding="utf-8")
    definitions, issues = definition_issues(copy)
    with Workspace(copy) as ws:
        assert issues == ws.validate(with_data=False)
        assert definitions == ws.definitions
    assert len(definitions.kpis) == 87  # the whole catalogue
