"""`kpilot bonus submit | approve | send-back | pay | close | export | dispute | resolve | compensation set`: a
run's way from draft to paid, locking a period, the payroll file, disputes and base pay (services.bonus_workflow).

The local operator is one person for the four-eyes rule: they may approve a run they started (a plan asking for two
approvers still needs two approvals, so the operator approves twice).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Annotated

import typer

from kpilot.cli import bonus_app
from kpilot.cli.app import LanguageOption, WorkspaceOption, err, language, out
from kpilot.cli.bonus_app import OPERATOR, PeriodOption, PlanArgument, RunArgument, app
from kpilot.cli.bonus_statement_view import dispute_words
from kpilot.cli.bonus_words import amount_words, percent_words
from kpilot.cli.formats import Format, TableOrJson
from kpilot.cli.output import json_text
from kpilot.definitions.editing import write_atomically
from kpilot.engine.arguments import date_of
from kpilot.errors import UserError
from kpilot.i18n import Language, Message, text
from kpilot.services import bonus_operator
from kpilot.services import bonus_workflow as workflow
from kpilot.services.bonus_data import dispute_data, line_data, money, run_summary
from kpilot.store.bonus import Dispute, Run
from kpilot.store.session import open_store
from kpilot.workspace import Workspace

compensation_app = typer.Typer(
    name="compensation", help="Base pay and working time, for plans that pay a share of base pay.",
    no_args_is_help=True, add_completion=False,
)  # fmt: skip
app.add_typer(compensation_app, name="compensation")


def _print(line: str) -> None:
    out.print(line, highlight=False, markup=False)


def _status(run: Run, speak: Language) -> str:
    values = {
        "run": str(run.id),
        "plan": run.plan,
        "period": run.period,
        "status": text(f"cli.bonus.status.{run.status.value}", speak),
        "approvals": len(run.approvals),
        "needed": run.approvals_needed,
    }
    return text("cli.bonus.run_now", speak, **values)


def _changed(run: Run, output: Format) -> None:
    if output is Format.JSON:
        out.file.write(json_text(run_summary(run)) + "\n")
        return
    _print(_status(run, language()))


@app.command("submit")
def submit_command(
    run: RunArgument, output: TableOrJson = Format.TABLE, workspace: WorkspaceOption = ".", lang: LanguageOption = None
) -> None:
    """Submit a draft run for review."""
    with Workspace(workspace) as ws, open_store(ws) as store:
        _changed(workflow.submit(store, OPERATOR, ws, run, now=bonus_app.now()), output)


@app.command("send-back")
def send_back_command(
    run: RunArgument, output: TableOrJson = Format.TABLE, workspace: WorkspaceOption = ".", lang: LanguageOption = None
) -> None:
    """Send a run in review back to draft (its approvals are cleared)."""
    with Workspace(workspace) as ws, open_store(ws) as store:
        _changed(workflow.send_back(store, OPERATOR, ws, run, now=bonus_app.now()), output)


@app.command("approve")
def approve_command(
    run: RunArgument, output: TableOrJson = Format.TABLE, workspace: WorkspaceOption = ".", lang: LanguageOption = None
) -> None:
    """Approve a run in review; it is approved once it has as many approvals as its plan asks."""
    with Workspace(workspace) as ws, open_store(ws) as store:
        _changed(workflow.approve(store, OPERATOR, ws, run, now=bonus_app.now()), output)


@app.command("pay")
def pay_command(
    run: RunArgument, output: TableOrJson = Format.TABLE, workspace: WorkspaceOption = ".", lang: LanguageOption = None
) -> None:
    """Mark an approved run paid: one payment per person of what is payable up to its period."""
    speak = language()
    with Workspace(workspace) as ws, open_store(ws) as store:
        paid, lines = workflow.pay(store, OPERATOR, ws, run, now=bonus_app.now())
    total = sum((line.amount for line in lines), Decimal(0))
    if output is Format.JSON:
        data = {"run": run_summary(paid), "paid": [line_data(line) for line in lines], "total": money(total)}
        out.file.write(json_text(data) + "\n")
        return
    _print(_status(paid, speak))
    currency = lines[0].currency if lines else None
    shown = "–" if currency is None else amount_words(total, currency, speak)
    _print(text("cli.bonus.paid_lines", speak, count=len(lines), total=shown))


@app.command("close")
def close_command(
    plan: PlanArgument,
    period: PeriodOption,
    output: TableOrJson = Format.TABLE,
    workspace: WorkspaceOption = ".",
    lang: LanguageOption = None,
) -> None:
    """Close a paid period for good: later changes of its data reach people as adjustments."""
    with Workspace(workspace) as ws, open_store(ws) as store:
        lock = workflow.close(store, OPERATOR, ws, plan, period, now=bonus_app.now())
    if output is Format.JSON:
        data = {"plan": lock.plan, "period": lock.period, "locked_at": lock.locked_at.isoformat()}
        out.file.write(json_text(data | {"locked_by": lock.locked_by}) + "\n")
        return
    _print(text("cli.bonus.closed", language(), plan=lock.plan, period=lock.period))


@app.command("export")
def export_command(
    run: RunArgument,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file, not to the screen.")
    ] = None,
    workspace: WorkspaceOption = ".",
    lang: LanguageOption = None,
) -> None:
    """Write a paid run's payments as a payroll CSV file: e-mail, name, plan, period, amount, currency."""
    with Workspace(workspace) as ws, open_store(ws) as store:
        written = workflow.payroll_csv(workflow.payroll(store, OPERATOR, ws, run, now=bonus_app.now()))
    if output is None:
        out.file.write(written)
        return
    write_atomically(output, written)
    err.print(text("cli.bonus.wrote", language(), file=str(output)), highlight=False, markup=False)


