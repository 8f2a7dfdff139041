"""Type checking and call binding for formulas. Names are resolved through a `Scope` supplied by the caller."""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Callable, Generator, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from kpilot.errors import FormulaError, InternalError
from kpilot.formula.ast import (
    Binary,
    Boolean,
    Call,
    Case,
    Expr,
    InList,
    IsNull,
    MeasureRef,
    Name,
    Null,
    Number,
    Resolved,
    String,
    Unary,
)
from kpilot.formula.functions import FUNCTIONS, LIKE_ESCAPE, Function, Level, ParamKind
from kpilot.i18n import Message, Raw


class Type(StrEnum):
    NUMBER = "number"
    STRING = "text"
    BOOLEAN = "true/false"
    DATE = "date"
    TIMESTAMP = "timestamp"
    NULL = "empty"  # the literal null: fits anywhere

    @property
    def word(self) -> Message:
        """The type's name in a sentence ("but this is text"), in the reader's language."""
        return _TYPE_WORDS[self]


_TYPE_WORDS = {
    Type.NUMBER: Message("formula.type.number"),
    Type.STRING: Message("formula.type.text"),
    Type.BOOLEAN: Message("formula.type.boolean"),
    Type.DATE: Message("formula.type.date"),
    Type.TIMESTAMP: Message("formula.type.timestamp"),
    Type.NULL: Message("formula.type.empty"),
}

TEMPORAL = frozenset({Type.DATE, Type.TIMESTAMP})
ORDERED = frozenset({Type.NUMBER, Type.STRING, Type.DATE, Type.TIMESTAMP})
ARITHMETIC = frozenset({"+", "-", "*", "/"})
COMPARISON = frozenset({"=", "!=", "<", "<=", ">", ">="})
LOGICAL = frozenset({"and", "or"})


class Scope(Protocol):
    """What names mean where a formula is written."""

    @property
    def level(self) -> Level: ...

    def type_of(self, name: Name) -> Type:
        """The type a name stands for; raise FormulaError (with a suggestion) when it is unknown."""
        ...


@dataclass(frozen=True)
class BoundCall:
    """A call's arguments matched to the function's parameters; literal parameters already read."""

    function: Function
    values: dict[str, Resolved]
    literals: dict[str, int | str]
    rest: tuple[Resolved, ...]  # every argument of a variadic function


def closest(name: str, candidates: Iterable[str]) -> str | None:
    """The candidate `name` is most likely a misspelling of, if one is close enough."""
    close = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    return close[0] if close else None


def did_you_mean(name: str | None) -> Message | None:
    return Message("formula.did_you_mean", name=name) if name is not None else None


def suggestion(name: str, candidates: Iterable[str]) -> Message | None:
    """The hint "did you mean 'x'?" for the closest candidate, or None when none is close."""
    return did_you_mean(closest(name, candidates))


class Suggestions:
    """The names a misspelt one may mean ("did you mean ...?"), among a workspace's names: built once, asked for every
    unknown name.

    difflib compares a name with every candidate, so asking it for each of thousands of mistakes among thousands of
    names is quadratic. Up to EXHAUSTIVE candidates every one is compared; past that, only those starting with the
    same letter (case aside), as a misspelling rarely starts with the wrong one."""

    EXHAUSTIVE = 1_000

    def __init__(self, names: Iterable[str]) -> None:
        self.names = list(dict.fromkeys(names))
        self.by_initial: dict[str, list[str]] = {}
        for candidate in self.names:
            self.by_initial.setdefault(candidate[:1].lower(), []).append(candidate)

    def closest(self, name: str, exclude: str | None = None) -> str | None:
        pool = self.names if len(self.names) <= self.EXHAUSTIVE else self.by_initial.get(name[:1].lower(), [])
        return closest(name, (candidate for candidate in pool if candidate != exclude))


