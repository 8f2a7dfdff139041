"""`kpilot validate`: every problem of a workspace's definitions, as file:line:col.

With `--no-data` it reads the settings and the definitions and checks them (YAML, names, formulas, targets) without
opening the warehouse, and imports none of what computing needs (Ibis, DuckDB, pyarrow): a quick check for an
editor's save hook or a pre-commit hook. It reports what `Workspace.validate(with_data=False)` reports, in the same
order (tests/cli/test_lazy.py compares the two); without `--no-data` it is that method with the data checks.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kpilot.cli.app import LanguageOption, WorkspaceOption, app, err, language, out
from kpilot.definitions.loader import load_definitions, load_settings
from kpilot.definitions.model import Definitions
from kpilot.engine.preflight import measureless_issues
from kpilot.engine.target_checks import target_issues
from kpilot.errors import Issue, Severity
from kpilot.i18n import text
from kpilot.semantic.resolve import SemanticModel
from kpilot.semantic.validate import static_issues


@app.command()
def validate(
    workspace: WorkspaceOption = ".",
    no_data: Annotated[bool, typer.Option("--no-data", help="Skip the checks that need the warehouse.")] = False,
    lang: LanguageOption = None,
) -> None:
    """Check every definition (and, unless --no-data, against the warehouse); list each problem as file:line:col."""
    speak = language()
    definitions, issues = definition_issues(workspace) if no_data else _all_issues(workspace)
    errors = [issue for issue in issues if issue.severity is Severity.ERROR]
    for issue in issues:
        err.print(issue.describe(speak), highlight=False, markup=False)
    if errors:
        err.print(text("validation.problems_found", speak, count=len(errors)), style="red")
        raise typer.Exit(1)
    sources, kpis = len(definitions.sources), len(definitions.kpis)
    out.print(text("cli.setup.valid", speak, sources=sources, kpis=kpis))


def definition_issues(folder: str | Path) -> tuple[Definitions, list[Issue]]:
    """The workspace's definitions and their problems that need no data, sorted by place: what
    `Workspace(folder).validate(with_data=False)` finds, read the way `Workspace(folder)` reads them (a folder that is
    not a workspace, or settings that do not load, raise as they do there)."""
    root = Path(folder).resolve()
    load_settings(root)
    definitions, load_issues = load_definitions(root)
    model = SemanticModel(definitions)
    issues = [*load_issues, *static_issues(definitions), *target_issues(definitions)]
    issues += measureless_issues(definitions, model)
    return definitions, sorted(issues, key=_place)


def _place(issue: Issue) -> tuple[str, int, int]:
    return issue.location.file or "", issue.location.line or 0, issue.location.col or 0


def _all_issues(folder: str) -> tuple[Definitions, list[Issue]]:
    from kpilot.workspace import Workspace  # imported here: it loads the engine and Ibis, which --no-data needs not

    with Workspace(folder) as ws:
        return ws.definitions, ws.validate(with_data=True)
