"""`kpilot audit`: the audit log, oldest first, filtered by time, action and actor (docs/accounts.md).

Times are UTC, as the log keeps them: `--since` and `--until` are UTC days, both included.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from kpilot.auth.actor import Actor
from kpilot.cli.app import LanguageOption, WorkspaceOption, app, language, out
from kpilot.cli.formats import Format, TableOrJson
from kpilot.cli.moments import day_start, moment_text
from kpilot.cli.output import json_text
from kpilot.engine.arguments import date_of
from kpilot.errors import UserError
from kpilot.formula.check import suggestion
from kpilot.i18n import Language, Message, text
from kpilot.services.audit import Action, entry_data, read
from kpilot.store.audit import AuditEntry
from kpilot.store.records import ActorKind, Outcome
from kpilot.store.session import open_store
from kpilot.workspace import Workspace

ACTIONS = tuple(action.value for action in Action)
COLUMNS = (
    "cli.audit.column_at",
    "cli.audit.column_actor",
    "cli.audit.column_action",
    "cli.audit.column_target",
    "cli.audit.column_outcome",
    "cli.audit.column_details",
)
OUTCOME_WORDS = {
    Outcome.SUCCEEDED: "cli.audit.outcome_succeeded",
    Outcome.FAILED: "cli.audit.outcome_failed",
    Outcome.REFUSED: "cli.audit.outcome_refused",
}


@app.command("audit")
def audit_command(
    since: Annotated[str | None, typer.Option("--since", help="From this UTC day on, YYYY-MM-DD.")] = None,
    until: Annotated[str | None, typer.Option("--until", help="Up to this UTC day, included, YYYY-MM-DD.")] = None,
    action: Annotated[
        str | None, typer.Option("--action", "-a", help="Only this action (sign_in, account.created, ...).")
    ] = None,
    user: Annotated[str | None, typer.Option("--user", "-u", help="Only what this e-mail address did.")] = None,
    output: TableOrJson = Format.TABLE,
    workspace: WorkspaceOption = ".",
    lang: LanguageOption = None,
) -> None:
    """Show the audit log: sign-ins, account, role, permission and token changes, organisation imports."""
    speak = language()
    if action is not None and action not in ACTIONS:
        raise UserError(
            Message("cli.audit.unknown_action", action=action),
            hint=suggestion(action, ACTIONS) or Message("cli.audit.known_actions", actions=ACTIONS),
            field="action",
            suggestions=ACTIONS,
        )
    start = day_start(date_of(since, "since"))
    end = day_start(date_of(until, "until"), after=True)
    with Workspace(workspace) as ws, open_store(ws) as store:
        entries = read(store, Actor.operator(), now=datetime.now(UTC), since=start, until=end, by=user, action=action)
    if output is Format.JSON:
        out.file.write(json_text([entry_data(entry) for entry in entries]) + "\n")
    elif not entries:
        out.print(text("cli.audit.none", speak), highlight=False, markup=False)
    else:
        out.print(_table(entries, speak))


def actor_text(entry: AuditEntry, speak: Language) -> str:
    if entry.actor_kind is ActorKind.OPERATOR:
        return text("cli.audit.operator", speak)
    if entry.actor_kind is ActorKind.UNVERIFIED:
        return text("cli.audit.unverified", speak, email=entry.actor_email or "–")
    return entry.actor_email or "–"


def _table(entries: tuple[AuditEntry, ...], speak: Language) -> Table:
    table = Table(header_style="bold")
    for code in COLUMNS:
        table.add_column(text(code, speak), overflow="fold")
    for entry in entries:
        details = json_text(dict(entry.details), indent=None) if entry.details else ""
        table.add_row(
            moment_text(entry.at, speak),
            escape(actor_text(entry, speak)),
            entry.action,
            escape(entry.target or "–"),
            text(OUTCOME_WORDS[entry.outcome], speak),
            escape(details),
        )
    return table