def bind_call(call: Call, level: Level) -> BoundCall:
    """Match a call's arguments with its function's parameters, or raise a FormulaError saying what is wrong."""
    function = FUNCTIONS.get(call.name)
    if function is None:
        allowed = sorted(f.name for f in FUNCTIONS.values() if level in f.levels)
        close = closest(call.name, allowed)
        raise FormulaError(
            Message("formula.unknown_function", function=call.name),
            offset=call.name_span.start,
            hint=did_you_mean(close) or Message("formula.available_functions_hint", functions=tuple(allowed)),
            suggestions=(close,) if close else tuple(allowed),
        )
    if level not in function.levels and Level.KPI in function.levels:
        raise FormulaError(
            Message("formula.kpi_function_in_rows", function=call.name),
            offset=call.name_span.start,
            hint=Message("formula.kpi_function_hint"),
        )
    if level not in function.levels:
        raise FormulaError(
            Message("formula.row_function_in_kpi", function=call.name),
            offset=call.name_span.start,
            hint=Message("formula.row_function_hint"),
        )
    if function.variadic:
        if call.kwargs or len(call.args) < function.at_least:
            code = "formula.takes_one_or_more" if function.at_least == 1 else "formula.takes_two_or_more"
            raise FormulaError(Message(code, function=call.name), offset=call.span.start)
        return BoundCall(function, {}, {}, call.args)
    return _bind_fixed(call, function)


def _bind_fixed(call: Call, function: Function) -> BoundCall:
    names = [p.name for p in function.params]
    if len(call.args) > len(names):
        raise FormulaError(
            Message(
                "formula.too_many_arguments",
                function=call.name,
                count=len(names),
                parameters=tuple(names),
                given=len(call.args),
            ),
            offset=call.args[len(names)].span.start,
        )
    given: dict[str, Resolved] = dict(zip(names, call.args, strict=False))
    for key, value in call.kwargs:
        if key not in names:
            close = closest(key, names)
            raise FormulaError(
                Message("formula.no_such_parameter", function=call.name, parameter=key),
                offset=value.span.start,
                hint=did_you_mean(close) or Message("formula.parameters_hint", parameters=tuple(names)),
                suggestions=(close,) if close else tuple(names),
            )
        if key in given:
            raise FormulaError(
                Message("formula.parameter_twice", function=call.name, parameter=key), offset=value.span.start
            )
        given[key] = value
    values: dict[str, Resolved] = {}
    literals: dict[str, int | str] = {}
    for param in function.params:
        argument = given.get(param.name)
        if argument is None:
            if param.required:
                raise FormulaError(
                    Message("formula.missing_parameter", function=call.name, parameter=param.name),
                    offset=call.span.end - 1,
                    hint=Message("formula.write_call_hint", call=f"{call.name}({', '.join(names)})"),
                )
            literals[param.name] = param.default if param.default is not None else 0
        elif param.kind is ParamKind.VALUE:
            values[param.name] = argument
        else:
            literals[param.name] = _literal(call, param.name, param.kind, param.choices, param.minimum, argument)
    return BoundCall(function, values, literals, ())


def _literal(
    call: Call, name: str, kind: ParamKind, choices: tuple[str, ...], minimum: int, arg: Resolved
) -> int | str:
    if kind is ParamKind.INT:
        if isinstance(arg, Number) and isinstance(arg.value, int) and arg.value >= minimum:
            return arg.value
        raise FormulaError(
            Message("formula.whole_number_parameter", function=call.name, parameter=name, minimum=minimum),
            offset=arg.span.start,
        )
    if kind is ParamKind.PATTERN:
        return _pattern(call, name, arg)
    if isinstance(arg, String) and arg.value in choices:
        return arg.value
    close = closest(arg.value, choices) if isinstance(arg, String) else None
    raise FormulaError(
        Message("formula.choice_parameter", function=call.name, parameter=name, choices=tuple(map(repr, choices))),
        offset=arg.span.start,
        hint=did_you_mean(close) if isinstance(arg, String) else Message("formula.single_quotes_hint"),
        suggestions=(close,) if close else choices,
    )


def _pattern(call: Call, name: str, arg: Resolved) -> str:
    if not isinstance(arg, String):
        raise FormulaError(
            Message("formula.pattern_parameter", function=call.name, parameter=name),
            offset=arg.span.start,
            hint=Message("formula.pattern_literal_hint"),
        )
    if LIKE_ESCAPE in arg.value:
        raise FormulaError(
            Message("formula.pattern_backslash", function=call.name),
            offset=arg.span.start,
            hint=Message("formula.pattern_escape_hint"),
        )
    return arg.value


