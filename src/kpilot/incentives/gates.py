"""The order in which a plan's parts are paid, and the gates that make that order impossible.

A plan is a small graph: a section's score depends on its components, the plan's on its sections, and a gate makes
what it caps depend on what its condition reads ("if the company section pays below 50 %, cap the individual
section at 50 %": the individual section waits for the company one). A gate whose condition reads a KPI depends on
nothing. Evaluation follows a topological order of that graph; a circle (a section gated on its own component, or
two sections gated on each other) has no order, so the plan is refused when it is loaded rather than paid in
whichever order the code happened to choose.
"""

from __future__ import annotations

import graphlib
from collections.abc import Iterator
from dataclasses import dataclass

from kpilot.definitions.bonus_model import BonusPlan, GateSpec

PLAN = "plan"


@dataclass(frozen=True)
class Node:
    """A part of a plan that pays a fraction: the plan, a section or a component."""

    kind: str  # "plan" | "section" | "component"
    name: str

    def __str__(self) -> str:
        return self.kind if self.kind == PLAN else f"{self.kind} {self.name}"


PLAN_NODE = Node(PLAN, PLAN)


def gate_subject(gate: GateSpec) -> Node | None:
    """What the gate's condition reads, when it is a part of the plan (None for a KPI)."""
    if gate.when.component is not None:
        return Node("component", gate.when.component)
    if gate.when.section is not None:
        return Node("section", gate.when.section)
    return None


def gate_target(gate: GateSpec) -> Node:
    if isinstance(gate.applies_to, str):  # "plan"
        return PLAN_NODE
    ((kind, name),) = gate.applies_to.items()
    return Node(kind, name)


def dependencies(plan: BonusPlan) -> dict[Node, set[Node]]:
    """Each part of the plan with the parts it needs first."""
    needs: dict[Node, set[Node]] = {PLAN_NODE: set()}
    for section in plan.all_sections:
        section_node = Node("section", section.name)
        needs[PLAN_NODE].add(section_node)
        needs.setdefault(section_node, set())
        for component in section.components:
            component_node = Node("component", component.name)
            needs[section_node].add(component_node)
            needs.setdefault(component_node, set())
    for gate in plan.gates:
        subject = gate_subject(gate)
        if subject is not None:
            needs.setdefault(gate_target(gate), set()).add(subject)
    return needs


def gate_cycle(plan: BonusPlan) -> tuple[Node, ...] | None:
    """A circle of parts that wait for one another (first part repeated at the end), or None."""
    try:
        tuple(graphlib.TopologicalSorter(dependencies(plan)).static_order())
    except graphlib.CycleError as error:
        return tuple(error.args[1])
    return None


def evaluation_order(plan: BonusPlan) -> Iterator[Node]:
    """The parts in an order where each comes after everything it needs; raises graphlib.CycleError on a circle
    (which `plan_checks` reports when the plan is loaded, so a checked plan never raises)."""
    sorter = graphlib.TopologicalSorter(dependencies(plan))
    # static_order is deterministic for a given insertion order, and the graph is built in the file's order.
    yield from sorter.static_order()
