"""Checks a compute request passes before it reaches the warehouse, shared with `validate` so that both say the
same thing about the same mistake.

`validate` checks every definition; a computation checks only what it reads: the KPIs asked for and the sources
their measures come from, each source once per workspace object.
"""

from __future__ import annotations

from collections.abc import Iterable

from kpilot.definitions.model import Definitions, Kpi, Measure, Source
from kpilot.errors import FormulaError, Issue, Severity, ValidationFailed
from kpilot.formula.ast import MeasureRef, Node
from kpilot.formula.check import walk
from kpilot.i18n import Message
from kpilot.semantic.resolve import SemanticModel
from kpilot.semantic.validate import warehouse_issues
from kpilot.warehouse.connection import Warehouse


def measureless_issue(kpi: Kpi, tree: Node) -> Issue | None:
    """A KPI whose formula (with the KPIs it uses inlined) reads no measure: `1`, `1/0`, `2 * 3`. It has no
    periods, no dimensions and no data to come from, so it cannot be computed; the one message for it."""
    if any(isinstance(node, MeasureRef) for node in walk(tree)):
        return None
    return Issue(
        Message("engine.kpi_without_measure", kpi=kpi.name),
        kpi.locations.get("formula", kpi.origin),
        hint=Message("engine.kpi_without_measure_hint", example="clicks / impressions"),
    )


def measureless_issues(definitions: Definitions, model: SemanticModel) -> list[Issue]:
    found = []
    for kpi in definitions.kpis:
        try:
            tree = model.expand(kpi.name)
        except FormulaError:  # reported by the formula checks
            continue
        issue = measureless_issue(kpi, tree)
        if issue is not None:
            found.append(issue)
    return found


class SourceProblems(ValidationFailed):
    """The data checks of `validate` failed for sources a request reads."""

    def __init__(self, issues: list[Issue], sources: list[str]) -> None:
        super().__init__(issues)
        quoted = tuple(f"'{name}'" for name in sources)  # each name quoted, as every message quotes a name
        self.message = Message("engine.sources_have_problems", count=len(sources), sources=quoted)


class SourceChecks:
    """The data checks of `validate` (tables, columns, the types of time, dimension and measure expressions), run
    on what a request reads: its sources' time columns and dimensions, and the measures its KPIs use (a broken
    measure no KPI of the request uses does not stop it). Each is checked once per workspace object."""

    def __init__(self, warehouse: Warehouse) -> None:
        self._warehouse = warehouse
        self._found: dict[tuple[str, str | None], tuple[Issue, ...]] = {}

    def require(self, reads: Iterable[tuple[Source, Iterable[Measure]]]) -> None:
        """Raise SourceProblems if what is read has a problem `validate` would report as an error."""
        problems: list[Issue] = []
        failing: list[str] = []
        for source, measures in reads:
            found = [*self._issues(source, None), *(i for m in measures for i in self._issues(source, m))]
            if found:
                problems += found
                failing.append(source.name)
        if problems:
            raise SourceProblems(problems, failing)

    def _issues(self, source: Source, measure: Measure | None) -> tuple[Issue, ...]:
        """The source's own problems (measure None), or those of one of its measures."""
        key = (source.name, None if measure is None else measure.name)
        if key not in self._found:
            if measure is None:
                # Opening the source first keeps its own errors (a missing table, a rejected sql:) as they were:
                # a WarehouseError that names the source. The table is cached, so the checks reuse it.
                self._warehouse.source_table(source)
                self._found[key] = self._errors(source.model_copy(update={"measures": ()}))
            else:
                shared = {str(issue) for issue in self._issues(source, None)}
                alone = self._errors(source.model_copy(update={"measures": (measure,)}))
                self._found[key] = tuple(issue for issue in alone if str(issue) not in shared)
        return self._found[key]

    def _errors(self, source: Source) -> tuple[Issue, ...]:
        found = warehouse_issues(Definitions(sources=(source,)), self._warehouse)
        return tuple(issue for issue in found if issue.severity is Severity.ERROR)