@dataclass(frozen=True)
class Signature:
    """The types a function's value parameters take (every one alike), and the type it gives."""

    takes: frozenset[Type]
    gives: Type
    needs: Message  # what it takes, in words: "needs text"
    hint: Message | None = None


_TEXT, _DATES = frozenset({Type.STRING}), TEMPORAL
_A_NUMBER, _TEXT_KIND = Message("formula.kind.a_number"), Message("formula.kind.text")
_A_DATE = Message("formula.kind.date_or_timestamp")
_NUMERIC = Signature(frozenset({Type.NUMBER}), Type.NUMBER, _A_NUMBER)
_TEXT_TEST = Signature(_TEXT, Type.BOOLEAN, _TEXT_KIND)
_TEXT_VALUE = Signature(_TEXT, Type.STRING, _TEXT_KIND)
_DATE_PART = Signature(_DATES, Type.NUMBER, _A_DATE)

SIGNATURES: dict[str, Signature] = {
    "abs": _NUMERIC,
    "round": _NUMERIC,
    "starts_with": _TEXT_TEST,
    "ends_with": _TEXT_TEST,
    "contains": _TEXT_TEST,
    "like": _TEXT_TEST,
    "lower": _TEXT_VALUE,
    "upper": _TEXT_VALUE,
    "trim": _TEXT_VALUE,
    "length": Signature(_TEXT, Type.NUMBER, _TEXT_KIND),
    "year": _DATE_PART,
    "quarter": _DATE_PART,
    "month": _DATE_PART,
    "week": _DATE_PART,
    "weekday": _DATE_PART,
    "hour": Signature(
        frozenset({Type.TIMESTAMP}),
        Type.NUMBER,
        Message("formula.kind.timestamp"),
        hint=Message("formula.no_hour_hint"),
    ),
    "date_trunc": Signature(_DATES, Type.DATE, _A_DATE),
}


# Deepest tree (a leaf is one level) that a formula may have, once the KPIs it uses are written out. The passes here
# are iterative, but Ibis and the SQL generator (sqlglot) recurse, sqlglot with up to ten frames a level: a chain of
# divisions ran out of Python's 1,000 frames at 138 levels. The budget is shared: a --where sits at the bottom of
# the query, under the layers of previous(), with the dimension expressions it names written into it. At 64 levels,
# with 10 such layers and a dimension as deep, the SQL is generated with 350 frames already in use by the caller.
# Long chains of + - * and or are balanced trees, so they count a few levels only.
MAX_TREE_DEPTH = 64

# A type-checking rule: a generator that yields the sub-expressions whose types it needs, one at a time, receives
# each type back, and returns the node's type. `check` drives the rules with an explicit stack, so that the depth
# of a formula costs no Python stack frames, and sub-expressions are checked in the same order as a recursive
# checker would check them (the first problem found is the one reported).
_Rule = Generator[Resolved, Type, Type]


def check(expr: Resolved, scope: Scope) -> Type:
    """The type of `expr`; raise FormulaError at the first part that does not fit."""
    limit_depth(expr)
    stack: list[_Rule] = [_rule(expr, scope)]
    found: Type | None = None  # the type the rule on top of the stack is waiting for (None: it starts)
    while True:
        try:
            needed = stack[-1].send(found) if found is not None else next(stack[-1])
        except StopIteration as finished:
            stack.pop()
            found = finished.value
            if not stack:
                return found
            continue
        stack.append(_rule(needed, scope))
        found = None


def limit_depth(expr: Resolved, limit: int = MAX_TREE_DEPTH) -> None:
    """Raise FormulaError at the first node deeper than `limit` levels (for trees without shared parts)."""
    stack = [(expr, 1)]
    while stack:
        node, level = stack.pop()
        if level > limit:
            raise FormulaError(
                Message("formula.too_deep", limit=limit),
                offset=node.span.start,
                hint=Message("formula.split_hint"),
            )
        stack.extend((child, level + 1) for child in children(node))


