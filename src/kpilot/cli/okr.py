"""`kpilot okr`: OKR cycles from the command line (docs/okrs.md): list and show them scored, create, open and close
them, import and export cycle files, check in, and draft objectives from the KPIs that are off track.

The local operator is the actor (as for `kpilot users`); every rule and permission is the service layer's
(services.okrs). The clock is `now()`, read once per command, so that what a command writes and what it shows are
of the same moment.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from kpilot.auth.actor import Actor
from kpilot.cli.app import LanguageOption, WorkspaceOption, err, language, out
from kpilot.cli.formats import Format, TableOrJson
from kpilot.cli.okr_tree import cycle_when, direction_words, state_words, subtree, tree_lines
from kpilot.cli.output import json_text
from kpilot.cli.reader import words
from kpilot.definitions.editing import write_atomically
from kpilot.engine.arguments import date_of
from kpilot.errors import UserError
from kpilot.i18n import Message, text, value_text
from kpilot.okr.kinds import CycleState, Rollup
from kpilot.okr.pace import band
from kpilot.okr.scoring import Grading
from kpilot.results.formatting import format_kpi_value, status_words
from kpilot.services import okrs
from kpilot.services.okr_data import check_in_data, cycle_data, cycle_summary
from kpilot.services.okr_files import export_cycle, import_cycle_file, objective_counts
from kpilot.store.session import Store, open_store
from kpilot.workspace import Workspace

app = typer.Typer(
    name="okr",
    help="OKRs: cycles of objectives and key results, scored from KPIs and check-ins.",
    no_args_is_help=True,
    add_completion=False,
)
OPERATOR = Actor.operator()
INDENT = "  "

CycleArgument = Annotated[str, typer.Argument(metavar="CYCLE", help="The cycle's name, as `kpilot okr list` shows it.")]


def now() -> datetime:
    """The moment a command acts at (tests set it: the small company's data is of 2025)."""
    return datetime.now(UTC)


# --- reading ----------------------------------------------------------------------------------------------------
@app.command("list")
def list_command(
    output: TableOrJson = Format.TABLE,
    workspace: WorkspaceOption = ".",
    lang: LanguageOption = None,
) -> None:
    """List the cycles: name, period or dates, state and number of objectives."""
    speak = language()
    with Workspace(workspace) as ws, open_store(ws) as store:
        found = okrs.cycles(store, OPERATOR, ws)
        counts = objective_counts(store, OPERATOR, ws)
    if output is Format.JSON:
        out.file.write(json_text([cycle_summary(c) | {"objectives": counts.get(c.id, 0)} for c in found]) + "\n")
        return
    if not found:
        out.print(text("cli.okr.no_cycles", speak), highlight=False, markup=False)
        return
    table = Table(header_style="bold")
    for code in ("cli.okr.column_cycle", "cli.okr.column_period", "cli.okr.column_state", "cli.okr.column_objectives"):
        table.add_column(text(code, speak), justify="right" if code.endswith("objectives") else "left")
    for cycle in found:
        table.add_row(
            escape(cycle.name),
            escape(cycle_when(cycle, speak)),
            state_words(cycle.state, speak),
            str(counts.get(cycle.id, 0)),
        )
    out.print(table)


@app.command("show")
def show_command(
    cycle: Annotated[
        str | None, typer.Argument(metavar="[CYCLE]", help="The cycle (default: the open cycle running today).")
    ] = None,
    objective: Annotated[
        int | None, typer.Option("--objective", help="Only this objective (its id) and those aligned under it.")
    ] = None,
    output: TableOrJson = Format.TABLE,
    workspace: WorkspaceOption = ".",
    lang: LanguageOption = None,
) -> None:
    """Show a cycle's OKRs as a tree: each objective under what it aligns to, with its key results scored."""
    speak = language()
    moment = now()
    with Workspace(workspace) as ws, open_store(ws) as store:
        today = ws.calendar.today(moment)
        scores = okrs.read_cycle(store, OPERATOR, ws, _cycle_name(store, ws, cycle, today), today=today)
        if objective is not None and all(found.objective.id != objective for found in scores.objectives):
            raise UserError(Message("okr.unknown_objective", id=str(objective)), field="objective")
        if output is Format.JSON:
            data = cycle_data(scores)
            if objective is not None:
                shown = set(subtree(scores, objective))
                data["objectives"] = [item for item in data["objectives"] if item["id"] in shown]
            out.file.write(json_text(data) + "\n")
            return
        for line in tree_lines(scores, ws, speak, only=objective):
            out.print(line, highlight=False, markup=False)


def _cycle_name(store: Store, ws: Workspace, name: str | None, today: date) -> str:
    if name is not None:
        return name
    found = okrs.current_cycle(store, OPERATOR, ws, today=today)
    if found is None:
        raise UserError(Message("okr.no_current_cycle"), hint=Message("okr.no_current_cycle_hint"), field="cycle")
    return found.name


# --- cycles -----------------------------------------------------------------------------------------------------
@app.command("create")
def create_command(
    name: Annotated[str, typer.Argument(metavar="NAME", help="The cycle's name (2026-Q4, say).")],
    period: Annotated[
        str | None,
        typer.Option("--period", "-p", help="A quarter (2026-Q4) or a year (2026), fiscal per the workspace."),
    ] = None,
    starts_on: Annotated[str | None, typer.Option("--from", help="The first day, YYYY-MM-DD (with --to).")] = None,
    ends_on: Annotated[str | None, typer.Option("--to", help="The last day, YYYY-MM-DD (with --from).")] = None,
    draft: Annotated[bool, typer.Option("--draft", help="Create it as a draft: no check-ins until opened.")] = False,
    rollup: Annotated[
        Rollup, typer.Option("--rollup", help="How an objective's progress comes from its parts.")
    ] = Rollup.WEIGHTED_MEAN,
    green: Annotated[str | None, typer.Option("--green", help="The grade from which a score is green (0.7).")] = None,
    yellow: Annotated[
        str | None, typer.Option("--yellow", help="The grade from which a score is yellow (0.4).")
    ] = None,
    output: TableOrJson = Format.TABLE,
    workspace: WorkspaceOption = ".",
    lang: LanguageOption = None,
) -> None:
    """Create a cycle: a quarter or a year, or dates from and to."""
    speak = language()
    default = Grading()
    grading = Grading(
        default.green if green is None else _fraction(green, "green"),
        default.yellow if yellow is None else _fraction(yellow, "yellow"),
    )
    state = CycleState.DRAFT if draft else CycleState.OPEN
    first, last = date_of(starts_on, "starts_on"), date_of(ends_on, "ends_on")
    with Workspace(workspace) as ws, open_store(ws) as store:
        created = okrs.create_cycle(
            store, OPERATOR, ws, name=name, period=period, starts_on=first, ends_on=last, rollup=rollup,
            grading=grading, state=state, now=now(),
        )  # fmt: skip
    if output is Format.JSON:
        out.file.write(json_text(cycle_summary(created)) + "\n")
        return
    values = {"name": created.name, "when": cycle_when(created, speak), "state": state_words(created.state, speak)}
    out.print(text("cli.okr.created", speak, **values), highlight=False, markup=False)


@app.command("open")
def open_command(
    name: CycleArgument,
    workspace: WorkspaceOption = ".",
    lang: LanguageOption = None,
) -> None:
    """Open a draft cycle for check-ins."""
    speak = language()
    with Workspace(workspace) as ws, open_store(ws) as store:
        opened = okrs.open_cycle(store, OPERATOR, ws, name, now=now())
    out.print(text("cli.okr.opened", speak, name=opened.name), highlight=False, markup=False)


@app.command("close")
def close_command(
    name: CycleArgument,
    output: TableOrJson = Format.TABLE,
    workspace: WorkspaceOption = ".",
    lang: LanguageOption = None,
) -> None:
    """Close a cycle: its values and scores are kept as final. Prints the final scores."""
    speak = language()
    with Workspace(workspace) as ws, open_store(ws) as store:
        scores = okrs.close_cycle(store, OPERATOR, ws, name, now=now())
        if output is Format.JSON:
            out.file.write(json_text(cycle_data(scores)) + "\n")
            return
        out.print(text("cli.okr.closed", speak, name=scores.cycle.name), highlight=False, markup=False)
        for line in tree_lines(scores, ws, speak):
            out.print(line, highlight=False, markup=False)


# --- files ------------------------------------------------------------------------------------------------------
@app.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="A cycle file (.yaml), as docs/okrs.md describes it.")],
    output: TableOrJson = Format.TABLE,
    workspace: WorkspaceOption = ".",
    lang: LanguageOption = None,
) -> None:
    """Import a cycle file: the cycle made if it is new, its objectives added; all of it, or nothing."""
    speak = language()
    with Workspace(workspace) as ws, open_store(ws) as store:
        done = import_cycle_file(store, OPERATOR, ws, file, now=now(), shown=str(file))
    if output is Format.JSON:
        data = {
            "cycle": cycle_summary(done.cycle),
            "created": done.created,
            "objectives": [objective.id for objective in done.objectives],
        }
        out.file.write(json_text(data) + "\n")
        return
    code = "cli.okr.imported_new" if done.created else "cli.okr.imported_into"
    values = {"file": str(file), "name": done.cycle.name, "count": len(done.objectives)}
    out.print(text(code, speak, **values), highlight=False, markup=False)


