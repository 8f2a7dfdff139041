"""The cascade: objectives aligned to parent objectives or to parent key results, each link with a contribution
weight (docs/okrs.md#cascading).

An objective's progress is rolled up (`rollup.roll_up`) from its own key results and the objectives aligned to it
directly; objectives aligned to one of its key results are that key result's cascade, shown beside the key result's
own measured progress (a key result is measured, never overwritten by its children), so that a reader sees when the
teams below are behind what the key result says. Links may not make a cycle: an objective can never be, through any
chain of links, aligned to itself.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from kpilot.okr.kinds import Rollup
from kpilot.okr.rollup import Part, Rolled, roll_up


@dataclass(frozen=True)
class Link:
    child: int  # the aligned objective
    parent_objective: int | None  # exactly one of the two parents is set
    parent_key_result: int | None
    weight: Fraction


def parent_of(link: Link, key_result_objective: Mapping[int, int]) -> int:
    """The objective a link points up to (a key result's objective, for a link to a key result)."""
    if link.parent_objective is not None:
        return link.parent_objective
    assert link.parent_key_result is not None
    return key_result_objective[link.parent_key_result]


def cycle_through(
    links: Sequence[Link], key_result_objective: Mapping[int, int], adding: Link
) -> tuple[int, ...] | None:
    """The objectives of the cycle that `adding` would close (child, ..., child), or None when it closes none."""
    parents: dict[int, list[int]] = {}
    for link in links:
        parents.setdefault(link.child, []).append(parent_of(link, key_result_objective))
    start = parent_of(adding, key_result_objective)
    # Depth first, upwards from the new parent: reaching the child again is the cycle.
    stack: list[tuple[int, tuple[int, ...]]] = [(start, (adding.child, start))]
    seen: set[int] = set()
    while stack:
        node, path = stack.pop()
        if node == adding.child:
            return path
        if node in seen:
            continue
        seen.add(node)
        stack.extend((parent, (*path, parent)) for parent in parents.get(node, ()))
    return None


@dataclass(frozen=True)
class Cascade:
    objectives: Mapping[int, Rolled]  # each objective's progress
    key_results: Mapping[int, Rolled]  # the cascade below each key result that objectives align to


def cascade(
    key_results: Mapping[int, Sequence[Part]],
    links: Sequence[Link],
    key_result_objective: Mapping[int, int],
    rule: Rollup,
) -> Cascade:
    """Every objective's progress, children before parents. `key_results` holds every objective (with its key
    results' parts, possibly none); links must be acyclic (the store refuses a link that closes a cycle)."""
    below_objective: dict[int, list[Link]] = {}
    below_key_result: dict[int, list[Link]] = {}
    for link in links:
        if link.parent_objective is not None:
            below_objective.setdefault(link.parent_objective, []).append(link)
        elif link.parent_key_result is not None:
            below_key_result.setdefault(link.parent_key_result, []).append(link)
    done: dict[int, Rolled] = {}

    def rolled(objective: int, path: frozenset[int]) -> Rolled:
        if objective in done:
            return done[objective]
        if objective in path:
            raise ValueError(f"alignment cycle through objective {objective}")
        inside = path | {objective}
        children = [
            Part(f"objective:{link.child}", link.weight, rolled(link.child, inside).progress)
            for link in below_objective.get(objective, ())
        ]
        done[objective] = roll_up([*key_results.get(objective, ()), *children], rule)
        return done[objective]

    for objective in key_results:
        rolled(objective, frozenset())
    under_key_results = {
        key_result: roll_up(
            [Part(f"objective:{link.child}", link.weight, rolled(link.child, frozenset()).progress) for link in found],
            rule,
        )
        for key_result, found in below_key_result.items()
    }
    return Cascade(done, under_key_results)