@app.command("dispute")
def dispute_command(
    line: Annotated[int, typer.Argument(metavar="LINE", help="The statement line's id (`#1` in the statement).")],
    reason: Annotated[str, typer.Option("--reason", help="What is wrong with the line.")],
    output: TableOrJson = Format.TABLE,
    workspace: WorkspaceOption = ".",
    lang: LanguageOption = None,
) -> None:
    """Dispute a statement line, with the reason, for an approver to accept or reject."""
    with Workspace(workspace) as ws, open_store(ws) as store:
        opened = bonus_operator.dispute(store, OPERATOR, ws, line, reason, now=bonus_app.now())
    _dispute(opened, output)


@app.command("resolve")
def resolve_command(
    dispute: Annotated[int, typer.Argument(metavar="DISPUTE", help="The dispute's id.")],
    resolution: Annotated[str, typer.Option("--resolution", help="What was decided, and why.")],
    accept: Annotated[bool, typer.Option("--accept/--reject", help="Accept the dispute, or reject it.")],
    output: TableOrJson = Format.TABLE,
    workspace: WorkspaceOption = ".",
    lang: LanguageOption = None,
) -> None:
    """Resolve a dispute: accept or reject it, with the resolution."""
    with Workspace(workspace) as ws, open_store(ws) as store:
        resolved = workflow.resolve(store, OPERATOR, ws, dispute, accept, resolution, now=bonus_app.now())
    _dispute(resolved, output)


def _dispute(found: Dispute, output: Format) -> None:
    if output is Format.JSON:
        out.file.write(json_text(dispute_data(found)) + "\n")
        return
    _print(dispute_words(found, language()))


@compensation_app.command("set")
def compensation_set_command(
    email: Annotated[str, typer.Argument(metavar="EMAIL", help="The person's e-mail address.")],
    valid_from: Annotated[str, typer.Option("--from", help="The first day it applies, YYYY-MM-DD.")],
    base_pay: Annotated[str, typer.Option("--base-pay", help="The yearly base pay (60000.00).")],
    currency: Annotated[str, typer.Option("--currency", help="Its ISO 4217 currency code (EUR).")],
    fte: Annotated[str, typer.Option("--fte", help="The share of full time, 0 < F <= 1 (0.8: four days).")] = "1",
    output: TableOrJson = Format.TABLE,
    workspace: WorkspaceOption = ".",
    lang: LanguageOption = None,
) -> None:
    """Record a person's yearly base pay and working time from a day on (the record before it ends there)."""
    first = date_of(valid_from, "valid_from")
    assert isinstance(first, date)  # typer requires --from
    pay, share = _decimal(base_pay, "base_pay"), _decimal(fte, "fte")
    with Workspace(workspace) as ws, open_store(ws) as store:
        found = workflow.set_compensation(
            store,
            OPERATOR,
            ws,
            email,
            valid_from=first,
            base_pay=pay,
            currency=currency,
            fte=share,
            now=bonus_app.now(),
        )
    if output is Format.JSON:
        data = {"email": email, "valid_from": found.valid_from.isoformat(), "base_pay": money(found.base_pay)}
        out.file.write(json_text(data | {"currency": found.currency, "fte": f"{found.fte:f}"}) + "\n")
        return
    speak = language()
    values = {"email": email, "pay": amount_words(found.base_pay, found.currency, speak), "day": found.valid_from}
    _print(text("cli.bonus.compensation_set", speak, fte=percent_words(found.fte, speak), **values))


def _decimal(given: str, field: str) -> Decimal:
    try:
        found = Decimal(given.strip())
    except InvalidOperation:
        found = None
    if found is None or not found.is_finite():
        raise UserError(Message("cli.bonus.not_a_number", field=field, value=given), field=field)
    return found
