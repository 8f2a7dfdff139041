"""Tests for the formula lexer and parser: data-file cases, spans, limits and hypothesis properties."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from kpilot.errors import FormulaError
from kpilot.formula.ast import (
    Binary,
    Boolean,
    Call,
    Case,
    Expr,
    InList,
    IsNull,
    Name,
    Node,
    Null,
    Number,
    Span,
    String,
    Unary,
)
from kpilot.formula.lexer import KEYWORDS, MAX_FORMULA_LENGTH, quote_string
from kpilot.formula.parser import MAX_DEPTH, parse

CASES_DIR = Path(__file__).parent / "cases"

# -- rendering -----------------------------------------------------------------------------------------------


def render(node: Node) -> str:
    """Compact S-expression of a tree, used as the `expected` value of the data-file cases."""
    match node:
        case Number(value=value):
            return repr(value)
        case String(value=value):
            return quote_string(value)
        case Boolean(value=value):
            return "true" if value else "false"
        case Null():
            return "null"
        case Name():
            return node.dotted
        case Unary(op=op, operand=operand):
            return f"({op} {render(operand)})"
        case Binary(op=op, left=left, right=right):
            return f"({op} {render(left)} {render(right)})"
        case InList(operand=operand, options=options, negated=negated):
            head = "not-in" if negated else "in"
            return f"({head} {' '.join(render(o) for o in (operand, *options))})"
        case IsNull(operand=operand, negated=negated):
            return f"({'is-not-null' if negated else 'is-null'} {render(operand)})"
        case Call(name=name, args=args, kwargs=kwargs):
            parts = [name, *(render(a) for a in args), *(f"{k}={render(v)}" for k, v in kwargs)]
            return f"(call {' '.join(parts)})"
        case Case(whens=whens, otherwise=otherwise):
            parts = [f"(when {render(c)} {render(v)})" for c, v in whens]
            parts += [] if otherwise is None else [f"(else {render(otherwise)})"]
            return f"(case {' '.join(parts)})"
    raise AssertionError(f"unknown node {node!r}")


def _case_text(node: Case, write: Callable[[Node], str]) -> str:
    # A `then` value that ends in the bare name `case` (`case`, `-case`, `x + case`) before another `when` would
    # open a nested case: it is written in parentheses (docs/formulas.md says so).
    def value(part: Node) -> str:
        text = write(part)
        return f"({text})" if re.search(r"(?<![\w.])case$", text, re.IGNORECASE) else text

    parts = [f"when {write(c)} then {value(v)}" for c, v in node.whens]
    parts += [] if node.otherwise is None else [f"else {write(node.otherwise)}"]
    return f"case {' '.join(parts)} end"


def to_formula(node: Node) -> str:
    """Formula text for a tree, every operation in parentheses."""
    match node:
        case Number(value=value):
            return repr(value)
        case String(value=value):
            return quote_string(value)
        case Boolean() | Null() | Name():
            return render(node)
        case Unary(op="-", operand=operand):
            return f"(-{to_formula(operand)})"
        case Unary(op=op, operand=operand):
            return f"({op} {to_formula(operand)})"
        case Binary(op=op, left=left, right=right):
            return f"({to_formula(left)} {op} {to_formula(right)})"
        case InList(operand=operand, options=options, negated=negated):
            keyword = "not in" if negated else "in"
            return f"({to_formula(operand)} {keyword} ({', '.join(to_formula(o) for o in options)}))"
        case IsNull(operand=operand, negated=negated):
            return f"({to_formula(operand)} is {'not null' if negated else 'null'})"
        case Call(name=name, args=args, kwargs=kwargs):
            parts = [*(to_formula(a) for a in args), *(f"{k}={to_formula(v)}" for k, v in kwargs)]
            return f"{name}({', '.join(parts)})"
        case Case():
            return _case_text(node, to_formula)
    raise AssertionError(f"unknown node {node!r}")


# Binding levels as in docs/formulas.md; used to write formulas with as few parentheses as possible.
_LEVELS = {
    "or": 1,
    "and": 2,
    "=": 4,
    "!=": 4,
    "<": 4,
    "<=": 4,
    ">": 4,
    ">=": 4,
    "+": 5,
    "-": 5,
    "*": 6,
    "/": 6,
}
_NOT, _COMPARE, _PREFIX, _ATOM = 3, 4, 7, 8


def _level(node: Node) -> int:
    if isinstance(node, Binary):
        return _LEVELS[node.op]
    if isinstance(node, Unary):
        return _NOT if node.op == "not" else _PREFIX
    if isinstance(node, InList | IsNull):
        return _COMPARE
    return _ATOM


def _wrap(node: Node, needs_parens: bool) -> str:
    text = to_minimal_formula(node)
    return f"({text})" if needs_parens else text


def to_minimal_formula(node: Node) -> str:
    """Formula text relying on precedence and associativity: parentheses only where the grammar needs them."""
    match node:
        case Unary(op="-", operand=operand):
            return f"-{_wrap(operand, _level(operand) < _PREFIX)}"
        case Unary(op=op, operand=operand):
            return f"not {_wrap(operand, _level(operand) < _NOT)}"
        case Binary(op=op, left=left, right=right):
            level = _LEVELS[op]
            # Left-associative, except comparisons, which do not chain at all.
            left_parens = _level(left) < level or (level == _COMPARE and _level(left) == _COMPARE)
            return f"{_wrap(left, left_parens)} {op} {_wrap(right, _level(right) <= level)}"
        case InList(operand=operand, options=options, negated=negated):
            keyword = "not in" if negated else "in"
            items = ", ".join(to_minimal_formula(o) for o in options)
            return f"{_wrap(operand, _level(operand) <= _COMPARE)} {keyword} ({items})"
        case IsNull(operand=operand, negated=negated):
            return f"{_wrap(operand, _level(operand) <= _COMPARE)} is {'not null' if negated else 'null'}"
        case Call(name=name, args=args, kwargs=kwargs):
            # A later argument starting with `x =` would read as a keyword argument: parenthesise it.
            positional = [to_minimal_formula(a) for a in args]
            positional[1:] = [f"({p})" if _KEYWORD_LIKE.match(p) else p for p in positional[1:]]
            parts = [*positional, *(f"{k}={to_minimal_formula(v)}" for k, v in kwargs)]
            return f"{name}({', '.join(parts)})"
        case Case():
            return _case_text(node, to_minimal_formula)
    return to_formula(node)


_KEYWORD_LIKE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\s*=")
_NO_SPAN = Span(0, 0)


def strip_spans(node: Node) -> Node:
    """The tree with every span zeroed, to compare structure only."""
    match node:
        case Unary():
            return dataclasses.replace(node, operand=strip_spans(node.operand), span=_NO_SPAN)
        case Binary():
            left, right = strip_spans(node.left), strip_spans(node.right)
            return dataclasses.replace(node, left=left, right=right, span=_NO_SPAN)
        case InList():
            options = tuple(strip_spans(o) for o in node.options)
            return dataclasses.replace(node, operand=strip_spans(node.operand), options=options, span=_NO_SPAN)
        case IsNull():
            return dataclasses.replace(node, operand=strip_spans(node.operand), span=_NO_SPAN)
        case Call():
            args = tuple(strip_spans(a) for a in node.args)
            kwargs = tuple((k, strip_spans(v)) for k, v in node.kwargs)
            return dataclasses.replace(node, args=args, kwargs=kwargs, span=_NO_SPAN, name_span=_NO_SPAN)
        case Case():
            whens = tuple((strip_spans(c), strip_spans(v)) for c, v in node.whens)
            otherwise = None if node.otherwise is None else strip_spans(node.otherwise)
            return dataclasses.replace(node, whens=whens, otherwise=otherwise, span=_NO_SPAN)
    return dataclasses.replace(node, span=_NO_SPAN)


def same_tree(a: Node, b: Node) -> bool:
    """Equal modulo spans; also tells 1 from 1.0, which == does not."""
    return strip_spans(a) == strip_spans(b) and render(a) == render(b)


def children(node: Node) -> list[Node]:
    match node:
        case Unary(operand=operand) | IsNull(operand=operand):
            return [operand]
        case Binary(left=left, right=right):
            return [left, right]
        case InList(operand=operand, options=options):
            return [operand, *options]
        case Call(args=args, kwargs=kwargs):
            return [*args, *(v for _, v in kwargs)]
        case Case(whens=whens, otherwise=otherwise):
            return [part for pair in whens for part in pair] + ([] if otherwise is None else [otherwise])
    return []


def check_spans(text: str, node: Node) -> None:
    """Each node's span lies inside its parent's, and its text parses back to the same node."""
    span = node.span
    assert 0 <= span.start < span.end <= len(text)
    assert same_tree(parse(text[span.start : span.end]), node)
    if isinstance(node, Call):
        assert text[node.name_span.start : node.name_span.end].lower() == node.name
    for child in children(node):
        assert span.start <= child.span.start
        assert child.span.end <= span.end
        check_spans(text, child)


# -- data-file cases -----------------------------------------------------------------------------------------


def _load_cases() -> list[Any]:
    yaml = YAML(typ="safe", pure=True)
    cases = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        for index, case in enumerate(yaml.load(path.read_text(encoding="utf-8"))):
            cases.append(pytest.param(case, id=f"{path.stem}[{index}]:{case['input'][:40]!r}"))
    return cases


CASES = _load_cases()
VALID = [c for c in CASES if "expected" in c.values[0]]
INVALID = [c for c in CASES if "error_contains" in c.values[0]]


def test_every_case_is_valid_or_an_error() -> None:
    assert len(VALID) + len(INVALID) == len(CASES)
    assert all(set(c.values[0]) in ({"input", "expected"}, {"input", "error_contains", "offset"}) for c in CASES)


@pytest.mark.parametrize("case", VALID)
def test_valid_formula(case: dict[str, Any]) -> None:
    tree = parse(case["input"])
    assert render(tree) == case["expected"]
    check_spans(case["input"], tree)


@pytest.mark.parametrize("case", INVALID)
def test_invalid_formula(case: dict[str, Any]) -> None:
    with pytest.raises(FormulaError) as caught:
        parse(case["input"])
    error = caught.value
    assert case["error_contains"] in str(error)
    assert error.offset == case["offset"]
    assert error.text == case["input"]


# -- spans ---------------------------------------------------------------------------------------------------


def _at(node: Any, path: str) -> Any:
    """Follow a dotted path of attributes and tuple indexes, e.g. "kwargs.0.1"."""
    for step in path.split(".") if path else []:
        node = node[int(step)] if step.isdigit() else getattr(node, step)
    return node


@pytest.mark.parametrize(
    ("text", "path", "span"),
    [
        ("clicks / impressions", "span", (0, 20)),
        ("clicks / impressions", "left.span", (0, 6)),
        ("clicks / impressions", "right.span", (9, 20)),
        ("  a  ", "span", (2, 3)),
        ("(a + b) * c", "left.span", (0, 7)),
        ("(a + b) * c", "left.left.span", (1, 2)),
        ("(a + b) * c", "span", (0, 11)),
        ("-x", "span", (0, 2)),
        ("- x", "operand.span", (2, 3)),
        ("+x", "span", (0, 2)),
        ("not a", "span", (0, 5)),
        ("x not in (1, 2)", "span", (0, 15)),
        ("x not in (1, 2)", "options.1.span", (13, 14)),
        ("x is not null", "span", (0, 13)),
        ("previous(revenue, n=2)", "span", (0, 22)),
        ("previous(revenue, n=2)", "name_span", (0, 8)),
        ("previous(revenue, n=2)", "args.0.span", (9, 16)),
        ("previous(revenue, n=2)", "kwargs.0.1.span", (20, 21)),
        ("today ( )", "span", (0, 9)),
        ("'it''s'", "span", (0, 7)),
        ("source.measure", "span", (0, 14)),
        ("1_000", "span", (0, 5)),
        ("TRUE", "span", (0, 4)),
        ("a\n  + b", "right.span", (6, 7)),
    ],
)
def test_span(text: str, path: str, span: tuple[int, int]) -> None:
    assert _at(parse(text), path) == Span(*span)


def test_number_types() -> None:
    assert type(_at(parse("12"), "value")) is int
    assert type(_at(parse("1_000"), "value")) is int
    for text in ("12.0", ".5", "1e3", "1E+3"):
        assert type(_at(parse(text), "value")) is float


def test_keyword_argument_names_and_function_names_are_lower_case() -> None:
    call = parse("PREVIOUS(Revenue, N=2)")
    assert isinstance(call, Call)
    assert call.name == "previous"
    assert call.kwargs[0][0] == "n"
    assert call.args[0] == Name(("Revenue",), Span(9, 16))


# -- limits --------------------------------------------------------------------------------------------------


def test_longest_formula_is_accepted() -> None:
    text = "1" + " + 1" * ((MAX_FORMULA_LENGTH - 1) // 4)
    assert len(text) <= MAX_FORMULA_LENGTH
    assert isinstance(parse(text), Binary)


def test_too_long_formula() -> None:
    with pytest.raises(FormulaError, match=r"formula is too long \(10,001 characters; the limit is 10,000\)"):
        parse("a" * (MAX_FORMULA_LENGTH + 1))


def test_too_many_digits() -> None:
    with pytest.raises(FormulaError, match="has too many digits") as caught:
        parse("1 + " + "9" * 5000)
    assert caught.value.offset == 4


NESTERS = {
    "parentheses": ("(", "a", ")"),
    "minus": ("-", "a", ""),
    "not": ("not ", "a", ""),
    "calls": ("f(", "a", ")"),
    "in lists": ("a in (", "a", ")"),
    "mixed": ("a or b and c = d + e * -(", "x", ")"),
    "case": ("case when a then ", "b", " end"),
}


@pytest.mark.parametrize("nester", NESTERS.values(), ids=list(NESTERS))
def test_nesting_up_to_the_limit_is_accepted(nester: tuple[str, str, str]) -> None:
    opening, middle, closing = nester
    levels = MAX_DEPTH // 2 if nester == NESTERS["mixed"] else MAX_DEPTH  # mixed opens two levels each time
    parse(opening * levels + middle + closing * levels)


@pytest.mark.parametrize("nester", NESTERS.values(), ids=list(NESTERS))
def test_nesting_beyond_the_limit_is_a_formula_error(nester: tuple[str, str, str]) -> None:
    opening, middle, closing = nester
    with pytest.raises(FormulaError, match="nested too deeply"):
        parse(opening * (MAX_DEPTH + 1) + middle + closing * (MAX_DEPTH + 1))


def test_very_deep_nesting_is_a_formula_error() -> None:
    with pytest.raises(FormulaError, match="nested too deeply") as caught:
        parse("(" * 5000 + ")" * 5000)
    assert caught.value.offset == MAX_DEPTH


def test_error_snippet_points_at_offset() -> None:
    with pytest.raises(FormulaError) as caught:
        parse("clicks // impressions")
    assert caught.value.snippet() == "    clicks // impressions\n            ^"


# -- properties ----------------------------------------------------------------------------------------------


def _parse_or_formula_error(text: str) -> None:
    try:
        tree = parse(text)
    except FormulaError as error:
        problem = error
    else:
        check_spans(text, tree)
        return
    assert 0 <= problem.offset <= len(text)
    assert problem.text == text


@settings(max_examples=300)
@given(st.text(max_size=120))
def test_any_text_parses_or_raises_formula_error(text: str) -> None:
    _parse_or_formula_error(text)


FRAGMENTS = [
    *KEYWORDS,
    *"+-*/=<>(),.'!%#\"_ ",
    "<>", "!=", "<=", ">=", "==", "''", "\n",
    "a", "b.c", "f(", "1", "2.5", ".5", "1e3", "1_0", "'x'", "NOT", "Null",
    "case", "CASE WHEN", "when", "then", "else", "end", "End",
]  # fmt: skip


@settings(max_examples=500, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=40), st.sampled_from(["", " "]))
def test_token_soup_parses_or_raises_formula_error(fragments: list[str], separator: str) -> None:
    _parse_or_formula_error(separator.join(fragments))


_IDENTIFIER = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,7}", fullmatch=True).filter(
    lambda word: word.lower() not in KEYWORDS
)
_LOWER_IDENTIFIER = _IDENTIFIER.map(str.lower).filter(lambda word: word not in KEYWORDS)


_LEAVES = st.one_of(
    st.builds(Number, st.integers(0, 2**63 - 1), st.just(_NO_SPAN)),
    st.builds(
        Number,
        st.floats(min_value=0.0, allow_nan=False, allow_infinity=False).map(abs),
        st.just(_NO_SPAN),
    ),
    # Control characters other than tab and line breaks, and lone surrogates, are refused in string literals.
    st.builds(
        String,
        st.text(st.characters(exclude_categories=("Cc", "Cs")) | st.sampled_from("\t\n\r"), max_size=8),
        st.just(_NO_SPAN),
    ),
    st.builds(Boolean, st.booleans(), st.just(_NO_SPAN)),
    st.just(Null(_NO_SPAN)),
    st.builds(Name, st.lists(_IDENTIFIER, min_size=1, max_size=3).map(tuple), st.just(_NO_SPAN)),
    # The words of the case form are not reserved: columns may be called so.
    st.builds(
        Name, st.sampled_from(["case", "when", "then", "else", "end", "End"]).map(lambda w: (w,)), st.just(_NO_SPAN)
    ),
)


def _calls(children: st.SearchStrategy[Expr]) -> st.SearchStrategy[Expr]:
    @st.composite
    def build(draw: st.DrawFn) -> Expr:
        args = tuple(draw(st.lists(children, max_size=3)))
        names = draw(st.lists(_LOWER_IDENTIFIER, unique=True, max_size=2)) if args else []
        kwargs = tuple((name, draw(children)) for name in names)  # only after a positional argument
        return Call(draw(_LOWER_IDENTIFIER), args, kwargs, _NO_SPAN, _NO_SPAN)

    return build()


def _branches(children: st.SearchStrategy[Expr]) -> st.SearchStrategy[Expr]:
    return st.one_of(
        st.builds(Unary, st.sampled_from(["-", "not"]), children, st.just(_NO_SPAN)),
        st.builds(Binary, st.sampled_from(sorted(_LEVELS)), children, children, st.just(_NO_SPAN)),
        st.builds(
            InList,
            children,
            st.lists(children, min_size=1, max_size=3).map(tuple),
            st.booleans(),
            st.just(_NO_SPAN),
        ),
        st.builds(IsNull, children, st.booleans(), st.just(_NO_SPAN)),
        _calls(children),
        st.builds(
            Case,
            st.lists(st.tuples(children, children), min_size=1, max_size=3).map(tuple),
            st.none() | children,
            st.just(_NO_SPAN),
        ),
    )


TREES = st.recursive(_LEAVES, _branches, max_leaves=25)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(TREES)
def test_fully_parenthesised_round_trip(tree: Expr) -> None:
    text = to_formula(tree)
    parsed = parse(text)
    assert same_tree(parsed, tree), text
    check_spans(text, parsed)


_NO_SPAN = Span(0, 0)
# Found by Hypothesis: a `then` value ending in the column `case` (here `-case`) before another `when`.
_MINUS_CASE = Case(
    (
        (Number(0, _NO_SPAN), Unary("-", Name(("case",), _NO_SPAN), _NO_SPAN)),
        (Number(0, _NO_SPAN), Null(_NO_SPAN)),
    ),
    None,
    _NO_SPAN,
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(TREES)
@example(_MINUS_CASE)
def test_minimal_parentheses_round_trip(tree: Expr) -> None:
    text = to_minimal_formula(tree)
    assert same_tree(parse(text), tree), text
