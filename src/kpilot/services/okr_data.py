"""A scored cycle as plain data: what `kpilot okr show --format json` prints and the REST API answers (docs/okrs.md,
"As data"). Codes and values only; numbers as JSON numbers (progress and grades as fractions of 1, rounded to six
places), dates as ISO text, reasons as {code, values}."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

from kpilot.services.okr_scores import CycleScores, KeyResultScore, ObjectiveScore
from kpilot.store.okrs import CheckIn, Cycle, Initiative

PLACES = 6


def cycle_summary(cycle: Cycle) -> dict[str, Any]:
    return {
        "name": cycle.name,
        "period": cycle.period,
        "starts_on": cycle.starts_on.isoformat(),
        "ends_on": (cycle.ends_on - timedelta(days=1)).isoformat(),  # the last day, as people write it
        "state": cycle.state,
        "rollup": cycle.rollup,
        "grading": {"green": float(cycle.green), "yellow": float(cycle.yellow)},
    }


def cycle_data(scores: CycleScores) -> dict[str, Any]:
    initiatives: dict[int, list[Initiative]] = {}
    for initiative in scores.content.initiatives:
        initiatives.setdefault(initiative.key_result_id, []).append(initiative)
    links: dict[int, list[dict[str, Any]]] = {}
    for link in scores.content.alignments:
        links.setdefault(link.child_id, []).append(
            {
                "objective": link.parent_objective_id,
                "key_result": link.parent_key_result_id,
                "weight": float(link.weight),
            }
        )
    return {
        "cycle": cycle_summary(scores.cycle),
        "as_of": scores.today.isoformat(),
        "objectives": [
            _objective(found, scores, links.get(found.objective.id, []), initiatives) for found in scores.objectives
        ],
    }


def _objective(
    found: ObjectiveScore, scores: CycleScores, links: list[dict[str, Any]], initiatives: dict[int, list[Initiative]]
) -> dict[str, Any]:
    objective = found.objective
    return {
        "id": objective.id,
        "title": objective.title,
        "description": objective.description,
        "level": objective.level,
        "owner": {
            "kind": "person" if objective.owner_person_id is not None else "team",
            "id": objective.owner_person_id or objective.owner_team_id,
            "name": scores.owners.get(objective.id),
        },
        "progress": number(found.rolled.progress),
        "colour": None if found.colour is None else found.colour.value,
        "expected": number(found.expected),
        "behind": found.behind,
        "rule": found.rolled.rule.value,
        "weights": {key: number(share) for key, share in found.rolled.shares},
        "missing": list(found.rolled.missing),
        "aligned_to": links,
        "key_results": [_key_result(kr, scores, initiatives.get(kr.key_result.id, [])) for kr in found.key_results],
    }


def _key_result(score: KeyResultScore, scores: CycleScores, initiatives: list[Initiative]) -> dict[str, Any]:
    kr = score.key_result
    below = scores.cascade_of_key_results.get(kr.id)
    return {
        "id": kr.id,
        "position": kr.position,
        "title": kr.title,
        "kind": kr.kind,
        "kpi": kr.kpi,
        "scope": dict(kr.scope),
        "direction": kr.direction,
        **{name: decimal(getattr(kr, name)) for name in ("baseline", "target", "stretch", "upper")},
        "unit": kr.unit,
        "weight": float(kr.weight),
        "value": decimal(score.value),
        "progress": number(score.raw),
        "grade": number(score.grade),
        "colour": None if score.colour is None else score.colour.value,
        "stretch_progress": number(score.stretch),
        "expected": number(score.pace.expected),
        "behind": number(score.pace.behind),
        "projected_value": decimal(score.projected_value),
        "projected_grade": number(score.projected_grade),
        "partial": score.partial,
        "final": score.final,
        "reason": None if score.reason is None else score.reason.to_data(),
        "confidence": score.confidence,
        "cascade": None if below is None else {"progress": number(below.progress), "missing": list(below.missing)},
        "milestones": [
            {"position": m.position, "title": m.title, "done_on": None if m.done_on is None else m.done_on.isoformat()}
            for m in score.milestones
        ],
        "check_ins": [check_in_data(check_in) for check_in in score.check_ins],
        "initiatives": [{"title": i.title, "state": i.state, "link": i.link} for i in initiatives],
    }


def check_in_data(check_in: CheckIn) -> dict[str, Any]:
    return {
        "id": check_in.id,
        "at": check_in.at.isoformat(),
        "author": check_in.author_email,
        "value": decimal(check_in.value),
        "done": list(check_in.done),
        "confidence": check_in.confidence,
        "note": check_in.note,
        "correction": check_in.correction,
    }


def number(value: Fraction | None) -> float | None:
    return None if value is None else round(float(value), PLACES)


def decimal(value: Decimal | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)
