"""The demo company's OKRs for the running quarter (data/okrs.yaml): cascaded from the company to a sales rep, some
key results measured by the KPIs (direction, baseline and target from the data, as `kpilot okr propose` fills them
in), typed numbers and milestones with check-ins spread over the quarter as far as it has gone."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from importlib import resources
from typing import Any

from ruamel.yaml import YAML

from kpilot.auth.actor import Actor
from kpilot.engine.periods import Grain
from kpilot.goals.scorecard import scorecard
from kpilot.okr.kinds import Direction, KeyResultKind, Level, OwnerKind
from kpilot.services import okrs
from kpilot.services.okr_propose import kpi_key_result
from kpilot.services.okrs import CycleSpec, ImportedObjective, NewKeyResult, NewObjective
from kpilot.store.organisation import read_organisation
from kpilot.store.session import Store, open_store
from kpilot.workspace import Workspace

CHECK_IN_EVERY = timedelta(days=14)


def add_okrs(workspace: Workspace, people: dict[str, str], today: date) -> str:
    """The running quarter's cycle with the demo's OKRs; `people` maps a role in the data file (`sales_rep`) to
    the person's e-mail address. Returns the cycle's name."""
    data = YAML(typ="safe").load(resources.files("kpilot.demo").joinpath("data", "okrs.yaml").read_text())
    calendar = workspace.calendar
    start = calendar.start(today, Grain.QUARTER)
    name = _quarter_name(start, calendar.fiscal_year_start)
    operator = Actor.operator()
    now = datetime.combine(today, time(9), UTC)
    objectives = []
    with open_store(workspace) as store:
        scopes = _scopes(store, workspace, data, people)
        for item in data["objectives"]:
            owner_kind, owner = _owner(item["owner"], people)
            key_results = tuple(
                _key_result(workspace, kr, scopes[item["key"]], start, today) for kr in item["key_results"]
            )
            links = tuple(_link(link) for link in item.get("aligned_to", ()))
            objective = NewObjective(
                item["title"], Level(item["level"]), owner_kind, owner, key_results=tuple(k for k in key_results if k)
            )
            objectives.append(ImportedObjective(item["key"], objective, links))
        okrs.import_cycle(store, operator, workspace, CycleSpec(name, period=name), objectives, now=now)
        _check_ins(store, workspace, name, data, start, today)
    return name


def _quarter_name(start: date, fiscal_start: int) -> str:
    """The quarter as `kpilot` names it: fiscal, the fiscal year named by the calendar year it starts in."""
    year = start.year if start.month >= fiscal_start else start.year - 1
    return f"{year}-Q{(start.month - fiscal_start) % 12 // 3 + 1}"


def _scopes(
    store: Any, workspace: Workspace, data: dict[str, Any], people: dict[str, str]
) -> dict[str, dict[str, str]]:

    with store.reading() as session:
        organisation = read_organisation(session)
    found = {}
    for item in data["objectives"]:
        kind, owner = _owner(item["owner"], people)
        if kind is OwnerKind.PERSON:
            person = next(p for p in organisation.people if p.email == owner)
            found[item["key"]] = person.scope.as_dict()
        else:
            team = next(t for t in organisation.teams if t.name == owner)
            found[item["key"]] = team.scope.as_dict()
    return found


def _owner(owner: dict[str, str], people: dict[str, str]) -> tuple[OwnerKind, str]:
    if "team" in owner:
        return OwnerKind.TEAM, owner["team"]
    return OwnerKind.PERSON, people[owner["person"]]


def _link(link: dict[str, Any]) -> tuple[str, int | None, Decimal]:
    weight = Decimal(str(link.get("weight", 1)))
    if "objective" in link:
        return link["objective"], None, weight
    parent, _, position = str(link["key_result"]).partition("/")
    return parent, int(position), weight


def _key_result(
    workspace: Workspace, kr: dict[str, Any], scope: dict[str, str], start: date, today: date
) -> NewKeyResult | None:
    weight = Decimal(str(kr.get("weight", 1)))
    if "kpi" in kr:
        (line,) = scorecard(workspace, start, Grain.QUARTER, [kr["kpi"]], scope, today)
        measured = kpi_key_result(line, kr["title"])
        return None if measured is None else replace(measured, weight=weight)
    kind = KeyResultKind(kr["kind"])
    if kind is KeyResultKind.NUMBER:
        return NewKeyResult(
            kr["title"], kind, direction=Direction.INCREASE, baseline=Decimal(0), target=Decimal(str(kr["target"])),
            unit=kr.get("unit"), weight=weight,
        )  # fmt: skip
    return NewKeyResult(kr["title"], kind, weight=weight, milestones=tuple(kr.get("milestones", ())))


def _check_ins(store: Store, workspace: Workspace, name: str, data: dict[str, Any], start: date, today: date) -> None:
    operator = Actor.operator()
    days = []
    day = start + CHECK_IN_EVERY
    while day < today:
        days.append(day)
        day += CHECK_IN_EVERY
    content = okrs.read_cycle(store, operator, workspace, name, today=today).content
    titles = {
        (o.title, kr.title): kr for o in content.objectives for kr in content.key_results if kr.objective_id == o.id
    }
    for item in data["objectives"]:
        for spec in item["key_results"]:
            kr = titles.get((item["title"], spec["title"]))
            if kr is None:
                continue
            for index, day in enumerate(days[: len(spec.get("confidence", ()))]):
                confidence = spec["confidence"][index]
                value = None
                if "progress" in spec:
                    value = (Decimal(str(spec["target"])) * Decimal(str(spec["progress"][index]))).quantize(Decimal(1))
                done: tuple[int, ...] = ()
                if "done" in spec:
                    before = spec["done"][index - 1] if index else 0
                    done = tuple(range(before + 1, spec["done"][index] + 1))
                band = "low" if confidence < 4 else "mid" if confidence < 7 else "high"
                okrs.check_in(
                    store, operator, workspace, kr.id, confidence=confidence, value=value, done=done,
                    note=data["notes"][band], now=datetime.combine(day, time(16), UTC),
                )  # fmt: skip