@app.command("export")
def export_command(
    cycle: CycleArgument,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file, not to the screen.")
    ] = None,
    workspace: WorkspaceOption = ".",
    lang: LanguageOption = None,
) -> None:
    """Write a cycle's objectives and key results (not its check-ins) as a file that `kpilot okr import` reads."""
    speak = language()
    with Workspace(workspace) as ws, open_store(ws) as store:
        exported = export_cycle(store, OPERATOR, ws, cycle)
    if output is None:
        out.file.write(exported)
        return
    write_atomically(output, exported)
    err.print(text("cli.okr.wrote", speak, file=str(output)), highlight=False, markup=False)


# --- check-ins --------------------------------------------------------------------------------------------------
@app.command("check-in")
def check_in_command(
    key_result: Annotated[int, typer.Argument(metavar="KR_ID", help="The key result's id, as `okr show` shows it.")],
    confidence: Annotated[int, typer.Option("--confidence", "-c", help="How sure you are it will be met: 0 to 10.")],
    value: Annotated[str | None, typer.Option("--value", help="The value reached (a number key result).")] = None,
    done: Annotated[
        str | None, typer.Option("--done", help="Milestones done, by position: 1,2 (a milestones key result).")
    ] = None,
    note: Annotated[str, typer.Option("--note", "-n", help="What happened, what is in the way.")] = "",
    output: TableOrJson = Format.TABLE,
    workspace: WorkspaceOption = ".",
    lang: LanguageOption = None,
) -> None:
    """Check in on a key result: a confidence, and its value or the milestones done, with a note."""
    speak = language()
    typed = None if value is None else _decimal(value, "value")
    positions = _positions(done)
    with Workspace(workspace) as ws, open_store(ws) as store:
        written = okrs.check_in(
            store, OPERATOR, ws, key_result, confidence=confidence, value=typed, done=positions, note=note, now=now()
        )
    if output is Format.JSON:
        out.file.write(json_text(check_in_data(written)) + "\n")
        return
    rubric = text(f"okr.rubric.{band(written.confidence).value}", speak)
    line = text("cli.okr.checked_in", speak, id=str(key_result), confidence=written.confidence, rubric=rubric)
    out.print(line, highlight=False, markup=False)


