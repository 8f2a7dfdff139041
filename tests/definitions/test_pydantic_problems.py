"""Pydantic's errors reach people as kpilot's messages (a code and values), never in pydantic's own English.

Every error type that kpilot/definitions/problems.py maps is made to happen here, on a real model, and the case says
the code and the English text expected (written by hand from the catalogue). A type that is not mapped falls back to
one code carrying pydantic's text as it is.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal, get_args

import pytest
from pydantic import Field, ValidationError, field_validator
from pydantic_core.core_schema import ErrorType

from kpilot.definitions.base import Frozen, Identifier
from kpilot.definitions.model import Dimension, Kpi, Settings, Unit
from kpilot.definitions.problems import MAPPED, problem_of
from kpilot.i18n import Language, Message, Raw, render


class Sample(Frozen):
    """A field of every kind the definitions use, or may use."""

    whole: int = 0
    real: float = 0.0
    flag: bool = False
    text: str = ""
    items: list[int] = Field(default_factory=list)
    row: tuple[int, ...] = ()
    bag: set[int] = Field(default_factory=set)
    frozen_bag: frozenset[int] = frozenset()
    mapping: dict[str, str] = Field(default_factory=dict)
    member: Dimension | None = None
    share: float = Field(default=0.5, gt=0, lt=1)
    month: int = Field(default=1, ge=1, le=12)
    name: Identifier = "x"
    code: str = Field(default="EUR", pattern=r"^[A-Z]{3}$")
    word: str = Field(default="abc", min_length=2, max_length=4)
    some: tuple[str, ...] = Field(default=("a",), min_length=1, max_length=2)
    unit: Unit = Unit.NUMBER
    grain: Literal["day", "month"] = "day"
    day: date | None = None
    odd: str = ""

    @field_validator("odd")
    @classmethod
    def _not_odd(cls, value: str) -> str:
        if value == "odd":
            raise ValueError("odd values are refused by this check")
        return value


class Needs(Frozen):
    needed: str


NAME_RULE = "is not a name: use letters, digits and '_', starting with a letter or '_'"
LONG = "9" * 5000

# (model, data, pydantic's type, kpilot's code, the English text)
CASES: list[tuple[type[Frozen], dict[str, Any], str, str, str]] = [
    (Needs, {}, "missing", "definitions.missing_key", "missing required key 'needed'"),
    (Sample, {"colour": "red"}, "extra_forbidden", "definitions.unknown_key", "unknown key 'colour'"),
    (Sample, {"real": float("nan")}, "finite_number", "definitions.not_finite", "'real': .nan is not a finite number"),
    (Sample, {"text": 5}, "string_type", "definitions.not_text", "'text': 5 is not text"),
    (Sample, {"real": [1]}, "float_type", "definitions.not_a_number", "'real': [1] is not a number"),
    (Sample, {"real": "lots"}, "float_parsing", "definitions.not_a_number", "'real': 'lots' is not a number"),
    (Sample, {"whole": [1]}, "int_type", "definitions.not_whole_number", "'whole': [1] is not a whole number"),
    (Sample, {"whole": "x"}, "int_parsing", "definitions.not_whole_number", "'whole': 'x' is not a whole number"),
    (
        Sample,
        {"whole": LONG},
        "int_parsing_size",
        "definitions.not_whole_number",
        "'whole': '" + "9" * 58 + "… is not a whole number",  # cut at 60 characters
    ),
    (Sample, {"whole": 1.5}, "int_from_float", "definitions.not_whole_number", "'whole': 1.5 is not a whole number"),
    (Sample, {"flag": [1]}, "bool_type", "definitions.not_true_false", "'flag': [1] is not true or false"),
    (Sample, {"flag": "maybe"}, "bool_parsing", "definitions.not_true_false", "'flag': 'maybe' is not true or false"),
    (
        Sample,
        {"mapping": 5},
        "dict_type",
        "definitions.not_a_mapping",
        "'mapping': 5 is not a mapping of keys to values",
    ),
    (
        Sample,
        {"member": 5},
        "model_type",
        "definitions.not_a_mapping",
        "'member': 5 is not a mapping of keys to values",
    ),
    (Sample, {"items": 5}, "list_type", "definitions.not_a_list", "'items': 5 is not a list"),
    (Sample, {"row": 5}, "tuple_type", "definitions.not_a_list", "'row': 5 is not a list"),
    (Sample, {"bag": 5}, "set_type", "definitions.not_a_list", "'bag': 5 is not a list"),
    (Sample, {"frozen_bag": 5}, "frozen_set_type", "definitions.not_a_list", "'frozen_bag': 5 is not a list"),
    (Sample, {"share": 0}, "greater_than", "definitions.greater_than", "'share': 0 must be greater than 0"),
    (Sample, {"month": 0}, "greater_than_equal", "definitions.at_least", "'month': 0 must be at least 1"),
    (Sample, {"share": 1}, "less_than", "definitions.less_than", "'share': 1 must be less than 1"),
    (Sample, {"month": 13}, "less_than_equal", "definitions.at_most", "'month': 13 must be at most 12"),
    (Sample, {"name": "my kpi"}, "string_pattern_mismatch", "definitions.not_a_name", f"'name': 'my kpi' {NAME_RULE}"),
    (
        Sample,
        {"word": "a"},
        "string_too_short",
        "definitions.too_few_characters",
        "'word': needs at least 2 character(s)",
    ),
    (
        Sample,
        {"word": "abcde"},
        "string_too_long",
        "definitions.too_many_characters",
        "'word': has more than 4 character(s)",
    ),
    (Sample, {"some": []}, "too_short", "definitions.too_few_items", "'some': needs at least 1 item(s)"),
    (Sample, {"some": ["a", "b", "c"]}, "too_long", "definitions.too_many_items", "'some': has more than 2 item(s)"),
    (
        Sample,
        {"unit": "percentage"},
        "enum",
        "definitions.invalid_choice",
        "'unit': invalid value 'percentage'; expected 'number', 'percent', 'currency', 'duration' or 'ratio'",
    ),
    (
        Sample,
        {"grain": "week"},
        "literal_error",
        "definitions.invalid_choice",
        "'grain': invalid value 'week'; expected 'day' or 'month'",
    ),
    (
        Settings,
        {"timezone": "Europe/Roma"},
        "value_error",
        "definitions.field_problem",
        "'timezone': unknown time zone 'Europe/Roma'; use an IANA name such as 'Europe/Rome' or 'UTC'",
    ),
]


def only_error(model: type[Frozen], data: dict[str, Any]) -> dict[str, Any]:
    with pytest.raises(ValidationError) as raised:
        model.model_validate(data)
    [error] = raised.value.errors()
    return dict(error)


@pytest.mark.parametrize(("model", "data", "kind", "code", "english"), CASES, ids=[case[2] for case in CASES])
def test_each_mapped_type_becomes_its_code(
    model: type[Frozen], data: dict[str, Any], kind: str, code: str, english: str
) -> None:
    error = only_error(model, data)
    assert error["type"] == kind
    problem = problem_of(error)
    assert problem.message.code == code
    assert str(problem.message) == english
    assert str(error["msg"]) not in english  # pydantic's own sentence is nowhere in it


def test_the_cases_cover_exactly_the_mapped_types() -> None:
    assert {case[2] for case in CASES} == MAPPED


def test_every_mapped_type_is_one_of_pydantic_cores_error_types() -> None:
    assert set(get_args(ErrorType)) >= MAPPED


def test_the_values_are_data() -> None:
    problem = problem_of(only_error(Sample, {"month": 13}))
    assert problem.message == Message("definitions.at_most", field="month", value=Raw("13"), limit=12)
    assert (problem.field, problem.key) == ("month", "month")
    missing = problem_of(only_error(Needs, {}))
    assert missing.hint == Message("definitions.add_key_hint", key="needed")
    nan = problem_of(only_error(Sample, {"real": float("inf")}))
    assert str(nan.hint) == "write a number such as 0.9; NaN, infinities and numbers beyond 1e308 cannot be used"


def test_a_models_own_check_at_the_item_is_its_message_alone() -> None:
    problem = problem_of(only_error(Kpi, {"name": "k", "formula": "1", "time_unit": "days"}))
    assert problem.message == Message("definitions.time_unit_only_duration", unit="number")
    assert problem.field == ""


def test_other_value_errors_and_unmapped_types_fall_back_with_the_text_as_it_is() -> None:
    other = problem_of(only_error(Sample, {"odd": "odd"}))
    assert other.message == Message(
        "definitions.invalid_value", field="odd", problem=Raw("odd values are refused by this check")
    )
    error = only_error(Sample, {"day": "soon"})
    assert error["type"] not in MAPPED
    problem = problem_of(error)
    assert problem.message == Message("definitions.invalid_value", field="day", problem=Raw(str(error["msg"])))


def test_the_messages_read_in_every_language() -> None:
    problem = problem_of(only_error(Sample, {"grain": "week"}))
    assert render(problem.message, Language.IT) == "'grain': valore non valido 'week'; atteso 'day' o 'month'"
    assert render(problem.message, Language.PL) == "'grain': nieprawidłowa wartość 'week'; oczekiwano 'day' lub 'month'"
    assert render(problem.message, Language.ZH) == "'grain'：无效的值 'week'；应为 'day'或'month'"
    counted = problem_of(only_error(Sample, {"word": "abcde"}))
    assert render(counted.message, Language.PL) == "'word': ma ponad 4 znaki"  # 4: the "few" form
