"""What the OKR pages show of a scored cycle (services.okr_scores), as text in the reader's language: every number,
percentage and word made here, so that the templates only place them. A colour always comes with its word, and a
bar with its percentage (never colour alone).

The tree (`tree`) nests the cycle's objectives by alignment: an objective under the objective it aligns to, or under
the key result it aligns to; the objectives aligned to nothing in this cycle are its roots. An objective aligned to
two parents is shown under each."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from kpilot.i18n import Language, render, text, value_text
from kpilot.okr.kinds import Colour, KeyResultKind
from kpilot.okr.pace import Confidence, band
from kpilot.results.formatting import EMPTY, format_share
from kpilot.services.okr_scores import CycleScores, KeyResultScore, ObjectiveScore

BANDS = tuple(Confidence)  # the rubric, from "will not happen" to "done"
CONFIDENCES = tuple(range(11))


@dataclass(frozen=True)
class KeyResultRow:
    id: int
    title: str
    kind: str
    kpi: str | None
    scope: str  # `team=EMEA, owner=anna`, as --scope writes it; empty for the whole data
    value: str  # with its unit
    partial: bool  # the value is to date
    progress: str  # raw progress (may pass 100 % or fall below 0)
    grade: str
    width: int  # the grade as a bar's width, 0..100
    colour: str  # a Colour's code, or "" without a grade
    colour_words: str
    confidence: str  # the last check-in's, with its rubric band's words
    reason: str  # why there is no value
    cascade: str  # the progress of the objectives aligned to this key result, or ""
    baseline: str
    target: str
    stretch: str
    upper: str
    weight: str
    expected: str
    behind_by: str  # how far behind the pace (a share), or "" when ahead or unknown
    too_far_behind: bool
    projected_grade: str


@dataclass(frozen=True)
class ObjectiveRow:
    id: int
    title: str
    description: str
    owner: str
    level: str  # in words
    progress: str
    width: int
    colour: str
    colour_words: str
    expected: str
    behind: bool
    missing: int  # parts without a value yet, counted as 0


@dataclass(frozen=True)
class KeyResultNode:
    row: KeyResultRow
    children: tuple[ObjectiveNode, ...]  # the objectives aligned to this key result


@dataclass(frozen=True)
class ObjectiveNode:
    row: ObjectiveRow
    key_results: tuple[KeyResultNode, ...]
    children: tuple[ObjectiveNode, ...]  # the objectives aligned to this objective


def share(fraction: Fraction | None, language: Language) -> str:
    return EMPTY if fraction is None else format_share(float(fraction), language)


def number(value: Decimal | None, language: Language, unit: str | None = None) -> str:
    if value is None:
        return EMPTY
    shown = value_text(value, language)
    return text("web.okr.value_unit", language, value=shown, unit=unit) if unit else shown


def confidence_words(confidence: int | None, language: Language) -> str:
    """`7 (on track)`: the number and its rubric band's short words."""
    if confidence is None:
        return EMPTY
    return text("web.okr.confidence_of", language, confidence=str(confidence), band=band_words(confidence, language))


def band_words(confidence: int, language: Language) -> str:
    return text(f"web.okr.band.{band(confidence).value}", language)


def colour_words(colour: Colour | None, language: Language) -> str:
    return "" if colour is None else text(f"web.okr.colour.{colour.value}", language)


def _width(fraction: Fraction | None) -> int:
    return 0 if fraction is None else round(float(max(Fraction(0), min(Fraction(1), fraction))) * 100)


def _value(score: KeyResultScore, language: Language) -> str:
    """The value with its unit; for milestones, how many of them are done."""
    if score.key_result.kind in (KeyResultKind.MILESTONE.value, KeyResultKind.MILESTONES.value):
        done = sum(1 for milestone in score.milestones if milestone.done_on is not None)
        return text("web.okr.milestones_done", language, done=str(done), total=str(len(score.milestones)))
    return number(score.value, language, score.key_result.unit)


