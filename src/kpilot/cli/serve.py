"""`kpilot serve`: the REST API over a workspace, with uvicorn (docs/server.md)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from kpilot.cli.app import LanguageOption, WorkspaceOption, app, err, language
from kpilot.errors import UserError
from kpilot.i18n import Message, text
from kpilot.workspace import Workspace

WORKSPACE_VARIABLE = "KPILOT_WORKSPACE"  # how each worker process finds the workspace
ALERTS_VARIABLE = "KPILOT_ALERTS"  # and whether it runs the alert scheduler


@app.command("serve")
def serve_command(
    host: Annotated[str, typer.Option("--host", help="The address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", "-p", help="The port to listen on.", min=1, max=65535)] = 8000,
    workers: Annotated[
        int, typer.Option("--workers", help="Server processes (more than 1 needs a PostgreSQL warehouse).", min=1)
    ] = 1,
    alerts: Annotated[
        bool,
        typer.Option(
            "--alerts/--no-alerts",
            help="Evaluate alert rules and send notifications while serving (or leave it to `kpilot alerts run`).",
        ),
    ] = True,
    workspace: WorkspaceOption = ".",
    lang: LanguageOption = None,
) -> None:
    """Serve the REST API (and OpenAPI at /api/openapi.json) until stopped with Ctrl+C."""
    import uvicorn

    speak = language()
    root = Path(workspace).resolve()
    with Workspace(root) as ws:  # the settings are read now, so that a broken kpilot.yaml stops here, not later
        remote = "://" in ws.settings.warehouse
    if workers > 1 and not remote:
        # DuckDB lets one process write a database file: a second worker could not open it.
        raise UserError(
            Message("cli.serve.workers_need_server_warehouse", workers=workers),
            hint=Message("cli.serve.workers_hint"),
            field="workers",
        )
    err.print(text("cli.serve.listening", speak, url=f"http://{host}:{port}", workspace=str(root)), highlight=False)
    os.environ[WORKSPACE_VARIABLE] = str(root)
    os.environ[ALERTS_VARIABLE] = "1" if alerts else "0"
    uvicorn.run(
        "kpilot.server.app:from_environment", factory=True, host=host, port=port, workers=workers, log_level="info"
    )
