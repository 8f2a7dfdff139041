"""`kpilot tokens`: API tokens for scripts (create, list, revoke; docs/accounts.md).

`tokens create` prints the token once: kpilot keeps only its hash, so it cannot show it again. The token goes to
standard output alone on its line (`| tail -1` or `--format json` picks it up); the warning goes to standard error.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from kpilot.auth.actor import Actor, TokenScope
from kpilot.auth.tokens import expiry
from kpilot.cli.app import LanguageOption, WorkspaceOption, err, language, out
from kpilot.cli.formats import Format, TableOrJson
from kpilot.cli.moments import moment_text
from kpilot.cli.output import json_text
from kpilot.i18n import Language, text
from kpilot.services.tokens import TokenStatus, TokenView, create_token, list_tokens, revoke_token, token_data
from kpilot.store.session import open_store
from kpilot.workspace import Workspace

app = typer.Typer(
    name="tokens",
    help="API tokens for scripts: create one (shown once), list them, revoke one.",
    no_args_is_help=True,
    add_completion=False,
)
OPERATOR = Actor.operator()
COLUMNS = (
    "cli.tokens.column_id",
    "cli.tokens.column_user",
    "cli.tokens.column_name",
    "cli.tokens.column_scopes",
    "cli.tokens.column_created",
    "cli.tokens.column_expires",
    "cli.tokens.column_last_used",
    "cli.tokens.column_status",
)
STATUS_WORDS = {
    TokenStatus.ACTIVE: "cli.tokens.status_active",
    TokenStatus.EXPIRED: "cli.tokens.status_expired",
    TokenStatus.REVOKED: "cli.tokens.status_revoked",
}


@app.command("create")
def create_command(
    user: Annotated[str, typer.Option("--user", "-u", help="The e-mail address of the account it acts for.")],
    name: Annotated[str, typer.Option("--name", "-n", help="A name, to tell the token apart in lists.")],
    scope: Annotated[
        list[str] | None,
        typer.Option("--scope", "-s", help="read, write or ingest:SOURCE (repeat for several)."),
    ] = None,
    expires: Annotated[
        str | None,
        typer.Option("--expires", "-e", help="90d (days from now, the default) or YYYY-MM-DD (its last valid day)."),
    ] = None,
    output: TableOrJson = Format.TABLE,
    workspace: WorkspaceOption = ".",
    lang: LanguageOption = None,
) -> None:
    """Create a token for an account. It is printed once: copy it now."""
    speak = language()
    now = datetime.now(UTC)
    scopes = scope or []
    with Workspace(workspace) as ws:
        expires_at = expiry(expires, now, ws.settings.timezone)
        sources = None
        if any(s.strip().startswith(f"{TokenScope.INGEST.value}:") for s in scopes):
            sources = [source.name for source in ws.definitions.sources]
        with open_store(ws) as store:
            created = create_token(store, OPERATOR, user, name, scopes, expires_at=expires_at, now=now, sources=sources)
    if output is Format.JSON:
        out.file.write(json_text(token_data(created.view) | {"token": created.raw}) + "\n")
    else:
        token = created.view.token
        values = {"name": token.name, "id": token.lookup, "email": created.view.email, "scopes": token.scopes}
        line = text("cli.tokens.created", speak, **values, at=moment_text(token.expires_at, speak))
        out.print(line, highlight=False, markup=False)
        out.print(created.raw, highlight=False, markup=False)
    warning = f"{text('severity.warning', speak)}: {text('cli.tokens.shown_once', speak)}"
    err.print(warning, style="yellow", highlight=False, markup=False)


@app.command("list")
def list_command(
    user: Annotated[str | None, typer.Option("--user", "-u", help="Only this account's tokens.")] = None,
    output: TableOrJson = Format.TABLE,
    workspace: WorkspaceOption = ".",
    lang: LanguageOption = None,
) -> None:
    """List tokens (never their secrets): id, account, name, scopes, dates and status."""
    speak = language()
    with Workspace(workspace) as ws, open_store(ws) as store:
        views = list_tokens(store, OPERATOR, email=user, now=datetime.now(UTC))
    if output is Format.JSON:
        out.file.write(json_text([token_data(view) for view in views]) + "\n")
    elif not views:
        out.print(text("cli.tokens.none", speak), highlight=False, markup=False)
    else:
        out.print(_table(views, speak))


@app.command("revoke")
def revoke_command(
    token_id: Annotated[str, typer.Argument(metavar="ID", help="The token's id, as `kpilot tokens list` shows it.")],
    workspace: WorkspaceOption = ".",
    lang: LanguageOption = None,
) -> None:
    """Revoke a token: it is refused from now on."""
    speak = language()
    with Workspace(workspace) as ws, open_store(ws) as store:
        view = revoke_token(store, OPERATOR, token_id, now=datetime.now(UTC))
    values = {"id": view.token.lookup, "name": view.token.name, "email": view.email}
    out.print(text("cli.tokens.revoked", speak, **values), highlight=False, markup=False)


def _table(views: tuple[TokenView, ...], speak: Language) -> Table:
    table = Table(header_style="bold")
    for code in COLUMNS:
        table.add_column(text(code, speak))
    for view in views:
        token = view.token
        table.add_row(
            token.lookup,
            escape(view.email),
            escape(token.name),
            escape(" ".join(token.scopes)),
            moment_text(token.created_at, speak),
            moment_text(token.expires_at, speak),
            moment_text(token.last_used_at, speak) if token.last_used_at else text("cli.tokens.never", speak),
            text(STATUS_WORDS[view.status], speak),
        )
    return table
