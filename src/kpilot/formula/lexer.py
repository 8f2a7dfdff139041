"""Tokenizer for the formula language.

The lexer turns formula text into a flat list of tokens ending with an `EOF` token. It rejects anything that
cannot start a token, and recognises mistakes carried over from other languages (`==`, `&&`, `||`, `!`, `%`,
`**`, double-quoted strings) so that the user gets a fix rather than a bare "unexpected character".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from kpilot.errors import FormulaError
from kpilot.i18n import Message

MAX_FORMULA_LENGTH = 10_000
MAX_WHOLE_NUMBER = 2**63 - 1

KEYWORDS = frozenset({"and", "or", "not", "in", "is", "null", "true", "false"})

_DIGITS = frozenset("0123456789")
# ASCII only on purpose: str.isalpha()/isdigit() accept characters no warehouse identifier allows.
_NAME_START = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_")
_NAME_CHARS = _NAME_START | _DIGITS

# Longest first, so that '<=' wins over '<'.
_OPERATORS: tuple[tuple[str, str], ...] = (
    ("<>", "!="),
    ("!=", "!="),
    ("<=", "<="),
    (">=", ">="),
    ("+", "+"),
    ("-", "-"),
    ("*", "*"),
    ("/", "/"),
    ("=", "="),
    ("<", "<"),
    (">", ">"),
    ("(", "("),
    (")", ")"),
    (",", ","),
)

# Operators from other languages: (spelling, advice). Checked before _OPERATORS, longest first.
_MISTAKES: tuple[tuple[str, Message], ...] = (
    ("==", Message("formula.advice.equality")),
    ("=>", Message("formula.advice.greater_or_equal")),
    ("=<", Message("formula.advice.less_or_equal")),
    ("&&", Message("formula.advice.write_and")),
    ("||", Message("formula.advice.write_or")),
    ("**", Message("formula.advice.no_powers")),
    ("&", Message("formula.advice.write_and")),
    ("|", Message("formula.advice.write_or")),
    ("^", Message("formula.advice.no_powers")),
)

_UNEXPECTED_HINTS: dict[str, Message] = {
    "#": Message("formula.no_comments_hint"),
    ";": Message("formula.single_expression_hint"),
    "`": Message("formula.no_quoting_hint"),
    "[": Message("formula.brackets_hint"),
    "]": Message("formula.brackets_hint"),
    "{": Message("formula.braces_hint"),
    "}": Message("formula.braces_hint"),
}
_ASCII_NAMES = Message("formula.ascii_names_hint")
_END = Message("formula.token.end")


# Inside a string literal: tab, line feed and carriage return are text like any other; every other control
# character (C0, DEL, C1), NUL above all (PostgreSQL's text cannot hold it), and lone surrogates (not encodable as
# UTF-8; Python makes them of undecodable bytes in a command line) would fail in the warehouse or match nothing.
_UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_NO_TEXT = re.compile("[\x00\ud800-\udfff]")  # what no database text holds; the rest is merely invisible


class TokenKind(Enum):
    NUMBER = "number"
    STRING = "string"
    NAME = "name"
    KEYWORD = "keyword"
    OP = "operator"
    EOF = "end"


@dataclass(frozen=True, slots=True)
class Token:
    """One token. `value` is normalised: lower-case keyword, canonical operator, decoded string, name."""

    kind: TokenKind
    value: str
    start: int
    end: int
    number: int | float | None = None

    def describe(self) -> Message:
        """How an error message names this token."""
        if self.kind is TokenKind.EOF:
            return _END
        if self.kind is TokenKind.NAME:
            return Message("formula.token.name", name=self.value)
        if self.kind is TokenKind.NUMBER:
            return Message("formula.token.number", number=self.value)
        if self.kind is TokenKind.STRING:
            return Message("formula.token.string", string=quote_string(self.value))
        return Message("formula.token.symbol", symbol=self.value)


def quote_string(value: str) -> str:
    """The formula spelling of a string literal."""
    return "'" + value.replace("'", "''") + "'"


def where(text: str, offset: int) -> Message:
    """A 1-based position for messages ("at column 3"); mentions the line only for multi-line formulas.

    Line and column are passed as text: like a file's line:col, they are written without thousands separators."""
    line = text.count("\n", 0, offset) + 1
    column = str(offset - (text.rfind("\n", 0, offset) + 1) + 1)
    if "\n" in text:
        return Message("formula.at_line_column", line=str(line), column=column)
    return Message("formula.at_column", column=column)


