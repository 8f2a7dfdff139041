"""The functions of the formula language, as data: one table that the type checker, the compiler and the docs share."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


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
    summary: str
    variadic: bool = False  # the last parameter repeats (coalesce)
    at_least: int = 1  # arguments a variadic function needs
    time: bool = False  # works across periods (window functions on per-period aggregates)


BOTH = frozenset({Level.ROW, Level.KPI})
KPI_ONLY = frozenset({Level.KPI})
# Text and dates exist only in a source's rows: a KPI formula combines measures, which are numbers.
ROW_ONLY = frozenset({Level.ROW})
PERIOD_CHOICES = ("month", "quarter", "year")
TRUNCATE_UNITS = ("day", "week", "month", "quarter", "year")
# PostgreSQL's LIKE takes a backslash as an escape character and DuckDB's does not, and Ibis cannot say ESCAPE: a
# pattern holding one would match different rows on the two, so it is refused.
LIKE_ESCAPE = "\\"


def _text(name: str, summary: str, *params: str) -> Function:
    return Function(name, tuple(Param(p) for p in params or ("text",)), ROW_ONLY, summary)


def _date_part(name: str, summary: str) -> Function:
    return Function(name, (Param("t"),), ROW_ONLY, summary)


FUNCTIONS: dict[str, Function] = {
    f.name: f
    for f in (
        Function(
            "if",
            (Param("condition"), Param("then"), Param("else")),
            BOTH,
            "then if condition holds, else else",
        ),
        Function("coalesce", (Param("value"),), BOTH, "the first value that is not empty", variadic=True),
        Function("nullif", (Param("a"), Param("b")), BOTH, "empty when a equals b, else a"),
        Function("least", (Param("value"),), BOTH, "the smallest value that is not empty", variadic=True, at_least=2),
        Function("greatest", (Param("value"),), BOTH, "the largest value that is not empty", variadic=True, at_least=2),
        Function("abs", (Param("x"),), BOTH, "absolute value"),
        Function("round", (Param("x"), Param("digits", ParamKind.INT, default=0)), BOTH, "x rounded to digits"),
        Function("days_between", (Param("start"), Param("end")), BOTH, "fractional days from start to end"),
        Function("hours_between", (Param("start"), Param("end")), BOTH, "fractional hours from start to end"),
        _text("starts_with", "whether text starts with prefix", "text", "prefix"),
        _text("ends_with", "whether text ends with suffix", "text", "suffix"),
        _text("contains", "whether part occurs in text", "text", "part"),
        Function(
            "like",
            (Param("text"), Param("pattern", ParamKind.PATTERN)),
            ROW_ONLY,
            "whether text matches the SQL LIKE pattern (% any text, _ one character), case-sensitive",
        ),
        _text("lower", "text in lower case"),
        _text("upper", "text in upper case"),
        _text("length", "the number of characters of text"),
        _text("trim", "text without leading and trailing whitespace"),
        _date_part("year", "the year of a date or timestamp"),
        _date_part("quarter", "the calendar quarter, 1 to 4"),
        _date_part("month", "the month, 1 to 12"),
        _date_part("week", "the ISO 8601 week number, 1 to 53"),
        _date_part("weekday", "the ISO day of the week, 1 (Monday) to 7 (Sunday)"),
        _date_part("hour", "the hour of a timestamp, 0 to 23"),
        Function(
            "date_trunc",
            (Param("unit", ParamKind.CHOICE, choices=TRUNCATE_UNITS), Param("t")),
            ROW_ONLY,
            "the first day of the day, week, month, quarter or year containing t, as kpilot's periods start",
        ),
        Function(
            "previous",
            (Param("x"), Param("n", ParamKind.INT, default=1, minimum=1)),
            KPI_ONLY,
            "x, n periods earlier",
            time=True,
        ),
        Function("growth", (Param("x"),), KPI_ONLY, "x / previous(x) - 1", time=True),
        Function(
            "to_date",
            (Param("x"), Param("period", ParamKind.CHOICE, choices=PERIOD_CHOICES)),
            KPI_ONLY,
            "running total of x inside the enclosing month, quarter or year",
            time=True,
        ),
        Function(
            "rolling",
            (Param("x"), Param("n", ParamKind.INT, minimum=1)),
            KPI_ONLY,
            "x over the last n periods, this one included",
            time=True,
        ),
    )
}
