"""Name resolution for KPI formulas: KPIs are expanded inline and measure names become `MeasureRef`s.

Rule: inside a KPI formula, a bare name means another KPI of that name if there is one (other than the KPI being
defined), else a measure of that name, which must then be unique across sources (`source.measure` otherwise).
This lets a KPI `revenue` be defined as the measure `revenue`, and `aov = revenue / orders` reuse the KPIs.
"""

from __future__ import annotations

from dataclasses import replace
from functools import cached_property

from kpilot.definitions.model import Definitions, Kpi, Measure, Source
from kpilot.errors import FormulaError
from kpilot.formula.ast import Binary, Call, InList, IsNull, MeasureRef, Name, Resolved, Unary
from kpilot.formula.check import Type, check, suggestion
from kpilot.formula.functions import Level
from kpilot.formula.parser import parse


class KpiScope:
    """The names a KPI formula can use."""

    level = Level.KPI

    def __init__(self, model: SemanticModel, current: str | None) -> None:
        self.model = model
        self.current = current

    def type_of(self, name: Name) -> Type:
        self.target(name)
        return Type.NUMBER

    def target(self, name: Name) -> Kpi | MeasureRef:
        model = self.model
        if len(name.parts) == 2:
            source_name, measure_name = name.parts
            source = model.definitions.source(source_name)
            if source is None:
                hint = suggestion(source_name, [s.name for s in model.definitions.sources])
                raise FormulaError(f"unknown source '{source_name}'", offset=name.span.start, hint=hint)
            if source.measure(measure_name) is None:
                hint = suggestion(measure_name, [m.name for m in source.measures])
                raise FormulaError(
                    f"source '{source_name}' has no measure '{measure_name}'",
                    offset=name.span.start,
                    hint=hint,
                )
            return MeasureRef(source_name, measure_name, name.span)
        if len(name.parts) != 1:
            raise FormulaError(
                f"'{name.dotted}' has too many dots; write measure or source.measure", offset=name.span.start
            )
        (bare,) = name.parts
        kpi = model.definitions.kpi(bare)
        if kpi is not None and bare != self.current:
            return kpi
        owners = model.measure_owners.get(bare, [])
        if len(owners) == 1:
            return MeasureRef(owners[0].name, bare, name.span)
        if len(owners) > 1:
            choices = " or ".join(f"{s.name}.{bare}" for s in owners)
            raise FormulaError(f"'{bare}' is a measure of several sources; write {choices}", offset=name.span.start)
        raise FormulaError(
            f"unknown measure or KPI '{bare}'",
            offset=name.span.start,
            hint=suggestion(bare, model.known_names(exclude=self.current)),
        )


class SemanticModel:
    """Definitions plus what is derived from them: who owns which measure, and every KPI's expanded formula."""

    def __init__(self, definitions: Definitions) -> None:
        self.definitions = definitions
        self._expanded: dict[str, Resolved] = {}

    @cached_property
    def measure_owners(self) -> dict[str, list[Source]]:
        owners: dict[str, list[Source]] = {}
        for source in self.definitions.sources:
            for measure in source.measures:
                owners.setdefault(measure.name, []).append(source)
        return owners

    def known_names(self, exclude: str | None = None) -> list[str]:
        names = [k.name for k in self.definitions.kpis if k.name != exclude]
        return names + list(self.measure_owners)

    def measure(self, ref: MeasureRef) -> tuple[Source, Measure]:
        source = self.definitions.source(ref.source)
        measure = source.measure(ref.measure) if source else None
        if source is None or measure is None:
            raise FormulaError(f"unknown measure '{ref.source}.{ref.measure}'", offset=ref.span.start)
        return source, measure

    def expand(self, kpi_name: str) -> Resolved:
        """The KPI's formula with KPIs inlined and measures resolved; FormulaError if anything does not fit."""
        if kpi_name not in self._expanded:
            self._expanded[kpi_name] = self._expand_kpi(kpi_name, ())
        return self._expanded[kpi_name]

    def _expand_kpi(self, kpi_name: str, stack: tuple[str, ...]) -> Resolved:
        if kpi_name in stack:
            chain = " -> ".join([*stack, kpi_name])
            raise FormulaError(f"KPIs refer to each other in a loop: {chain}", offset=0)
        kpi = self.definitions.kpi(kpi_name)
        if kpi is None:
            raise FormulaError(f"unknown KPI '{kpi_name}'", offset=0)
        tree = parse(kpi.formula)
        scope = KpiScope(self, kpi_name)
        kind = check(tree, scope)
        if kind is not Type.NUMBER:
            raise FormulaError(
                f"a KPI formula must give a number, but this gives {kind.value}",
                offset=0,
                hint="wrap a condition in if(condition, 1, 0) to count it",
            )
        return self._substitute(tree, scope, (*stack, kpi_name))

    def _substitute(self, expr: Resolved, scope: KpiScope, stack: tuple[str, ...]) -> Resolved:
        match expr:
            case Name():
                target = scope.target(expr)
                if isinstance(target, MeasureRef):
                    return target
                try:
                    return self._expand_kpi(target.name, stack)
                except FormulaError as error:
                    if error.message.startswith("KPIs refer"):
                        raise FormulaError(error.message, offset=expr.span.start) from None
                    raise FormulaError(
                        f"KPI '{target.name}' used here has a problem: {error.message}",
                        offset=expr.span.start,
                    ) from None
            case Unary() | IsNull():
                return replace(expr, operand=self._substitute(expr.operand, scope, stack))
            case Binary():
                left = self._substitute(expr.left, scope, stack)
                return replace(expr, left=left, right=self._substitute(expr.right, scope, stack))
            case InList():
                options = tuple(self._substitute(o, scope, stack) for o in expr.options)
                return replace(expr, operand=self._substitute(expr.operand, scope, stack), options=options)
            case Call():
                args = tuple(self._substitute(a, scope, stack) for a in expr.args)
                kwargs = tuple((k, self._substitute(v, scope, stack)) for k, v in expr.kwargs)
                return replace(expr, args=args, kwargs=kwargs)
        return expr
