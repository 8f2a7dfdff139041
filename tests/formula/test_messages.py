"""Formula errors are messages: a code and typed values (where, which token, which types), the names a person may
have meant as data, and words in the reader's language; the offset and the snippet stay as they were."""

from __future__ import annotations

import ibis.expr.datatypes as dt
import pytest

from kpilot.errors import FormulaError, InternalError
from kpilot.formula.ast import Span
from kpilot.formula.check import Type, check
from kpilot.formula.functions import FUNCTIONS, Level
from kpilot.formula.parser import parse
from kpilot.i18n import Language, Message, render
from kpilot.i18n.catalogue import catalogue
from kpilot.semantic.rowscope import RowScope

ROWS = RowScope({"invoice": dt.string, "amount": dt.float64, "day": dt.date})


def parse_error(text: str) -> FormulaError:
    with pytest.raises(FormulaError) as raised:
        parse(text)
    return raised.value


def check_error(text: str) -> FormulaError:
    with pytest.raises(FormulaError) as raised:
        check(parse(text), ROWS)
    return raised.value


def test_where_and_what_are_values() -> None:
    error = parse_error("a +")
    assert error.message == Message(
        "formula.unexpected_token",
        token=Message("formula.token.end"),
        at=Message("formula.at_column", column="4"),
        expected=Message("formula.expected.operand"),
    )
    assert (error.offset, error.text) == (3, "a +")
    lines = parse_error("a +\n  * b")
    assert lines.message.values["at"] == Message("formula.at_line_column", line="2", column="3")
    assert lines.message.values["token"] == Message("formula.token.symbol", symbol="*")


def test_a_column_is_written_as_a_position_not_as_an_amount() -> None:
    text = "a" + " + a" * 400 + " +"
    assert f"at column {len(text) + 1};" in str(parse_error(text))  # 1602, not 1,602


def test_operators_from_other_languages_carry_their_advice() -> None:
    error = parse_error("a == b")
    assert error.message == Message(
        "formula.unknown_operator",
        operator="==",
        at=Message("formula.at_column", column="3"),
        advice=Message("formula.advice.equality"),
    )


def test_a_misspelt_function_names_the_one_meant() -> None:
    error = check_error("strats_with(invoice, 'C')")
    assert error.hint == Message("formula.did_you_mean", name="starts_with")
    assert error.suggestions == ("starts_with",)
    unlike = check_error("zzz(invoice)")
    row_functions = tuple(sorted(name for name, f in FUNCTIONS.items() if Level.ROW in f.levels))
    assert unlike.hint == Message("formula.available_functions_hint", functions=row_functions)
    assert unlike.suggestions == row_functions
    assert str(unlike.hint).startswith("available here: abs, coalesce, contains, date_trunc, ")


def test_a_misspelt_column_and_choice_name_the_one_meant() -> None:
    error = check_error("amont + 1")
    assert (error.code, error.hint, error.suggestions) == (
        "semantic.unknown_column",
        Message("formula.did_you_mean", name="amount"),
        ("amount",),
    )
    choice = check_error("date_trunc('mnth', day)")
    assert choice.code == "formula.choice_parameter"
    assert choice.suggestions == ("month",)
    assert str(choice.message) == "date_trunc(): 'unit' must be one of 'day', 'week', 'month', 'quarter', 'year'"


def test_types_are_named_by_messages() -> None:
    error = check_error("amount + invoice")
    assert error.message == Message(
        "formula.but_this_is",
        need=Message("formula.needs.numbers_both_sides", operator="+"),
        found=Message("formula.type.text"),
    )
    assert {kind.word.code for kind in Type} == {f"formula.type.{word}" for word in catalogue_words()}


def catalogue_words() -> set[str]:
    return {code.removeprefix("formula.type.") for code in catalogue() if code.startswith("formula.type.")}


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("a == b", Language.EN, "unknown operator '==' at column 3; write '=' for equality"),
        ("a == b", Language.IT, "operatore sconosciuto '==' alla colonna 3; per l'uguaglianza scrivi '='"),
        ("a == b", Language.PL, "nieznany operator '==' w kolumnie 3; równość zapisuje się jako '='"),
        ("a == b", Language.ZH, "在第 3 列的运算符 '==' 未知；相等请写 '='"),
        ("", Language.IT, "formula vuota"),
        (
            "(a",
            Language.PL,
            "nieoczekiwany element w kolumnie 3: koniec formuły; oczekiwano: ')' zamykający '(' w kolumnie 1",
        ),
    ],
)
def test_errors_read_in_every_language(text: str, language: Language, expected: str) -> None:
    assert render(parse_error(text).message, language) == expected


def test_a_type_error_reads_in_italian() -> None:
    error = check_error("lower(day)")
    assert error.describe(Language.IT) == "lower() richiede testo, ma questo è di tipo data"


def test_every_function_has_its_summary_in_every_language() -> None:
    for name, function in FUNCTIONS.items():
        entry = catalogue().get(function.summary.code)
        assert entry is not None, name
        assert set(entry) == set(Language), name
    assert str(FUNCTIONS["coalesce"].summary) == "the first value that is not empty"


def test_a_node_the_checker_does_not_know_is_a_bug_not_a_user_error() -> None:
    with pytest.raises(InternalError):
        check(Span(0, 1), ROWS)  # type: ignore[arg-type]
