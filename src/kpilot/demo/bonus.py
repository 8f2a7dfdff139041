"""The demo company's bonus plans (data/bonus.yaml): a sales plan on each rep's won revenue and win rate, gated by the
company's gross margin, and a support plan on each agent's CSAT and first response time, for the (fiscal) year of
the demo's last complete quarter; with the targets they pay on, and that quarter run.

The plans pay on attainment, so every member needs a target per quarter for each KPI in their own scope, and the
company one for the gate's gross margin. They are made as the demo's other targets are (`build.suggested_targets`):
kpilot's own suggestion (the recommended method, commit, target and stretch) for each quarter of the plan's year,
from the quarters before it, here over the person's own rows (`owner: <rep>`, `agent: <agent>`). So each person is
measured against their own track record, and about half beat it, as the suggestions are designed to do. Someone
with too little history for a suggestion (a recent hire), or whose suggestion is 0 (a quarter can always be won at
0), gets no target: their statement says why nothing is paid for that KPI.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time
from decimal import Decimal
from importlib import resources
from io import StringIO
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from kpilot.auth.actor import Actor
from kpilot.definitions.bonus_model import BonusPlan, ScopeOf
from kpilot.definitions.editing import write_atomically
from kpilot.definitions.loader import DEFINITIONS_DIR
from kpilot.demo.company import leader_emails
from kpilot.engine.period_names import last_complete, period_name
from kpilot.engine.periods import Calendar, Grain
from kpilot.errors import UserError
from kpilot.forecast.history import history_end
from kpilot.goals.suggest.batch import Suggester
from kpilot.goals.suggest.propose import Level
from kpilot.i18n import Amount, Message
from kpilot.services.bonus_members import plan_members
from kpilot.services.bonus_plans import plan_periods
from kpilot.services.bonus_runs import run_plan
from kpilot.store.organisation import Organisation, read_organisation
from kpilot.store.session import open_store
from kpilot.workspace import Workspace

BONUS_FILE = "bonus.yaml"  # in the workspace's definitions/
MIN_HISTORY = 2  # quarters with a value before the target's: fewer, and `kpilot check` cannot judge the target
TargetKey = tuple[str, str, tuple[tuple[str, str], ...]]  # kpi, period, scope

_HEADER = """\
Brightloop's bonus plans (docs/bonus.md, "The demo's plans"), written by `kpilot demo`, with the KPI the sales plan
pays on that the catalogue does not have (won revenue: the catalogue's revenue is the web shop's, owned by no rep).
"""
_TARGETS = """\
The targets the plans pay on, one per member, KPI and quarter of the plan's year in the member's own scope, and the
company's for the gate: kpilot's suggestion for the quarter (the recommended method) from the quarters before it,
as `kpilot targets suggest KPI --period QUARTER --scope owner=NAME` makes it. Members with too little history for a
suggestion (two quarters of their own) or a suggested 0 have none: nothing is paid for that KPI, and their statement
says why.
"""


def plan_year(today: date, calendar: Calendar) -> int:
    """The (fiscal) year of the last complete quarter: the year whose plans the demo can already run."""
    name = period_name(last_complete(today, Grain.QUARTER, calendar), Grain.QUARTER, calendar)
    return int(name.split("-")[0])


def add_bonus_plans(root: Path, today: date) -> tuple[str, ...]:
    """Write the plans (and their KPI) into definitions/bonus.yaml, then their targets; returns the plans' names."""
    data = YAML(typ="safe").load(resources.files("kpilot.demo").joinpath("data", "bonus.yaml").read_text())
    emails = leader_emails()
    with Workspace(root) as workspace:
        year = plan_year(today, workspace.calendar)
    kpis = [kpi | {"owner": emails[kpi["owner"]]} for kpi in data["kpis"]]
    plans = [_plan(item, year, emails) for item in data["plans"]]
    path = root / DEFINITIONS_DIR / BONUS_FILE
    write_atomically(path, _text(kpis, [], plans))
    names = tuple(plan["name"] for plan in plans)
    with Workspace(root) as workspace:
        loaded = [workspace.definitions.bonus_plan(name) for name in names]
        targets = plan_targets(workspace, [plan for plan in loaded if plan is not None], today)
    write_atomically(path, _text(kpis, targets, plans))
    return names


def plan_targets(workspace: Workspace, plans: Sequence[BonusPlan], today: date) -> list[dict[str, Any]]:
    """Commit, target and stretch for every member's person-scoped KPIs and the plans' company KPIs, per quarter of
    each plan's year (none where the definitions already have one for that KPI, period and scope)."""
    with open_store(workspace) as store, store.reading() as session:
        organisation = read_organisation(session)
    seen: set[TargetKey] = {
        (t.kpi, t.period or "", tuple(sorted(t.scope.items()))) for t in workspace.definitions.targets
    }
    entries = []
    for plan in plans:
        own, company = _kpis_by_scope(plan)
        # One suggester per kind of scope: a person's scope has no rows for the company's KPIs (the ledger has no
        # `owner`), and each suggester loads all its KPIs' histories per scope.
        mine, ours = Suggester(workspace, own, today), Suggester(workspace, company, today)
        for period in plan_periods(plan, workspace.calendar):
            wanted: list[tuple[Suggester, str, dict[str, str]]] = [(ours, kpi, {}) for kpi in company]
            for scope in _member_scopes(plan, organisation, period.start, period.end):
                wanted += [(mine, kpi, scope) for kpi in own]
            for suggester, kpi, scope in wanted:
                key = (kpi, period.name, tuple(sorted(scope.items())))
                entry = None if key in seen else _entry(suggester, kpi, period.start, period.grain, scope)
                if entry is not None:
                    seen.add(key)
                    entries.append(entry)
    return entries


