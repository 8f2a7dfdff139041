"""`kpilot bonus validate` and `kpilot bonus run`: a plan's problems, and a period run into the ledger.

`validate` lists what `services.bonus_plans.checked_plan` would refuse a run for (the definitions' checks, and the
teams and people the organisation must have), for every plan or one, each at its file:line:col. `run` is
`services.bonus_runs.run_plan`: per person the amount, the payout, the proration and the components that could
not be read; the run's id and status; the adjustments it posted into the period for locked ones.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from kpilot.cli import bonus_app
from kpilot.cli.app import LanguageOption, WorkspaceOption, err, language, out
from kpilot.cli.bonus_app import OPERATOR, PeriodOption, PlanArgument, app
from kpilot.cli.bonus_words import amount_words, percent_words
from kpilot.cli.formats import Format, TableOrJson
from kpilot.cli.output import json_text
from kpilot.definitions.bonus_model import BonusPlan
from kpilot.engine.arguments import date_of
from kpilot.errors import Issue, Severity
from kpilot.i18n import Language, Message, render, text
from kpilot.incentives.plan_checks import plan_issues, plans_issues
from kpilot.services.bonus_data import run_data
from kpilot.services.bonus_plans import organisation_issues, plan_named
from kpilot.services.bonus_runs import RunOutcome, run_plan
from kpilot.store.bonus import Line
from kpilot.store.errors import StoreMissing
from kpilot.store.organisation import Organisation, read_organisation
from kpilot.store.session import open_store
from kpilot.workspace import Workspace


@app.command("validate")
def validate_command(
    plan: Annotated[str | None, typer.Argument(metavar="[PLAN]", help="Only this plan (default: every plan).")] = None,
    workspace: WorkspaceOption = ".",
    lang: LanguageOption = None,
) -> None:
    """Check the bonus plans (and the teams and people they name); list each problem as file:line:col."""
    speak = language()
    with Workspace(workspace) as ws:
        plans = (plan_named(ws, plan),) if plan is not None else ws.definitions.bonus_plans
        organisation = _organisation(ws, speak)
        # A plan whose YAML does not load is left out of the definitions: its problem is among the load issues,
        # which the loader does not tie to a plan, so every one is shown (a plan may fail on any of them).
        found = [*ws.load_issues] if plan is None else []
        found += plans_issues(ws.definitions) if plan is None else plan_issues(plans[0], ws.definitions)
        if organisation is not None:
            found += [issue for one in plans for issue in organisation_issues(one, organisation)]
    issues = sorted(found, key=_place)
    for issue in issues:
        err.print(issue.describe(speak), highlight=False, markup=False)
    errors = [issue for issue in issues if issue.severity is Severity.ERROR]
    if errors:
        err.print(text("validation.problems_found", speak, count=len(errors)), style="red")
        raise typer.Exit(1)
    out.print(text("cli.bonus.valid", speak, count=len(plans)), highlight=False, markup=False)


def _organisation(ws: Workspace, speak: Language) -> Organisation | None:
    """The store's organisation, or None (with a warning) when the workspace has no store yet."""
    try:
        with open_store(ws) as store, store.reading() as session:
            return read_organisation(session)
    except StoreMissing as missing:
        warning = f"{text('severity.warning', speak)}: {render(missing.message, speak)}"
        err.print(warning, style="yellow", highlight=False, markup=False)
        err.print(f"  {text('cli.bonus.organisation_not_checked', speak)}", highlight=False, markup=False)
        return None


def _place(issue: Issue) -> tuple[str, int, int]:
    return issue.location.file or "", issue.location.line or 0, issue.location.col or 0


