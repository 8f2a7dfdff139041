"""The OKR tree as `kpilot okr show` prints it (docs/okrs.md): the cycle's heading, each objective indented under
the one it aligns to, its key results under it with their measures, values, progress, pace and confidence, then the
scoring formula and the roll-up rule in words."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

from kpilot.cli.reader import words
from kpilot.i18n import Language, Message, Number, Points, text, value_text
from kpilot.okr.kinds import Direction, KeyResultKind
from kpilot.okr.pace import band
from kpilot.results.formatting import format_kpi_value
from kpilot.services.okr_scores import CycleScores, KeyResultScore, ObjectiveScore
from kpilot.store.okrs import Cycle
from kpilot.workspace import Workspace

INDENT = "  "


def tree_lines(scores: CycleScores, ws: Workspace, speak: Language, *, only: int | None = None) -> Iterator[str]:
    """The cycle for people: its heading, each objective indented under the one it aligns to (first), its key
    results under it, then the scoring formula and the roll-up rule in words."""
    cycle = scores.cycle
    grading = {"green": _percent(scores.grading.green, speak), "yellow": _percent(scores.grading.yellow, speak)}
    yield text(
        "cli.okr.heading", speak, name=cycle.name, when=cycle_when(cycle, speak), state=state_words(cycle.state, speak),
        **grading,
    )  # fmt: skip
    if not scores.objectives:
        yield INDENT + text("cli.okr.no_objectives", speak)
    by_id = {found.objective.id: found for found in scores.objectives}
    children = _children(scores)
    roots = (
        [only]
        if only is not None
        else [o.objective.id for o in scores.objectives if o.objective.id not in _placed(children)]
    )
    seen: set[int] = set()
    kpis = {kpi.name: kpi for kpi in ws.definitions.kpis}
    currency = ws.settings.currency

    def visit(objective_id: int, depth: int) -> Iterator[str]:
        if objective_id in seen:
            return
        seen.add(objective_id)
        found = by_id[objective_id]
        yield INDENT * depth + _objective_line(found, scores, speak)
        for kr in found.key_results:
            for line in _key_result_lines(kr, scores, kpis, currency, speak):
                yield INDENT * (depth + 1) + line
        for child in children.get(objective_id, ()):
            yield from visit(child, depth + 1)

    for root in roots:
        yield from visit(root, 1)
    yield ""
    yield text("cli.okr.formula", speak)
    yield text(f"cli.okr.rollup.{cycle.rollup}", speak)


def _children(scores: CycleScores) -> dict[int, list[int]]:
    """Objectives under each objective of the cycle: aligned to it or to one of its key results (the first link
    inside the cycle places an objective; others are named on its line)."""
    objective_of = {kr.id: kr.objective_id for kr in scores.content.key_results}
    ids = {found.objective.id for found in scores.objectives}
    children: dict[int, list[int]] = {}
    placed: set[int] = set()
    for link in scores.content.alignments:
        parent = link.parent_objective_id
        if parent is None and link.parent_key_result_id is not None:
            parent = objective_of.get(link.parent_key_result_id)
        if parent is None or parent not in ids or link.child_id in placed or parent == link.child_id:
            continue
        placed.add(link.child_id)
        children.setdefault(parent, []).append(link.child_id)
    return children


def _placed(children: Mapping[int, Sequence[int]]) -> set[int]:
    return {child for found in children.values() for child in found}


def subtree(scores: CycleScores, root: int) -> list[int]:
    children = _children(scores)
    found, stack = [], [root]
    while stack:
        current = stack.pop()
        if current in found:
            continue
        found.append(current)
        stack.extend(children.get(current, ()))
    return found


def _objective_line(found: ObjectiveScore, scores: CycleScores, speak: Language) -> str:
    objective = found.objective
    owner = scores.owners.get(objective.id, "?")
    kind = text("cli.okr.owner_person" if objective.owner_person_id is not None else "cli.okr.owner_team", speak)
    values = {
        "id": str(objective.id),
        "title": objective.title,
        "owner": owner,
        "kind": kind,
        "level": objective.level,
        "progress": _percent(found.rolled.progress, speak),
        "colour": _colour(found.colour, speak),
        "expected": _percent(found.expected, speak),
    }
    line = text("cli.okr.objective", speak, **values)
    links = [a for a in scores.content.alignments if a.child_id == objective.id]
    if links:
        parents = tuple(_parent_name(a.parent_objective_id, a.parent_key_result_id, a.weight) for a in links)
        line += "; " + text("cli.okr.aligned_to", speak, parents=parents)
    if found.rolled.missing:
        parts = tuple(_part_name(key) for key in found.rolled.missing)
        line += "; " + text("cli.okr.missing_parts", speak, parts=parts)
    if found.behind:
        line += "; " + text("cli.okr.objective_behind", speak)
    return line


def _part_name(key: str) -> str:
    """A roll-up part as the tree names it: `kr:12` is KR #12, `objective:5` is #5."""
    kind, _, number = key.partition(":")
    return f"KR #{number}" if kind == "kr" else f"#{number}"


