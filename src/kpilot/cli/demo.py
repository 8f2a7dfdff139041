"""`kpilot demo DIR`: build the demo company's workspace."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kpilot.auth.actor import Role
from kpilot.cli.app import LanguageOption, app, err, language, out
from kpilot.demo.build import build_demo
from kpilot.demo.company import DemoAccess
from kpilot.i18n import Language, Message, render, text


@app.command()
def demo(
    directory: Annotated[Path, typer.Argument(help="Folder to create the demo workspace in.")] = Path("demo-workspace"),
    seed: Annotated[int, typer.Option(help="Random seed: the same seed gives the same company.")] = 7,
    lang: LanguageOption = None,
) -> None:
    """Build a workspace for a realistic demo company: 2+ years of data for every source, and the whole catalogue."""
    speak = language()

    def progress(step: Message) -> None:
        err.print(f"  {render(step, speak)}", style="dim", markup=False)

    made: list[DemoAccess] = []
    with build_demo(directory, seed=seed, progress=progress, access=made.append) as workspace:
        issues = workspace.validate()
        sources, kpis = len(workspace.definitions.sources), len(workspace.definitions.kpis)
    for issue in issues:
        err.print(issue.describe(speak), markup=False)
    shown = str(directory)
    out.print(text("cli.demo.ready", speak, folder=shown, sources=sources, kpis=kpis), highlight=False, markup=False)
    out.print(text("cli.demo.try", speak, folder=shown), highlight=False, markup=False)
    for access in made:
        _print_access(access, shown, speak)


# What each demo account is for, in words (the codes are written out so that the catalogue test sees them).
KIND_WORDS = {
    "admin": "cli.demo.kind_admin",
    "sales_manager": "cli.demo.kind_sales_manager",
    "sales_rep": "cli.demo.kind_sales_rep",
    "support_agent": "cli.demo.kind_support_agent",
}


def _print_access(access: DemoAccess, folder: str, speak: Language) -> None:
    """The demo accounts' passwords and the administrator's token: printed once, here, and kept nowhere else."""
    out.print(text("cli.demo.accounts", speak, folder=folder), highlight=False, markup=False)
    for account in access.accounts:
        kind = text(KIND_WORDS[account.kind], speak)
        values = {"kind": kind, "role": account.role.value, "email": account.email, "password": account.password}
        out.print(f"  {text('cli.demo.account', speak, **values)}", highlight=False, markup=False)
    admin = next(account.email for account in access.accounts if account.role is Role.ADMIN)
    line = text("cli.demo.admin_token", speak, email=admin, token=access.admin_token)
    out.print(f"  {line}", highlight=False, markup=False)
    warning = f"{text('severity.warning', speak)}: {text('cli.demo.shown_once', speak)}"
    err.print(warning, style="yellow", highlight=False, markup=False)
