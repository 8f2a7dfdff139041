"""The functions of the formula language, as data: one table that the type checker, the compiler and the docs share."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from kpilot.i18n import Message


class Level(StrEnum):
    ROW = "row"  # measure expr/filter, dimension expr, --where: names are columns
    KPI = "kpi"  # KPI formulas: names are measures and KPIs


class ParamKind(StrEnum):
    VALUE = "value"  # any expression
    INT = "int"  # a positive integer literal
    CHOICE = "choice"  # a string literal from `choices`
    PATTERN = "pattern"  # a string literal holding a LIKE pattern (see LIKE_ESCAPE)


@dataclass(frozen=True)
class Param:
    name: str
    kind: ParamKind = ParamKind.VALUE
    default: int | str | None = None
    choices: tuple[str, ...] = ()
    minimum: int = 0

    @property
    def required(self) -> bool:
        return self.default is None


@dataclass(frozen=True)
class Function:
    name: str
    params: tuple[Param, ...]
    levels: frozenset[Level]
    variadic: bool = False  # the last parameter repeats (coalesce)
    at_least: int = 1  # arguments a variadic function needs
    time: bool = False  # works across periods (window functions on per-period aggregates)

    @property
    def summary(self) -> Message:
        """What the function gives, in a few words (in the catalogue as formula.function.<name>)."""
        return Message(f"formula.function.{self.name}")


BOTH = frozenset({Level.ROW, Level.KPI})
KPI_ONLY = frozenset({Level.KPI})
# Text and dates exist only in a source's rows: a KPI formula combines measures, which are numbers.
ROW_ONLY = frozenset({Level.ROW})
PERIOD_CHOICES = ("month", "quarter", "year")
TRUNCATE_UNITS = ("day", "week", "month", "quarter", "year")
# PostgreSQL's LIKE takes a backslash as an escape character and DuckDB's does not, and Ibis cannot say ESCAPE: a
# pattern holding one would match different rows on the two, so it is refused.
LIKE_ESCAPE = "\\"


def _text(name: str, *params: str) -> Function:
    return Function(name, tuple(Param(p) for p in params or ("text",)), ROW_ONLY)


def _date_part(name: str) -> Function:
    return Function(name, (Param("t"),), ROW_ONLY)


FUNCTIONS: dict[str, Function] = {
    f.name: f
    for f in (
        Function("if", (Param("condition"), Param("then"), Param("else")), BOTH),
        Function("coalesce", (Param("value"),), BOTH, variadic=True),
        Function("nullif", (Param("a"), Param("b")), BOTH),
        Function("least", (Param("value"),), BOTH, variadic=True, at_least=2),
        Function("greatest", (Param("value"),), BOTH, variadic=True, at_least=2),
        Function("abs", (Param("x"),), BOTH),
        Function("round", (Param("x"), Param("digits", ParamKind.INT, default=0)), BOTH),
        Function("days_between", (Param("start"), Param("end")), BOTH),
        Function("hours_between", (Param("start"), Param("end")), BOTH),
        _text("starts_with", "text", "prefix"),
        _text("ends_with", "text", "suffix"),
        _text("contains", "text", "part"),
        Function("like", (Param("text"), Param("pattern", ParamKind.PATTERN)), ROW_ONLY),
        _text("lower"),
        _text("upper"),
        _text("length"),
        _text("trim"),
        _date_part("year"),
        _date_part("quarter"),
        _date_part("month"),
        _date_part("week"),
        _date_part("weekday"),
        _date_part("hour"),
        Function("date_trunc", (Param("unit", ParamKind.CHOICE, choices=TRUNCATE_UNITS), Param("t")), ROW_ONLY),
        Function("previous", (Param("x"), Param("n", ParamKind.INT, default=1, minimum=1)), KPI_ONLY, time=True),
        Function("growth", (Param("x"),), KPI_ONLY, time=True),
        Function(
            "to_date",
            (Param("x"), Param("period", ParamKind.CHOICE, choices=PERIOD_CHOICES)),
            KPI_ONLY,
            time=True,
        ),
        Function("rolling", (Param("x"), Param("n", ParamKind.INT, minimum=1)), KPI_ONLY, time=True),
    )
}