def _parent_name(objective: int | None, key_result: int | None, weight: Decimal) -> str:
    shown = f"#{objective}" if objective is not None else f"KR #{key_result}"
    return shown if weight == 1 else f"{shown} ×{weight.normalize():f}"


def _key_result_lines(
    score: KeyResultScore, scores: CycleScores, kpis: Mapping[str, Any], currency: str, speak: Language
) -> Iterator[str]:
    kr = score.key_result
    kind = KeyResultKind(kr.kind)
    kpi = kpis.get(kr.kpi) if kr.kpi is not None else None

    def shown(number: Decimal | None) -> str:
        if number is None:
            return "–"
        if kpi is not None:
            return format_kpi_value(float(number), kpi, currency, language=speak)
        written = value_text(number, speak)
        return f"{written} {kr.unit}" if kr.unit else written

    head = text("cli.okr.key_result", speak, id=str(kr.id), title=kr.title, kind=kind.value)
    if kr.weight != 1:
        head += " " + text("cli.okr.weight", speak, weight=f"{kr.weight.normalize():f}")
    yield head
    details: list[str] = []
    if kind is KeyResultKind.KPI:
        scope = ", ".join(f"{k}={v}" for k, v in sorted(kr.scope.items()))
        details.append(
            text("cli.okr.kpi_scope", speak, kpi=kr.kpi or "", scope=scope)
            if scope
            else text("cli.okr.kpi_all", speak, kpi=kr.kpi or "")
        )
    if kind in (KeyResultKind.KPI, KeyResultKind.NUMBER) and kr.direction is not None:
        target = shown(kr.target) if kr.upper is None else f"{shown(kr.target)}–{shown(kr.upper)}"
        direction = direction_words(Direction(kr.direction), speak)
        measure = text("cli.okr.measure", speak, direction=direction, baseline=shown(kr.baseline), target=target)
        if kr.stretch is not None:
            measure += " " + text("cli.okr.stretch", speak, stretch=shown(kr.stretch))
        details.append(measure)
    if kind in (KeyResultKind.MILESTONE, KeyResultKind.MILESTONES):
        done = sum(1 for m in score.milestones if m.done_on is not None)
        details.append(text("cli.okr.milestones_done", speak, done=done, count=len(score.milestones)))
    elif score.value is not None:
        code = "cli.okr.value_final" if score.final else "cli.okr.value_to_date" if score.partial else "cli.okr.value"
        details.append(text(code, speak, value=shown(score.value)))
    if details:
        yield INDENT + "; ".join(details)
    if score.raw is None:
        # A KPI without a value and without a reason has no data in the cycle's period yet.
        reason = words(score.reason or Message("okr.no_data"), speak)
        yield INDENT + text("cli.okr.no_value", speak, reason=reason)
    else:
        scored = text(
            "cli.okr.progress", speak, progress=_percent(score.raw, speak), grade=_percent(score.grade, speak),
            colour=_colour(score.colour, speak),
        )  # fmt: skip
        parts = [scored, _pace(score, speak)]
        if score.projected_grade is not None:
            parts.append(text("cli.okr.projected", speak, grade=_percent(score.projected_grade, speak)))
        yield INDENT + "; ".join(parts)
    if score.confidence is not None:
        rubric = text(f"okr.rubric.{band(score.confidence).value}", speak)
        yield INDENT + text("cli.okr.confidence", speak, confidence=score.confidence, rubric=rubric)
    below = scores.cascade_of_key_results.get(kr.id)
    if below is not None and below.progress is not None:
        yield INDENT + text("cli.okr.cascade", speak, progress=_percent(below.progress, speak))


def _pace(score: KeyResultScore, speak: Language) -> str:
    behind = score.pace.behind
    expected = _percent(score.pace.expected, speak)
    if behind is None or behind <= 0:
        return text("cli.okr.pace_on", speak, expected=expected)
    return text("cli.okr.pace_behind", speak, expected=expected, behind=Points(float(behind)))


# --- words and numbers ------------------------------------------------------------------------------------------
def _percent(value: Fraction | None, speak: Language) -> str:
    return "–" if value is None else value_text(Number(float(value), ".0%"), speak)


def _colour(value: Any, speak: Language) -> str:
    return "–" if value is None else text(f"cli.okr.colour.{value.value}", speak)


def state_words(state: str, speak: Language) -> str:
    return text(f"cli.okr.state.{state}", speak)


def direction_words(direction: Direction | None, speak: Language) -> str:
    return "" if direction is None else text(f"cli.okr.direction.{direction.value}", speak)


def cycle_when(cycle: Cycle, speak: Language) -> str:
    """A cycle's period, or its dates (the last day inclusive, as people write it)."""
    last = cycle.ends_on - timedelta(days=1)
    dates = text("cli.okr.dates", speak, first=cycle.starts_on, last=last)
    return dates if cycle.period is None else f"{cycle.period} ({dates})"