def run_last_quarter(root: Path, names: Iterable[str], today: date) -> list[Message]:
    """Run each plan for the last complete quarter as the operator (a draft run, to review and approve); one line
    each for the demo's summary: the plan, the period, how many people it computed and the total."""
    moment = datetime.combine(today, time(9), UTC)
    lines = []
    with Workspace(root) as workspace, open_store(workspace) as store:
        calendar = workspace.calendar
        period = period_name(last_complete(today, Grain.QUARTER, calendar), Grain.QUARTER, calendar)
        for name in names:
            outcome = run_plan(store, Actor.operator(), workspace, name, period, now=moment, today=today)
            plan = outcome.computation.plan
            # What the period owes (not what this run posted: a second run of the same data posts nothing).
            earned = [found.earned.amount for found in outcome.computation.people if found.earned is not None]
            total = sum(earned, Decimal(0))
            lines.append(
                Message(
                    "demo.bonus_run",
                    plan=name,
                    period=period,
                    count=len(outcome.computation.people),
                    total=Amount(total, unit="currency", currency=plan.currency),
                )
            )
    return lines


def _plan(item: dict[str, Any], year: int, emails: dict[str, str]) -> dict[str, Any]:
    rest = {key: value for key, value in item.items() if key not in ("key", "label", "owner")}
    label = f"{item['label']} {year}"
    return {"name": f"{item['key']}_{year}", "label": label, "owner": emails[item["owner"]], "year": year} | rest


def _kpis_by_scope(plan: BonusPlan) -> tuple[list[str], list[str]]:
    """The KPIs read in a member's own scope, and those read in the company's (components and gates)."""
    own, company = [], []
    for section in plan.all_sections:
        for component in section.components:
            if component.scope is ScopeOf.PERSON:
                own.append(component.kpi)
            elif component.scope is ScopeOf.COMPANY:
                company.append(component.kpi)
    company += [
        gate.when.kpi for gate in plan.gates if gate.when.kpi is not None and gate.when.scope is ScopeOf.COMPANY
    ]
    return list(dict.fromkeys(own)), list(dict.fromkeys(company))


def _member_scopes(plan: BonusPlan, organisation: Organisation, start: date, end: date) -> list[dict[str, str]]:
    scopes = (member.person.scope.as_dict() for member in plan_members(plan, organisation, {}, start, end))
    return [scope for scope in scopes if scope]  # an empty scope would be the company's numbers


def _entry(suggester: Suggester, kpi: str, start: date, grain: Grain, scope: dict[str, str]) -> dict[str, Any] | None:
    history = suggester.history(kpi, grain, scope)
    last = history_end(start, grain, suggester.workspace.calendar, suggester.today)
    known = [] if isinstance(history, UserError) else [p for p in history if p.start <= last and p.value is not None]
    if len(known) < MIN_HISTORY:
        return None
    suggestion = suggester.suggestion(kpi, start, grain, scope)
    if isinstance(suggestion, UserError) or suggestion.recommended is None:
        return None
    entry = suggestion.entry(Level.ALL)
    target = entry.get("target")
    return entry if isinstance(target, int | float) and target > 0 else None


def _text(kpis: list[dict[str, Any]], targets: list[dict[str, Any]], plans: list[dict[str, Any]]) -> str:
    yaml = YAML()
    yaml.width = 200  # a target, a component or a gate on one line each

    def block(comment: str, key: str, items: list[dict[str, Any]]) -> str:
        stream = StringIO()
        yaml.dump({key: [_flow(item) if key != "kpis" else item for item in items]}, stream)
        return "".join(f"# {line}\n" for line in comment.splitlines()) + stream.getvalue()

    text = block(_HEADER, "kpis", kpis)
    if targets:
        text += block(_TARGETS, "targets", targets)
    return text + block("The plans: who is in each, what it pays, and for which KPIs.", "bonus_plans", plans)


def _flow(item: dict[str, Any], *, inner: bool = False) -> CommentedMap:
    """A target on one line; a plan in blocks, its parts (members, a ramp, a component, a gate) one line each."""
    found = CommentedMap()
    for key, value in item.items():
        if isinstance(value, dict):
            value = _flow(value, inner=True)
        elif isinstance(value, list):
            value = CommentedSeq(_flow(part, inner=True) if isinstance(part, dict) else part for part in value)
            if not value or not isinstance(value[0], CommentedMap):
                value.fa.set_flow_style()
        found[key] = value
    if inner or ("kpi" in item and "period" in item):
        found.fa.set_flow_style()
    return found
