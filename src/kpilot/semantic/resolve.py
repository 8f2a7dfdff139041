"""Name resolution for KPI formulas: KPIs are expanded inline and measure names become `MeasureRef`s.

Rule: inside a KPI formula, a bare name means another KPI of that name if there is one (other than the KPI being
defined), else a measure of that name, which must then be unique across sources (`source.measure` otherwise).
This lets a KPI `revenue` be defined as the measure `revenue`, and `aov = revenue / orders` reuse the KPIs.

Each KPI is expanded once per model (its result, or its problem, is kept), with an explicit stack rather than
recursion, so that thousands of KPIs, or KPIs built on KPIs to any depth, cost linear time and no Python stack.
A KPI used by several others is one shared tree in their expansions. What still bounds an expansion is the tree it
gives: at most MAX_TREE_DEPTH levels deep (what the compiler to SQL handles) and MAX_EXPANDED_SIZE nodes.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from kpilot.definitions.model import Definitions, Kpi, Measure, Source
from kpilot.errors import FormulaError
from kpilot.formula.ast import Call, MeasureRef, Name, Resolved
from kpilot.formula.check import (
    MAX_TREE_DEPTH,
    Suggestions,
    Type,
    check,
    children,
    closest,
    did_you_mean,
    walk,
    with_children,
)
from kpilot.formula.functions import Level
from kpilot.formula.parser import parse
from kpilot.i18n import Message, Raw

# Nodes of one KPI's formula once every KPI it uses is written out. The SQL of a formula grows with it: 20,000 nodes
# take Ibis about ten seconds to compile; a formula of the longest text allowed has about 10,000.
MAX_EXPANDED_SIZE = 20_000

# previous() and growth() inside each other: each is one more layer of the query (SQL cannot nest window
# functions), through which the SQL generator recurses (see MAX_TREE_DEPTH). 10 covers any real use.
MAX_LAGGED = 10


def _loop_error(chain: tuple[str, ...], offset: int) -> FormulaError:
    """KPIs that use each other round a loop, `chain` starting and ending with the same one: `a -> b -> a`."""
    return FormulaError(Message("semantic.kpi_loop", chain=Raw(" -> ".join(chain))), offset=offset)


def is_lagged(node: Resolved) -> bool:
    return isinstance(node, Call) and node.name in ("previous", "growth")


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
                close = model.source_names.closest(source_name)
                raise FormulaError(
                    Message("semantic.unknown_source", source=source_name),
                    offset=name.span.start,
                    hint=did_you_mean(close),
                    suggestions=(close,) if close else (),
                )
            if source.measure(measure_name) is None:
                close = closest(measure_name, [m.name for m in source.measures])
                raise FormulaError(
                    Message("semantic.no_such_measure", source=source_name, measure=measure_name),
                    offset=name.span.start,
                    hint=did_you_mean(close),
                    suggestions=(close,) if close else (),
                )
            return MeasureRef(source_name, measure_name, name.span)
        if len(name.parts) != 1:
            raise FormulaError(Message("semantic.too_many_dots", name=name.dotted), offset=name.span.start)
        (bare,) = name.parts
        kpi = model.definitions.kpi(bare)
        if kpi is not None and bare != self.current:
            return kpi
        owners = model.measure_owners.get(bare, [])
        if len(owners) == 1:
            return MeasureRef(owners[0].name, bare, name.span)
        if len(owners) > 1:
            choices = tuple(f"{s.name}.{bare}" for s in owners)
            raise FormulaError(
                Message("semantic.ambiguous_measure", measure=bare, choices=_either(choices)),
                offset=name.span.start,
                suggestions=choices,
            )
        close = model.known_names.closest(bare, exclude=self.current)
        raise FormulaError(
            Message("semantic.unknown_measure_or_kpi", name=bare),
            offset=name.span.start,
            hint=did_you_mean(close),
            suggestions=(close,) if close else (),
        )


def _either(choices: tuple[str, ...]) -> Message | str:
    """`a or b or c`, in the reader's language: each choice joined to the rest by "or"."""
    if len(choices) == 1:
        return choices[0]
    return Message("semantic.either", first=choices[0], rest=_either(choices[1:]))


@dataclass(frozen=True)
class _Expanded:
    """A KPI's formula with every KPI it uses written out, and the shape of that tree."""

    tree: Resolved
    depth: int  # levels, a leaf being one
    size: int  # nodes, a shared KPI counted once per use
    lagged: int = 0  # previous() and growth() nested inside each other, at most


