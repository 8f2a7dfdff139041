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
    time: bool = False  # works across periods (window functions on per-period aggregates)


BOTH = frozenset({Level.ROW, Level.KPI})
KPI_ONLY = frozenset({Level.KPI})
PERIOD_CHOICES = ("month", "quarter", "year")

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
        Function("abs", (Param("x"),), BOTH, "absolute value"),
        Function("round", (Param("x"), Param("digits", ParamKind.INT, default=0)), BOTH, "x rounded to digits"),
        Function("days_between", (Param("start"), Param("end")), BOTH, "fractional days from start to end"),
        Function("hours_between", (Param("start"), Param("end")), BOTH, "fractional hours from start to end"),
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
