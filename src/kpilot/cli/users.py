"""`kpilot users`: accounts in the store (add, passwd, disable, enable, roles, grant, revoke, list; docs/accounts.md).

The command line acts as the local operator (whoever can read the workspace's files is its administrator), and
every change is recorded in the audit log as theirs. A password is read from standard input (`--password-stdin`),
or generated and printed once.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from kpilot.auth.actor import Actor, Role
from kpilot.auth.grants import permission_of, role_of
from kpilot.cli.app import LanguageOption, WorkspaceOption, err, language, out
from kpilot.cli.formats import Format, TableOrJson
from kpilot.cli.moments import moment_text
from kpilot.cli.output import json_text
from kpilot.errors import UserError
from kpilot.i18n import Language, Message, text
from kpilot.services.accounts import (
    AccountView,
    NewPassword,
    add_account,
    list_accounts,
    set_disabled,
    set_password,
    set_permission,
    set_roles,
)
from kpilot.store.session import Store, open_store
from kpilot.workspace import Workspace

app = typer.Typer(
    name="users",
    help="Accounts: who can sign in, with which roles and permissions.",
    no_args_is_help=True,
    add_completion=False,
)

EmailArgument = Annotated[str, typer.Argument(help="The account's e-mail address.")]
RoleOption = Annotated[
    list[str] | None,
    typer.Option("--role", "-r", help="A role: admin, editor, manager, member or viewer (repeat for several)."),
]
PasswordStdin = Annotated[
    bool, typer.Option("--password-stdin", help="Read the password from standard input (its first line).")
]
PermissionArgument = Annotated[str, typer.Argument(help="A permission: compensation (pay data).")]
OPERATOR = Actor.operator()
COLUMNS = (
    "cli.users.column_email",
    "cli.users.column_roles",
    "cli.users.column_permissions",
    "cli.users.column_password",
    "cli.users.column_status",
    "cli.users.column_person",
    "cli.users.column_created",
)


@app.command("add")
def add_command(
    email: EmailArgument,
    role: RoleOption = None,
    password_stdin: PasswordStdin = False,
    no_password: Annotated[
        bool, typer.Option("--no-password", help="No password: the account signs in through OpenID Connect only.")
    ] = False,
    workspace: WorkspaceOption = ".",
    lang: LanguageOption = None,
) -> None:
    """Add an account with its roles; its password is read from standard input, or generated and shown once."""
    speak = language()
    if password_stdin and no_password:
        raise UserError(Message("cli.users.password_choice"), field="password")
    roles = [role_of(name) for name in role or []]
    password = None if no_password else NewPassword(_stdin_password() if password_stdin else None)
    with _store(workspace) as store:
        added = add_account(store, OPERATOR, email, roles, password=password, now=_now())
    values = {"email": added.account.email, "roles": added.account.roles}
    out.print(text("cli.users.added", speak, **values), highlight=False, markup=False)
    if no_password:
        out.print("  " + text("cli.users.without_password", speak), highlight=False, markup=False)
    if added.generated is not None:
        _show_once(added.generated, speak)


@app.command("passwd")
def passwd_command(
    email: EmailArgument,
    password_stdin: PasswordStdin = False,
    workspace: WorkspaceOption = ".",
    lang: LanguageOption = None,
) -> None:
    """Set a new password: read from standard input, or generated and shown once."""
    speak = language()
    given = _stdin_password() if password_stdin else None
    with _store(workspace) as store:
        generated = set_password(store, OPERATOR, email, NewPassword(given), now=_now())
    out.print(text("cli.users.password_set", speak, email=email.strip()), highlight=False, markup=False)
    if generated is not None:
        _show_once(generated, speak)


@app.command("disable")
def disable_command(email: EmailArgument, workspace: WorkspaceOption = ".", lang: LanguageOption = None) -> None:
    """Disable an account: it can no longer sign in, and its tokens are refused (until it is enabled again)."""
    with _store(workspace) as store:
        changed = set_disabled(store, OPERATOR, email, True, now=_now())
    _say("cli.users.disabled" if changed else "cli.users.already_disabled", email=email.strip())


@app.command("enable")
def enable_command(email: EmailArgument, workspace: WorkspaceOption = ".", lang: LanguageOption = None) -> None:
    """Enable a disabled account again."""
    with _store(workspace) as store:
        changed = set_disabled(store, OPERATOR, email, False, now=_now())
    _say("cli.users.enabled" if changed else "cli.users.already_enabled", email=email.strip())


@app.command("roles")
def roles_command(
    email: EmailArgument, role: RoleOption = None, workspace: WorkspaceOption = ".", lang: LanguageOption = None
) -> None:
    """Replace an account's roles with those given."""
    roles = [role_of(name) for name in role or []]
    with _store(workspace) as store:
        changed = set_roles(store, OPERATOR, email, roles, now=_now())
    names = tuple(each.value for each in Role if each in roles)
    _say("cli.users.roles_set" if changed else "cli.users.roles_unchanged", email=email.strip(), roles=names)


