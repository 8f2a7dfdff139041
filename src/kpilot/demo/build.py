"""`kpilot demo`: a complete workspace for a realistic demo company, built without asking anything."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from kpilot.catalogue.catalogue import add_to_workspace, load_catalogue
from kpilot.catalogue.datamodel import load_datamodel
from kpilot.demo.generator import build_tables, to_arrow
from kpilot.workspace import Workspace

DEMO_NAME = "Demo company"


def build_demo(
    root: Path,
    *,
    seed: int = 7,
    today: date | None = None,
    progress: Callable[[str], None] = lambda step: None,
) -> Workspace:
    """Create the workspace, load every data-model table with generated data, and add the whole catalogue."""
    workspace = Workspace.init(root, name=DEMO_NAME, timezone="Europe/Rome", currency="EUR")
    progress("Generating the demo company's data")
    tables = build_tables(seed=seed, today=today)
    model = load_datamodel()
    con = workspace.warehouse.con
    for name, frame in tables.items():
        progress(f"Loading {name} ({len(frame):,} rows)")
        con.create_table(name, to_arrow(frame, model.table(name)), overwrite=True)
    workspace.close()
    progress("Adding the KPI catalogue")
    add_to_workspace(root, list(load_catalogue().names), {})
    return Workspace(root)
