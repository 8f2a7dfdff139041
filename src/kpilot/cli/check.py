"""`kpilot check`: SMART checks of every KPI and target (exit code 1 when any finding is an error)."""

from __future__ import annotations

from collections import Counter

import typer
from rich.markup import escape
from rich.style import Style
from rich.table import Table

from kpilot.cli.app import LanguageOption, WorkspaceOption, app, language, out
from kpilot.cli.formats import Format, TableOrJson
from kpilot.cli.output import json_text
from kpilot.cli.reader import words
from kpilot.errors import Severity as Level
from kpilot.goals.smart.finding import Finding, Letter
from kpilot.i18n import Language, text
from kpilot.services.grant_checks import check_with_store
from kpilot.workspace import Workspace

STYLES = {Level.ERROR: Style(color="red", bold=True), Level.WARNING: "yellow", Level.INFO: "dim"}
COUNTS = {Level.ERROR: "cli.check.errors", Level.WARNING: "cli.check.warnings", Level.INFO: "cli.check.infos"}


@app.command("check")
def check_command(
    output: TableOrJson = Format.TABLE,
    workspace: WorkspaceOption = ".",
    lang: LanguageOption = None,
) -> None:
    """Review every KPI and target: Specific, Measurable, Achievable, Relevant, Time-bound."""
    speak = language()
    with Workspace(workspace) as ws:
        result = check_with_store(ws)  # with the grants of restricted KPIs checked against the store
        findings = list(result.findings)
        title = text("cli.check.title", speak, workspace=ws.settings.name)
    if output is Format.JSON:
        out.file.write(json_text(result.to_data(speak)) + "\n")
    else:
        _print(findings, title, speak)
    if result.has_errors:
        raise typer.Exit(code=1)


def _print(findings: list[Finding], title: str, speak: Language) -> None:
    if not findings:
        out.print(text("cli.check.no_findings", speak, title=title), highlight=False, markup=False)
        return
    view = Table(title=escape(title), title_justify="left", header_style="bold", show_lines=False)
    headers = ("cli.check.severity", "cli.column.kpi", "cli.column.target", "cli.check.finding", "cli.check.fix")
    for column in ("", *(text(code, speak) for code in headers)):
        view.add_column(column, overflow="fold")
    for letter in Letter:
        group = [f for f in findings if f.letter is letter]
        if not group:
            continue
        view.add_row(f"[bold]{letter.value}[/]", f"[bold]{escape(words(letter.word, speak))}[/]", "", "", "", "")
        for finding in group:
            style = STYLES[finding.severity]
            view.add_row(
                "",
                f"[{style}]{escape(text(f'severity.{finding.severity.value}', speak))}[/]",
                escape(finding.kpi or ""),
                escape(words(finding.target, speak)),
                escape(words(finding.reason, speak)),
                escape(words(finding.fix, speak)),
            )
    out.print(view)
    counts = Counter(f.severity for f in findings)
    summary = ", ".join(text(COUNTS[level], speak, count=counts.get(level, 0)) for level in Level)
    out.print(summary, highlight=False, markup=False)