@app.command("run")
def run_command(
    plan: PlanArgument,
    period: PeriodOption,
    today: Annotated[
        str | None, typer.Option("--today", help="The day to run as of, YYYY-MM-DD (default: today).")
    ] = None,
    output: TableOrJson = Format.TABLE,
    workspace: WorkspaceOption = ".",
    lang: LanguageOption = None,
) -> None:
    """Run a plan for an ended period: every member's amount, posted to the ledger with the adjustments it needs."""
    speak = language()
    day = date_of(today, "today")
    with Workspace(workspace) as ws, open_store(ws) as store:
        outcome = run_plan(store, OPERATOR, ws, plan, period, now=bonus_app.now(), today=day)
    if output is Format.JSON:
        out.file.write(json_text(run_data(outcome)) + "\n")
        return
    for line in run_lines(outcome, speak):
        out.print(line, highlight=False, markup=False)
    out.print(_people_table(outcome, speak))
    for line in posted_lines(outcome, speak):
        out.print(line, highlight=False, markup=False)


def run_lines(outcome: RunOutcome, speak: Language) -> list[str]:
    """The run's heading: its id, plan, period, status and payment date."""
    run, computation = outcome.run, outcome.computation
    values = {
        "run": str(run.id),
        "plan": _plan_title(computation.plan),
        "period": run.period,
        "status": text(f"cli.bonus.status.{run.status.value}", speak),
        "paid_on": computation.payment_date,
    }
    return [text("cli.bonus.run_heading", speak, **values)]


def _plan_title(plan: BonusPlan) -> str:
    return plan.name if plan.title == plan.name else f"{plan.title} ({plan.name})"


def _people_table(outcome: RunOutcome, speak: Language) -> Table:
    computation = outcome.computation
    currency = computation.plan.currency
    table = Table(header_style="bold")
    for code in ("person", "amount", "payout", "proration", "missing", "why"):
        numbers = code in ("amount", "payout", "proration")
        table.add_column(text(f"cli.bonus.column.{code}", speak), justify="right" if numbers else "left")
    for found in computation.people:
        earned = found.earned
        table.add_row(
            escape(found.person.email),
            "–" if earned is None else amount_words(earned.amount, currency, speak),
            percent_words(found.result.payout, speak),
            percent_words(found.proration.factor, speak),
            escape(", ".join(found.result.missing)),
            "" if found.reason is None else escape(render(found.reason, speak)),
        )
    return table


def posted_lines(outcome: RunOutcome, speak: Language) -> list[str]:
    """The total, the locked periods re-checked, and the adjustments posted with their reason and before/after."""
    computation = outcome.computation
    currency = computation.plan.currency
    total = sum((found.earned.amount for found in computation.people if found.earned is not None), Decimal(0))
    lines = [text("cli.bonus.run_total", speak, total=amount_words(total, currency, speak))]
    rechecked = tuple(found.period.name for found in outcome.computed[:-1])
    if rechecked:
        lines.append(text("cli.bonus.rechecked", speak, periods=rechecked))
    if not outcome.posted:
        lines.append(text("cli.bonus.nothing_posted", speak))
        return lines
    lines.append(text("cli.bonus.posted", speak, count=len(outcome.posted)))
    if outcome.adjustments:
        lines.append(text("cli.bonus.adjustments", speak))
        emails = {found.person.id: found.person.email for c in outcome.computed for found in c.people}
        lines += [f"  {adjustment_words(line, emails.get(line.person_id), speak)}" for line in outcome.adjustments]
    return lines


def adjustment_words(line: Line, email: str | None, speak: Language) -> str:
    """One adjustment: whose, which component of which locked period, before -> after (the difference), why."""
    reason = Message(line.reason_code, **dict(line.reason_values or {})) if line.reason_code else None
    values = {
        "person": email or str(line.person_id),
        "component": line.component,
        "period": line.period,
        "before": "–" if line.before is None else amount_words(line.before, line.currency, speak),
        "after": "–" if line.after is None else amount_words(line.after, line.currency, speak),
        "amount": amount_words(line.amount, line.currency, speak, signed=True),
        "reason": "" if reason is None else render(reason, speak),
    }
    return text("cli.bonus.adjustment", speak, **values)