def _rule(expr: Resolved, scope: Scope) -> _Rule:
    match expr:
        case Number():
            return Type.NUMBER
        case String():
            return Type.STRING
        case Boolean():
            return Type.BOOLEAN
        case Null():
            return Type.NULL
        case Name():
            return scope.type_of(expr)
        case MeasureRef():
            return Type.NUMBER
        case Unary(op="-", operand=operand):
            yield from _expect(operand, {Type.NUMBER}, Message("formula.needs.minus"))
            return Type.NUMBER
        case Unary(operand=operand):
            yield from _expect(operand, {Type.BOOLEAN}, Message("formula.needs.not"))
            return Type.BOOLEAN
        case Binary():
            return (yield from _binary_rule(expr))
        case InList():
            tested = yield expr.operand
            for option in expr.options:
                _compatible(tested, (yield option), option, "'in'")
            return Type.BOOLEAN
        case IsNull():
            yield expr.operand
            return Type.BOOLEAN
        case Call():
            return (yield from _call_rule(expr, scope.level))
        case Case():
            return (yield from _case_rule(expr))
    raise InternalError(f"the type checker has no rule for {type(expr).__name__}")


def _case_rule(expr: Case) -> _Rule:
    """Conditions are conditions; every branch gives the same kind of value (an empty one fits any)."""
    result = Type.NULL
    for condition, value in expr.whens:
        yield from _expect(condition, {Type.BOOLEAN}, Message("formula.needs.when"))
        result = _branch(result, (yield value), value, _case_mismatch)
    if expr.otherwise is not None:
        result = _branch(result, (yield expr.otherwise), expr.otherwise, _case_mismatch)
    return result


# Two values of different kinds where one kind is needed, as (the problem, given the two types' words; the hint).
_Mismatch = tuple[Callable[[Message, Message], Message], Message]
_case_mismatch: _Mismatch = (
    lambda first, second: Message("formula.case_branches_differ", first=first, second=second),
    Message("formula.same_kind_branches_hint"),
)


def _values_mismatch(function: str) -> _Mismatch:
    """The values of least() or greatest()."""
    return (
        lambda first, second: Message("formula.values_differ", function=function, first=first, second=second),
        Message("formula.same_kind_values_hint"),
    )


def _branch(so_far: Type, kind: Type, where: Resolved, mismatch: _Mismatch) -> Type:
    """The type of values of types `so_far` and `kind` together: one kind, dates with timestamps giving timestamps."""
    if so_far is Type.NULL or so_far == kind:
        return kind
    if kind is Type.NULL:
        return so_far
    if {so_far, kind} <= TEMPORAL:
        return Type.TIMESTAMP
    problem, hint = mismatch
    raise FormulaError(problem(so_far.word, kind.word), offset=where.span.start, hint=hint)


def _binary_rule(expr: Binary) -> _Rule:
    if expr.op in ARITHMETIC:
        for side in (expr.left, expr.right):
            yield from _expect(side, {Type.NUMBER}, Message("formula.needs.numbers_both_sides", operator=expr.op))
        return Type.NUMBER
    if expr.op in LOGICAL:
        for side in (expr.left, expr.right):
            yield from _expect(side, {Type.BOOLEAN}, Message("formula.needs.conditions_both_sides", operator=expr.op))
        return Type.BOOLEAN
    left = yield expr.left
    right = yield expr.right
    _compatible(left, right, expr.right, f"'{expr.op}'")
    return Type.BOOLEAN


