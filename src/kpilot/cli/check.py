"""`kpilot check`: SMART checks of every KPI and target (exit code 1 when any finding is an error)."""

from __future__ import annotations

from collections import Counter
from typing import Any

import typer
from rich.markup import escape
from rich.table import Table

from kpilot.cli.app import WorkspaceOption, app, out
from kpilot.cli.formats import Format, TableOrJson
from kpilot.cli.output import json_text
from kpilot.goals.smart.check import check_workspace, has_errors
from kpilot.goals.smart.finding import Finding, Letter, Level
from kpilot.workspace import Workspace

STYLES = {Level.ERROR: "bold red", Level.WARNING: "yellow", Level.INFO: "dim"}


@app.command("check")
def check_command(
    output: TableOrJson = Format.TABLE,
    workspace: WorkspaceOption = ".",
) -> None:
    """Review every KPI and target: Specific, Measurable, Achievable, Relevant, Time-bound."""
    with Workspace(workspace) as ws:
        findings = check_workspace(ws)
        title = f"SMART check: {ws.settings.name}"
    if output is Format.JSON:
        out.file.write(json_text(check_json(findings)) + "\n")
    else:
        _print(findings, title)
    if has_errors(findings):
        raise typer.Exit(code=1)


def check_json(findings: list[Finding]) -> dict[str, Any]:
    counts = Counter(f.severity for f in findings)
    return {
        "findings": [
            {
                "letter": f.letter.value,
                "criterion": f.letter.word,
                "severity": f.severity.value,
                "kpi": f.kpi,
                "target": f.target,
                "reason": f.reason,
                "fix": f.fix,
                "location": str(f.location) if f.location else None,
            }
            for f in findings
        ],
        "summary": {level.value: counts.get(level, 0) for level in Level},
    }


def _print(findings: list[Finding], title: str) -> None:
    if not findings:
        out.print(f"{title}: no findings", highlight=False)
        return
    view = Table(title=title, title_justify="left", header_style="bold", show_lines=False)
    for column in ("", "severity", "KPI", "target", "finding", "fix"):
        view.add_column(column, overflow="fold")
    for letter in Letter:
        group = [f for f in findings if f.letter is letter]
        if not group:
            continue
        view.add_row(f"[bold]{letter.value}[/]", f"[bold]{letter.word}[/]", "", "", "", "")
        for finding in group:
            style = STYLES[finding.severity]
            view.add_row(
                "",
                f"[{style}]{finding.severity.value}[/]",
                finding.kpi or "",
                finding.target or "",
                escape(finding.reason),
                escape(finding.fix),
            )
    out.print(view)
    counts = Counter(f.severity for f in findings)
    summary = ", ".join(f"{counts.get(level, 0)} {level.value}(s)" for level in Level)
    out.print(summary, highlight=False)