# --- proposals --------------------------------------------------------------------------------------------------
@app.command("propose")
def propose_command(
    cycle: Annotated[
        str | None, typer.Option("--cycle", help="The cycle (default: the open cycle running today).")
    ] = None,
    write: Annotated[bool, typer.Option("--write", help="Write the proposals into the cycle as objectives.")] = False,
    output: TableOrJson = Format.TABLE,
    workspace: WorkspaceOption = ".",
    lang: LanguageOption = None,
) -> None:
    """Draft objectives from the KPIs that are off track or at risk in the cycle's period."""
    from kpilot.services.okr_propose import proposal_data, propose, write_proposals

    speak = language()
    moment = now()
    with Workspace(workspace) as ws, open_store(ws) as store:
        today = ws.calendar.today(moment)
        name = _cycle_name(store, ws, cycle, today)
        proposals = propose(store, OPERATOR, ws, cycle=name, today=today)
        written = None
        if write and proposals:
            written = write_proposals(store, OPERATOR, ws, name, proposals, language=speak, now=moment)
        definitions = {kpi.name: kpi for kpi in ws.definitions.kpis}
        currency = ws.settings.currency
    if output is Format.JSON:
        data: dict[str, Any] = {"cycle": name, "proposals": [proposal_data(p) for p in proposals]}
        data["written"] = None if written is None else [objective.id for objective in written.objectives]
        out.file.write(json_text(data) + "\n")
        return
    if not proposals:
        out.print(text("cli.okr.no_proposals", speak, name=name), highlight=False, markup=False)
        return
    table = Table(header_style="bold")
    for code in (
        "cli.okr.column_kpi",
        "cli.okr.column_status",
        "cli.okr.column_owner",
        "cli.okr.column_measure",
        "cli.okr.column_why",
    ):
        table.add_column(text(code, speak))
    for proposal in proposals:
        kr = proposal.key_result
        kpi = definitions.get(proposal.kpi)

        def shown(number: Decimal | None, kpi: Any = kpi) -> str:
            if number is None:
                return "–"
            return format_kpi_value(float(number), kpi, currency, language=speak) if kpi else value_text(number, speak)

        measure = text(
            "cli.okr.measure", speak, direction=direction_words(kr.direction, speak), baseline=shown(kr.baseline),
            target=shown(kr.target),
        )  # fmt: skip
        table.add_row(
            escape(proposal.kpi), status_words(proposal.status, speak), escape(proposal.owner), escape(measure),
            escape(words(proposal.reason, speak)),
        )  # fmt: skip
    out.print(table)
    if written is not None:
        values = {"name": name, "count": len(written.objectives)}
        out.print(text("cli.okr.proposals_written", speak, **values), highlight=False, markup=False)


def _fraction(given: str, field: str) -> Fraction:
    return Fraction(_decimal(given, field))


def _decimal(given: str, field: str) -> Decimal:
    try:
        found = Decimal(given.strip())
    except InvalidOperation:
        found = None
    if found is None or not found.is_finite():
        raise UserError(Message("cli.okr.not_a_number", field=field, value=given), field=field)
    return found


def _positions(given: str | None) -> tuple[int, ...]:
    if given is None or not given.strip():
        return ()
    parts = [part.strip() for part in given.split(",")]
    if not all(part.isdigit() for part in parts):
        raise UserError(
            Message("cli.okr.not_positions", value=given), hint=Message("cli.okr.positions_hint"), field="done"
        )
    return tuple(int(part) for part in parts)
