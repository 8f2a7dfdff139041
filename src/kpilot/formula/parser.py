"""Parser for the formula language: a Pratt parser over the lexer's tokens.

Precedence, lowest first: `or`; `and`; prefix `not`; comparisons (`= != <> < <= > >=`, `[not] in (...)`,
`is [not] null`, which do not chain); `+ -`; `* /`; prefix `-` and `+`; atoms.

Span conventions: a node's span covers its own text; a parenthesised expression's span is widened to include
the parentheses (and a unary `+` to include the sign), so a parent's span always runs from its first character
to its last one and `text[node.span.start:node.span.end]` parses back to the same node (except inside a chain
of more than BALANCE_AFTER terms, which is regrouped: see `_chain`).

`case when c then v [when ...] [else v] end` is an atom. Its words are not reserved, so that columns called `end` or
`case` stay usable: `case` starts the form only when `when` follows it, and `when`, `then`, `else` and `end` end
the expression before them only where an operator could follow (a name is never followed by a name). A column
named `case` given as a `then` value right before another `when` reads as a nested case: write it `(case)`.

In argument lists, the first argument is always positional so `if(status = 'paid', amount, 0)` works; a later
argument of the form `name = value` is a keyword argument (`previous(revenue, n=2)`). To pass a comparison in
a later position, wrap it in parentheses.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from functools import lru_cache

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
    Null,
    Number,
    Span,
    String,
    Unary,
)
from kpilot.formula.lexer import Token, TokenKind, tokenize, where
from kpilot.i18n import Message

MAX_DEPTH = 100
# A chain of one operator family (`a + b + ...`, `x or y or ...`) longer than this is grouped as a balanced tree.
BALANCE_AFTER = 32

# Binding levels: an infix operator of level L takes a right operand parsed at level L + 1 (left-associative).
_OR, _AND, _NOT, _COMPARE, _ADD, _MULTIPLY, _PREFIX = 1, 2, 3, 4, 5, 6, 7

_INFIX_LEVELS: dict[str, int] = {
    "or": _OR,
    "and": _AND,
    "=": _COMPARE,
    "!=": _COMPARE,
    "<": _COMPARE,
    "<=": _COMPARE,
    ">": _COMPARE,
    ">=": _COMPARE,
    "in": _COMPARE,
    "not": _COMPARE,  # only as `not in`
    "is": _COMPARE,
    "+": _ADD,
    "-": _ADD,
    "*": _MULTIPLY,
    "/": _MULTIPLY,
}

_OPERAND = Message("formula.expected.operand")
_SPLIT = Message("formula.split_hint")
CASE_WORDS = frozenset({"case", "when", "then", "else", "end"})


def parse(text: str) -> Expr:
    """Parse one formula into its syntax tree; raise FormulaError, pointing at the offending character.

    Parsed once per text: trees are immutable, so a definition's measure, filter and dimension expressions, read
    again by every compile of every request, reuse the tree of the first parse. A formula that fails is not
    remembered (lru_cache keeps only results) and fails the same way again."""
    return _parsed(text)


@lru_cache(maxsize=8192)
def _parsed(text: str) -> Expr:
    if not text.strip():
        raise FormulaError(Message("formula.empty"), offset=0, hint=Message("formula.empty_hint"), text=text)
    parser = _Parser(text, tokenize(text))
    try:
        return parser.formula()
    except RecursionError:
        # Backstop: the depth limit normally fires first, but a caller's deep stack could leave less room.
        raise FormulaError(
            Message("formula.too_deep_to_parse"), offset=parser.current.start, hint=_SPLIT, text=text
        ) from None


def _span(first: Expr | Token, last: Expr | Token) -> Span:
    start = first.start if isinstance(first, Token) else first.span.start
    end = last.end if isinstance(last, Token) else last.span.end
    return Span(start, end)


def _widen(node: Expr, start: int, end: int) -> Expr:
    return dataclasses.replace(node, span=Span(start, end))


def _chain(operands: list[Expr], operators: list[str]) -> Expr:
    """Join `operands[0] operators[0] operands[1] ...` (one binding level) into a tree.

    Up to BALANCE_AFTER operands, left-associated: `a + b + c` is `(a + b) + c`. A longer chain is grouped as a
    balanced tree, so that its depth grows with the logarithm of its length and no pass over the tree (type check,
    KPI inlining, compilation, the warehouse's own parser) meets a tree thousands of levels deep:
    - `and`, `or`, `*`, `+`: regrouped, which SQL's three-valued logic and arithmetic do not notice;
    - `+` with `-`: the terms added and the terms subtracted are summed apart, `a - b + c - d` as
      `(a + c) - (b + d)`: NULL wherever the chain is NULL, equal in exact arithmetic, and in floating point a
      reordering of the sum like any regrouping (the last bits may differ, as with SQL's SUM);
    - `/`: divisions are kept in order, as regrouping them is not exact; runs of `*` between them are grouped.
    Each node of a balanced group spans the text from its first operand to its last.
    """
    if len(operands) <= BALANCE_AFTER:
        left = operands[0]
        for operator, right in zip(operators, operands[1:], strict=True):
            left = Binary(operator, left, right, _span(left, right))
        return left
    terms = list(zip(operators, operands[1:], strict=True))
    whole = _span(operands[0], operands[-1])
    if operators[0] in ("+", "-"):
        added = _balanced("+", [operands[0], *(term for operator, term in terms if operator == "+")])
        subtracted = [term for operator, term in terms if operator == "-"]
        return Binary("-", added, _balanced("+", subtracted), whole) if subtracted else added
    if "/" not in operators:
        return _balanced(operators[0], operands)
    result, factors = operands[0], []
    for operator, term in terms:
        if operator == "*":
            factors.append(term)
            continue
        result, factors = _times(result, factors), []
        result = Binary("/", result, term, _span(result, term))
    return _times(result, factors)


def _times(left: Expr, factors: list[Expr]) -> Expr:
    if not factors:
        return left
    product = _balanced("*", factors)
    return Binary("*", left, product, _span(left, product))


def _balanced(operator: str, operands: list[Expr]) -> Expr:
    """`operands` joined by `operator` as a balanced tree (depth log2 of their number; recursion that deep only)."""
    if len(operands) == 1:
        return operands[0]
    middle = len(operands) // 2
    left, right = _balanced(operator, operands[:middle]), _balanced(operator, operands[middle:])
    return Binary(operator, left, right, _span(left, right))


class _Parser:
    def __init__(self, text: str, tokens: list[Token]) -> None:
        self.text = text
        self.tokens = tokens
        self.index = 0
        self.depth = 0

    # -- token helpers --

    @property
    def current(self) -> Token:
        return self.tokens[self.index]

    def _peek(self, ahead: int = 1) -> Token:
        return self.tokens[min(self.index + ahead, len(self.tokens) - 1)]

    def _advance(self) -> Token:
        token = self.current
        if token.kind is not TokenKind.EOF:
            self.index += 1
        return token

    def _at(self, kind: TokenKind, value: str) -> bool:
        return self.current.kind is kind and self.current.value == value

    def _at_op(self, value: str) -> bool:
        return self._at(TokenKind.OP, value)

    def _at_keyword(self, value: str) -> bool:
        return self._at(TokenKind.KEYWORD, value)

    def _error(self, token: Token, expected: Message, hint: Message | None = None) -> FormulaError:
        message = Message(
            "formula.unexpected_token", token=token.describe(), at=where(self.text, token.start), expected=expected
        )
        return FormulaError(message, offset=token.start, hint=hint, text=self.text)

    def _expect_op(self, value: str, expected: Message) -> Token:
        if not self._at_op(value):
            raise self._error(self.current, expected)
        return self._advance()

    def _too_deep(self, token: Token) -> FormulaError:
        return FormulaError(
            Message("formula.too_deep_at", at=where(self.text, token.start), limit=MAX_DEPTH),
            offset=token.start,
            hint=_SPLIT,
            text=self.text,
        )

    def _enter(self, token: Token) -> None:
        """Count one level of nesting (parentheses or a prefix operator) so that deep input fails cleanly."""
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self._too_deep(token)

    # -- grammar --

    def formula(self) -> Expr:
        node = self._expression(_OR)
        if self.current.kind is not TokenKind.EOF:
            raise self._error(self.current, Message("formula.expected.operator_or_end"), hint=self._trailing_hint())
        return node

    def _trailing_hint(self) -> Message | None:
        if self._at_op(")"):
            return Message("formula.unmatched_parenthesis_hint")
        before = self.tokens[self.index - 1] if self.index else None
        if before is not None and before.kind is TokenKind.NAME and before.value.lower() == "case":
            return Message("formula.case_form_hint")
        if self.current.kind is TokenKind.NAME and self.current.value.lower() in CASE_WORDS - {"case"}:
            return Message("formula.case_word_hint", word=self.current.value)
        if self.current.kind in (TokenKind.NAME, TokenKind.NUMBER, TokenKind.STRING) or self._at_op("("):
            return Message("formula.missing_operator_hint")
        return None

    def _expression(self, level: int) -> Expr:
        """Parse operators binding at least as tightly as `level` (the Pratt loop).

        The operands of consecutive operators of one binding level (`a + b - c`) are collected and joined into a
        tree only when the level changes, so that a long chain can be grouped as a balanced tree (see `_chain`)."""
        operands = [self._prefix(level)]
        operators: list[str] = []
        chain_level = None
        built_comparison = False
        while True:
            token = self.current
            op_level = self._infix_level(token)
            if op_level is None or op_level < level:
                return _chain(operands, operators)
            if op_level == _COMPARE and built_comparison:
                raise self._error(
                    token,
                    Message("formula.expected.logical_between_comparisons"),
                    hint=Message("formula.no_chained_comparisons_hint"),
                )
            token = self._advance()
            if op_level != chain_level and operators:
                operands, operators = [_chain(operands, operators)], []
            if token.value in ("in", "not", "is"):
                operands, operators = [self._keyword_comparison(token, _chain(operands, operators))], []
                chain_level = None
            else:  # inline rather than a helper: one stack frame less per precedence level of nesting
                operands.append(self._expression(op_level + 1))
                operators.append(token.value)
                chain_level = op_level
            built_comparison = op_level == _COMPARE

    def _infix_level(self, token: Token) -> int | None:
        if token.kind not in (TokenKind.OP, TokenKind.KEYWORD):
            return None
        return _INFIX_LEVELS.get(token.value)

    def _keyword_comparison(self, token: Token, left: Expr) -> Expr:
        """`x in (...)`, `x not in (...)`, `x is [not] null`; `token` is the keyword, already consumed."""
        if token.value == "in":
            return self._in_list(left, negated=False)
        if token.value == "not":
            if not self._at_keyword("in"):
                raise self._error(
                    self.current, Message("formula.expected.in_after_not"), hint=Message("formula.not_in_hint")
                )
            self._advance()
            return self._in_list(left, negated=True)
        return self._is_null(left)

    def _is_null(self, operand: Expr) -> Expr:
        negated = self._at_keyword("not")
        if negated:
            self._advance()
        if not self._at_keyword("null"):
            raise self._error(
                self.current,
                Message("formula.expected.null_after_is_not" if negated else "formula.expected.null_after_is"),
                hint=Message("formula.is_null_hint"),
            )
        return IsNull(operand, negated, _span(operand, self._advance()))

    def _in_list(self, operand: Expr, *, negated: bool) -> Expr:
        if not self._at_op("("):
            raise self._error(
                self.current, Message("formula.expected.list_start"), hint=Message("formula.in_list_hint")
            )
        if self._peek().kind is TokenKind.OP and self._peek().value == ")":
            raise self._error(
                self._peek(), Message("formula.expected.value"), hint=Message("formula.empty_in_list_hint")
            )
        options, close = self._delimited(lambda: self._expression(_OR), "formula.expected.close_list")
        return InList(operand, tuple(options), negated, _span(operand, close))

    def _delimited(self, item: Callable[[], Expr], closing: str, **values: str) -> tuple[list[Expr], Token]:
        """Parse `( item, item, ... )`, the current token being '('; return the items and the ')' token.

        `closing` is the code of what a missing ')' expects, told with where the list opened and `values`."""
        opening = self._advance()
        self._enter(opening)
        items = [item()]
        while self._at_op(","):
            self._advance()
            items.append(item())
        close = self._expect_op(")", Message(closing, at=where(self.text, opening.start), **values))
        self.depth -= 1
        return items, close

    def _prefix(self, level: int) -> Expr:
        token = self.current
        if token.kind is TokenKind.OP and token.value in ("-", "+"):
            return self._sign()
        if token.kind is TokenKind.KEYWORD and token.value == "not":
            if level > _NOT:
                raise self._error(token, _OPERAND, hint=Message("formula.wrap_negation_hint"))
            return self._negation()
        return self._atom()

    def _sign(self) -> Expr:
        token = self._advance()
        self._enter(token)
        operand = self._expression(_PREFIX)
        self.depth -= 1
        if token.value == "+":
            return _widen(operand, token.start, operand.span.end)
        return Unary("-", operand, _span(token, operand))

    def _negation(self) -> Expr:
        token = self._advance()
        self._enter(token)
        operand = self._expression(_NOT)
        self.depth -= 1
        return Unary("not", operand, _span(token, operand))

    def _at_word(self, word: str, token: Token | None = None) -> bool:
        """Whether the token (the current one by default) is the plain name `word`, in any case."""
        token = token or self.current
        return token.kind is TokenKind.NAME and token.value.lower() == word

    def _atom(self) -> Expr:
        token = self.current
        if self._at_word("case") and self._at_word("when", self._peek()):
            return self._case()
        if token.kind is TokenKind.NAME:
            return self._name_or_call()
        if self._at_op("("):
            return self._group()
        literal = self._literal(token)
        if literal is None:
            raise self._error(token, _OPERAND)
        self._advance()
        return literal

    def _literal(self, token: Token) -> Expr | None:
        span = _span(token, token)
        if token.kind is TokenKind.NUMBER and token.number is not None:
            return Number(token.number, span)
        if token.kind is TokenKind.STRING:
            return String(token.value, span)
        if token.kind is TokenKind.KEYWORD and token.value in ("true", "false"):
            return Boolean(token.value == "true", span)
        if token.kind is TokenKind.KEYWORD and token.value == "null":
            return Null(span)
        return None

    def _group(self) -> Expr:
        opening = self._advance()
        self._enter(opening)
        inner = self._expression(_OR)
        close = self._expect_op(")", Message("formula.expected.close_group", at=where(self.text, opening.start)))
        self.depth -= 1
        return _widen(inner, opening.start, close.end)

    def _case(self) -> Expr:
        opening = self._advance()
        self._enter(opening)
        at = where(self.text, opening.start)
        whens: list[tuple[Expr, Expr]] = []
        while self._at_word("when"):
            self._advance()
            condition = self._expression(_OR)
            self._expect_word("then", Message("formula.expected.then", at=at), condition)
            whens.append((condition, self._expression(_OR)))
        otherwise = None
        expected = Message("formula.expected.case_continue", at=at)
        if self._at_word("else"):
            self._advance()
            otherwise = self._expression(_OR)
            expected = Message("formula.expected.case_end", at=at)
        close = self._expect_word("end", expected, whens[-1][1] if otherwise is None else otherwise)
        self.depth -= 1
        return Case(tuple(whens), otherwise, _span(opening, close))

    def _expect_word(self, word: str, expected: Message, before: Expr | None) -> Token:
        """Consume the word `word`; else raise, noting when the expression before it ended in a case word."""
        if self._at_word(word):
            return self._advance()
        hint = None
        if isinstance(before, Name) and before.dotted.lower() in CASE_WORDS:
            hint = Message("formula.case_word_as_column_hint", word=before.dotted)
        raise self._error(self.current, expected, hint=hint)

    def _name_or_call(self) -> Expr:
        token = self._advance()
        if not self._at_op("("):
            return Name(tuple(token.value.split(".")), _span(token, token))
        if "." in token.value:
            raise FormulaError(
                Message("formula.dotted_function_name", name=token.value, at=where(self.text, token.start)),
                offset=token.start,
                hint=Message("formula.function_name_hint"),
                text=self.text,
            )
        return self._call(token)

    def _call(self, name: Token) -> Expr:
        if self._peek().kind is TokenKind.OP and self._peek().value == ")":
            self._advance()
            close = self._advance()
            return Call(name.value.lower(), (), (), _span(name, close), _span(name, name))
        arguments: list[tuple[Token | None, Expr]] = []

        def argument() -> Expr:
            keyword = self._keyword_name() if arguments else None
            value = self._expression(_OR)
            arguments.append((keyword, value))
            return value

        _, close = self._delimited(argument, "formula.expected.close_arguments", function=name.value)
        args, kwargs = self._split_arguments(arguments)
        return Call(name.value.lower(), args, kwargs, _span(name, close), _span(name, name))

    def _keyword_name(self) -> Token | None:
        """`name =` starts a keyword argument (never in first position; see the module docstring)."""
        token, following = self.current, self._peek()
        if token.kind is not TokenKind.NAME or "." in token.value:
            return None
        if following.kind is not TokenKind.OP or following.value != "=":
            return None
        self._advance()
        self._advance()
        return token

    def _split_arguments(
        self, arguments: list[tuple[Token | None, Expr]]
    ) -> tuple[tuple[Expr, ...], tuple[tuple[str, Expr], ...]]:
        args: list[Expr] = []
        kwargs: list[tuple[str, Expr]] = []
        for keyword, value in arguments:
            if keyword is None and kwargs:
                raise FormulaError(
                    Message(
                        "formula.positional_after_keyword", at=where(self.text, value.span.start), keyword=kwargs[-1][0]
                    ),
                    offset=value.span.start,
                    hint=Message("formula.keyword_last_hint"),
                    text=self.text,
                )
            if keyword is None:
                args.append(value)
                continue
            key = keyword.value.lower()
            if any(key == seen for seen, _ in kwargs):
                raise FormulaError(
                    Message("formula.keyword_twice", keyword=key, at=where(self.text, keyword.start)),
                    offset=keyword.start,
                    text=self.text,
                )
            kwargs.append((key, value))
        return tuple(args), tuple(kwargs)