def key_result_row(score: KeyResultScore, scores: CycleScores, language: Language) -> KeyResultRow:
    kr = score.key_result
    below = scores.cascade_of_key_results.get(kr.id)
    behind = score.pace.behind
    return KeyResultRow(
        id=kr.id,
        title=kr.title,
        kind=kr.kind,
        kpi=kr.kpi,
        scope=", ".join(f"{name}={value}" for name, value in sorted(kr.scope.items())),
        value=_value(score, language),
        partial=score.partial and score.value is not None,
        progress=share(score.raw, language),
        grade=share(score.grade, language),
        width=_width(score.grade),
        colour="" if score.colour is None else score.colour.value,
        colour_words=colour_words(score.colour, language),
        confidence=confidence_words(score.confidence, language),
        reason="" if score.reason is None else render(score.reason, language),
        cascade="" if below is None else share(below.progress, language),
        baseline=number(kr.baseline, language, kr.unit),
        target=number(kr.target, language, kr.unit),
        stretch=number(kr.stretch, language, kr.unit),
        upper=number(kr.upper, language, kr.unit),
        weight=value_text(kr.weight, language),
        expected=share(score.pace.expected, language),
        behind_by=share(behind, language) if behind is not None and behind > 0 else "",
        too_far_behind=score.pace.too_far_behind,
        projected_grade=share(score.projected_grade, language),
    )


def objective_row(found: ObjectiveScore, scores: CycleScores, language: Language) -> ObjectiveRow:
    objective = found.objective
    return ObjectiveRow(
        id=objective.id,
        title=objective.title,
        description=objective.description,
        owner=scores.owners.get(objective.id, ""),
        level=text(f"web.okr.level.{objective.level}", language),
        progress=share(found.rolled.progress, language),
        width=_width(found.rolled.progress),
        colour="" if found.colour is None else found.colour.value,
        colour_words=colour_words(found.colour, language),
        expected=share(found.expected, language),
        behind=found.behind,
        missing=len(found.rolled.missing),
    )


def tree(scores: CycleScores, language: Language) -> tuple[ObjectiveNode, ...]:
    """The cycle's objectives nested by alignment (see the module's docstring)."""
    by_id = {found.objective.id: found for found in scores.objectives}
    kr_ids = {kr.key_result.id for found in scores.objectives for kr in found.key_results}
    under_objective: dict[int, list[int]] = {}
    under_key_result: dict[int, list[int]] = {}
    placed: set[int] = set()
    for link in scores.content.alignments:
        if link.child_id not in by_id:
            continue
        if link.parent_objective_id in by_id:
            under_objective.setdefault(link.parent_objective_id, []).append(link.child_id)
            placed.add(link.child_id)
        elif link.parent_key_result_id in kr_ids and link.parent_key_result_id is not None:
            under_key_result.setdefault(link.parent_key_result_id, []).append(link.child_id)
            placed.add(link.child_id)

    def node(objective_id: int) -> ObjectiveNode:
        found = by_id[objective_id]
        key_results = tuple(
            KeyResultNode(
                key_result_row(kr, scores, language),
                tuple(node(child) for child in under_key_result.get(kr.key_result.id, ())),
            )
            for kr in found.key_results
        )
        children = tuple(node(child) for child in under_objective.get(objective_id, ()))
        return ObjectiveNode(objective_row(found, scores, language), key_results, children)

    # Links never make a cycle (services.okrs refuses one), so the recursion ends.
    return tuple(node(found.objective.id) for found in scores.objectives if found.objective.id not in placed)


def rules(scores: CycleScores, language: Language) -> Mapping[str, str]:
    """The scoring formula, the grading and the cycle's roll-up rule, in words (shown under the tree)."""
    grading = scores.grading
    return {
        "formula": text("web.okr.rule.formula", language),
        "grade": text("web.okr.rule.grade", language),
        "grading": text(
            "web.okr.rule.grading",
            language,
            green=share(grading.green, language),
            yellow=share(grading.yellow, language),
        ),
        "rollup": text(f"web.okr.rule.rollup.{scores.cycle.rollup}", language),
        "pace": text("web.okr.rule.pace", language),
    }


def rubric(language: Language) -> tuple[tuple[str, str], ...]:
    """The confidence rubric: each band's short words and its full text (okr.rubric.*)."""
    return tuple((text(f"web.okr.band.{b.value}", language), text(f"okr.rubric.{b.value}", language)) for b in BANDS)
