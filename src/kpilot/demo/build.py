"""`kpilot demo`: a complete workspace for a realistic demo company, built without asking anything."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from kpilot.catalogue.add import add_to_workspace
from kpilot.catalogue.catalogue import load_catalogue
from kpilot.catalogue.datamodel import load_datamodel
from kpilot.definitions.editing import dump, read_document, write_atomically
from kpilot.definitions.loader import DEFINITIONS_DIR
from kpilot.demo.bonus import add_bonus_plans, run_last_quarter
from kpilot.demo.company import DemoAccess, add_accounts, add_people, demo_rep, leader_emails, organisation_data
from kpilot.demo.generator import build_tables, demo_range, to_arrow
from kpilot.demo.okrs import add_okrs
from kpilot.engine.period_names import last_complete
from kpilot.engine.periods import Grain
from kpilot.errors import UserError
from kpilot.goals.suggest.batch import Suggester
from kpilot.goals.suggest.propose import Level
from kpilot.goals.writer import write_targets
from kpilot.i18n import Message
from kpilot.workspace import Workspace

DEMO_NAME = "Brightloop"  # the demo company's name (docs/data-model.md), a name in every language


def build_demo(
    root: Path,
    *,
    seed: int = 7,
    today: date | None = None,
    progress: Callable[[Message], None] = lambda step: None,
    access: Callable[[DemoAccess], None] = lambda made: None,
) -> Workspace:
    """Create the workspace, load every data-model table with generated data, add the whole catalogue, and the
    company's people (in the store) with demo accounts.

    `progress` is told each step as it starts, as a message for the surface to show in its reader's language;
    `access` is given the demo accounts' generated passwords and the administrator's API token, to show once."""
    workspace = Workspace.init(root, name=DEMO_NAME, timezone="Europe/Rome", currency="EUR")
    progress(Message("demo.generating_data"))
    tables = build_tables(seed=seed, today=today)
    model = load_datamodel()
    with workspace.warehouse.writable() as con:
        for name, frame in tables.items():
            progress(Message("demo.loading_table", table=name, count=len(frame)))
            con.create_table(name, to_arrow(frame, model.table(name)), overwrite=True)
    workspace.close()
    progress(Message("demo.adding_catalogue"))
    report = add_to_workspace(root, list(load_catalogue().names), {})
    assign_owners(report.path)
    progress(Message("demo.adding_people"))
    add_people(root, tables["employees"], on=demo_range(today=today)[0])
    progress(Message("demo.adding_goals"))
    goals = resources.files("kpilot.demo").joinpath("data", "goals.yaml").read_text(encoding="utf-8")
    (root / DEFINITIONS_DIR / "goals.yaml").write_text(goals, encoding="utf-8")
    progress(Message("demo.suggesting_targets"))
    with Workspace(root) as workspace:
        write_targets(root, suggested_targets(workspace, today))
    progress(Message("demo.adding_accounts"))
    access(add_accounts(root, tables["employees"]))
    progress(Message("demo.adding_okrs"))
    with Workspace(root) as workspace:
        add_okrs(workspace, {"sales_rep": demo_rep(tables["employees"])}, today or workspace.calendar.today())
    progress(Message("demo.adding_bonus_plans"))
    day = today or workspace.calendar.today()
    for ran in run_last_quarter(root, add_bonus_plans(root, day), day):
        progress(ran)
    progress(Message("demo.adding_alert_rules"))
    rules = resources.files("kpilot.demo").joinpath("data", "alerts.yaml").read_text(encoding="utf-8")
    (root / DEFINITIONS_DIR / "alerts.yaml").write_text(rules, encoding="utf-8")
    return Workspace(root)


def assign_owners(path: Path) -> None:
    """Give every catalogue KPI of the demo an owner by its category, as a company would: the e-mail address of the
    leader who answers for the category (a person of the organisation, so `kpilot check` knows them); and the
    sales pipeline's KPIs `visibility: team`, so that each rep sees them over their own and their team's rows."""
    owners = YAML(typ="safe").load(resources.files("kpilot.demo").joinpath("data", "owners.yaml").read_text())
    emails = leader_emails()
    team_kpis = set(organisation_data()["team_kpis"])
    document = read_document(path, "", Message("demo.owners_cannot_be_set"))
    for kpi in document.get("kpis") or []:
        owner = owners.get(kpi.get("category"))
        if owner and not kpi.get("owner"):
            kpi["owner"] = emails[owner]
        if kpi.get("name") in team_kpis and not kpi.get("visibility"):
            kpi["visibility"] = "team"
    write_atomically(path, dump(document))


def suggested_targets(workspace: Workspace, today: date | None = None) -> list[dict[str, Any]]:
    """Commit, target and stretch for every KPI, at its own grain (month unless it says otherwise), for the last
    complete period and the running one (and the running quarter for a monthly KPI), each suggested (by the
    recommended method) from the periods before it.

    KPIs without history at their grain (sources without a time column), and KPIs kpilot suggests nothing for (a
    KPI that was always 0), get no target."""
    calendar = workspace.calendar
    now = today or calendar.today()
    names = [kpi.name for kpi in workspace.definitions.kpis]
    suggester = Suggester(workspace, names, now)
    entries = []
    for kpi in workspace.definitions.kpis:
        grain = Grain(kpi.grain) if kpi.grain in ("month", "quarter", "year") else Grain.MONTH
        periods = [(last_complete(now, grain, calendar), grain), (calendar.start(now, grain), grain)]
        if grain is Grain.MONTH:
            # The running quarter too: what the demo's OKR cycle (a quarter) measures its key results against.
            periods.append((calendar.start(now, Grain.QUARTER), Grain.QUARTER))
        for start, at in periods:
            suggestion = suggester.suggestion(kpi.name, start, at)
            if isinstance(suggestion, UserError) or suggestion.recommended is None:
                continue
            entries.append(suggestion.entry(Level.ALL))
    return entries