def _call_rule(call: Call, level: Level) -> _Rule:
    bound = bind_call(call, level)
    name = bound.function.name
    if name == "if":
        yield from _expect(bound.values["condition"], {Type.BOOLEAN}, Message("formula.needs.if_condition"))
        then = yield bound.values["then"]
        other = yield bound.values["else"]
        _compatible(then, other, bound.values["else"], "if()")
        return then if then is not Type.NULL else other
    if name == "coalesce":
        types = []
        for arg in bound.rest:
            types.append((yield arg))
        first = next((t for t in types if t is not Type.NULL), Type.NULL)
        for arg, kind in zip(bound.rest, types, strict=True):
            _compatible(first, kind, arg, "coalesce()")
        return first
    if name in ("days_between", "hours_between"):
        for key in ("start", "end"):
            yield from _expect(bound.values[key], set(TEMPORAL), Message("formula.needs.dates", function=name))
        return Type.NUMBER
    if name in ("least", "greatest"):
        result = Type.NULL
        mismatch = _values_mismatch(name)
        for arg in bound.rest:
            kind = yield from _expect(arg, set(ORDERED), Message("formula.needs.ordered", function=name))
            result = _branch(result, kind, arg, mismatch)
        return result
    if name == "nullif":
        first = yield bound.values["a"]
        second = yield bound.values["b"]
        if Type.NULL not in (first, second) and first != second:
            raise FormulaError(
                Message("formula.nullif_kinds", first=first.word, second=second.word),
                offset=bound.values["b"].span.start,
                hint=Message("formula.nullif_hint"),
            )
        return first
    signature = SIGNATURES.get(name)
    if signature is not None:
        for value in bound.values.values():
            needs = Message("formula.needs.kind", function=name, kind=signature.needs)
            yield from _expect(value, set(signature.takes), needs, signature.hint)
        return signature.gives
    for value in bound.values.values():
        yield from _expect(value, {Type.NUMBER}, Message("formula.needs.kind", function=name, kind=_A_NUMBER))
    return Type.NUMBER


def _expect(expr: Resolved, allowed: set[Type], needs: Message, hint: Message | None = None) -> _Rule:
    found = yield expr
    if found is not Type.NULL and found not in allowed:
        message = Message("formula.but_this_is", need=needs, found=found.word)
        raise FormulaError(message, offset=expr.span.start, hint=hint)
    return found


def _compatible(left: Type, right: Type, where: Resolved, what: str) -> None:
    if Type.NULL in (left, right) or left == right:
        return
    if {left, right} <= TEMPORAL or (Type.STRING in (left, right) and {left, right} & TEMPORAL):
        return  # dates compare with timestamps and with date strings such as '2025-01-31'
    hint = None
    if {left, right} == {Type.BOOLEAN, Type.STRING}:
        hint = Message("formula.boolean_column_hint")
    elif Type.NUMBER in (left, right) and Type.STRING in (left, right):
        hint = Message("formula.unquoted_numbers_hint")
    message = Message("formula.compares_kinds", what=Raw(what), left=left.word, right=right.word)
    raise FormulaError(message, offset=where.span.start, hint=hint)


def children(expr: Resolved) -> tuple[Resolved, ...]:
    """The direct sub-expressions of a node, in order."""
    match expr:
        case Unary() | IsNull():
            return (expr.operand,)
        case Binary():
            return (expr.left, expr.right)
        case InList():
            return (expr.operand, *expr.options)
        case Call():
            return (*expr.args, *(value for _, value in expr.kwargs))
        case Case():
            branches = tuple(part for pair in expr.whens for part in pair)
            return branches if expr.otherwise is None else (*branches, expr.otherwise)
    return ()


def with_children(expr: Resolved, new: Sequence[Resolved]) -> Resolved:
    """`expr` with its direct sub-expressions replaced by `new`, given in the order of `children`."""
    match expr:
        case Unary() | IsNull():
            return dataclasses.replace(expr, operand=new[0])
        case Binary():
            return dataclasses.replace(expr, left=new[0], right=new[1])
        case InList():
            return dataclasses.replace(expr, operand=new[0], options=tuple(new[1:]))
        case Call():
            args = tuple(new[: len(expr.args)])
            kwargs = tuple((key, value) for (key, _), value in zip(expr.kwargs, new[len(expr.args) :], strict=True))
            return dataclasses.replace(expr, args=args, kwargs=kwargs)
        case Case():
            count = 2 * len(expr.whens)
            whens = tuple((new[index], new[index + 1]) for index in range(0, count, 2))
            otherwise = new[count] if expr.otherwise is not None else None
            return dataclasses.replace(expr, whens=whens, otherwise=otherwise)
    return expr


def walk(expr: Resolved) -> Iterable[Resolved]:
    """Every node of a tree, parents before children, left to right (with an explicit stack: any depth)."""
    stack = [expr]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(children(node)))


def names_in(expr: Expr) -> list[Name]:
    return [node for node in walk(expr) if isinstance(node, Name)]