@dataclass(frozen=True)
class _Failed:
    """Why a KPI cannot be expanded; `loop` is the chain of KPIs from this one round a loop, if that is why, and
    `source` the KPI whose own formula has the problem (`own` its message), when it is a KPI this one builds on."""

    error: FormulaError
    loop: tuple[str, ...] = ()
    source: str = ""
    own: Message | None = None


@dataclass
class _Frame:
    """A KPI being expanded: its checked formula, the KPIs it uses (in the order of the formula) and how many of
    them are expanded already."""

    name: str
    tree: Resolved
    targets: dict[int, Kpi | MeasureRef]  # id(Name node) -> what it means
    uses: list[tuple[Name, str]]
    done: int = 0


class SemanticModel:
    """Definitions plus what is derived from them: who owns which measure, and every KPI's expanded formula."""

    def __init__(self, definitions: Definitions) -> None:
        self.definitions = definitions
        self._expanded: dict[str, _Expanded | _Failed] = {}

    @cached_property
    def measure_owners(self) -> dict[str, list[Source]]:
        owners: dict[str, list[Source]] = {}
        for source in self.definitions.sources:
            for measure in source.measures:
                owners.setdefault(measure.name, []).append(source)
        return owners

    @cached_property
    def known_names(self) -> Suggestions:
        """KPI and measure names, for "did you mean" hints."""
        return Suggestions([*(k.name for k in self.definitions.kpis), *self.measure_owners])

    @cached_property
    def source_names(self) -> Suggestions:
        return Suggestions(s.name for s in self.definitions.sources)

    def measure(self, ref: MeasureRef) -> tuple[Source, Measure]:
        source = self.definitions.source(ref.source)
        measure = source.measure(ref.measure) if source else None
        if source is None or measure is None:
            raise FormulaError(
                Message("semantic.unknown_measure", measure=f"{ref.source}.{ref.measure}"), offset=ref.span.start
            )
        return source, measure

    def maturity(self, kpi_name: str) -> int | None:
        """Days a period's value of the KPI needs before it is final: the longest `mature_after` of the KPI and of
        the KPIs its formula uses (a rate over a cohort KPI is as young as that KPI)."""
        longest: int | None = None
        seen: set[str] = set()
        stack = [kpi_name]
        while stack:
            name = stack.pop()
            kpi = self.definitions.kpi(name)
            if name in seen or kpi is None:
                continue
            seen.add(name)
            if kpi.mature_after is not None:
                longest = max(longest or 0, kpi.mature_after)
            try:
                tree = parse(kpi.formula)
            except FormulaError:  # reported by the formula checks
                continue
            stack += [
                node.parts[0]
                for node in walk(tree)
                if isinstance(node, Name) and len(node.parts) == 1 and node.parts[0] != name
            ]
        return longest

    def expand(self, kpi_name: str) -> Resolved:
        """The KPI's formula with KPIs inlined and measures resolved; FormulaError if anything does not fit."""
        outcome = self._expansion(kpi_name)
        if isinstance(outcome, _Failed):
            error = outcome.error  # a new exception each time: one raised twice would pile up tracebacks
            raise FormulaError(
                error.message, offset=error.offset, hint=error.hint, text=error.text, suggestions=error.suggestions
            )
        return outcome.tree

    def _expansion(self, root: str) -> _Expanded | _Failed:
        """Expand `root` and, first, every KPI it uses that is not expanded yet (depth first, in formula order)."""
        frames: list[_Frame] = []
        self._start(root, frames)
        while frames:
            frame = frames[-1]
            if frame.done == len(frame.uses):
                frames.pop()
                self._expanded[frame.name] = self._assemble(frame)
                continue
            name, used = frame.uses[frame.done]
            outcome = self._expanded.get(used)
            if outcome is None:
                chain = [f.name for f in frames]
                if used in chain:
                    self._loop(frames, chain.index(used))
                else:
                    self._start(used, frames)
            elif isinstance(outcome, _Failed):
                frames.pop()
                self._expanded[frame.name] = _fails_through(frame.name, name, used, outcome)
            else:
                frame.done += 1
        return self._expanded[root]

    def _start(self, kpi_name: str, frames: list[_Frame]) -> None:
        """Parse and check a KPI's own formula: a frame to expand it, or its problem recorded at once."""
        if kpi_name in self._expanded:
            return
        kpi = self.definitions.kpi(kpi_name)
        if kpi is None:
            self._expanded[kpi_name] = _Failed(FormulaError(Message("semantic.unknown_kpi", kpi=kpi_name), offset=0))
            return
        try:
            tree = parse(kpi.formula)
            scope = KpiScope(self, kpi_name)
            kind = check(tree, scope)
            if kind is not Type.NUMBER:
                raise FormulaError(
                    Message("semantic.kpi_not_a_number", kind=kind.word),
                    offset=0,
                    hint=Message("semantic.count_condition_hint"),
                )
            names = [node for node in walk(tree) if isinstance(node, Name)]
            targets = {id(node): scope.target(node) for node in names}
        except FormulaError as error:
            self._expanded[kpi_name] = _Failed(error)
            return
        uses = [(node, target.name) for node in names if isinstance(target := targets[id(node)], Kpi)]
        frames.append(_Frame(kpi_name, tree, targets, uses))

    def _loop(self, frames: list[_Frame], first: int) -> None:
        """The KPIs of frames[first:] use each other in a loop: each fails, its message starting from itself."""
        cycle = [frame.name for frame in frames[first:]]
        for index, frame in enumerate(frames[first:]):
            chain = (*cycle[index:], *cycle[:index], cycle[index])
            name, _ = frame.uses[frame.done]
            self._expanded[frame.name] = _Failed(_loop_error(chain, name.span.start), chain)
        del frames[first:]

    def _assemble(self, frame: _Frame) -> _Expanded | _Failed:
        """The frame's formula with its names replaced, every KPI it uses being expanded: one pass, children
        before parents, with an explicit stack."""
        done: dict[int, _Expanded] = {}
        stack: list[tuple[Resolved, bool]] = [(frame.tree, False)]
        while stack:
            node, ready = stack.pop()
            parts = children(node)
            if parts and not ready:
                stack.append((node, True))
                stack.extend((part, False) for part in reversed(parts))
                continue
            if isinstance(node, Name):
                target = frame.targets[id(node)]
                used = self._expanded[target.name] if isinstance(target, Kpi) else _Expanded(target, 1, 1)
                assert isinstance(used, _Expanded)  # a frame is assembled once all the KPIs it uses are
                done[id(node)] = used
                continue
            expanded = [done[id(part)] for part in parts]
            depth = 1 + max((part.depth for part in expanded), default=0)
            size = 1 + sum(part.size for part in expanded)
            lagged = max((part.lagged for part in expanded), default=0) + is_lagged(node)
            tree = with_children(node, [part.tree for part in expanded]) if parts else node
            done[id(node)] = _Expanded(tree, depth, size, lagged)
        result = done[id(frame.tree)]
        if result.depth > MAX_TREE_DEPTH:
            return _Failed(
                FormulaError(
                    Message("semantic.too_deep_expanded", depth=result.depth, limit=MAX_TREE_DEPTH),
                    offset=_deepest_use(frame, done),
                    hint=Message("semantic.fewer_layers_hint"),
                )
            )
        if result.lagged > MAX_LAGGED:
            return _Failed(
                FormulaError(
                    Message("semantic.too_lagged", depth=result.lagged, limit=MAX_LAGGED),
                    offset=0,
                    hint=Message("semantic.look_back_hint"),
                )
            )
        if result.size > MAX_EXPANDED_SIZE:
            return _Failed(
                FormulaError(
                    Message("semantic.too_large_expanded", size=result.size, limit=MAX_EXPANDED_SIZE),
                    offset=0,
                    hint=Message("semantic.smaller_kpi_hint"),
                )
            )
        return result


def _fails_through(kpi: str, name: Name, used: str, failure: _Failed) -> _Failed:
    """`kpi` uses, at `name`, the KPI `used`, which cannot be expanded."""
    if failure.loop:
        chain = (kpi, *failure.loop)
        return _Failed(_loop_error(chain, name.span.start), chain)
    # The problem is named once, with the KPI whose formula has it: a message nesting one "used here" per KPI of a
    # long chain would grow with the square of its length.
    source, own = (failure.source, failure.own) if failure.own is not None else (used, failure.error.message)
    if source != used:
        message = Message("semantic.used_kpi_problem_through", kpi=used, through=source, problem=own)
    else:
        message = Message("semantic.used_kpi_problem", kpi=used, problem=own)
    return _Failed(FormulaError(message, offset=name.span.start), source=source, own=own)


def _deepest_use(frame: _Frame, done: dict[int, _Expanded]) -> int:
    """Where the deepest path of the expanded tree leaves the frame's own formula: the KPI that makes it deep."""
    node = frame.tree
    while not isinstance(node, Name) and children(node):
        node = max(children(node), key=lambda part: done[id(part)].depth)
    return node.span.start
