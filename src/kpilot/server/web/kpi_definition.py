"""What a KPI is, for its page, in the reader's language: its definition (label, description, formula as written,
unit, which way is good, owner, type, level), the goals it serves (the goals of the KPI matrix that name it, with
their weights), its SMART findings (`kpilot check`, over the reader's view) and, for a KPI taken from the
catalogue, the catalogue's explanation: what it measures, why it matters, how it is computed, how to move it (the
texts `kpilot catalogue show` prints)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

from kpilot.api import Workspace
from kpilot.catalogue.catalogue import load_catalogue
from kpilot.catalogue.merge import CATALOGUE_FILE
from kpilot.definitions.model import Kpi
from kpilot.i18n import Language, text
from kpilot.results.data import words
from kpilot.results.formatting import format_weight
from kpilot.server.web.kpi_kept import Keeper


@dataclass(frozen=True)
class Fact:
    label: str
    value: str
    code: bool = False  # shown as code (the formula as written)


@dataclass(frozen=True)
class ServedGoal:
    name: str
    title: str
    weight: str
    description: str | None


@dataclass(frozen=True)
class SmartFinding:
    criterion: str
    severity: str  # its code: error, warning, info (the page's mark; the words say it too)
    severity_words: str
    target: str | None
    reason: str
    fix: str


@dataclass(frozen=True)
class Explanation:
    what: str
    why: str
    how_computed: str
    how_to_move: str
    variants: str | None


@dataclass(frozen=True)
class Definition:
    facts: tuple[Fact, ...]
    goals: tuple[ServedGoal, ...]
    findings: tuple[SmartFinding, ...]
    explanation: Explanation | None


def definition(workspace: Workspace, kpi: Kpi, language: Language, keeper: Keeper | None = None) -> Definition:
    """`keeper` keeps the SMART check between requests (server.web.kpi_kept): one check serves every KPI page."""
    return Definition(
        _facts(kpi, language),
        _goals(workspace, kpi, language),
        _findings(workspace, kpi, language, keeper),
        explanation(kpi, language),
    )


def _facts(kpi: Kpi, language: Language) -> tuple[Fact, ...]:
    def say(code: str) -> str:
        return text(code, language)

    none = say("web.kpi.def.none")
    unit = say(f"web.kpi.unit.{kpi.unit.value}")
    if kpi.time_unit is not None:
        unit = f"{unit} ({kpi.time_unit.value})"
    kinds = [
        say(f"web.kpi.tier.{kpi.tier}") if kpi.tier else None,
        say(f"web.kpi.indicator.{kpi.indicator}") if kpi.indicator else None,
        say(f"web.kpi.nature.{kpi.nature}"),
    ]
    facts = [
        Fact(say("web.kpi.def.name"), kpi.name, code=True),
        Fact(say("web.kpi.def.label"), kpi.title),
        Fact(say("web.kpi.def.description"), kpi.description or none),
        Fact(say("web.kpi.def.formula"), kpi.formula, code=True),
        Fact(say("web.kpi.def.unit"), unit),
        Fact(say("web.kpi.def.direction"), say(f"web.kpi.direction.{kpi.direction.value}")),
        Fact(say("web.kpi.def.owner"), kpi.owner or none),
        Fact(say("web.kpi.def.type"), ", ".join(kind for kind in kinds if kind)),
        Fact(say("web.kpi.def.level"), say(f"web.kpi.level.{kpi.level}") if kpi.level else none),
        Fact(say("web.kpi.def.category"), kpi.category or none),
    ]
    return tuple(facts)


def _goals(workspace: Workspace, kpi: Kpi, language: Language) -> tuple[ServedGoal, ...]:
    found = []
    for goal in workspace.definitions.goals:
        for link in goal.kpis:
            if link.kpi == kpi.name:
                found.append(ServedGoal(goal.name, goal.title, format_weight(link.weight, language), goal.description))
    return tuple(found)


def _findings(workspace: Workspace, kpi: Kpi, language: Language, keeper: Keeper | None) -> tuple[SmartFinding, ...]:
    """The SMART findings about this KPI and its targets, as `kpilot check` finds them over the reader's view."""
    day = workspace.calendar.today()
    checked = workspace.check() if keeper is None else keeper.kept(("check", day), workspace.check)
    found = []
    for finding in checked.findings:
        if finding.kpi != kpi.name:
            continue
        found.append(
            SmartFinding(
                criterion=words(finding.letter.word, language) or finding.letter.value,
                severity=finding.severity.value,
                severity_words=text(f"web.kpi.severity.{finding.severity.value}", language),
                target=words(finding.target, language),
                reason=words(finding.reason, language) or "",
                fix=words(finding.fix, language) or "",
            )
        )
    return tuple(found)


def explanation(kpi: Kpi, language: Language) -> Explanation | None:
    """The catalogue's texts for a KPI added from it (`kpilot catalogue add` writes definitions/catalogue.yaml), in
    the reader's language; None for a KPI of the workspace's own, even one named like a catalogue KPI."""
    catalogue = load_catalogue()
    if kpi.name not in catalogue.names or PurePosixPath(kpi.origin.file or "").name != CATALOGUE_FILE:
        return None
    entry = catalogue.kpi(kpi.name)
    texts = entry.text(language.value)
    computed = text("web.kpi.explain.computed", language, formula=entry.formula, measures=_measures(entry.measures))
    return Explanation(texts.what, texts.why, computed, texts.how, texts.variants)


def _measures(measures: tuple[tuple[str, str], ...]) -> str:
    catalogue = load_catalogue()
    parts = []
    for source_name, measure_name in measures:
        source = catalogue.source(source_name)
        measure = source.measure(measure_name)
        if measure is None:
            continue
        detail = f"{measure.agg.value}({measure.expr or '*'})"
        if measure.filter:
            detail += f" [{measure.filter}]"
        parts.append(f"{source_name}.{measure_name} = {detail} ({source.table or source_name})")
    return "; ".join(parts)