@app.command("grant")
def grant_command(
    email: EmailArgument, permission: PermissionArgument, workspace: WorkspaceOption = ".", lang: LanguageOption = None
) -> None:
    """Grant a permission on top of the account's roles."""
    granted = permission_of(permission)
    with _store(workspace) as store:
        changed = set_permission(store, OPERATOR, email, granted, True, now=_now())
    code = "cli.users.granted" if changed else "cli.users.already_granted"
    _say(code, email=email.strip(), permission=granted.value)


@app.command("revoke")
def revoke_command(
    email: EmailArgument, permission: PermissionArgument, workspace: WorkspaceOption = ".", lang: LanguageOption = None
) -> None:
    """Revoke a permission granted before."""
    revoked = permission_of(permission)
    with _store(workspace) as store:
        changed = set_permission(store, OPERATOR, email, revoked, False, now=_now())
    code = "cli.users.revoked" if changed else "cli.users.not_granted"
    _say(code, email=email.strip(), permission=revoked.value)


@app.command("list")
def list_command(
    output: TableOrJson = Format.TABLE, workspace: WorkspaceOption = ".", lang: LanguageOption = None
) -> None:
    """List the accounts: roles, permissions, whether they have a password, and whether they are disabled."""
    speak = language()
    with _store(workspace) as store:
        views = list_accounts(store, OPERATOR, now=_now())
    if output is Format.JSON:
        out.file.write(json_text([account_data(view) for view in views]) + "\n")
    elif not views:
        out.print(text("cli.users.none", speak), highlight=False, markup=False)
    else:
        out.print(_table(views, speak))


def account_data(view: AccountView) -> dict[str, Any]:
    account = view.account
    return {
        "email": account.email,
        "roles": list(account.roles),
        "permissions": list(account.permissions),
        "password": account.has_password,
        "disabled_at": account.disabled_at,
        "person": view.person,
        "created_at": account.created_at,
    }


def _table(views: tuple[AccountView, ...], speak: Language) -> Table:
    view = Table(header_style="bold")
    for code in COLUMNS:
        view.add_column(text(code, speak))
    for item in views:
        account = item.account
        if account.disabled_at is not None:
            status = text("cli.users.status_disabled", speak, at=moment_text(account.disabled_at, speak))
        else:
            status = text("cli.users.status_active", speak)
        view.add_row(
            escape(account.email),
            escape(", ".join(account.roles)),
            escape(", ".join(account.permissions)) or "–",
            text("value.yes" if account.has_password else "value.no", speak),
            escape(status),
            escape(item.person or "–"),
            escape(moment_text(account.created_at, speak)),
        )
    return view


def _stdin_password() -> str:
    """The first line of standard input, without its line end (a password may hold spaces)."""
    return sys.stdin.readline().removesuffix("\n").removesuffix("\r")


def _show_once(password: str, speak: Language) -> None:
    out.print(f"  {text('cli.users.password', speak)}: {password}", highlight=False, markup=False)
    warning = f"{text('severity.warning', speak)}: {text('cli.users.shown_once', speak)}"
    err.print(warning, style="yellow", highlight=False, markup=False)


def _say(code: str, **values: Any) -> None:
    out.print(text(code, language(), **values), highlight=False, markup=False)


def _store(workspace: str) -> Store:
    with Workspace(workspace) as ws:
        return open_store(ws)


def _now() -> datetime:
    return datetime.now(UTC)
