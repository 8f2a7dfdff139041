"""Every command of `kpilot`, in the order `kpilot --help` lists them, with the module that defines it.

The command modules import what their work needs (the engine, the store, the goals and forecasting code, the server:
Ibis, DuckDB, pyarrow, SQLAlchemy, statsmodels, FastAPI), which takes seconds; `cli.lazy` imports a module only when
its command runs, and lists the others by the summary written here. Each summary is the first paragraph of its
command's own help, word for word: tests/cli/test_lazy.py compares them, and `kpilot --help` with every module
loaded, so that a new command or a changed docstring cannot leave this list behind.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Command:
    """A command (or a group of commands) that `kpilot --help` lists before its module is imported."""

    name: str  # as typed after `kpilot`
    module: str  # the module whose import defines it: a command registers itself on `cli.app.app`...
    summary: str  # its line in `kpilot --help`: the first paragraph of its help
    group: str | None = None  # ...a group is the module's `typer.Typer` of this name, added under `name`


COMMANDS = (
    Command(
        "anomalies",
        "kpilot.cli.anomalies",
        summary="List KPI values outside the 99% band their own past forecasts, for the KPI and a dimension's members.",
    ),
    Command(
        "audit",
        "kpilot.cli.audit",
        summary="Show the audit log: sign-ins, account, role, permission and token changes, organisation imports.",
    ),
    Command(
        "check",
        "kpilot.cli.check",
        summary="Review every KPI and target: Specific, Measurable, Achievable, Relevant, Time-bound.",
    ),
    Command("compute", "kpilot.cli.compute", summary="Compute KPIs per period (and dimension values)."),
    Command(
        "sql",
        "kpilot.cli.compute",
        summary="Print the SQL that `kpilot compute` would run, in the warehouse's dialect.",
    ),
    Command(
        "demo",
        "kpilot.cli.demo",
        summary="Build a workspace for a realistic demo company: 2+ years of data for every source, "
        "and the whole catalogue.",
    ),
    Command(
        "digest",
        "kpilot.cli.digest",
        summary="Show a person's digest of the KPIs they follow, as it would be sent, without sending it.",
    ),
    Command(
        "drivers",
        "kpilot.cli.drivers",
        summary="Show how much each of a goal's KPIs explains its outcome, next to the matrix's weights.",
    ),
    Command(
        "explain",
        "kpilot.cli.explain",
        summary="Explain what moved a KPI: each member's part of the change, split into rate and mix for a ratio.",
    ),
    Command(
        "leads",
        "kpilot.cli.leads",
        summary="Test which leading KPIs lead a lagging one: Granger tests for each lag, corrected for the many tests.",
    ),
    Command(
        "forecast",
        "kpilot.cli.forecast",
        summary="Forecast a KPI's next periods from its complete periods; "
        "the method, interval and back-test are shown.",
    ),
    Command(
        "ingest",
        "kpilot.cli.ingest",
        summary="Load a file into the warehouse. "
        "A file that does not fit the table is rejected whole; nothing is written.",
    ),
    Command(
        "matrix",
        "kpilot.cli.matrix",
        summary="Goals by the KPIs that serve them: weights, values, targets, statuses and each goal's attainment.",
    ),
    Command(
        "scorecard",
        "kpilot.cli.scorecard",
        summary="Each KPI for a period: value, target, status, pace and projection, "
        "and the change vs the previous period\nand vs the same period last year.",
    ),
    Command(
        "serve",
        "kpilot.cli.serve",
        summary="Serve the REST API (and OpenAPI at /api/openapi.json) until stopped with Ctrl+C.",
    ),
    Command(
        "init",
        "kpilot.cli.setup",
        summary="Create a workspace: kpilot.yaml, a definitions/ folder and an embedded DuckDB warehouse.",
    ),
    Command(
        "validate",
        "kpilot.cli.validate",
        summary="Check every definition (and, unless --no-data, against the warehouse); "
        "list each problem as file:line:col.",
    ),
    Command(
        "tables", "kpilot.cli.tables", summary="List the warehouse's tables, with their numbers of rows and columns."
    ),
    Command(
        "describe",
        "kpilot.cli.tables",
        summary="Show a table's columns and types, its number of rows, and the range of its dates.",
    ),
    Command(
        "catalogue",
        "kpilot.cli.catalogue",
        summary="Standard KPIs with precise definitions, explained in English, Italian, Polish and Chinese.",
        group="app",
    ),
    Command("targets", "kpilot.cli.targets", summary="Targets for KPIs: suggestions from history.", group="app"),
    Command(
        "db",
        "kpilot.cli.db",
        summary="The metadata store (people, teams...): create it, migrate it, see its revision.",
        group="app",
    ),
    Command(
        "rollups",
        "kpilot.cli.rollups",
        summary="The daily aggregates kept for sources that declare a rollup: where each stands, and building them.",
        group="app",
    ),
    Command(
        "org", "kpilot.cli.org", summary="The organisation: people, teams and who is in which team when.", group="app"
    ),
    Command(
        "users", "kpilot.cli.users", summary="Accounts: who can sign in, with which roles and permissions.", group="app"
    ),
    Command(
        "tokens",
        "kpilot.cli.tokens",
        summary="API tokens for scripts: create one (shown once), list them, revoke one.",
        group="app",
    ),
    Command(
        "okr",
        "kpilot.cli.okr",
        summary="OKRs: cycles of objectives and key results, scored from KPIs and check-ins.",
        group="app",
    ),
    Command(
        "bonus",
        "kpilot.cli.bonus",
        summary="Bonus plans: run a period, read statements, approve and pay, export payroll.",
        group="app",
    ),
    Command(
        "alerts",
        "kpilot.cli.alerts",
        summary="Alerts: run the evaluator, channels, subscriptions, silences, and what was evaluated and delivered.",
        group="app",
    ),
)