def show_char(char: str) -> str:
    """A character as an error message shows it; invisible ones by code point."""
    if char.isprintable() and not char.isspace():
        return f"'{char}'"
    return f"U+{ord(char):04X}"


def tokenize(text: str) -> list[Token]:
    """Split `text` into tokens, ending with an EOF token; raise FormulaError on the first bad character."""
    if len(text) > MAX_FORMULA_LENGTH:
        raise FormulaError(
            Message("formula.too_long", length=len(text), limit=MAX_FORMULA_LENGTH),
            offset=MAX_FORMULA_LENGTH,
            hint=Message("formula.split_hint"),
            text=text,
        )
    return _Lexer(text).run()


class _Lexer:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.tokens: list[Token] = []

    def run(self) -> list[Token]:
        text = self.text
        while True:
            while self.pos < len(text) and text[self.pos].isspace():
                self.pos += 1
            if self.pos >= len(text):
                self.tokens.append(Token(TokenKind.EOF, "", len(text), len(text)))
                return self.tokens
            self.tokens.append(self._token())

    def _peek(self, ahead: int = 0) -> str:
        index = self.pos + ahead
        return self.text[index] if index < len(self.text) else ""

    def _error(self, message: Message, offset: int, hint: Message | None = None) -> FormulaError:
        return FormulaError(message, offset=offset, hint=hint, text=self.text)

    def _token(self) -> Token:
        char = self._peek()
        if char in _DIGITS or (char == "." and self._peek(1) in _DIGITS):
            return self._number()
        if char in _NAME_START:
            return self._name()
        if char == "'":
            return self._string()
        return self._operator()

    def _digits(self) -> None:
        """Consume digits with single underscores between them (1_000), as Python does."""
        start = self.pos
        while self._peek() in _DIGITS or self._peek() == "_":
            if self._peek() == "_" and (self.pos == start or self._peek(1) not in _DIGITS):
                raise self._error(
                    Message("formula.misplaced_underscore", at=where(self.text, self.pos)),
                    self.pos,
                    hint=Message("formula.underscore_hint"),
                )
            self.pos += 1

    def _expect_digit(self, code: str) -> None:
        """`code`: formula.digit_after_point or formula.digit_in_exponent, which say where the digit is missing."""
        if self._peek() not in _DIGITS:
            found = show_char(self._peek()) if self._peek() else _END
            raise self._error(Message(code, at=where(self.text, self.pos), found=found), self.pos)

    def _number(self) -> Token:
        start = self.pos
        is_float = False
        self._digits()
        if self._peek() == ".":
            is_float = True
            self.pos += 1
            self._expect_digit("formula.digit_after_point")
            self._digits()
        if self._peek() in ("e", "E"):
            is_float = True
            self.pos += 1
            if self._peek() in ("+", "-"):
                self.pos += 1
            self._expect_digit("formula.digit_in_exponent")
            self._digits()
        self._reject_glued()
        raw = self.text[start : self.pos]
        return Token(TokenKind.NUMBER, raw, start, self.pos, number=self._number_value(raw, is_float, start))

    def _reject_glued(self) -> None:
        """`12abc`, `1.5.2`: a number must not run straight into a name or another dot."""
        follower = self._peek()
        if follower in _NAME_CHARS or follower == ".":
            raise self._error(
                Message("formula.glued_to_number", char=show_char(follower), at=where(self.text, self.pos)),
                self.pos,
                hint=Message("formula.operator_after_number_hint"),
            )

    def _number_value(self, raw: str, is_float: bool, start: int) -> int | float:
        digits = raw.replace("_", "")
        if not is_float:
            try:
                whole = int(digits)
            except ValueError:  # Python refuses to convert integers of more than a few thousand digits
                raise self._error(Message("formula.too_many_digits", at=where(self.text, start)), start) from None
            if whole > MAX_WHOLE_NUMBER:  # warehouses compute whole numbers as 64-bit integers
                raise self._error(  # the limit as a formula writes it: 9_223_372_036_854_775_807
                    Message(
                        "formula.whole_number_too_large", at=where(self.text, start), limit=f"{MAX_WHOLE_NUMBER:_}"
                    ),
                    start,
                    hint=Message("formula.large_number_hint"),
                )
            return whole
        value = float(digits)
        if value in (float("inf"), float("-inf")):
            raise self._error(Message("formula.number_too_large", at=where(self.text, start)), start)
        return value

    def _identifier(self) -> str:
        start = self.pos
        while self._peek() in _NAME_CHARS:
            self.pos += 1
        return self.text[start : self.pos]

    def _name(self) -> Token:
        start = self.pos
        word = self._identifier()
        if word.lower() in KEYWORDS and self._peek() != ".":
            return Token(TokenKind.KEYWORD, word.lower(), start, self.pos)
        parts = [word]
        while self._peek() == ".":
            self.pos += 1
            if self._peek() not in _NAME_START:
                found = show_char(self._peek()) if self._peek() else _END
                raise self._error(
                    Message("formula.name_after_dot", at=where(self.text, self.pos), found=found),
                    self.pos,
                    hint=Message("formula.qualified_name_hint"),
                )
            parts.append(self._identifier())
        self._reject_unicode_letter()
        return Token(TokenKind.NAME, ".".join(parts), start, self.pos)

    def _reject_unicode_letter(self) -> None:
        char = self._peek()
        if char and char.isalnum():
            raise self._error(
                Message("formula.letter_in_name", char=show_char(char), at=where(self.text, self.pos)),
                self.pos,
                hint=_ASCII_NAMES,
            )

    def _string(self) -> Token:
        start = self.pos
        self.pos += 1
        chunks: list[str] = []
        while True:
            end = self.text.find("'", self.pos)
            if end < 0:
                raise self._error(
                    Message("formula.unterminated_string", at=where(self.text, start)),
                    start,
                    hint=Message("formula.close_string_hint"),
                )
            self._reject_unstorable(start, end)
            chunks.append(self.text[self.pos : end])
            self.pos = end + 1
            if self._peek() != "'":
                return Token(TokenKind.STRING, "'".join(chunks), start, self.pos)
            self.pos += 1  # '' is an escaped quote: the chunks are joined with one quote

    def _reject_unstorable(self, start: int, end: int) -> None:
        """A string literal is compared with text in the warehouse, so it must be text a database can hold."""
        found = _UNSTORABLE.search(self.text, self.pos, end)
        if found is None:
            return
        char, offset = found.group(), found.start()
        code = "formula.string_unstorable" if _NO_TEXT.match(char) else "formula.string_control_character"
        raise self._error(
            Message(code, start=where(self.text, start), char=show_char(char), at=where(self.text, offset)),
            offset,
            hint=Message("formula.visible_characters_hint"),
        )

    def _operator(self) -> Token:
        start = self.pos
        for spelling, advice in _MISTAKES:
            if self.text.startswith(spelling, start):
                raise self._error(self._unknown_operator(spelling, start, advice), start)
        for spelling, canonical in _OPERATORS:
            if self.text.startswith(spelling, start):
                self.pos += len(spelling)
                return Token(TokenKind.OP, canonical, start, self.pos)
        raise self._unexpected_char(start)

    def _unknown_operator(self, spelling: str, start: int, advice: Message) -> Message:
        return Message("formula.unknown_operator", operator=spelling, at=where(self.text, start), advice=advice)

    def _unexpected_char(self, start: int) -> FormulaError:
        char = self.text[start]
        at = where(self.text, start)
        if char == "!":
            return self._error(self._unknown_operator("!", start, Message("formula.advice.write_not")), start)
        if char == "%":
            return self._error(
                Message("formula.unsupported_percent", at=at), start, hint=Message("formula.percent_hint")
            )
        if char == '"':
            return self._error(
                Message("formula.unexpected", char=show_char(char), at=at),
                start,
                hint=Message("formula.double_quote_hint"),
            )
        if char == ".":
            return self._error(
                Message("formula.unexpected", char=show_char(char), at=at),
                start,
                hint=Message("formula.dot_hint"),
            )
        hint = _UNEXPECTED_HINTS.get(char)
        if hint is None and char.isalpha():
            hint = _ASCII_NAMES
        return self._error(Message("formula.unexpected_character", char=show_char(char), at=at), start, hint=hint)
